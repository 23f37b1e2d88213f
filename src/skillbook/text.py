"""Small text helpers shared by the readers and the renderer."""

from __future__ import annotations

import re
import unicodedata

from skillbook.problems import Problem
from skillbook.yaml_source import load_yaml

# Front matter as MkDocs reads it (mkdocs.utils.meta): YAML between --- lines, or
# else MultiMarkdown "Key: value" lines up to the first blank line.
YAML_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
META_LINE = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:\s*.*")
META_MORE = re.compile(r"^([ ]{4}|\t)")


def slugify(value: str) -> str:
    """The slug Python-Markdown's ``toc`` extension gives a heading, so ids made
    here match the anchors MkDocs writes."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def prompt_slug(title: str) -> str:
    """A prompt's default id: its title's slug in lower-case letters, digits and hyphens."""
    return re.sub(r"[-_]+", "-", slugify(title)).strip("-")


def split_front_matter(text: str, path: str = "", problems: list[Problem] | None = None) -> tuple[str, str]:
    """Split front matter off a Markdown file exactly as MkDocs does, so that the
    body here is the Markdown MkDocs renders: ``(front matter, body)``. YAML front
    matter is read with bounded work; what it refuses is added to ``problems``."""
    match = YAML_FRONT_MATTER.match(text)
    if match:
        loaded = load_yaml(match.group(1), path, [] if problems is None else problems, first_line=2)
        if loaded is None or not isinstance(loaded[1], dict):
            return "", text
        rest = text[match.end():]
        body = rest.lstrip("\n")
        return text[: len(text) - len(body)], body
    lines = text.split("\n")
    consumed = 0
    for index, line in enumerate(lines):
        if not line.strip():
            consumed = index + 1  # the blank line ends the metadata and goes with it
            break
        if not (META_LINE.match(line) or (index > 0 and META_MORE.match(line))):
            consumed = index
            break
    else:
        consumed = len(lines)
    front = "\n".join(lines[:consumed]) + ("\n" if consumed else "")
    body = text[len(front):].lstrip("\n") if consumed else text
    return text[: len(text) - len(body)], body


def line_count(text: str) -> int:
    return text.count("\n")


def count(number: int, noun: str, plural: str | None = None) -> str:
    """'1 chapter', '2 chapters', '2 appendices'."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
