"""Renders the book as Markdown: chapters with their generated parts filled in,
and the pages the book adds (a page per skill and per prompt, the skills
catalog, the prompt library). Layouts are Jinja templates in the theme's
``custom_dir`` (``overrides/skillbook/``); this module only feeds them."""

from __future__ import annotations

import functools
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from skillbook.book import PROMPT_ID, Book
from skillbook.chapters import CONTEXT, EXPECTED, code_lines, plain_text
from skillbook.code_spans import code_span_delimiter, code_spans
from skillbook.collection import CollectionSkill
from skillbook.directives import DIRECTIVES
from skillbook.links import CHAPTER_FILE_TARGET, SCHEME, Link, replace_links, target_positions, unlinked
from skillbook.model import (  # noqa: F401 - the site's addresses, named here for the adapter
    PROMPT_LIBRARY, PROMPTS_DIR, SKILLS_CATALOG, SKILLS_DIR, Chapter, Directive, Document, Prompt, Skill, prompt_uri,
    skill_uri,
)
from skillbook.options import assistant_records
from skillbook.placeholders import Slot, slots
from skillbook.prompt_parts import prompt_parts
from skillbook.safety import neutralise
from skillbook.skill_ids import SKILL_ID_REGEX
from skillbook.text import count
from skillbook.tokens import estimate_tokens



