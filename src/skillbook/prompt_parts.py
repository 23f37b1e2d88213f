"""A prompt's text in parts, for the reader's tools on a prompt card: the skill
invocations that the reader's assistant writes its own way, the placeholders the
reader fills in, and the text between, which stays byte for byte.

Parts are ``("text", ...)``, ``("skill", id)`` for an ``@id`` that invokes a
skill, and ``("field", name)`` for a ``[name]`` placeholder (the rule is in
``placeholders.py``). Joining them back, ``@`` before a skill and brackets around
a field, gives the prompt's text exactly.

An ``@id`` invokes a skill when the id is a skill of the book, a generic name
(``@skill-name``) or holds a placeholder (``@[language]-expert``); other ``@``
words (``@Override``, ``user@example.com``) are text."""

from __future__ import annotations

import re
from collections.abc import Container

from skillbook.placeholders import names_no_skill, placeholder_matches

# "@" at the start of a word, then an id of lowercase letters, digits and hyphens
# or of bracketed placeholders, such as @docker-expert or @[language]-expert.
MENTION = re.compile(r"(?<![\w@./$-])@(?P<id>(?:[a-z0-9-]|\[[^\]\n]{1,40}\])+)")

Part = tuple[str, str]


def prompt_parts(text: str, skill_ids: Container[str]) -> list[Part]:
    parts: list[Part] = []
    at = 0
    for mention in MENTION.finditer(text):
        skill = mention.group("id").rstrip("-")
        if skill not in skill_ids and not names_no_skill(skill):
            continue
        parts.extend(_fields(text[at:mention.start()]))
        parts.append(("skill", skill))
        at = mention.start() + 1 + len(skill)
    parts.extend(_fields(text[at:]))
    return parts


def joined(parts: list[Part]) -> str:
    """The text the parts were made from."""
    forms = {"text": "{}", "skill": "@{}", "field": "[{}]"}
    return "".join(forms[kind].format(value) for kind, value in parts)


def _fields(text: str) -> list[Part]:
    parts: list[Part] = []
    at = 0
    for field in placeholder_matches(text):
        if field.start() > at:
            parts.append(("text", text[at:field.start()]))
        parts.append(("field", field.group("name")))
        at = field.end()
    if at < len(text):
        parts.append(("text", text[at:]))
    return parts
