"""Every use Skillbook makes of MkDocs' internals, in one place.

`mkdocs serve`'s partial rebuilds (``live.py``) run MkDocs' own steps on the
pages a save changed, and MkDocs offers no public way to do so: they call its
private page and template builders, set the configuration's current page as
its build does, pause Material's search while pages are deferred, and take
over the live-reload server's rebuilds, observer and WSGI application.

The build cache (``cache.py``) takes a page's rendering from the cache, which
sets what ``Page.render`` sets (some of it private), and the search plugin's
entries for a page.

These were checked against the versions in ``CHECKED``. On any other, `serve`
refuses to start with live reload (``check_version``) rather than risk serving
a page that differs from the one `mkdocs build` writes; `mkdocs build` uses
none of this and works with any MkDocs 1.x. To support a new version, read
``mkdocs/commands/build.py`` (``_populate_page``, ``_build_page``,
``_build_theme_template``) and ``mkdocs/livereload/__init__.py`` against the
functions below, run tests/test_live_reload.py, and add the version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

if TYPE_CHECKING:  # the server's modules are imported by `mkdocs serve` only
    from wsgiref.types import WSGIApplication

    from mkdocs.livereload import LiveReloadServer

# One entry of the search index, as the search plugin makes it (a page or a section
# of a page: location, title, text); the plugin declares no type for it.
SearchEntry = dict[str, Any]

# The package (mkdocs, or its fork properdocs, which answers to the name mkdocs
# too) and its versions whose internals this module was checked against.
CHECKED: dict[str, tuple[str, ...]] = {"mkdocs": ("1.6.0", "1.6.1"), "properdocs": ("1.6.7",)}


class Running(NamedTuple):
    package: str  # mkdocs or properdocs
    version: str


class Served(NamedTuple):
    """Where the live-reload server serves the site from, and the path it serves it under."""

    root: str
    mount_path: str


def running() -> Running:
    """The package that runs the build, and its version."""
    return Running(mkdocs.__name__, mkdocs.__version__)


def check_version() -> None:
    """Refuse, with the fix, a version of MkDocs this module was not checked against."""
    package, version = running()
    if version in CHECKED.get(package, ()):
        return
    checked = ", ".join(f"{name} {' or '.join(versions)}" for name, versions in CHECKED.items())
    raise PluginError(
        f"Skillbook's live reload was checked with {checked}, not {package} {version}. "
        f"Install a checked version (pip install '{package}=={CHECKED.get(package, CHECKED['mkdocs'])[-1]}'), "
        f"or serve without live reload: {package} serve --no-livereload"
    )


@contextmanager
def _current_page(config: MkDocsConfig, page: Page) -> Iterator[None]:
    """The page MkDocs' build names as being read, for plugins and Markdown extensions that ask."""
    config._current_page = page
    try:
        yield
    finally:
        config._current_page = None


def read_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    """MkDocs' reading of a page, up to its Markdown (the first half of
    ``mkdocs.commands.build._populate_page``)."""
    with _current_page(config, page):
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        assert page.markdown is not None, "read_source sets the page's Markdown"
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)


def convert_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    """The rest of ``_populate_page``: the page's HTML, and its anchors checked."""
    with _current_page(config, page):
        page.render(config, files)
        assert page.content is not None, "render sets the page's HTML"
        page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
    page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)


def build_page(page: Page, config: MkDocsConfig, files: Files, nav: Navigation, env: Any) -> None:
    """A page's HTML file, written as MkDocs' build writes it."""
    from mkdocs.commands.build import _build_page

    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    _build_page(page, config, doc_files, nav, env, excluded=page.file.inclusion.is_excluded())


def build_theme_template(name: str, env: Any, files: Files, config: MkDocsConfig, nav: Navigation) -> None:
    """One of the theme's own pages (404.html, sitemap.xml), as MkDocs' build writes it."""
    from mkdocs.commands.build import _build_theme_template

    _build_theme_template(name, env, files, config, nav)


# -- a page's rendering, from the build cache -------------------------------------------------

# What ``Page.render`` sets, in JSON's types (see rendering and restore_rendering).
Rendering = dict[str, Any]
# A page's rendering as the cache gives it: (page, config, files, MkDocs' own rendering).
CachedRender = Callable[[Page, MkDocsConfig, Files, Callable[[], None]], None]


def render_through(page: Page, render: CachedRender) -> None:
    """MkDocs' build renders this page's Markdown through ``render``, which may call
    MkDocs' own rendering or restore an earlier one (restore_rendering)."""
    own = page.render

    def through(config: MkDocsConfig, files: Files) -> None:
        render(page, config, files, lambda: own(config, files))

    page.render = through  # type: ignore[method-assign]


