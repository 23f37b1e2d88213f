"""Renders the book as Markdown: chapters with their generated parts filled in,
and the pages the book adds (a page per skill and per prompt, the skills
catalog, the prompt library). Layouts are Jinja templates in Skillbook's theme
(``skillbook/mkdocs/theme/skillbook/``), which a book's ``custom_dir`` may
replace one by one; this module only feeds them.

:class:`Renderer` is what the MkDocs adapter holds; its parts can be read and
tested alone:

- :mod:`skillbook.render_cache`: which pages a save leaves as they were;
- :mod:`skillbook.template_helpers`: the filters and functions templates call;
- :mod:`skillbook.site_pages`: the pages the book adds, and the redirects;
- :mod:`skillbook.chapter_markdown`: pages the author writes, with cards and
  directives spliced in and links rewritten."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skillbook.book import Book
from skillbook.chapter_markdown import chapter_markdown, page_markdown
from skillbook.model import (
    FULL_SEARCH_INDEX, PROMPT_LIBRARY, PROMPTS_DIR, SKILLS_CATALOG, SKILLS_DIR, Chapter, prompt_uri, skill_uri,
)
from skillbook.options import assistant_records
from skillbook.render_cache import RenderCache
from skillbook.site_pages import GeneratedPage, Redirect, generated_pages, redirects
from skillbook.template_helpers import (
    PageHelpers, card_about, card_markdown, code_html, environment, inline_markdown, templates_as_saved,
)

# The site's addresses and the filters that show the book's text, named here for the adapter and the tests.
__all__ = [
    "FULL_SEARCH_INDEX", "PROMPT_LIBRARY", "PROMPTS_DIR", "SKILLS_CATALOG", "SKILLS_DIR", "GeneratedPage", "Redirect", "Renderer",
    "card_about", "card_markdown", "code_html", "inline_markdown", "prompt_uri", "skill_uri",
]


class Renderer:
    """Renders a book. With ``keep``, it keeps each page's Markdown with the
    inputs it was rendered from, and a renderer given it as ``previous`` (the
    book after a save, under ``mkdocs serve``) reuses the Markdown of the pages
    whose inputs are equal to theirs then (:mod:`skillbook.render_cache`)."""

    def __init__(
        self, book: Book, template_dirs: Path | str | Sequence[Path | str], previous: Renderer | None = None,
        keep: bool = False,
    ):
        self.book = book
        folders = [template_dirs] if isinstance(template_dirs, (Path, str)) else list(template_dirs)
        self.env = environment(tuple(map(str, folders)))
        saved = tuple(templates_as_saved(Path(folder)) for folder in folders)
        self._cache: RenderCache = RenderCache(saved, previous._cache if previous is not None else None, keep)

    def assistants(self) -> list[dict[str, str]]:
        """The assistants a reader chooses among on prompt cards, the book's form first."""
        return assistant_records(self.book.options.assistants)

    # -- pages the book adds -------------------------------------------------------------

    def generated_pages(self) -> list[GeneratedPage]:
        return generated_pages(self.book, self._cache, self._template)

    def redirects(self) -> list[Redirect]:
        """Pages that keep a former id's address working: (path of the old page in the
        site, relative link to the new one, the new page's path), rendered HTML left
        to :meth:`redirect_page`."""
        return redirects(self.book)

    def redirect_page(self, target: str, url: str) -> str:
        """A page sending the reader, and search engines, to ``target`` (relative) at ``url``."""
        return self.env.get_template("redirect.html").render(target=target, url=url)

    def refused_page(self, src_uri: str) -> str:
        """What stands at the address of a page whose file could not be read safely."""
        return self._render("page-in-error.md", src_uri, name=src_uri)

    def errors_banner(self, warnings: bool = False) -> str:
        """What every page shows above its text while the book has errors (under
        ``mkdocs serve``), and its warnings too when ``warnings`` is set."""
        return self._render("book-errors.md", "index.md", problems=self.book.errors,
                            warnings=self.book.warnings if warnings else [])

    # -- pages the author writes ------------------------------------------------------------

    def chapter(self, chapter: Chapter) -> str:
        """The chapter's body with prompt cards, directives and links to unwritten chapters rendered."""
        return self._cache.page(chapter.src_uri, self.book, lambda book, chapter: chapter_markdown(book, chapter, self._template), chapter)

    def document(self, src_uri: str, markdown: str) -> str:
        """A page that is not a chapter (such as the home page) with its directives rendered."""
        document = self.book.documents.get(src_uri)
        return markdown if document is None else page_markdown(self.book, document, [], self._template)

    def _template(self, template: str, page_uri: str, **context: Any) -> str:
        # Looked up on each call, so that a renderer's _render can be watched.
        return self._render(template, page_uri, **context)

    def _render(self, template: str, page_uri: str, book: Book | None = None, **context: Any) -> str:
        """The template rendered for the page at ``page_uri``, reading ``book`` (by default the renderer's)."""
        book = self.book if book is None else book
        helpers = PageHelpers(book, page_uri, self._template)
        return self.env.get_template(template).render(book=book, renderer=helpers, **helpers.context(), **context)