def _external(target: str) -> bool:
    """Whether a link's target needs no rewriting on another page: it names its scheme, or starts at the site's root."""
    return target.startswith("/") or SCHEME.match(target) is not None


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
def _environment(template_dir: str) -> jinja2.Environment:
    """The templates of a folder, compiled once for every renderer of this
    process (under ``mkdocs serve``, one a save). What depends on the book
    reaches them in each render's context; Jinja still reloads a template
    whose file changed."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=inline_markdown, paragraphs=markdown_paragraphs, code=code_html, exact=exact_attribute, code_span=code_span,
        front_matter=front_matter_value, plain=plain_text, card_markdown=card_markdown, tokens=_estimate_tokens,
        parts=_renderer_filter("_parts"), fields=_renderer_filter("_fields"),
        skill_choices=_renderer_filter("_skill_choices"), filter_keys=_renderer_filter("_filter_keys"),
    )
    env.globals.update(
        skill_uri=skill_uri, prompt_uri=prompt_uri, SKILLS_CATALOG=SKILLS_CATALOG, PROMPT_LIBRARY=PROMPT_LIBRARY,
        CONTEXT_LABEL=CONTEXT, EXPECTED_LABEL=EXPECTED, count=count,
    )
    return env


def _renderer_filter(method: str):
    """A filter answered by the renderer of the page being rendered."""
    @jinja2.pass_context
    def apply(context: jinja2.runtime.Context, value):
        return getattr(context["renderer"], method)(value)
    return apply


def _templates_as_saved(folder: Path) -> tuple:
    """The templates' folder, names and times of last save: a page rendered with
    templates saved since is not reused."""
    return str(folder), tuple(sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size) for entry in folder.iterdir()))


# Pure functions of a prompt's text, called for every card that shows it, on every save under serve.
_estimate_tokens = functools.lru_cache(maxsize=4096)(estimate_tokens)


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    markdown: str
    # The file the page is made from (a skill file, a prompt's chapter), for "Edit" links.
    source: str | None = None


class Renderer:
    """Renders a book. With ``keep``, it keeps each page's Markdown with the
    inputs it was rendered from, and a renderer given it as ``previous`` (the
    book after a save, under ``mkdocs serve``) reuses the Markdown of the pages
    whose inputs are equal to theirs then."""

    def __init__(self, book: Book, template_dir: Path | str, previous: Renderer | None = None, keep: bool = False):
        self.book = book
        self._split_prompts: dict[str, list[tuple[str, str]]] = {}
        self.env = _environment(str(template_dir))
        # Rendered Markdown by page, with the inputs it was rendered from.
        self._rendered: dict[str, tuple[tuple, str]] = {}
        self._keep = keep
        self._book_inputs = (_templates_as_saved(Path(template_dir)), self._whole_book_inputs())
        self._previous = previous._rendered if previous is not None and previous._book_inputs == self._book_inputs else {}

    def _whole_book_inputs(self) -> tuple:
        """What any page may show of the book as a whole: the chapters (titles,
        links, "coming soon" for chapters not written), which words are skill
        invocations (the skills' ids) and the options (assistants, parts)."""
        book = self.book
        return (
            tuple((c.key, c.src_uri, c.title) for c in book.chapters),
            frozenset(book.skills), frozenset(book.invalid_skills), book.options,
            frozenset(book.collection.skills) if book.collection is not None else None,
        )

    def _reused(self, src_uri: str, inputs_of, render) -> str:
        """The page's Markdown: as rendered before from equal inputs, else ``render()``.
        ``inputs_of()`` must hold everything of the book the page's templates read,
        beyond the whole book's inputs; None when the page reads the whole book."""
        if not self._keep and not self._previous:
            return render()
        inputs = inputs_of()
        kept = self._previous.get(src_uri)
        markdown = kept[1] if inputs is not None and kept is not None and kept[0] == inputs else render()
        if inputs is not None and self._keep:
            self._rendered[src_uri] = (inputs, markdown)
        return markdown

    def _skill_page_inputs(self, skill: Skill) -> tuple:
        book = self.book
        prompts = book.prompts_for(skill)
        collection = book.collection
        found = (collection.skills.get(skill.id), collection.suggestions(skill.id)) if collection is not None else None
        return (skill, tuple(prompts), tuple(book.chapters_of(skill)), tuple(book.related(skill)),
                book.introductions.get(skill.id), tuple(book.chapter(p.chapter_key) for p in prompts), found)

    def _install_commands(self, skill: CollectionSkill) -> dict[str, dict[str, str]]:
        """For each assistant, where its skills folder puts the skill and the command that does it."""
        collection = self.book.collection
        return {a.name: {"folder": f"{a.skills_folder}/{skill.id}", "command": collection.install_command(skill, a.skills_folder)}
                for a in self.book.options.assistants}

    def _prompt_page_inputs(self, prompt: Prompt) -> tuple:
        book = self.book
        skill = book.skills.get(prompt.skill_id)
        return (prompt, book.chapter(prompt.chapter_key), skill, tuple(book.prompts_for(skill)) if skill else ())

    def _chapter_inputs(self, chapter: Chapter) -> tuple | None:
        book = self.book
        if any(d.name not in ("skills-table", "skill-introduction") for d in chapter.directives):
            return None  # book-stats, chapter-list: the whole book
        introduced = tuple(book.skills.get(d.args[0]) for d in chapter.directives if d.name == "skill-introduction" and d.args)
        owned = tuple(book.prompts.get(p.id) is p for p in chapter.prompts)
        return (chapter, tuple(book.skills_in_chapter(chapter)), introduced, owned)

    def _prompt_parts(self, prompt: Prompt) -> list[tuple[str, ...]]:
        """The prompt's text in parts, split once for all the cards that show it."""
        if prompt.id not in self._split_prompts:
            self._split_prompts[prompt.id] = prompt_parts(prompt.text, self.book.skills)
        return self._split_prompts[prompt.id]

    def _parts(self, prompt: Prompt) -> Markup:
        """The prompt's text in parts (skill invocations, placeholders, text), for
        the reader's tools on its card (prompt-tools.js), as an attribute value."""
        return exact_attribute(json.dumps(self._prompt_parts(prompt), ensure_ascii=False))

    def _fields(self, prompt: Prompt) -> list[Slot]:
        """The slots the prompt's card offers to fill, in order."""
        return slots(prompt.text)

    def _skill_choices(self, prompt: Prompt) -> Markup:
        """The book's skills that the prompt's invocations holding a placeholder
        (``@[language]-expert``) can become, for the card to tell a reader whose
        value makes no skill of the book, as an attribute value."""
        patterns = [re.compile("".join(SKILL_ID_REGEX if piece.startswith("[") else re.escape(piece)
                                       for piece in re.split(r"(\[[^\]]+\])", part[1]) if piece))
                    for part in self._prompt_parts(prompt) if part[0] == "skill" and "[" in part[1]]
        ids = sorted(skill for skill in self.book.skills if any(p.fullmatch(skill) for p in patterns))
        return exact_attribute(json.dumps(ids if patterns else None))

    def _filter_keys(self, chapters: list[Chapter]) -> str:
        """What a catalog or library item is filtered by: its chapters' keys
        (16, A) and their parts (part-1), as list-filter.js reads them."""
        keys = [str(chapter.key) for chapter in chapters]
        numbers = {chapter.number for chapter in chapters if not chapter.is_appendix}
        keys += [f"part-{part.number}" for part in self.book.options.parts if numbers & set(part.chapters)]
        return " ".join(keys)

    def _filter_chapters(self) -> list[tuple[str, str]]:
        """The parts and chapters a list filter offers, as (value, label)."""
        choices = [(f"part-{part.number}", part.label) for part in self.book.options.parts]
        return choices + [(str(chapter.key), chapter.plain_title) for chapter in sorted(self.book.chapters, key=lambda c: c.sort_key)]

    def assistants(self) -> list[dict[str, str]]:
        """The assistants a reader chooses among on prompt cards, the book's form first."""
        return assistant_records(self.book.options.assistants)

    # -- pages the book adds -------------------------------------------------------------

    def generated_pages(self) -> list[GeneratedPage]:
        pages = [
            GeneratedPage(SKILLS_CATALOG, self._render("skills-catalog.md", SKILLS_CATALOG)),
            GeneratedPage(PROMPT_LIBRARY, self._render("prompt-library.md", PROMPT_LIBRARY)),
        ]
        for skill in sorted(self.book.skills.values(), key=lambda s: s.id):
            uri = skill_uri(skill.id)
            markdown = self._reused(uri, lambda: self._skill_page_inputs(skill), lambda: self._render("skill-page.md", uri, skill=skill))
            pages.append(GeneratedPage(uri, markdown, skill.path))
        # A skill whose file has errors keeps its page (under serve), which points at them.
        for skill_id in sorted(self.book.invalid_skills):
            if skill_id not in self.book.skills and PROMPT_ID.match(skill_id):
                uri = skill_uri(skill_id)
                pages.append(GeneratedPage(uri, self._render("skill-in-error.md", uri, skill_id=skill_id)))
        for prompt in self.book.prompts.values():
            uri = prompt_uri(prompt.id)
            source = self.book.chapter(prompt.chapter_key).path
            markdown = self._reused(uri, lambda: self._prompt_page_inputs(prompt), lambda: self._render("prompt-page.md", uri, prompt=prompt))
            pages.append(GeneratedPage(uri, markdown, source))
        return pages

    def redirects(self) -> list[tuple[str, str, str]]:
        """Pages that keep a former id's address working: (path of the old page in the
        site, relative link to the new one, the new page's path), rendered HTML left
        to :meth:`redirect_page`."""
        found = []
        for folder, owners in ((SKILLS_DIR, self.book.skills.values()), (PROMPTS_DIR, self.book.prompts.values())):
            for owner in owners:
                found.extend((f"{folder}/{former}/index.html", f"../{owner.id}/", f"{folder}/{owner.id}/") for former in owner.former_ids)
        return found

    def redirect_page(self, target: str, url: str) -> str:
        """A page sending the reader, and search engines, to ``target`` (relative) at ``url``."""
        return self.env.get_template("redirect.html").render(target=target, url=url)

    def refused_page(self, src_uri: str) -> str:
        """What stands at the address of a page whose file could not be read safely."""
        return self._render("page-in-error.md", src_uri, name=src_uri)

    def errors_banner(self) -> str:
        """What every page shows above its text while the book has errors (under ``mkdocs serve``)."""
        return self._render("book-errors.md", "index.md", problems=self.book.errors)

    # -- pages the author writes ------------------------------------------------------------

    def chapter(self, chapter: Chapter) -> str:
        """The chapter's body with prompt cards, directives and links to unwritten chapters rendered."""
        def render() -> str:
            replacements: list[tuple[int, int, str]] = []
            for prompt in chapter.prompts:
                if self.book.prompts.get(prompt.id) is prompt:
                    card = self._render("prompt-card-in-chapter.md", chapter.src_uri, prompt=prompt)
                    replacements.append((prompt.start, prompt.end, card))
            return self._page(chapter, replacements)

        return self._reused(chapter.src_uri, lambda: self._chapter_inputs(chapter), render)

    def document(self, src_uri: str, markdown: str) -> str:
        """A page that is not a chapter (such as the home page) with its directives rendered."""
        document = self.book.documents.get(src_uri)
        return markdown if document is None else self._page(document, [])

    def _page(self, document: Document, replacements: list[tuple[int, int, str]]) -> str:
        chapter = document if isinstance(document, Chapter) else None
        # The author's HTML is shown as text (skillbook.safety), before any of ours is added.
        lines = neutralise(document.body.split("\n"), document.code_lines)
        for index in sorted({link.line_index for link in document.chapter_links}):
            lines[index] = self._mark_unwritten_chapters(lines[index], document.src_uri)
        for directive in (d for d in document.directives if self._renderable(d, chapter)):
            template = DIRECTIVES[directive.name].template
            text = self._render(template, document.src_uri, chapter=chapter, args=directive.args)
            replacements.append((directive.start, directive.end, text))
        # A blank line before lists right under a line of text, as GitHub reads them;
        # inside a card the card's own Markdown already has it.
        replacements.extend(
            (index, index, "") for index in document.lists_after_paragraph
            if not any(start <= index < end for start, end, _ in replacements)
        )
        return _splice(lines, replacements)

    def _renderable(self, directive: Directive, chapter: Chapter | None) -> bool:
        """Whether a directive can be rendered; one in error (reported) is left as the
        invisible comment it is, so the rest of the page still builds."""
        spec = DIRECTIVES.get(directive.name)
        if spec is None or len(directive.args) != spec.arguments or (spec.chapters_only and chapter is None):
            return False
        if directive.name == "skill-introduction":
            skill = self.book.skills.get(directive.args[0])
            return skill is not None and bool(skill.introduction)
        return True

    def _mark_unwritten_chapters(self, markdown: str, page_uri: str) -> str:
        """Links to chapters not written yet become their text with a "coming soon" note."""
        def replace(link: Link) -> str | None:
            chapter_file = CHAPTER_FILE_TARGET.match(link.target)
            if link.image or not link.text or chapter_file is None or not self.book.is_unwritten(chapter_file.group("href")):
                return None
            return self._render("unwritten-chapter-link.md", page_uri, text=Markup(link.text)).strip("\n")

        return replace_links(markdown, replace)

    def _from_chapter(self, markdown: str, chapter_uri: str, page_uri: str) -> Markup:
        """Markdown from a chapter (a prompt's title, context or expected output) shown
        on ``page_uri``: relative links are made to work from there, and its HTML is
        shown as text."""
        if "<" in markdown:  # most titles and contexts hold no HTML: no need to find their code
            markdown = "\n".join(neutralise(markdown.split("\n"), code_lines(markdown)))
        markdown = self._mark_unwritten_chapters(markdown, page_uri)
        if page_uri != chapter_uri:
            out, last = [], 0
            for at in target_positions(markdown):
                if at.target and not _external(at.target):
                    new = _retarget(at.target, chapter_uri, page_uri)
                    out += [markdown[last:at.start], f"<{new}>" if at.angled else new]
                    last = at.end
            markdown = "".join(out) + markdown[last:]
        return Markup(markdown)

    def _render(self, template: str, page_uri: str, **context) -> str:
        def link(target: str, anchor: str | None = None) -> str:
            """A link from the page being rendered to another page of the book."""
            return _relative(target, page_uri, anchor)

        def from_chapter(markdown: str, prompt: Prompt) -> Markup:
            return self._from_chapter(markdown, self.book.chapter(prompt.chapter_key).src_uri, page_uri)

        def references_of(prompts: list[Prompt]) -> Markup:
            """The link reference definitions of the prompts' chapters, for their
            reference-style links ("[text][label]") to work on this page too."""
            definitions = []
            for number in dict.fromkeys(p.chapter_key for p in prompts):
                chapter = self.book.chapter(number)
                for label, (href, title) in chapter.references.items():
                    target = href if _external(href) else _retarget(href, chapter.src_uri, page_uri)
                    quoted = ' "{}"'.format(title.replace('"', "&quot;")) if title else ""
                    definitions.append(f"[{label}]: {target}{quoted}")
            return Markup("\n".join(definitions))

        return self.env.get_template(template).render(
            book=self.book, renderer=self, filter_chapters=self._filter_chapters,
            page_uri=page_uri, link=link, from_chapter=from_chapter, references_of=references_of,
            install_commands=self._install_commands, **context,
        )


def _retarget(target: str, from_uri: str, page_uri: str) -> str:
    """A relative link written on ``from_uri``, made to work on ``page_uri``."""
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(from_uri), path)) if path else from_uri
    return _relative(resolved, page_uri, anchor or None)


