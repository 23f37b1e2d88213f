"""Small text helpers shared by the readers and the renderer."""

from __future__ import annotations

import re
import unicodedata

FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


def slugify(value: str) -> str:
    """The slug Python-Markdown's ``toc`` extension gives a heading, so ids made
    here match the anchors MkDocs writes."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def prompt_slug(title: str) -> str:
    """A prompt's default id: its title's slug in lower-case letters, digits and hyphens."""
    return re.sub(r"[-_]+", "-", slugify(title)).strip("-")


def split_front_matter(text: str) -> tuple[str, str]:
    """Split YAML front matter off a Markdown file the way MkDocs does."""
    match = FRONT_MATTER.match(text)
    if not match:
        return "", text
    return match.group(0), text[match.end():]


def line_count(text: str) -> int:
    return text.count("\n")
