"""`mkdocs serve` at the scale of the whole book: a save is shown in well under a
second, where MkDocs would rebuild and render all of the book's pages.

MkDocs rebuilds the whole site on every save. Under `mkdocs serve`, Skillbook
instead keeps the site it built in memory and, on a save of a chapter or a
skill file:

- loads the book again, parsing only the files whose text changed
  (``skillbook.ParsedSources``), and renders again the Markdown of the pages
  whose inputs changed (``Renderer(previous=...)``);
- keeps the pages whose Markdown (and front matter) did not change, with their
  HTML and search entries, and reads the others again;
- renders a page's HTML with the theme when a browser asks for it, not before:
  one page after a save, not a thousand when the navigation changed; and the
  search index when a browser asks for it (a second after a page loads).

A page is rendered again when its Markdown changed, or when anything every page
shows changed: the navigation, a page's title, address or neighbours (the
footer's previous and next links). Any other change (mkdocs.yml, the theme's
overrides, images and scripts in docs/) rebuilds the site as MkDocs does, its
pages still rendered on request. The full build (`mkdocs build`) is untouched.

MkDocs' own steps do the work: its plugins' events, its page reading and
rendering (``mkdocs.commands.build``, reached through ``internals.py``), its
navigation; this module decides only what to run again.
"""

from __future__ import annotations

import logging
import os
import posixpath
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, cast
from urllib.parse import quote

from jinja2 import Environment, Template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from skillbook import SKILLS_FOLDER
from skillbook.mkdocs import internals
from skillbook.model import FULL_SEARCH_INDEX
from skillbook.options import load_options
from skillbook.problems import Problem

if TYPE_CHECKING:  # the server's modules are imported by `mkdocs serve` only
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.skillbook")

# What a page's file holds until a browser asks for the page (never served: the
# page is rendered first).
PLACEHOLDER = "<!-- rendered by mkdocs serve when requested -->\n"
POLL_INTERVAL = 0.1  # seconds
# How long the server waits for another save before it updates the site: a save
# is one event (watch.py), so this only gathers saves of several files at once.
SETTLE = 0.02  # seconds
# Pages converted for the search index between two chances for a save to go
# first: a save waits for these (about 50 ms on this machine), not the book.
SEARCH_BATCH = 10


class Builder(Protocol):
    """What the Skillbook plugin does besides its events, which an update does as a full build."""

    def banner(self) -> str | None:
        """The book's errors, as every page shows them."""

    def write_redirects(self, config: MkDocsConfig) -> list[str]:
        """The pages at former ids' addresses; returns their paths."""

    def split_search_index(self, folder: Path) -> None:
        """The search index split into the pages' titles and the whole index."""

    def search_entries(self, page: Page, config: MkDocsConfig) -> list[internals.SearchEntry]:
        """The page's entries in the search index."""

    def made_with(self, page: Page, config: MkDocsConfig) -> list[str]:
        """The files of the site made as the page is rendered."""


