"""The book's model: skills, chapters and the prompts found in chapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# The pages the book generates, in docs/ terms: one per skill and per prompt, and
# the two catalogs.
SKILLS_DIR = "skills"
PROMPTS_DIR = "prompts"
SKILLS_CATALOG = f"{SKILLS_DIR}/index.md"
PROMPT_LIBRARY = f"{PROMPTS_DIR}/index.md"
# The whole search index, written beside Material's search/search_index.json (the
# theme's main.html hands its address to the search worker).
FULL_SEARCH_INDEX = "search_index.full.json"


def skill_uri(skill_id: str) -> str:
    return f"{SKILLS_DIR}/{skill_id}.md"


def prompt_uri(prompt_id: str) -> str:
    return f"{PROMPTS_DIR}/{prompt_id}.md"


@dataclass
class Skill:
    """One skill, read from ``skills/<id>.yml``: the only place its facts are written."""

    id: str
    purpose: str
    # None for a skill known only from an index table that gives no "Best For".
    best_for: str | None
    # Chapter numbers and appendix letters ("B") of the pages whose tables list it.
    chapters: list[int | str]
    path: str
    # Position in the skills table of each chapter it belongs to; unset sorts last.
    order: int | None = None
    related: list[str] = field(default_factory=list)
    # Ids it had before: their addresses redirect to its page.
    former_ids: list[str] = field(default_factory=list)
    introduction: str | None = None
    when_to_use: list[str] = field(default_factory=list)
    key_strengths: list[str] = field(default_factory=list)
    # Line of each top-level field in the skill file, for error messages.
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self.order if self.order is not None else 1_000_000, self.id)


@dataclass
class Prompt:
    """A ready-to-paste prompt: a ``text`` fence whose first word is ``@skill-id``.
    A template holds placeholders for the reader to fill (``[language]``); its
    first word may itself be one (``@skill-name``, ``@[language]-expert``), and
    then it names no skill."""

    id: str
    title: str  # inline Markdown, as written in the heading
    plain_title: str  # the title's visible text
    skill_id: str | None
    text: str
    chapter_key: int | str  # the number of its chapter, or the letter of its appendix
    # Title of the ``##`` section the prompt sits in.
    section_title: str | None
    # Markdown after the "**Context:**" and "**Expected Output:**" labels, if given; an
    # expected output written as a block of its own under its label starts with a blank line.
    context: str | None = None
    expected_output: str | None = None
    # Level of the prompt's own heading; None when titled from its section heading.
    heading_level: int | None = None
    # Anchor of the ``##`` section the prompt sits in.
    section_id: str | None = None
    # Source lines (0-based, end exclusive, relative to the chapter body) the card replaces.
    start: int = 0
    end: int = 0
    line: int = 0  # 1-based line of the prompt's fence in its file
    # Ids it had before (``former="old-id"`` in its heading's attribute list): their
    # addresses redirect to its page.
    former_ids: list[str] = field(default_factory=list)
    # Placeholder names in the order they first appear; any makes the prompt a template.
    placeholders: list[str] = field(default_factory=list)

    @property
    def is_template(self) -> bool:
        return bool(self.placeholders) or self.skill_id is None


@dataclass
class Directive:
    """``<!-- skillbook: name args -->``: a place where the book renders generated content."""

    name: str
    args: list[str]
    start: int
    end: int
    line: int
    # Title of the ``##`` section the directive stands in, if any.
    section_title: str | None = None


@dataclass
class ChapterLink:
    """A link in a page's prose to a chapter file, which may not be written yet."""

    href: str
    line_index: int  # 0-based line in the body
    line: int  # 1-based line in the file


@dataclass
class PageLink:
    """A relative link to a file of docs/ (``page.md``, ``page.md#anchor``,
    ``#anchor`` on the same page, ``assets/image.png``)."""

    path: str  # as written, "" for the same page
    anchor: str  # "" when it names none
    line: int  # 1-based line in the file


class Reference(NamedTuple):
    """A link reference definition, ``[label]: href "title"``."""

    href: str
    title: str | None


@dataclass
class Heading:
    """A heading of a chapter that is not a prompt's own, with the anchor it gets."""

    slug: str
    line: int  # 1-based, in its file
    level: int = 2
    plain_title: str = ""


@dataclass
class CodeMention:
    """A fenced block in another language whose first word looks like ``@skill-id``."""

    skill_id: str
    language: str
    line: int


@dataclass
class Document:
    """A Markdown page of docs/, such as the home page; a chapter is a document with prompts."""

    src_uri: str
    path: str
    body: str
    directives: list[Directive] = field(default_factory=list)
    # Body lines (0-based) where a list starts right under a line of text. GitHub
    # (CommonMark) reads a list there; Python-Markdown needs a blank line first.
    lists_after_paragraph: list[int] = field(default_factory=list)
    chapter_links: list[ChapterLink] = field(default_factory=list)
    # Link reference definitions ("[label]: url"), for pages that show this page's Markdown.
    references: dict[str, Reference] = field(default_factory=dict)
    # Past the limits of what the renderer handles in good time: not to be rendered.
    refused: bool = False
    # Body lines (0-based) inside code blocks: text, never HTML or links.
    code_lines: set[int] = field(default_factory=set)
    # Anchors the page's headings and attribute lists give (prompt cards and
    # introductions add theirs in chapters), and the page's links to files of docs/.
    anchors: set[str] = field(default_factory=set)
    page_links: list[PageLink] = field(default_factory=list)


@dataclass
class Chapter(Document):
    """A chapter, ``docs/chapter-<number>-<slug>.md``, or an appendix,
    ``docs/appendix-<letter>-<slug>.md``: both hold prompts, tables and directives."""

    number: int = 0  # 0 for an appendix
    letter: str | None = None  # an appendix's letter, upper case
    title: str = ""  # inline Markdown, as written in the H1
    plain_title: str = ""
    # Lines of front matter above the body, to report file line numbers.
    body_offset: int = 0
    prompts: list[Prompt] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    code_mentions: list[CodeMention] = field(default_factory=list)

    @property
    def is_appendix(self) -> bool:
        return self.letter is not None

    @property
    def key(self) -> int | str:
        """What skills and prompts name it by: its number, or its appendix letter."""
        return self.letter if self.letter is not None else self.number

    @property
    def kind(self) -> str:
        """'Chapter' or 'Appendix': what the page is, as search results label it."""
        return "Appendix" if self.is_appendix else "Chapter"

    @property
    def label(self) -> str:
        """'Chapter 16' or 'Appendix B'."""
        return f"{self.kind} {self.key}"

    @property
    def name(self) -> str:
        """The label in running text: 'chapter 16', 'appendix B'."""
        return self.label[0].lower() + self.label[1:]

    @property
    def sort_key(self) -> tuple[bool, int, str]:
        """Chapters by number, then appendices by letter."""
        return (self.is_appendix, self.number, self.letter or "")

    @property
    def short_title(self) -> str:
        """The plain title without its 'Chapter N:' or 'Appendix B:' prefix."""
        prefix = f"{self.label}:"
        title = self.plain_title
        return title[len(prefix):].strip() if title.startswith(prefix) else title