def rendering(page: Page) -> Rendering:
    """What rendering the page's Markdown set on it."""
    def anchor(link: AnchorLink) -> list[Any]:
        return [link.title, link.id, link.level, [anchor(child) for child in link.children]]

    return {
        "content": page.content,
        "toc": [anchor(link) for link in page.toc],
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links_to_anchors": (
            None if page.links_to_anchors is None
            else {file.src_uri: links for file, links in page.links_to_anchors.items()}
        ),
    }


def restore_rendering(page: Page, files: Files, stored: Rendering) -> None:
    """Set on the page what rendering its Markdown set before (rendering)."""
    def anchor(title: str, id_: str, level: int, children: list[Any]) -> AnchorLink:
        link = AnchorLink(title, id_, level)
        link.children = [anchor(*child) for child in children]
        return link

    page.content = stored["content"]
    page.toc = TableOfContents([anchor(*link) for link in stored["toc"]])
    page._title_from_render = stored["title"]
    page.present_anchor_ids = set(stored["anchors"])
    links = stored["links_to_anchors"]
    if links is not None:
        by_uri = files.src_uris
        page.links_to_anchors = {by_uri[uri]: anchors for uri, anchors in links.items() if uri in by_uri}


# -- Material's search plugin ----------------------------------------------------------------


def search_plugin(config: MkDocsConfig) -> Any:
    """Material's (or MkDocs') search plugin, once it has an index to fill."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return plugin if plugin is not None and getattr(plugin, "search_index", None) is not None else None


def pause_search(config: MkDocsConfig, paused: bool) -> None:
    """While paused, search indexes no page as it is written (under serve, the
    index is made when a browser asks for it)."""
    search = search_plugin(config)
    if search is not None:
        search.config.enabled = not paused


def search_entries(config: MkDocsConfig, page: Page) -> list[SearchEntry]:
    """The page's entries in the search index, as the search plugin makes them."""
    search = search_plugin(config)
    index = type(search.search_index)(**search.config)
    index.add_entry_from_context(page)
    entries: list[SearchEntry] = index.entries
    return entries


def search_settings(config: MkDocsConfig) -> dict[str, Any]:
    """The search plugin's options, which its entries depend on."""
    search = search_plugin(config)
    return dict(search.config) if search is not None else {}


def index_through(config: MkDocsConfig, entries: Callable[[Page], list[SearchEntry]]) -> None:
    """The search plugin indexes each page it is given with ``entries(page)``
    rather than reading the page itself."""
    search = search_plugin(config)
    if search is None:
        return
    index = search.search_index

    def add_entry_from_context(page: Page) -> None:
        index.entries.extend(entries(page))

    index.add_entry_from_context = add_entry_from_context


def search_index(config: MkDocsConfig, entries: list[SearchEntry]) -> str:
    """The search index holding these entries, as the search plugin writes it."""
    search = search_plugin(config)
    index = type(search.search_index)(**search.config)
    index.entries = entries
    written: str = index.generate_search_index(None)
    return written


@contextmanager
def unindexed(config: MkDocsConfig) -> Iterator[None]:
    """Entries the search plugin adds meanwhile are dropped (they are kept by page)."""
    search = search_plugin(config)
    mark = len(search.search_index.entries) if search is not None else 0
    try:
        yield
    finally:
        if search is not None:
            del search.search_index.entries[mark:]


# -- the live-reload server ------------------------------------------------------------------


def take_over_server(
    server: LiveReloadServer, config: MkDocsConfig, rebuild: Callable[[], None],
    serve: Callable[[WSGIApplication], WSGIApplication], poll_interval: float, settle: float,
) -> Served:
    """The server runs ``rebuild`` after a save, answers through the WSGI app
    ``serve`` wraps around its own, and sees saves from the system's file events,
    or every ``poll_interval`` seconds where there are none (watch.py; MkDocs
    looks every half second), and rebuilds once no other save came for ``settle``
    seconds (MkDocs waits 0.1 s). The paths `mkdocs serve` watched before move to the
    new observer; those it watches next (mkdocs.yml's ``watch:``) go there.
    Returns the server's site folder and the path it serves it under."""
    server.builder = rebuild
    server.build_delay = settle
    app = server.get_app()
    assert app is not None, "LiveReloadServer sets its application as it is made"
    server.set_app(serve(app))
    moved = []
    for path in (config.docs_dir, config.config_file_path, *config.theme.dirs):
        try:
            server.unwatch(path)
        except KeyError:
            continue  # not watched (the theme's folders, without --watch-theme)
        moved.append(path)
    from skillbook.mkdocs.watch import save_observer

    # MkDocs types its observer as the polling one it makes; any of watchdog's serves.
    server.observer = save_observer(moved, poll_interval)  # type: ignore[assignment]
    for path in moved:
        server.watch(path)
    return Served(server.root, server.mount_path)