class LiveSite:
    """The site of a running `mkdocs serve`, as its last build left it."""

    def __init__(self, builder: Builder) -> None:
        # The plugin whose banner, redirect pages and search index a full build has.
        self._builder = builder
        self._last_banner: str | None = None
        self.redirects: list[str] = []
        self._lock = threading.RLock()
        # Set while a save waits for the lock: the search index's conversion of
        # the whole book lets it go first (see _convert_for_search).
        self._save_waiting = threading.Event()
        self._config: MkDocsConfig | None = None
        self._files: Files | None = None
        self._nav: Navigation | None = None
        self._env: Environment | None = None  # the theme's Jinja environment, for rendering pages
        self._theme_files: list[File] = []
        # Search entries of each page, by source path, in the search plugin's format.
        self._search_entries: dict[str, list[internals.SearchEntry]] = {}
        self._capturing = False
        # Pages read but not yet converted to HTML (their content is None).
        self._unconverted: set[str] = set()
        # Files of the site to write before they are served: path -> what writes it.
        self._pending: dict[str, Callable[[], None]] = {}
        # Files made as a page is rendered: path -> the page's file, written first when pending.
        self._made_from: dict[str, str] = {}
        self._layout: Layout | None = None
        self._sources: dict[str, Stamp] = {}
        self._full_builder: Callable[[], None] | None = None
        self._root = ""
        self._mount_path = "/"

    # What a full build's events leave here, read once they ran.

    @property
    def config(self) -> MkDocsConfig:
        assert self._config is not None, "begin_build (on_config) keeps the configuration"
        return self._config

    @property
    def files(self) -> Files:
        assert self._files is not None, "capture_nav (on_nav) keeps the site's files"
        return self._files

    @property
    def nav(self) -> Navigation:
        assert self._nav is not None, "capture_nav (on_nav) keeps the navigation"
        return self._nav

    @property
    def env(self) -> Environment:
        assert self._env is not None, "deferred (on_env) keeps the theme's environment"
        return self._env

    # -- a full build (MkDocs' own), followed through the hook's events --------------------

    def begin_build(self, config: MkDocsConfig) -> None:
        self._config = config
        self._capturing = not self._unknown_plugins(config)
        self._pending.clear()
        self._unconverted.clear()
        self._search_entries.clear()
        # Material's search indexes every page as it is written; under serve the
        # index is made when a browser asks for it (a second after a page loads),
        # so that the server is ready sooner.
        if self._capturing:
            internals.pause_search(config, True)

    def capture_files(self, files: Files) -> None:
        """The theme's static files, which only a full build looks for again (an
        update reuses them)."""
        if not self._capturing:
            return
        dirs = [os.path.join(d, "") for d in self.config.theme.dirs]
        self._theme_files = [f for f in files if f.abs_src_path and any(f.abs_src_path.startswith(d) for d in dirs)]

    def capture_nav(self, nav: Navigation, files: Files) -> None:
        self._nav, self._files = nav, files

    def deferred(self, env: Environment) -> Environment:
        """The environment a full build renders pages with: the real one is kept,
        and pages are written as placeholders, rendered on request."""
        self._env = env
        # MkDocs' build only gets templates from the environment and reads its
        # attributes, which _DeferredPages answers as the environment would.
        return cast(Environment, _DeferredPages(env, self)) if self._capturing else env

    def defer(self, page: Page) -> None:
        path = page.file.abs_dest_path
        self._pending[path] = lambda: self._render(page)
        # Files made as it is rendered (its preview image) are made from the page as
        # it will be: asked for first, they wait for it.
        for made in self._builder.made_with(page, self.config):
            self._made_from[made] = path
            self._pending.setdefault(made, _nothing)

    def write_when_requested(self, path: str, write: Callable[[], None]) -> None:
        """A file of the site made as a page is rendered (its preview image),
        written when a browser first asks for it rather than at the start: images
        for the whole book would delay the server's start by seconds."""
        self._pending[path] = write

    def end_build(self, redirects: list[str]) -> None:
        if self._capturing and internals.search_plugin(self.config) is not None:
            internals.pause_search(self.config, False)  # it cleans each page up as it is rendered
            self._defer_search_index()
            # The theme's pages (404.html) show the search box only with search on.
            for template in (t for t in self.config.theme.static_templates if t.endswith(".html")):
                internals.build_theme_template(template, self.env, self.files, self.config, self.nav)
        self._capturing = False
        self.redirects = redirects
        self._last_banner = self._builder.banner()
        self._layout = layout(self.nav, self.files)
        self._sources = self._scan()

    # -- serving ----------------------------------------------------------------------------

    def install(self, server: LiveReloadServer, builder: Callable[[], None]) -> LiveReloadServer:
        """Take over the server's rebuilds, and render pages as they are requested."""
        unknown = self._unknown_plugins(self.config)
        if unknown:
            log.info(f"Every save rebuilds the whole site, as these plugins may need it: {', '.join(unknown)}")
            return server
        self._full_builder = builder
        # Saves arrive as the system's file events; where there are none, they are
        # looked for every POLL_INTERVAL seconds rather than MkDocs' half second
        # (about 3 ms of work a look on the bench book).
        self._root, self._mount_path = internals.take_over_server(server, self.config, self.rebuild, self._app, POLL_INTERVAL, SETTLE)
        return server

    def _unknown_plugins(self, config: MkDocsConfig) -> list[str]:
        """Plugins whose work an update would not repeat as a full build does: all
        but Material's search (its entries are kept by page) and Skillbook, as a
        plugin or as the hook that hands its events on."""
        return [
            name for name, plugin in config.plugins.items()
            if name not in KNOWN_PLUGINS and plugin is not self._builder and getattr(plugin, "skillbook", None) is not self._builder
        ]

    def _app(self, app: WSGIApplication) -> WSGIApplication:
        def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
            if path.startswith(self._mount_path):
                relative = path[len(self._mount_path):] + ("index.html" if path.endswith("/") else "")
                target = os.path.join(self._root, posixpath.normpath("/" + relative).lstrip("/"))
                if target in self._pending:
                    if self._pending.get(target) == self._write_search_index:
                        self._convert_for_search()
                    with self._lock:
                        # A page's image is made from the page as it is now: a page
                        # a save left to render is rendered first.
                        page = self._made_from.get(target)
                        if page is not None and page in self._pending:
                            self._write_pending(page)
                        self._write_pending(target)
            return app(environ, start_response)
        return serve

    def _write_pending(self, target: str) -> None:
        write = self._pending.get(target)
        if write is not None:
            write()  # should it fail, the next request tries again
            if self._pending.get(target) is write:
                del self._pending[target]

    def rebuild(self) -> None:
        """What the server runs after a save."""
        self._save_waiting.set()
        with self._lock:
            self._save_waiting.clear()
            start = time.monotonic()
            changed = self._changed()
            if not changed:
                return
            if not all(self._readable_again(path) for path in changed):
                self._build_all()
                return
            try:
                self._update()
            except Exception:
                log.exception("Updating the site failed; building it again")
                self._build_all()
                return
            log.info(f"Site updated in {time.monotonic() - start:.2f} seconds")

    def _build_all(self) -> None:
        """The whole site built again. While mkdocs.yml cannot be read, the last
        good site stays served (MkDocs would hold every request until a save
        fixes it) and the mistake is reported at its line."""
        assert self._full_builder is not None, "install keeps MkDocs' builder before the server sees a save"
        try:
            self._full_builder()
        except ConfigurationError as error:
            problems: list[Problem] = []
            load_options(self.config.config_file_path, problems)
            found = [str(p.relative_to(Path(self.config.config_file_path).parent)) for p in problems] or [str(error)]
            log.error("mkdocs.yml cannot be read; the last good site is still served until a save fixes it:\n"
                      + "\n".join(found))

    def _readable_again(self, path: str) -> bool:
        """Whether a changed file is one this module updates the site for: a page
        of docs/ or a skill file (what the book is read from)."""
        docs, skills = os.path.join(self.config.docs_dir, ""), os.path.join(self._skills_dir(), "")
        return (path.startswith(docs) and path.endswith(".md")) or path.startswith(skills)

    def _skills_dir(self) -> str:
        return str(Path(self.config.config_file_path).parent / SKILLS_FOLDER)

    def _scan(self) -> dict[str, Stamp]:
        """Every file a save can change (and every link to a folder), with its
        modification time and size."""
        config = self.config
        roots = [config.docs_dir, config.config_file_path, *config.watch]
        found: dict[str, Stamp] = {}
        for root in map(str, roots):
            walk: Iterable[tuple[str, list[str], list[str]]]
            if os.path.isfile(root):
                walk = [(os.path.dirname(root), [], [os.path.basename(root)])]
            else:
                walk = os.walk(root)
            for folder, folders, names in walk:
                # A link to a folder is not walked into, but its coming and going is a change.
                names = [*names, *(name for name in folders if os.path.islink(os.path.join(folder, name)))]
                for name in names:
                    path = os.path.join(folder, name)
                    try:
                        stat = os.stat(path) if os.path.exists(path) else os.lstat(path)  # a link to nothing
                    except OSError:
                        continue  # removed meanwhile
                    found[path] = Stamp(stat.st_mtime_ns, stat.st_size)
        return found

    def _changed(self) -> set[str]:
        before, self._sources = self._sources, self._scan()
        return {path for path in before.keys() | self._sources.keys() if before.get(path) != self._sources.get(path)}

    # -- an update after a save of pages or skills -------------------------------------------

    def _update(self) -> None:
        config, old = self.config, self.files
        config.plugins.on_pre_build(config=config)  # the plugin reads the book again
        banner = self._builder.banner()
        banner_changed, self._last_banner = banner != self._last_banner, banner
        files = get_files(config)
        for file in self._theme_files:
            if file.src_uri not in files.src_uris:
                files.append(file)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)

        files, changed = self._keep_unchanged(old, files)
        for page in (file.page for file in files.documentation_pages() if file.page is not None):
            page.previous_page = page.next_page = page.parent = None
        nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
        self._nav, self._files = nav, files
        for file in changed:
            page = _page(file)
            self._prepare(page, files)
            self._unconverted.add(file.src_uri)
            self._search_entries.pop(file.src_uri, None)
            # A title is in the navigation and the footers of other pages: a page
            # without one in its front matter takes it from its first heading.
            if "title" not in page.meta:
                self._convert(page)
        config.plugins.on_env(self.env, config=config, files=files)

        self._write_data_files(old, files)
        shown = layout(nav, files)
        layout_changed, self._layout = shown != self._layout, shown
        # The book's errors are shown on every page (added to the finished page).
        for file in files.documentation_pages() if layout_changed or banner_changed else changed:
            self._write_placeholder(file)
            self.defer(_page(file))
        if layout_changed or banner_changed:  # the 404 page shows both, the sitemap every page
            for template in config.theme.static_templates:
                internals.build_theme_template(template, self.env, files, config, nav)
        self._remove_pages_gone(old, files)
        redirects = self._builder.write_redirects(config)
        for path in set(self.redirects) - set(redirects):
            self._remove(path)
        self.redirects = redirects
        self._defer_search_index()

    def _defer_search_index(self) -> None:
        folder = os.path.join(self.config.site_dir, "search")
        for name in ("search_index.json", FULL_SEARCH_INDEX):
            self._pending[os.path.join(folder, name)] = self._write_search_index

    def _keep_unchanged(self, old: Files, files: Files) -> tuple[Files, list[File]]:
        """The new files, where a page whose Markdown and front matter are as before
        is the page built before (with its HTML and search entries); and the files
        of the pages to read again, which get their Page from the navigation."""
        kept, changed = [], []
        before = old.src_uris
        # A link to a page is made a link to its address only while the page exists:
        # a page whose Markdown names a page that came or went is read again.
        came_or_went = {uri for uri in before.keys() ^ files.src_uris.keys() if uri.endswith(".md")}
        names = {form for uri in came_or_went for name in [posixpath.basename(uri)] for form in (name, quote(name))}
        for file in files:
            previous = before.get(file.src_uri)
            if not file.is_documentation_page():
                kept.append(file)
            elif (previous is None or previous.page is None or previous.abs_dest_path != file.abs_dest_path
                  or previous.edit_uri != file.edit_uri or any(name in (previous.page.markdown or "") for name in names)):
                kept.append(file)
                changed.append(file)
            elif file.generated_by is not None:  # a page the plugin generates: its Markdown is its content
                same = _content(file) == _content(previous)
                kept.append(previous if same else file)
                if not same:
                    changed.append(file)
            else:
                probe = Page(None, file, self.config)
                self._prepare(probe, files)
                file.page = None
                same = probe.markdown == previous.page.markdown and probe.meta == previous.page.meta
                kept.append(previous if same else file)
                if not same:
                    changed.append(file)
        return Files(kept), changed

    def _prepare(self, page: Page, files: Files) -> None:
        internals.read_page(page, self.config, files)

    def _convert(self, page: Page) -> None:
        """The rest of MkDocs' reading of a page: its HTML."""
        src_uri = page.file.src_uri
        if src_uri not in self._unconverted:
            return
        internals.convert_page(page, self.config, self.files)
        self._unconverted.discard(src_uri)

    def _index(self, page: Page) -> None:
        """The page's search entries, as Material's search makes them from its
        content before the page is first rendered (which takes the marks the
        search reads out of the content)."""
        if internals.search_plugin(self.config) is None or page.file.src_uri in self._search_entries:
            return
        self._search_entries[page.file.src_uri] = self._builder.search_entries(page, self.config)

    def _render(self, page: Page) -> None:
        """A page's HTML, as MkDocs' build writes it."""
        self._convert(page)
        self._index(page)
        with internals.unindexed(self.config):  # the page's entries are kept in search_entries
            internals.build_page(page, self.config, self.files, self.nav, self.env)

    def _write_placeholder(self, file: File) -> None:
        """A new page's file, for the server to find (it sends ``page`` to ``page/``
        when ``page/index.html`` exists) before the page is rendered."""
        if os.path.exists(file.abs_dest_path):
            return
        os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
        with open(file.abs_dest_path, "w", encoding="utf-8") as out:
            out.write(PLACEHOLDER)

    def _write_data_files(self, old: Files, files: Files) -> None:
        """Files the book generates besides pages (api/*.json, llms.txt), where changed."""
        before = old.src_uris
        for file in files:
            if file.is_documentation_page() or file.generated_by is None:
                continue
            previous = before.get(file.src_uri)
            if previous is None or _content(previous) != _content(file):
                file.copy_file()

    def _remove_pages_gone(self, old: Files, files: Files) -> None:
        now = files.src_uris
        for file in old:
            if file.src_uri not in now and file.abs_dest_path:
                self._remove(file.abs_dest_path)

    def _remove(self, path: str) -> None:
        self._pending.pop(path, None)
        try:
            os.remove(path)
            os.removedirs(os.path.dirname(path))
        except OSError:
            pass  # a folder still holding other files stays

    def _index_page(self, file: File) -> None:
        """A page's HTML and its search entries, if not made yet."""
        self._convert(_page(file))
        self._index(_page(file))

    def _convert_for_search(self) -> None:
        """Every page's HTML and search entries, which the search index is made
        of, a few pages at a time: a save made meanwhile (the first after the
        start, say) waits for a few pages, not for the whole book's conversion."""
        while True:
            while self._save_waiting.is_set():
                time.sleep(0.005)
            with self._lock:
                if internals.search_plugin(self.config) is None:
                    return
                todo = [file for file in self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
                        if file.src_uri not in self._search_entries]
                for file in todo[:SEARCH_BATCH]:
                    self._index_page(file)
            if len(todo) <= SEARCH_BATCH:
                return

    def _write_search_index(self) -> None:
        """The search index of every page, as the search plugin writes it, then split
        as the plugin's on_post_build splits it."""
        folder = os.path.join(self.config.site_dir, "search")
        if internals.search_plugin(self.config) is None:
            return
        doc_files = self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for file in doc_files:
            self._index_page(file)  # those _convert_for_search left, or a save changed since
        entries = [entry for file in doc_files for entry in self._search_entries.get(file.src_uri, [])]
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "search_index.json"), "w", encoding="utf-8") as out:
            out.write(internals.search_index(self.config, entries))
        self._builder.split_search_index(Path(folder))
        for path in ("search_index.json", FULL_SEARCH_INDEX):
            self._pending.pop(os.path.join(folder, path), None)


