"""Skill ids (``docker-expert``): lower-case letters and digits in words joined
by single hyphens. Prompt ids and the names of a collection's skills follow the
same rule. ``skill.schema.json`` and ``api.schema.json`` write the pattern out
for editors and API readers; a test holds them to :data:`SKILL_ID_PATTERN`."""

from __future__ import annotations

import re

# As the JSON Schemas write it, between "^" and "$".
SKILL_ID_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*"
# The same without a group, to build other patterns with.
SKILL_ID_REGEX = "[a-z0-9]+(?:-[a-z0-9]+)*"
_ID = SKILL_ID_REGEX
SKILL_ID = re.compile(rf"^{_ID}$")
# "@skill-id" in running text or a table cell: the id ends where a word would,
# and the "@" starts a word (not "user@host", "./@scope").
MENTION = re.compile(rf"(?<![\w@./$-])@(?P<id>{_ID})(?![\w-])")
# "@skill-id" as the first word of a text (of a code block, say).
FIRST_WORD_MENTION = re.compile(rf"@(?P<id>{_ID})(?=\s|$)")
# "@skill-id" written as a code span: "`@docker-expert`".
MENTION_IN_CODE = re.compile(rf"`@(?P<id>{_ID})`")


def is_skill_id(text: str) -> bool:
    """Whether ``text`` is a valid skill (or prompt) id."""
    return SKILL_ID.match(text) is not None


def mentioned_skill(text: str) -> str | None:
    """The id of the first ``@skill-id`` in ``text``, or None."""
    match = MENTION.search(text)
    return match.group("id") if match else None
