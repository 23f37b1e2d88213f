"""What a prompt card shows and copies for an assistant and the values a reader
typed, worked out from the prompt's parts as the card's rule says."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skillbook.options import Assistant


def as_id(value: str) -> str:
    """A value as it goes into a skill id: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def composed(parts: list[tuple[str, ...]], assistant: Assistant, values: dict[str, str] | None = None) -> str:
    """What the card shows and copies: the first invocation (before any other
    text) in the assistant's invoke form, later ones in its mention form; a
    value in an invocation lower case, joined by hyphens; a field's value by
    its slot's key."""
    values = values or {}
    out, opening = [], True
    for kind, value, *slot in parts:
        if kind == "skill":
            skill = re.sub(r"\[([^\]]+)\]", lambda m: as_id(values.get(m.group(1)) or "") or m.group(0), value)
            out.append((assistant.invoke if opening else assistant.mention).replace("{skill}", skill))
            opening = False
        elif kind == "field":
            out.append(values.get(slot[0]) or f"[{value}]")
        else:
            opening = opening and not value.strip()
            out.append(value)
    return "".join(out)
