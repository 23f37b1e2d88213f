"""What the templates call by name: filters that turn the book's text into
Markdown or HTML that shows it exactly (``md``, ``code``, ``exact``...), the
template environment, and :class:`PageHelpers`, the functions and filters
whose answer depends on the page being rendered (``link``, ``from_chapter``,
``parts``...)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from skillbook.book import Book
from skillbook.chapter_markdown import RenderTemplate, from_chapter, is_external, relative, retarget
from skillbook.chapters import CONTEXT, EXPECTED, plain_text
from skillbook.code_spans import code_span_delimiter, code_spans
from skillbook.collection import CollectionSkill
from skillbook.links import unlinked
from skillbook.model import PROMPT_LIBRARY, SKILLS_CATALOG, Chapter, Prompt, prompt_uri, skill_uri
from skillbook.placeholders import Slot, slots
from skillbook.skill_ids import SKILL_ID_REGEX
from skillbook.text import count
from skillbook.tokens import estimate_tokens


def inline_markdown(value: str) -> Markup:
    """Skill metadata as inline Markdown, with any raw HTML shown as text.

    Code spans are written as ``<code>`` here, their text as entities, so that
    Markdown can never disagree with this function about where a code span ends.
    Elsewhere HTML's special characters, braces (attribute lists), pipes (table
    cells) and stray backticks become entities; emphasis and http(s) links stay
    Markdown."""
    value = value.lstrip()
    parts, last = [], 0
    for span in code_spans(value):
        parts.append(_escape_text(value[last:span.start]))
        parts.append(f"<code>{_entities(value[span.inner].strip())}</code>")
        last = span.end
    parts.append(_escape_text(value[last:]))
    text = "".join(parts)
    # At the start of a paragraph or list item "#" opens a heading and "[x]:" defines a
    # link target that no check has seen: show both as text.
    if text[:1] in ("#", "["):
        text = f"&#{ord(text[0])};{text[1:]}"
    return Markup(text)


def markdown_paragraphs(value: str) -> Markup:
    """Metadata of several paragraphs (blank-line separated), each as :func:`inline_markdown`."""
    paragraphs = (p for p in re.split(r"\n\s*\n", value.strip()) if p.strip())
    return Markup("\n\n".join(inline_markdown(p) for p in paragraphs))


def _entities(text: str) -> str:
    return "".join(char if char.isalnum() or char == " " else f"&#{ord(char)};" for char in text)


def _escape_text(text: str) -> str:
    escaped = str(escape(text.replace("\n", " ")))
    # A backtick left over here opens no code span: Markdown must not pair it either.
    for char, entity in (("{", "&#123;"), ("}", "&#125;"), ("|", "&#124;"), ("`", "&#96;")):
        escaped = escaped.replace(char, entity)
    return escaped


def code_html(text: str) -> Markup:
    """Prompt text as the inside of ``<pre><code>``, kept byte for byte: Markdown
    expands tabs and empties blank-looking lines before any fence is read, so
    the code block is written as HTML with those characters as entities, and
    with backticks and tildes as entities so no fence inside the prompt is read."""
    escaped = str(escape(text))
    for char, entity in (("\t", "&#9;"), ("\r", "&#13;"), ("`", "&#96;"), ("~", "&#126;")):
        escaped = escaped.replace(char, entity)
    lines = [line.replace(" ", "&#32;") if not line.strip(" ") else line for line in escaped.split("\n")]
    return Markup("\n".join(lines))


def code_span(text: str) -> Markup:
    """Text as a Markdown code span, which shows it exactly (Markdown escapes it):
    delimited by more backticks than it holds, on one line."""
    text = " ".join(text.split("\n"))
    delimiter = code_span_delimiter(text)
    return Markup(f"{delimiter} {text} {delimiter}")


@functools.lru_cache(maxsize=4096)  # a prompt's text, once for all its cards
def exact_attribute(text: str) -> Markup:
    """Text as an HTML attribute value that reads back byte for byte, percent-encoded
    (decodeURIComponent reads it): Python-Markdown expands tabs and empties
    blank-looking lines of the whole page, attributes included, and reads the
    attributes of HTML in Markdown with one level of entities less."""
    return Markup(quote(text, safe=""))


def card_markdown(prompt: Prompt) -> Markup:
    """What "Copy as Markdown" copies besides the prompt: its title, context and
    expected output as the chapter writes them, links reduced to their text, as
    an attribute value."""
    return _card_markdown(prompt.title, prompt.context, prompt.expected_output)


@functools.lru_cache(maxsize=4096)
def _card_markdown(title: str, context: str | None, expected: str | None) -> Markup:
    return exact_attribute(json.dumps(card_about(title, context, expected), ensure_ascii=False))


def card_about(title: str, context: str | None, expected: str | None) -> dict[str, str | None]:
    """A card's title, context and expected output as "Copy as Markdown" copies
    them: as written, links reduced to their text (their targets are pages of
    this site, relative to the chapter)."""
    return {"title": unlinked(title), "context": None if context is None else unlinked(context),
            "expected": None if expected is None else unlinked(expected)}


def front_matter_value(value: str) -> Markup:
    """A YAML front matter value for a generated page. MkDocs themes write
    titles and descriptions into HTML unescaped, so the value is escaped first."""
    return Markup(json.dumps(str(escape(value)), ensure_ascii=False))


@functools.lru_cache(maxsize=8)
def environment(template_dirs: tuple[str, ...]) -> jinja2.Environment:
    """The templates of these folders (the first holding a name wins), compiled
    once for every renderer of this process (under ``mkdocs serve``, one a save).
    What depends on the book reaches them in each render's context; Jinja still
    reloads a template whose file changed."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(template_dirs)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=inline_markdown, paragraphs=markdown_paragraphs, code=code_html, exact=exact_attribute, code_span=code_span,
        front_matter=front_matter_value, plain=plain_text, card_markdown=card_markdown, tokens=_estimate_tokens,
        parts=_page_filter("parts"), fields=_page_filter("fields"),
        skill_choices=_page_filter("skill_choices"), filter_keys=_page_filter("filter_keys"),
    )
    env.globals.update(
        skill_uri=skill_uri, prompt_uri=prompt_uri, SKILLS_CATALOG=SKILLS_CATALOG, PROMPT_LIBRARY=PROMPT_LIBRARY,
        CONTEXT_LABEL=CONTEXT, EXPECTED_LABEL=EXPECTED, count=count,
    )
    return env



