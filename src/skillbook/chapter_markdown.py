"""A page the author writes, as the site shows it: its HTML shown as text, its
prompt cards and directives spliced in where the chapter reader found them,
links to chapters not written yet marked "coming soon"; and Markdown taken from
a chapter (a prompt's title or context) with its relative links made to work
on another page."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from typing import NamedTuple

from markupsafe import Markup

from skillbook.book import Book
from skillbook.chapters import code_lines
from skillbook.directives import DIRECTIVES
from skillbook.links import CHAPTER_FILE_TARGET, SCHEME, Link, replace_links, target_positions
from skillbook.model import Chapter, Directive, Document
from skillbook.safety import neutralise

# Renders a template for a page: (template, page_uri, book=..., **context) -> Markdown.
RenderTemplate = Callable[..., str]


class LineReplacement(NamedTuple):
    """Body lines ``start`` to ``end`` (0-based, end exclusive; an empty range
    inserts) replaced with rendered ``text``."""

    start: int
    end: int
    text: str


def chapter_markdown(book: Book, chapter: Chapter, render: RenderTemplate) -> str:
    """The chapter's body with prompt cards, directives and links to unwritten chapters rendered."""
    cards = [
        LineReplacement(prompt.start, prompt.end, render("prompt-card-in-chapter.md", chapter.src_uri, book=book, prompt=prompt))
        for prompt in chapter.prompts if book.prompts.get(prompt.id) is prompt  # the first of two prompts of one id
    ]
    return page_markdown(book, chapter, cards, render)


def page_markdown(book: Book, document: Document, replacements: list[LineReplacement], render: RenderTemplate) -> str:
    """A page's body with ``replacements`` and its directives spliced in."""
    chapter = document if isinstance(document, Chapter) else None
    replacements = list(replacements)
    for directive in (d for d in document.directives if renderable(book, d, chapter)):
        template = DIRECTIVES[directive.name].template
        text = render(template, document.src_uri, book=book, chapter=chapter, args=directive.args)
        replacements.append(LineReplacement(directive.start, directive.end, text))
    # The author's HTML is shown as text (skillbook.safety), before any of ours is added.
    # The lines a card replaces reach the page through its template, each part
    # made safe on its own: a tag there pairs with none outside (a "<div>" in an
    # expected output must not keep a stray "</div>" under the card).
    replaced = {index for r in replacements for index in range(r.start, r.end)}
    lines = neutralise(document.body.split("\n"), document.code_lines | replaced)
    for index in sorted({link.line_index for link in document.chapter_links}):
        lines[index] = mark_unwritten_chapters(book, lines[index], document.src_uri, render)
    # A blank line before lists right under a line of text, as GitHub reads them;
    # inside a card the card's own Markdown already has it.
    replacements.extend(
        LineReplacement(index, index, "") for index in document.lists_after_paragraph
        if not any(r.start <= index < r.end for r in replacements)
    )
    return splice(lines, replacements)


def renderable(book: Book, directive: Directive, chapter: Chapter | None) -> bool:
    """Whether a directive can be rendered; one in error (reported) is left as the
    invisible comment it is, so the rest of the page still builds."""
    spec = DIRECTIVES.get(directive.name)
    if spec is None or len(directive.args) != spec.arguments or (spec.chapters_only and chapter is None):
        return False
    if directive.name == "skill-introduction":
        skill = book.skills.get(directive.args[0])
        return skill is not None and bool(skill.introduction)
    return True


def mark_unwritten_chapters(book: Book, markdown: str, page_uri: str, render: RenderTemplate) -> str:
    """Links to chapters not written yet become their text with a "coming soon" note."""
    def replace(link: Link) -> str | None:
        chapter_file = CHAPTER_FILE_TARGET.match(link.target)
        if link.image or not link.text or chapter_file is None or not book.is_unwritten(chapter_file.group("href")):
            return None
        return render("unwritten-chapter-link.md", page_uri, book=book, text=Markup(link.text)).strip("\n")

    return replace_links(markdown, replace)


def from_chapter(book: Book, markdown: str, chapter_uri: str, page_uri: str, render: RenderTemplate) -> Markup:
    """Markdown from a chapter (a prompt's title, context or expected output) shown
    on ``page_uri``: relative links are made to work from there, and its HTML is
    shown as text."""
    if "<" in markdown:  # most titles and contexts hold no HTML: no need to find their code
        markdown = "\n".join(neutralise(markdown.split("\n"), code_lines(markdown)))
    markdown = mark_unwritten_chapters(book, markdown, page_uri, render)
    if page_uri != chapter_uri:
        out, last = [], 0
        for at in target_positions(markdown):
            if at.target and not is_external(at.target):
                new = retarget(at.target, chapter_uri, page_uri)
                out += [markdown[last:at.start], f"<{new}>" if at.angled else new]
                last = at.end
        markdown = "".join(out) + markdown[last:]
    return Markup(markdown)


def is_external(target: str) -> bool:
    """Whether a link's target needs no rewriting on another page: it names its scheme, or starts at the site's root."""
    return target.startswith("/") or SCHEME.match(target) is not None


def retarget(target: str, from_uri: str, page_uri: str) -> str:
    """A relative link written on ``from_uri``, made to work on ``page_uri``."""
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(from_uri), path)) if path else from_uri
    return relative(resolved, page_uri, anchor or None)


@functools.lru_cache(maxsize=65536)
def relative(target: str, page_uri: str, anchor: str | None = None) -> str:
    """A link from ``page_uri`` to ``target`` (both paths in docs/), with an optional anchor."""
    path = _relative_path(target, posixpath.dirname(page_uri))
    return f"{path}#{anchor}" if anchor else path


def splice(lines: list[str], replacements: list[LineReplacement]) -> str:
    """The lines with their ranges replaced by rendered text."""
    out: list[str] = []
    position = 0
    for start, end, text in sorted(replacements, key=lambda r: (r.start, r.end)):
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
