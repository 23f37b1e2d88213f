"""Placeholders: the fields of a prompt template that a reader fills in, such as
``[language]`` or ``[cloud provider]``.

The rule, so that only real placeholders are taken:
- square brackets around a name that starts with a letter and ends with a letter
  or digit, made of letters, digits, spaces, hyphens, underscores and slashes,
  at most 40 characters, holding a run of at least two letters: ``[language]``,
  ``[cloud provider]``, ``[input/output format]``;
- not a Markdown link or reference (``[docs](url)``, ``[text][ref]``,
  ``[ref]: url``) and not the target of an image (``![alt]``);
- not a character class of a regular expression: ``[a-z]``, ``[A-Z0-9_]`` hold
  no run of two letters, and a class before a quantifier (``[abc]+``) or after
  ``\\`` or ``^`` is left alone;
- not a number (``[1]``) or a task box (``[x]``, ``[ ]``).

A prompt whose first word is ``@skill-name`` (or ``@skill``, ``@skill-id``,
``@your-skill``) or holds a placeholder (``@[language]-expert``) invokes a skill
the reader chooses, so it names no skill of the book."""

from __future__ import annotations

import re
from collections.abc import Iterator

PLACEHOLDER = re.compile(
    r"(?<![\\^!\]\w])\[(?P<name>[A-Za-z](?:[A-Za-z0-9 _/-]{0,38}[A-Za-z0-9])?)\](?![(\[:+*?{])"
)
# A name with a run of two letters, unlike a character class such as a-z.
_WORDLIKE = re.compile(r"[A-Za-z]{2}")
GENERIC_SKILLS = frozenset({"skill-name", "skill", "skill-id", "your-skill"})


def placeholder_matches(text: str) -> Iterator[re.Match]:
    """Every placeholder of ``text``, as a match whose ``name`` group is its name."""
    return (m for m in PLACEHOLDER.finditer(text) if _WORDLIKE.search(m.group("name")))


def placeholders(text: str) -> list[str]:
    """The placeholder names in ``text``, each once, in the order they appear."""
    return list(dict.fromkeys(m.group("name") for m in placeholder_matches(text)))


def names_no_skill(invocation: str) -> bool:
    """Whether a prompt's first word (without the ``@``) is a placeholder, not a skill id."""
    return invocation in GENERIC_SKILLS or bool(placeholders(invocation))