def _page_filter(name: str) -> Any:
    """A filter answered by the helpers of the page being rendered."""
    @jinja2.pass_context
    def apply(context: jinja2.runtime.Context, value: Any) -> Any:
        return getattr(context["renderer"], name)(value)
    return apply


def templates_as_saved(folder: Path) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The templates' folder, names and times of last save: a page rendered with
    templates saved since is not reused."""
    return str(folder), tuple(sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size) for entry in folder.iterdir()))


# Pure functions of a prompt's text, called for every card that shows it, on every save under serve.
_estimate_tokens = functools.lru_cache(maxsize=4096)(estimate_tokens)


class PageHelpers:
    """The functions and filters a template calls whose answer depends on the
    page being rendered (``page_uri``) and on the book as that page reads it
    (see :mod:`skillbook.render_cache`). ``render`` renders another template
    for the same page (the "coming soon" note of a link)."""

    def __init__(self, book: Book, page_uri: str, render: RenderTemplate) -> None:
        self.book, self.page_uri, self._render = book, page_uri, render

    def context(self) -> dict[str, Any]:
        """The functions templates call by name."""
        return {
            "page_uri": self.page_uri, "link": self.link, "from_chapter": self.from_chapter,
            "references_of": self.references_of, "install_commands": self.install_commands,
            "filter_chapters": self.filter_chapters,
        }

    def link(self, target: str, anchor: str | None = None) -> str:
        """A link from the page being rendered to another page of the book."""
        return relative(target, self.page_uri, anchor)

    def from_chapter(self, markdown: str, prompt: Prompt) -> Markup:
        """Markdown of a prompt's chapter (its title, context...) that works on this page."""
        return from_chapter(self.book, markdown, self.book.chapter_of(prompt).src_uri, self.page_uri, self._render)

    def references_of(self, prompts: list[Prompt]) -> Markup:
        """The link reference definitions of the prompts' chapters, for their
        reference-style links ("[text][label]") to work on this page too."""
        definitions = []
        for number in dict.fromkeys(p.chapter_key for p in prompts):
            chapter = self.book.chapter(number)
            assert chapter is not None, f"no chapter {number}"
            for label, (href, title) in chapter.references.items():
                target = href if is_external(href) else retarget(href, chapter.src_uri, self.page_uri)
                quoted = ' "{}"'.format(title.replace('"', "&quot;")) if title else ""
                definitions.append(f"[{label}]: {target}{quoted}")
        return Markup("\n".join(definitions))

    def install_commands(self, skill: CollectionSkill) -> dict[str, dict[str, str]]:
        """For each assistant, where its skills folder puts the skill and the command that does it."""
        collection = self.book.collection
        assert collection is not None, "install commands come from the book's collection"
        return {a.name: {"folder": f"{a.skills_folder}/{skill.id}", "command": collection.install_command(skill, a.skills_folder)}
                for a in self.book.options.assistants}

    def filter_chapters(self) -> list[tuple[str, str]]:
        """The parts and chapters a list filter offers, as (value, label)."""
        choices = [(f"part-{part.number}", part.label) for part in self.book.options.parts]
        return choices + [(str(chapter.key), chapter.plain_title) for chapter in sorted(self.book.chapters, key=lambda c: c.sort_key)]

    # -- filters -------------------------------------------------------------------------------

    def parts(self, prompt: Prompt) -> Markup:
        """The prompt's text in parts (skill invocations, placeholders, text), for
        the reader's tools on its card (prompt-tools.js), as an attribute value."""
        return exact_attribute(json.dumps(self.book.prompt_parts(prompt), ensure_ascii=False))

    def fields(self, prompt: Prompt) -> list[Slot]:
        """The slots the prompt's card offers to fill, in order."""
        return slots(prompt.text)

    def skill_choices(self, prompt: Prompt) -> Markup:
        """The book's skills that the prompt's invocations holding a placeholder
        (``@[language]-expert``) can become, for the card to tell a reader whose
        value makes no skill of the book, as an attribute value."""
        patterns = [re.compile("".join(SKILL_ID_REGEX if piece.startswith("[") else re.escape(piece)
                                       for piece in re.split(r"(\[[^\]]+\])", part[1]) if piece))
                    for part in self.book.prompt_parts(prompt) if part[0] == "skill" and "[" in part[1]]
        if not patterns:
            return exact_attribute(json.dumps(None))
        return exact_attribute(json.dumps(sorted(skill for skill in self.book.skills if any(p.fullmatch(skill) for p in patterns))))

    def filter_keys(self, chapters: list[Chapter]) -> str:
        """What a catalog or library item is filtered by: its chapters' keys
        (16, A) and their parts (part-1), as list-filter.js reads them."""
        keys = [str(chapter.key) for chapter in chapters]
        numbers = {chapter.number for chapter in chapters if not chapter.is_appendix}
        keys += [f"part-{part.number}" for part in self.book.options.parts if numbers & set(part.chapters)]
        return " ".join(keys)