class _DeferredPages:
    """The theme's environment for a full build under serve: a page's template
    writes a placeholder, and the page is rendered when requested; the theme's
    other templates (404.html, sitemap.xml) render as usual."""

    def __init__(self, env: Environment, live: LiveSite) -> None:
        self._env, self._live = env, live

    def get_template(self, name: str | Template, *args: Any, **kwargs: Any) -> _DeferredTemplate:
        return _DeferredTemplate(self._env.get_template(name, *args, **kwargs), self._live)

    def __getattr__(self, name: str) -> Any:  # any attribute of jinja2's Environment
        return getattr(self._env, name)


class _DeferredTemplate:
    def __init__(self, template: Template, live: LiveSite) -> None:
        self._template, self._live = template, live

    def render(self, context: TemplateContext) -> str:
        page = context.get("page")
        if page is None:
            return self._template.render(context)
        self._live.defer(page)
        return PLACEHOLDER


# Plugins whose work an update repeats as a full build would: Material's search
# (its entries are kept by page); and Skillbook (LiveSite._unknown_plugins).
KNOWN_PLUGINS = {"search", "material/search"}


def _nothing() -> None:
    """A file made with a page until the page is rendered, which says how to make it."""


def _content(file: File) -> bytes | None:
    """What a generated file holds (None for the author's files)."""
    return file.content_bytes if file.generated_by is not None else None