@functools.lru_cache(maxsize=65536)
def _relative(target: str, page_uri: str, anchor: str | None = None) -> str:
    relative = _relative_path(target, posixpath.dirname(page_uri))
    return f"{relative}#{anchor}" if anchor else relative


def _splice(lines: list[str], replacements: list[tuple[int, int, str]]) -> str:
    """Replace line ranges (0-based, end exclusive; an empty range inserts) with rendered text."""
    out: list[str] = []
    position = 0
    for start, end, text in sorted(replacements, key=lambda r: (r[0], r[1])):
        if start < position:
            raise ValueError(f"overlapping replacements at line {start + 1}")
        out.extend(lines[position:start])
        out.append(text.rstrip("\n"))
        position = end
    out.extend(lines[position:])
    return "\n".join(out)


def _relative_path(target: str, start: str) -> str:
    """``posixpath.relpath(target, start or ".")`` for two paths inside docs/,
    without its look-ups of the working folder (thousands a build)."""
    if target.startswith("..") or start.startswith(".."):
        return posixpath.relpath(target, start or ".")
    into, out_of = target.split("/"), start.split("/") if start else []
    shared = 0
    while shared < min(len(into), len(out_of)) and into[shared] == out_of[shared]:
        shared += 1
    return "/".join([".."] * (len(out_of) - shared) + into[shared:]) or "."
