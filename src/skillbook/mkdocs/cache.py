"""The build cache (``skillbook.build_cache``) in MkDocs' build: a page's HTML
and its search entries are taken from the cache when everything they are made
from is as it was.

- A page's HTML (what MkDocs' rendering of its Markdown sets: the HTML, the
  table of contents, the anchors and the links to other pages' anchors, and the
  warnings it logged, told again) is keyed by its Markdown as the plugins left
  it, its address, every file of the site with its address (links resolve
  against them), and the options of the Markdown extensions and of link
  validation.
- Its search entries are keyed by its HTML, address, title, table of contents
  and the front matter the search reads, and by the search plugin's options.
- A page as `mkdocs build` writes it (the theme's templates around its HTML) is
  keyed by all the page shows of itself (its HTML, title, table of contents,
  front matter, addresses, neighbours, the chapter shown as where it sits, its
  preview image) and by what every page shows: the navigation with every
  page's title and address, mkdocs.yml's settings and plugins' options, the
  theme's globals (the book's errors, the assistants, the closed parts) and the
  files of the book's own theme folder (custom_dir). Under `mkdocs serve` pages
  are rendered when a browser asks for them (live.py), one at a time.
- The parsed skill and chapter files are kept by ``skillbook.book.ParsedSources``.

The book's generated pages' Markdown is made again at each run: it is made
from the whole book (skillbook.render_cache keeps it under serve).

`mkdocs build` and `mkdocs serve` use the cache unless the environment says
``SKILLBOOK_CACHE=off``; on a CI server (``CI`` set), builds are clean unless
``SKILLBOOK_CACHE=on``. Either way the log says which.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment, Template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.templates import TemplateContext

from skillbook import build_cache
from skillbook.build_cache import CACHE_FILE, BuildCache, Unkeyable
from skillbook.mkdocs import internals
from skillbook.mkdocs.live import layout

log = logging.getLogger("mkdocs.plugins.skillbook")

SWITCH = "SKILLBOOK_CACHE"
# The cache's kinds of entries made here.
RENDERED, INDEXED, WRITTEN = "rendered", "indexed", "written"
# The configuration a page's HTML depends on, besides its Markdown and the site's files.
RENDER_SETTINGS = ("markdown_extensions", "mdx_configs", "validation", "use_directory_urls", "site_url", "docs_dir")


def wanted(environ: Mapping[str, str]) -> tuple[bool, str]:
    """Whether builds use the cache, and why, as the log says it."""
    switch = environ.get(SWITCH, "").strip().lower()
    if switch in {"off", "0", "false", "no"}:
        return False, f"building clean, without the cache ({SWITCH}={environ[SWITCH]})"
    if switch in {"on", "1", "true", "yes"}:
        return True, f"{SWITCH}={environ[SWITCH]}"
    if switch:
        log.warning(f"{SWITCH}={environ[SWITCH]} is neither on nor off, and is ignored; set {SWITCH}=on or {SWITCH}=off")
    if environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        return False, f"building clean, without the cache, as on every CI server (CI is set; {SWITCH}=on to use it)"
    return True, "by default"


def open_cache(config: MkDocsConfig) -> BuildCache:
    """The project's cache file, beside mkdocs.yml (git-ignored under .cache/)."""
    return BuildCache(Path(config.config_file_path).parent / CACHE_FILE, build_cache.environment())


