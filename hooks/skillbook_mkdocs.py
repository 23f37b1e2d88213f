"""MkDocs adapter for the Skillbook core: maps MkDocs events onto
``skillbook`` (which knows nothing of MkDocs).

- ``on_pre_build``: read and validate the book before the site folder is touched.
- ``on_files``: add the generated pages and build the navigation, which lists the
  chapters and the catalogs but none of the hundreds of generated pages.
- ``on_page_markdown``: hand chapters and pages with directives to the renderer.

``mkdocs build`` writes into a staging folder that replaces the site folder only
when the build succeeds, so a failed build leaves the previous site as it was.
Under ``mkdocs serve`` an error in the book is shown on every page and in the
log, and the next save that fixes it brings the book back.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from skillbook import Book, load_book
from skillbook.render import PROMPT_LIBRARY, SKILLS_CATALOG, Renderer

log = logging.getLogger("mkdocs.hooks.skillbook")

SKILLS_FOLDER = "skills"
TEMPLATE_FOLDER = "skillbook"


class _State:
    command = "build"
    renderer: Renderer | None = None
    book: Book | None = None
    generated: set[str] = set()
    # `mkdocs build` only: the real site folder while the build writes to a staging one.
    site_dir: Path | None = None
    warnings: "_WarningCounter | None" = None


class _WarningCounter(logging.Handler):
    """Counts warnings as MkDocs does for --strict, so that a strict build which
    will fail is never moved into place."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_state = _State()


def on_startup(command: str, dirty: bool) -> None:
    _state.command = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _state.command == "build":
        _state.site_dir = Path(config.site_dir).resolve()
        _state.site_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=f".{_state.site_dir.name}-building-", dir=_state.site_dir.parent)
        config.site_dir = staging
        _state.warnings = _WarningCounter()
        logging.getLogger("mkdocs").addHandler(_state.warnings)
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    root = Path(config.config_file_path).parent
    book = load_book(config.docs_dir, root / SKILLS_FOLDER)
    _state.book = book
    _state.renderer = None
    for problem in book.warnings:
        log.warning(str(problem))
    if book.errors:
        if _state.command == "serve":
            for problem in book.errors:
                log.error(str(problem))
            return  # every page shows the errors until a save fixes them
        raise PluginError(f"The book has {len(book.errors)} error(s):\n" + "\n".join(str(p) for p in book.errors))
    if config.strict and book.warnings:
        raise PluginError(f"Aborted with {len(book.warnings)} book warning(s) in strict mode.")
    _state.renderer = Renderer(book, Path(config.theme.custom_dir) / TEMPLATE_FOLDER)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _state.generated = set()
    if _state.renderer is None:
        return files
    for page in _state.renderer.generated_pages():
        if files.get_file_from_path(page.src_uri) is not None:
            raise PluginError(f"docs/{page.src_uri} is a page the book generates; rename or remove that file")
        files.append(File.generated(config, page.src_uri, content=page.markdown))
        _state.generated.add(page.src_uri)
    if config.nav is None:
        config.nav = _navigation(_state.renderer.book, files)
    return files


def _navigation(book: Book, files: Files) -> list:
    nav: list = []
    if files.get_file_from_path("index.md"):
        nav.append({"Home": "index.md"})
    nav.append({"Chapters": [{chapter.title: chapter.src_uri} for chapter in book.chapters]})
    nav.append({"Skills catalog": SKILLS_CATALOG})
    nav.append({"Prompt library": PROMPT_LIBRARY})
    return nav


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    renderer = _state.renderer
    if renderer is None:
        return _error_banner(_state.book) + markdown
    src_uri = page.file.src_uri
    if src_uri in _state.generated:
        return markdown
    chapter = renderer.book.chapter_by_uri(src_uri)
    if chapter is not None:
        return renderer.chapter(chapter)
    return renderer.document(src_uri, markdown)


def _error_banner(book: Book) -> str:
    lines = "\n".join(f"    - `{problem}`" for problem in book.errors)
    return f'!!! failure "The book has {len(book.errors)} error(s); save a fix and this page reloads"\n\n{lines}\n\n'


def on_post_build(config: MkDocsConfig) -> None:
    if _state.site_dir is None:
        return
    staging = Path(config.site_dir)
    if config.strict and _state.warnings and _state.warnings.count:
        return  # MkDocs aborts the strict build next, and on_build_error discards the staging folder
    previous = _state.site_dir.with_name(staging.name.replace("-building-", "-previous-"))
    if _state.site_dir.exists():
        _state.site_dir.rename(previous)
    staging.rename(_state.site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    config.site_dir = str(_state.site_dir)
    log.info(f"Site written to {_state.site_dir}")


def on_build_error(error: Exception) -> None:
    _discard_staging()


def on_shutdown() -> None:
    _discard_staging()
    if _state.warnings is not None:
        logging.getLogger("mkdocs").removeHandler(_state.warnings)


def _discard_staging() -> None:
    if _state.site_dir is None:
        return
    for leftover in _state.site_dir.parent.glob(f".{_state.site_dir.name}-building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
