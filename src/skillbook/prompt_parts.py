"""A prompt's text in parts, for the reader's tools on a prompt card: the skill
invocations that the reader's assistant writes its own way, the placeholders the
reader fills in, and the text between, which stays byte for byte.

Parts are ``("text", ...)``, ``("skill", id)`` for an ``@id`` that invokes a
skill, and ``("field", name, key)`` for a ``[name]`` placeholder filling the
slot ``key`` (the rule is in ``placeholders.py``). Joining them back, ``@``
before a skill and brackets around a field's name, gives the prompt's text
exactly.

An ``@id`` invokes a skill when the id is a skill of the book, a generic name
(``@skill-name``) or holds a placeholder (``@[language]-expert``); other ``@``
words (``@Override``, ``user@example.com``) are text."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping

from skillbook.fences import fence_for
from skillbook.placeholders import Slot, invocation_id, names_no_skill, slots_at

# "@" at the start of a word, then an id of lowercase letters, digits and hyphens
# or of bracketed placeholders, such as @docker-expert or @[language]-expert.
MENTION = re.compile(r"(?<![\w@./$-])@(?P<id>(?:[a-z0-9-]|\[[^\]\n]{1,40}\])+)")

Part = tuple[str, ...]


def prompt_parts(text: str, skill_ids: Container[str]) -> list[Part]:
    slots = slots_at(text)
    parts: list[Part] = []
    at = 0
    for mention in MENTION.finditer(text):
        skill = mention.group("id").rstrip("-")
        if skill not in skill_ids and not names_no_skill(skill):
            continue
        parts.extend(_fields(text, at, mention.start(), slots))
        parts.append(("skill", skill))
        at = mention.start() + 1 + len(skill)
    parts.extend(_fields(text, at, len(text), slots))
    return parts


def joined(parts: list[Part]) -> str:
    """The text the parts were made from."""
    forms = {"text": "{}", "skill": "@{}", "field": "[{}]"}
    return "".join(forms[part[0]].format(part[1]) for part in parts)


def _fields(text: str, start: int, end: int, slots: Mapping[int, Slot]) -> list[Part]:
    parts: list[Part] = []
    at = start
    for offset in (offset for offset in slots if start <= offset < end):
        slot = slots[offset]
        if offset > at:
            parts.append(("text", text[at:offset]))
        parts.append(("field", slot.name, slot.key))
        at = offset + len(slot.name) + 2
    if at < end:
        parts.append(("text", text[at:end]))
    return parts


# What JavaScript's String.prototype.trim() removes (ECMAScript's WhiteSpace and
# LineTerminator), which Python's str.strip() does not quite match: U+FEFF is
# white space to the one only, U+001C to U+001F and U+0085 to the other only.
_JS_WHITE_SPACE = re.compile(r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*")
_BRACKETED = re.compile(r"\[([^\]]+)\]")


def composed(parts: list[Part], invoke: str, mention: str, values: Mapping[str, str] | None = None) -> str:
    """The prompt as a reader's assistant takes it, the rule the prompt cards
    apply in the browser (``prompt-tools.js``): the first invocation, before any
    other text, in the ``invoke`` form, later ones in the ``mention`` form
    (``{skill}`` stands for the id); a placeholder whose slot (by its key) has a
    value is replaced by it, one without stays as written; a value filled into
    an invocation is written as an id (``invocation_id``); every other
    character stays as it is."""
    values = values or {}
    out: list[str] = []
    opening = True
    for kind, value, *slot in parts:
        if kind == "skill":
            skill = _BRACKETED.sub(lambda m: invocation_id(values.get(m.group(1)) or "") or m.group(0), value)
            out.append((invoke if opening else mention).replace("{skill}", skill, 1))
            opening = False
        elif kind == "field":
            out.append(values.get(slot[0]) or f"[{value}]")
        else:
            if _JS_WHITE_SPACE.fullmatch(value) is None:
                opening = False
            out.append(value)
    return "".join(out)


def card_markdown_text(title: str, context: str | None, expected: str | None, prompt: str) -> str:
    """What "Copy as Markdown" copies (``prompt-tools.js`` builds the same): the
    title, the context, the prompt in a fence longer than any run of backticks
    it holds, and the expected output."""
    fence = fence_for(prompt)
    lines = [f"## {title}", ""]
    if context is not None:
        lines += [f"**Context:** {context}", ""]
    lines += [f"{fence}text", prompt, fence]
    if expected is not None:
        lines += ["", f"**Expected Output:** {expected}"]
    return "\n".join(lines) + "\n"
