"""MkDocs adapter for the Skillbook core: maps MkDocs events onto
``skillbook`` (which knows nothing of MkDocs) and nothing more.

- ``on_pre_build``: read and validate the book before the site folder is touched,
  so a build with errors stops without leaving a half-written site.
- ``on_files``: add the generated pages and build the navigation, which lists the
  chapters and the catalogs but none of the hundreds of generated pages.
- ``on_page_markdown``: hand chapters and pages with directives to the renderer.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from skillbook import load_book
from skillbook.render import PROMPT_LIBRARY, SKILLS_CATALOG, Renderer

log = logging.getLogger("mkdocs.hooks.skillbook")

SKILLS_FOLDER = "skills"
TEMPLATE_FOLDER = "skillbook"

_renderer: Renderer | None = None
_generated: set[str] = set()


def on_pre_build(config: MkDocsConfig) -> None:
    global _renderer
    root = Path(config.config_file_path).parent
    book = load_book(config.docs_dir, root / SKILLS_FOLDER)
    for problem in book.warnings:
        log.warning(str(problem))
    if book.errors:
        raise PluginError(
            f"The book has {len(book.errors)} error(s):\n" + "\n".join(str(p) for p in book.errors)
        )
    if config.strict and book.warnings:
        raise PluginError(f"Aborted with {len(book.warnings)} book warning(s) in strict mode, before writing the site.")
    _renderer = Renderer(book, Path(config.theme.custom_dir) / TEMPLATE_FOLDER)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _renderer is not None
    _generated.clear()
    for page in _renderer.generated_pages():
        if files.get_file_from_path(page.src_uri) is not None:
            raise PluginError(f"docs/{page.src_uri} is a page the book generates; rename or remove that file")
        files.append(File.generated(config, page.src_uri, content=page.markdown))
        _generated.add(page.src_uri)
    if config.nav is None:
        config.nav = _navigation(files)
    return files


def _navigation(files: Files) -> list:
    book = _renderer.book
    nav: list = []
    if files.get_file_from_path("index.md"):
        nav.append({"Home": "index.md"})
    nav.append({"Chapters": [{chapter.title: chapter.src_uri} for chapter in book.chapters]})
    nav.append({"Skills catalog": SKILLS_CATALOG})
    nav.append({"Prompt library": PROMPT_LIBRARY})
    return nav


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _renderer is not None
    src_uri = page.file.src_uri
    if src_uri in _generated:
        return markdown
    chapter = _renderer.book.chapter_by_uri(src_uri)
    if chapter is not None:
        return _renderer.chapter(chapter)
    return _renderer.document(src_uri, markdown)
