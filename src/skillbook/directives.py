"""The directives an author writes as HTML comments, ``<!-- skillbook: NAME ARGS -->``,
where the book renders generated content. Each is rendered by its template in
``skillbook/mkdocs/theme/skillbook/`` (or the book's ``custom_dir``), which receives ``args`` and, in a chapter, ``chapter``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DirectiveSpec:
    arguments: int
    template: str
    chapters_only: bool = False


DIRECTIVES = {
    "skills-table": DirectiveSpec(0, "skills-table.md", chapters_only=True),
    "skill-introduction": DirectiveSpec(1, "skill-introduction.md"),
    "book-stats": DirectiveSpec(0, "book-stats.md"),
    "chapter-list": DirectiveSpec(0, "chapter-list.md"),
}
