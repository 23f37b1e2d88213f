"""The book's model: skills, chapters and the prompts found in chapters."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Skill:
    """One skill, read from ``skills/<id>.yml``: the only place its facts are written."""

    id: str
    purpose: str
    best_for: str
    chapters: list[int]
    path: str
    # Position in the skills table of each chapter it belongs to; unset sorts last.
    order: int | None = None
    related: list[str] = field(default_factory=list)
    introduction: str | None = None
    when_to_use: list[str] = field(default_factory=list)
    key_strengths: list[str] = field(default_factory=list)
    # Line of each top-level field in the skill file, for error messages.
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def handle(self) -> str:
        return f"@{self.id}"

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self.order if self.order is not None else 1_000_000, self.id)


@dataclass
class Prompt:
    """A ready-to-paste prompt: a fenced block whose first word is ``@skill-id``."""

    id: str
    title: str  # inline Markdown, as written in the heading
    plain_title: str  # the title's visible text
    skill_id: str
    text: str
    chapter_number: int
    # Id of the ``##`` section the prompt sits in, and that section's title.
    section_id: str | None
    section_title: str | None
    context: str | None = None
    expected_output: str | None = None
    # Level of the prompt's own heading; None when titled from its section heading.
    heading_level: int | None = None
    # Source lines (0-based, end exclusive, relative to the chapter body) the card replaces.
    start: int = 0
    end: int = 0
    line: int = 0  # 1-based line of the prompt's fence in its file


@dataclass
class Directive:
    """``<!-- skillbook: name args -->``: a place where the book renders generated content."""

    name: str
    args: list[str]
    start: int
    end: int
    line: int
    # The ``##`` section (id, title) the directive stands in, if any.
    section: tuple[str, str] | None = None


@dataclass
class PlannedChapterLink:
    """A link to a chapter that is not written yet, shown as text with a 'coming soon' note."""

    text: str
    line_index: int  # 0-based line in the chapter body
    markdown: str  # the link exactly as written
    href: str  # the chapter file it points at


@dataclass
class Document:
    """A page of docs/ that is not a chapter (such as the home page) and uses directives."""

    src_uri: str
    path: str
    body: str
    directives: list[Directive]


@dataclass
class Chapter:
    number: int
    title: str
    src_uri: str
    path: str
    body: str
    # Lines of front matter above the body, to report file line numbers.
    body_offset: int = 0
    prompts: list[Prompt] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    planned_links: list[PlannedChapterLink] = field(default_factory=list)
    # ``##`` sections in order: (id, title).
    sections: list[tuple[str, str]] = field(default_factory=list)
    # Body lines (0-based) where a list starts right under a paragraph line. GitHub
    # (CommonMark) reads a list there; Python-Markdown needs a blank line first.
    lists_after_paragraph: list[int] = field(default_factory=list)

    @property
    def short_title(self) -> str:
        """The title without its 'Chapter N:' prefix."""
        prefix = f"Chapter {self.number}:"
        return self.title[len(prefix):].strip() if self.title.startswith(prefix) else self.title
