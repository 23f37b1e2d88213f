"""Placeholders: the fields of a prompt template that a reader fills in, such as
``[language]`` or ``[cloud provider]``.

The rule, so that only real placeholders are taken:
- square brackets around a name that starts with a letter and ends with a letter
  or digit, made of letters, digits, spaces, commas, hyphens, underscores and
  slashes, at most 40 characters, holding a run of at least two letters:
  ``[language]``, ``[cloud provider]``, ``[input/output format]``,
  ``[framework, language, version]``;
- not a Markdown link or reference (``[docs](url)``, ``[text][ref]``, and
  ``[ref]: url`` at the start of a line) and not the target of an image
  (``![alt]``); ``[feature name]:`` further on in a line is a placeholder;
- not a character class of a regular expression: ``[a-z]``, ``[A-Z0-9_]`` hold
  no run of two letters, and a class before a quantifier (``[abc]+``) or after
  ``\\`` or ``^`` is left alone;
- not a number (``[1]``) or a task box (``[x]``, ``[ ]``).

Slots: what a reader fills in. Every placeholder of one name in a prompt is one
slot (``@[language]-expert Review this [language] code`` asks for the language
once), except where the name stands after different labels, each at the start
of its line (``Team roles: [list]``, ``In scope: [list]``): each label's
placeholder is then a slot of its own, keyed ``list (Team roles)``. So an author
marks two placeholders as one slot by giving them one name (and, on labelled
lines, one label), and as two by giving them two names or two labels. A slot
whose name lists options (``[dev, staging, prod]``) offers them; one that takes
code or text (``[paste ...]``, ``[code]``, ``[error message]``, ``[stack trace]``,
``[log]``, ``[diff]``, ``[snippet]``), or stands on a line of its own, takes
several lines.

A prompt whose first word is ``@skill-name`` (or ``@skill``, ``@skill-id``,
``@your-skill``) or holds a placeholder (``@[language]-expert``) invokes a skill
the reader chooses, so it names no skill of the book; a value filled into such
an invocation is written as an id: lower case, joined by hyphens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

PLACEHOLDER = re.compile(
    r"(?<![\\^!\]\w])\[(?P<name>[A-Za-z](?:[A-Za-z0-9 ,_/-]{0,38}[A-Za-z0-9])?)\](?![(\[+*?{])"
)
# A name with a run of two letters, unlike a character class such as a-z.
_WORDLIKE = re.compile(r"[A-Za-z]{2}")
# A reference definition, [ref]: url, starts its line (after at most three spaces).
_REFERENCE_INDENT = re.compile(r"[ ]{0,3}")
# The label before a placeholder: the line's text up to it, a short phrase
# ending with a colon ("Team roles: [list]", "- In scope: [list]").
_LABEL = re.compile(r"[ \t]*(?:[-*+][ \t]+)?(?P<label>[A-Za-z][^\n\[\]:]{0,38}[A-Za-z0-9)])[ \t]*:[ \t]*")
_TAKES_LINES = re.compile(
    r"^paste\b|(?:^|\s)(?:code|snippet|error|errors|error message|stack trace|log|logs|diff)$", re.IGNORECASE)
GENERIC_SKILLS = frozenset({"skill-name", "skill", "skill-id", "your-skill"})


@dataclass(frozen=True)
class Slot:
    """What a reader fills in: ``key`` names it (the placeholder's name, or
    ``name (label)`` where the name stands after several labels); ``label`` is
    the label its placeholders share, if any; ``options`` are the choices a name
    lists; ``lines`` whether it takes several lines."""

    key: str
    name: str
    label: str | None
    options: tuple[str, ...]
    lines: bool

    @property
    def shared_as(self) -> str:
        """What the slot shares a reader's value with other prompts by: its label
        and name, ``Team roles: [list]``, or ``[language]`` without a label."""
        return f"{self.label}: [{self.name}]" if self.label else f"[{self.name}]"


def placeholder_matches(text: str) -> Iterator[re.Match[str]]:
    """Every placeholder of ``text``, as a match whose ``name`` group is its name."""
    return (m for m in PLACEHOLDER.finditer(text)
            if _WORDLIKE.search(m.group("name"))
            and not (text.startswith(":", m.end()) and _REFERENCE_INDENT.fullmatch(text, _line_start(text, m), m.start())))


def slots_at(text: str) -> dict[int, Slot]:
    """The slot of each placeholder of ``text``, by the placeholder's offset."""
    found = [(m, _label(text, m)) for m in placeholder_matches(text)]
    labels: dict[str, set[str]] = {}
    for m, label in found:
        if label:
            labels.setdefault(m.group("name"), set()).add(label)
    keyed: dict[str, list[tuple[re.Match[str], str | None]]] = {}
    for m, label in found:
        split = label is not None and len(labels[m.group("name")]) > 1
        keyed.setdefault(f"{m.group('name')} ({label})" if split else m.group("name"), []).append((m, label))
    at: dict[int, Slot] = {}
    for key, occurrences in keyed.items():
        name = occurrences[0][0].group("name")
        # The label the slot's placeholders share, which its field shows.
        label = occurrences[0][1] if len({label for _, label in occurrences}) == 1 else None
        options = tuple(option.strip() for option in name.split(",")) if "," in name else ()
        lines = bool(_TAKES_LINES.search(name)) or any(_on_a_line_of_its_own(text, m) for m, _ in occurrences)
        slot = Slot(key, name, label, options, lines)
        at.update((m.start(), slot) for m, _ in occurrences)
    return dict(sorted(at.items()))


def slots(text: str) -> list[Slot]:
    """The slots of ``text``, each once, in the order they first appear."""
    return list({slot.key: slot for slot in slots_at(text).values()}.values())


def placeholders(text: str) -> list[str]:
    """The keys of the slots of ``text`` (a placeholder's name, or ``name (label)``),
    each once, in the order they appear."""
    return [slot.key for slot in slots(text)]


def invocation_id(value: str) -> str:
    """A value filled into a skill invocation (``@[language]-expert``) as an id's
    part: lower case, every run of other characters a hyphen ("Python 3" gives
    "python-3")."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def names_no_skill(invocation: str) -> bool:
    """Whether a prompt's first word (without the ``@``) is a placeholder, not a skill id."""
    return invocation in GENERIC_SKILLS or bool(placeholders(invocation))


def _line_start(text: str, match: re.Match[str]) -> int:
    return text.rfind("\n", 0, match.start()) + 1


def _label(text: str, match: re.Match[str]) -> str | None:
    label = _LABEL.fullmatch(text, _line_start(text, match), match.start())
    return label.group("label").strip() if label else None


def _on_a_line_of_its_own(text: str, match: re.Match[str]) -> bool:
    line_end = text.find("\n", match.end())
    after = text[match.end():] if line_end < 0 else text[match.end():line_end]
    return not text[_line_start(text, match):match.start()].strip() and not after.strip()