def _page(file: File) -> Page:
    """A documentation page's Page, which the navigation gave it."""
    assert file.page is not None, f"MkDocs gives every page it reads its Page, {file.src_uri} included"
    return file.page


class Stamp(NamedTuple):
    """A file as a save changes it."""

    mtime_ns: int
    size: int


class NavItemShown(NamedTuple):
    """An entry of the navigation, as every page shows it."""

    depth: int
    kind: str  # Page, Section or Link
    title: str | None
    url: str | None
    meta: str  # the front matter Material reads there (icons...), as repr()


class Link(NamedTuple):
    url: str
    title: str | None


class PageShown(NamedTuple):
    """What other pages show of a page: its address and title, and its footer's links."""

    src_uri: str
    url: str
    title: str | None
    previous: Link | None
    next: Link | None


class Layout(NamedTuple):
    nav: tuple[NavItemShown, ...]
    pages: tuple[PageShown, ...]


def layout(nav: Navigation, files: Files) -> Layout:
    """What every page shows of the others: the navigation (titles, addresses,
    and the front matter Material reads there, such as icons), and each page's
    title, address and previous and next pages (Material's footer)."""
    # MkDocs types the navigation's items (Section, Page, Link) as a bare list.
    def entries(items: list[Any], depth: int = 0) -> Iterator[NavItemShown]:
        for item in items:
            yield NavItemShown(depth, type(item).__name__, item.title, getattr(item, "url", None), repr(getattr(item, "meta", None)))
            yield from entries(item.children or [], depth + 1)

    def link(page: Page | None) -> Link | None:
        return Link(page.url, page.title) if page is not None else None

    pages = tuple(
        PageShown(file.src_uri, page.url, page.title, link(page.previous_page), link(page.next_page))
        for file in files.documentation_pages() for page in [_page(file)]
    )
    return Layout(tuple(entries(nav.items)), pages)