class PageCache:
    """Pages' HTML and search entries, from the cache (see the module's description)."""

    def __init__(self, cache: BuildCache, config: MkDocsConfig) -> None:
        self.cache = cache
        try:
            self._settings: str | None = build_cache.key(
                {name: config[name] for name in RENDER_SETTINGS}, internals.search_settings(config),
            )
        except Unkeyable as error:
            log.info(f"Pages are rendered without the cache: an option of mkdocs.yml cannot be keyed ({error})")
            self._settings = None
        self._site_files = ""
        self._capture = _LogCapture()

    def site_files(self, files: Files) -> None:
        """The site's files, which links resolve against, as the build now has them."""
        self._site_files = build_cache.key(sorted(
            (file.src_uri, file.dest_uri, file.url, file.inclusion.name) for file in files
        ))

    def watch(self, page: Page) -> None:
        """This page's Markdown is rendered through the cache."""
        if self._settings is not None:
            internals.render_through(page, self._render)

    def _render(self, page: Page, config: MkDocsConfig, files: Files, render: Callable[[], None]) -> None:
        assert page.markdown is not None, "MkDocs reads a page's Markdown before rendering it"
        entry_key = build_cache.key(self._settings, self._site_files, page.file.src_uri, page.file.url, page.markdown)
        stored = self.cache.get_data(RENDERED, entry_key)
        if stored is not None:
            internals.restore_rendering(page, files, stored)
            for name, level, message in stored["logged"]:
                logging.getLogger(name).log(level, message)
            return
        with self._capture.records() as logged:
            render()
        self.cache.put_data(RENDERED, entry_key, {**internals.rendering(page), "logged": logged})

    def search_entries(self, page: Page, config: MkDocsConfig) -> list[internals.SearchEntry]:
        """The page's search entries, as the search plugin makes them."""
        if self._settings is None:
            return internals.search_entries(config, page)
        meta = {name: page.meta.get(name) for name in ("title", "tags", "search")}
        toc = [(link.title, link.url) for link in _flat(page.toc)]
        try:
            entry_key = build_cache.key(self._settings, page.url, page.title, toc, meta, page.content)
        except Unkeyable:  # front matter the search reads that cannot be written down
            return internals.search_entries(config, page)
        stored = self.cache.get_data(INDEXED, entry_key)
        if stored is None:
            stored = internals.search_entries(config, page)
            self.cache.put_data(INDEXED, entry_key, stored)
        entries: list[internals.SearchEntry] = stored
        return entries

    def templates(self, env: Environment, config: MkDocsConfig, nav: Navigation, files: Files) -> Environment:
        """The theme's environment, whose page templates give a page as written
        before when all it shows is as it was."""
        if self._settings is None:
            return env
        # MkDocs' build only gets templates from the environment and reads its attributes.
        return cast(Environment, _CachedPages(env, self, config, nav, files))

    def site_key(self, env: Environment, config: MkDocsConfig, nav: Navigation, files: Files) -> str | None:
        """What every page shows of the site, once every page is read (titles
        come from the pages' headings): None when it cannot be keyed."""
        try:
            plugins = {name: dict(getattr(plugin, "config", None) or {}) for name, plugin in config.plugins.items()}
            settings = {name: value for name, value in config.items() if name not in {"plugins", "watch", "site_dir", "theme"}}
            theme = config.theme  # its own description shows its sets in no fixed order
            settings["theme"] = {
                "name": theme.name, "dirs": theme.dirs, "static_templates": theme.static_templates, "options": dict(theme),
            }
            theme_files: list[tuple[str, str]] = []
            custom = Path(config.theme.custom_dir) if config.theme.custom_dir else None
            if custom is not None:
                theme_files = [
                    (path.relative_to(custom).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
                    for path in sorted(custom.rglob("*")) if path.is_file()
                ]
            # A template of the book's own showing the build's date (a copyright year) is made again each day.
            dated = custom is not None and any("build_date_utc" in _text(custom / name) for name, _ in theme_files)
            day = str(date.today()) if dated else ""
            return build_cache.key(self._settings, settings, plugins, dict(env.globals), layout(nav, files), theme_files, day)
        except Unkeyable as error:
            log.info(f"Pages are written without the cache: a setting cannot be keyed ({error})")
            return None


class _CachedPages:
    """The theme's environment in `mkdocs build`: a page's template answers
    with the page as written before when its key (PageCache) is unchanged."""

    def __init__(self, env: Environment, pages: PageCache, config: MkDocsConfig, nav: Navigation, files: Files) -> None:
        self._env, self._pages, self._config, self._nav, self._files = env, pages, config, nav, files
        self.cache = pages.cache
        self._site_key: str | None | bool = False  # not computed yet

    def get_template(self, name: str | Template, *args: Any, **kwargs: Any) -> _CachedTemplate:
        return _CachedTemplate(self._env.get_template(name, *args, **kwargs), self)

    def __getattr__(self, name: str) -> Any:  # any attribute of jinja2's Environment
        return getattr(self._env, name)

    def page_key(self, template: Template, context: TemplateContext) -> str | None:
        if self._site_key is False:
            self._site_key = self._pages.site_key(self._env, self._config, self._nav, self._files)
        page = context.get("page")
        if page is None or self._site_key is None:
            return None

        def link(other: Page | None) -> tuple[str, str | None] | None:
            return (other.url, other.title) if other is not None else None

        try:
            return build_cache.key(
                self._site_key, template.name, page.file.src_uri, page.url, page.title, page.content,
                [(a.title, a.url, a.level) for a in _flat(page.toc)], page.meta, page.edit_url, page.canonical_url,
                link(page.previous_page), link(page.next_page), [a.title for a in page.ancestors],
                [other.file.src_uri for other in self._nav.pages if other.active],
                {name: value for name, value in context.items() if name.startswith("skillbook_")},
            )
        except Unkeyable:
            return None  # this page's front matter holds what cannot be keyed: rendered


class _CachedTemplate:
    def __init__(self, template: Template, pages: _CachedPages) -> None:
        self._template, self._pages = template, pages

    def render(self, context: TemplateContext) -> str:
        entry_key = self._pages.page_key(self._template, context)
        cache = self._pages.cache
        written = cache.get(WRITTEN, entry_key) if entry_key is not None else None
        if written is not None:
            return written.decode("utf-8", "surrogatepass")
        output = self._template.render(context)
        if entry_key is not None:
            cache.put(WRITTEN, entry_key, output.encode("utf-8", "surrogatepass"))
        return output


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _flat(links: TableOfContents | list[AnchorLink]) -> Iterator[AnchorLink]:
    for link in links:
        yield link
        yield from _flat(link.children)


class _LogCapture(logging.Handler):
    """What a page's rendering logs, to be logged again when the rendering is
    taken from the cache (a strict build fails alike). MkDocs' loggers do not
    pass their records on to the root logger, so both are listened to."""

    LOGGERS = ("mkdocs", "")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self._listening: dict[int, list[list[object]]] = {}
        self._threads = threading.Lock()

    @contextmanager
    def records(self) -> Iterator[list[list[object]]]:
        """What this thread logs in the block: [logger, level, message] each."""
        logged: list[list[object]] = []
        thread = threading.get_ident()
        with self._threads:
            self._listening[thread] = logged
            for name in self.LOGGERS:
                logging.getLogger(name).addHandler(self)  # once: a logger keeps a handler once
        try:
            yield logged
        finally:
            with self._threads:
                del self._listening[thread]
                if not self._listening:
                    for name in self.LOGGERS:
                        logging.getLogger(name).removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        logged = self._listening.get(record.thread or 0)
        if logged is not None:
            logged.append([record.name, record.levelno, record.getMessage()])
