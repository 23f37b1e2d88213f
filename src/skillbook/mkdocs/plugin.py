"""The Skillbook plugin for MkDocs: maps MkDocs events onto ``skillbook``,
which knows nothing of MkDocs.

- ``on_config``: Skillbook's theme (``theme/``: its templates, scripts and
  styles) joins Material's, with the Markdown extensions its templates need, and
  a failed `mkdocs build` will leave the previous site as it was (``atomic.py``).
  It opens the build cache (``cache.py``), unless told not to.
- ``on_pre_build``: read and validate the book before the site folder is touched.
- ``on_files``: add the generated pages and the data files (``api/*.json``,
  ``llms.txt``), and build the navigation, which lists the chapters and the
  catalogs but none of the hundreds of generated pages.
- ``on_page_markdown``: hand chapters and pages with directives to the renderer.
- ``on_env``: a prompt page's previous and next pages are the prompts around it
  in its chapter; the theme's templates get the assistants readers choose among
  and the book's errors.
- ``on_page_context``: the page's link preview image (``skillbook.previews``),
  from the cache or drawn, and its address for the theme's meta tags.
- ``on_post_build``: write the pages that send former ids' addresses on, and
  remove the cached preview images no page used.

Under ``mkdocs serve`` an error in the book is shown on every page and in the
log, every page is built from what is valid, and the next save that fixes it
brings the book back. A save updates only what it changed, and pages are
rendered when requested (``live.py``).

A book names it in ``mkdocs.yml`` as ``plugins: [search, skillbook]``, or
hands its events on from a hook file (``hooks/skillbook_mkdocs.py``).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast
from urllib.parse import quote

import markdown
from jinja2 import Environment
from markupsafe import Markup, escape
from material.extensions import emoji
from mkdocs.config.base import LegacyConfig
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from skillbook import SKILLS_FOLDER, Book, load_book
from skillbook.book import PARSED, ParsedSources
from skillbook.build_cache import BuildCache
from skillbook.chapters import description
from skillbook.data import data_files
from skillbook.model import FULL_SEARCH_INDEX, Chapter, Prompt
from skillbook.mkdocs import internals
from skillbook.mkdocs.atomic import AtomicSite
from skillbook.mkdocs.cache import RENDERED, PageCache, open_cache, wanted
from skillbook.mkdocs.live import LiveSite
from skillbook.mkdocs.navigation import closed_parts
from skillbook.previews import HEIGHT, WIDTH, Card, PreviewCache, image_path, page_kind, palette_primary
from skillbook.published import LOCK_FILE, update_lock
from skillbook.render import PROMPT_LIBRARY, SKILLS_CATALOG, Renderer, prompt_uri, skill_uri
from skillbook.text import count

if TYPE_CHECKING:  # the server's modules are imported by `mkdocs serve` only
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.skillbook")

# Skillbook's theme: Material's page templates it extends (main.html, 404.html,
# partials/), the templates of the pages it renders (skillbook/), and the scripts
# and styles every page loads (assets/). It comes after the book's custom_dir,
# whose files take its files' place, and before Material's.
THEME = Path(__file__).parent / "theme"
TEMPLATE_FOLDER = "skillbook"
STYLESHEETS = ["assets/stylesheets/skillbook.css"]
SCRIPTS = [
    "assets/javascripts/vendor/tablesort.min.js",
    "assets/javascripts/vendor/tablesort.number.min.js",
    "assets/javascripts/skillbook.js",
    "assets/javascripts/prompt-tools.js",
    "assets/javascripts/list-filter.js",
    "assets/javascripts/mermaid-loader.js",
]
# What the theme's templates are written in beyond MkDocs' own Markdown (admonitions,
# attribute lists, Markdown in HTML, Material's icons, highlighted code): added to a
# book's markdown_extensions, with these options, when it does not list them.
REQUIRED_EXTENSIONS = {
    "admonition": {},
    "attr_list": {},
    "md_in_html": {},
    "pymdownx.highlight": {},
    "pymdownx.superfences": {},
    "pymdownx.emoji": {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_svg},
}

# Where the link preview images are kept between builds, relative to mkdocs.yml.
PREVIEWS_CACHE = Path(".cache", "skillbook", "previews")

# An entry of mkdocs.yml's ``nav:``: a page's path, or a title over a page's path or
# a section's paths.
NavEntry = str | dict[str, str | list[str]]


class _Banner(NamedTuple):
    """The book's errors as HTML, for the renderer (the book as read) they were converted for."""

    renderer: Renderer | None
    html: str


class SkillbookPlugin(BasePlugin[LegacyConfig]):
    """One book's build: the book as last read, its renderer, and under serve the live site."""

    def __init__(self) -> None:
        self._command = "build"
        self._renderer: Renderer | None = None
        self._generated: set[str] = set()
        # Skill and chapter files as last parsed: under serve, a save parses only what it changed.
        self._parsed = ParsedSources()
        # The configuration whose navigation this plugin made (rather than the author).
        self._nav_made_for: MkDocsConfig | None = None
        self._live: LiveSite | None = None
        self._nav: Navigation | None = None
        self._config: MkDocsConfig | None = None
        self._banner_html = _Banner(None, "")
        # The chapter a skill or prompt page shows as where it sits, while that page is rendered.
        self._shown_as_active: list[Page] = []
        self._site = AtomicSite()
        self._previews: PreviewCache | None = None
        # A build draws preview images not cached yet in a thread of their own:
        # Pillow draws and compresses without holding the interpreter, so that the
        # drawing runs beside the rendering of pages rather than after it.
        self._drawing: ThreadPoolExecutor | None = None
        self._drawn: list[Future[None]] = []
        # What builds keep for the next (cache.py): opened at the first build, unless told not to.
        self._cache: BuildCache | None = None
        self._pages: PageCache | None = None

    @property
    def renderer(self) -> Renderer:
        assert self._renderer is not None, "on_pre_build reads the book first"
        return self._renderer

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command = command
        self._site.startup(command)
        # Without live reload (--no-livereload) the server serves the files as built.
        if command == "serve" and "--no-livereload" not in sys.argv:
            internals.check_version()
            self._live = LiveSite(self)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        twice = [name for name, plugin in config.plugins.items() if _another_skillbook(plugin, self)]
        if twice:
            raise PluginError(f"Skillbook runs once: keep either the skillbook plugin or its hook, not both ({', '.join(twice)})")
        if config.theme.name != "material":
            raise PluginError("Skillbook's templates extend Material for MkDocs: set `theme: name: material` in mkdocs.yml")
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        listed_css = set(map(str, config.extra_css))
        config.extra_css[:0] = [path for path in STYLESHEETS if path not in listed_css]
        listed_js = set(map(str, config.extra_javascript))
        config.extra_javascript[:0] = [ExtraScriptValue(path) for path in SCRIPTS if path not in listed_js]
        for name, options in REQUIRED_EXTENSIONS.items():
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
                config.mdx_configs[name] = options
        if self._command == "serve":
            # A save of a skill file (or of Skillbook's own theme) rebuilds as a page's does.
            skills = str(Path(config.config_file_path).parent / SKILLS_FOLDER)
            config.watch.extend(path for path in (skills, str(THEME)) if os.path.isdir(path) and path not in config.watch)
        self._site.stage(config)
        if self._live is not None:
            self._live.begin_build(config)
        # Git-ignored (.cache/), beside mkdocs.yml as Material's own plugins keep theirs.
        self._previews = PreviewCache(Path(config.config_file_path).parent / PREVIEWS_CACHE)
        self._open_cache(config)
        return config

    def _open_cache(self, config: MkDocsConfig) -> None:
        """The build cache, opened once a run (a server's rebuilds share it)."""
        if self._cache is None:
            use, why = wanted(os.environ)
            log.info(f"Skillbook's cache: {'used, ' if use else ''}{why}")
            if not use:
                return
            self._cache = open_cache(config)
            self._parsed = ParsedSources(self._cache)
        self._pages = PageCache(self._cache, config)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[[], None]) -> LiveReloadServer:
        return self._live.install(server, builder) if self._live is not None else server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._config = config
        pages = self._pages
        if pages is not None:  # the search plugin has its index by now
            internals.index_through(config, lambda page: pages.search_entries(page, config))
        root = Path(config.config_file_path).parent
        book = load_book(config.docs_dir, root / SKILLS_FOLDER, root, config.config_file_path, self._parsed)
        # Paths relative to the project, as `skillbook check` prints them there.
        book.problems = [problem.relative_to(root) for problem in book.problems]
        # Under serve, pages whose inputs a save left as they were are not rendered again.
        serving = self._live is not None
        self._renderer = Renderer(book, _template_dirs(config), self._renderer if serving else None, keep=serving)
        for problem in book.warnings:
            log.warning(str(problem))
        # The collection is another project's: its problems are told, and fail no strict
        # build. Its clone may lie beside the project: named as `skillbook check` names it.
        for problem in book.collection.problems if book.collection is not None else []:
            log.info(str(replace(problem, path=os.path.relpath(problem.path, root))))
        if book.errors and self._command == "serve":
            for problem in book.errors:
                log.error(str(problem))
        elif book.errors:
            raise PluginError(f"The book has {count(len(book.errors), 'error')}:\n" + "\n".join(map(str, book.errors)))
        elif config.strict and book.warnings:
            raise PluginError(f"Aborted with {count(len(book.warnings), 'book warning')} in strict mode.")

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """The generated pages join the author's. With errors (under serve) they are
        built from what is valid, so that every page stays reachable and shows them."""
        renderer = self.renderer
        self._generated.clear()
        if self._live is not None:
            self._live.capture_files(files)
        self._drop_refused(files, renderer.book.refused, config)
        for page in renderer.generated_pages():
            if files.get_file_from_path(page.src_uri) is not None:
                message = f"docs/{page.src_uri} is a page the book generates; rename or remove that file"
                if self._command != "serve":
                    raise PluginError(message)
                log.error(message)
                continue
            file = File.generated(config, page.src_uri, content=page.markdown)
            if page.source is not None:
                # "Edit" links (from repo_url and edit_uri) lead to the file the page is made from.
                file.edit_uri = Path(os.path.relpath(page.source, config.docs_dir)).as_posix()
            files.append(file)
            self._generated.add(page.src_uri)
        for path, content in data_files(renderer.book, config.site_name, config.site_description or "", config.site_url or "/").items():
            files.append(File.generated(config, path, content=content))
        if config.nav is None or config is self._nav_made_for:
            config.nav = _navigation(renderer.book, files)
            self._nav_made_for = config
        if self._command == "build":
            # The book, its pages' Markdown and the templates live as long as the build:
            # Python's collector need not walk them again at each full collection
            # (on the bench book, collections took 0.38 s of the build, 0.28 s so).
            gc.freeze()
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._nav = nav
        if self._pages is not None:
            self._pages.site_files(files)
        if self._live is not None:
            self._live.capture_nav(nav, files)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        renderer = self.renderer
        src_uri = page.file.src_uri
        chapter = renderer.book.chapter_by_uri(src_uri)
        if self._pages is not None:
            self._pages.watch(page)
        if src_uri in self._generated:
            return markdown  # its front matter was escaped as it was rendered
        # Material writes front matter values (title, description) into the HTML as
        # they are; an author's are text.
        page.meta = {key: escape(value) if isinstance(value, str) else value for key, value in page.meta.items()}
        if chapter is not None:
            # Search results label a page by its first tag (Skill, Prompt, Chapter...).
            tags = page.meta.get("tags")
            page.meta["tags"] = [chapter.kind, *(tags if isinstance(tags, list) else [])]
            # A chapter's link preview describes the chapter, not the whole site.
            summary = description(chapter.body) if "description" not in page.meta else None
            if summary:
                page.meta["description"] = escape(summary)
        return renderer.chapter(chapter) if chapter is not None else renderer.document(src_uri, markdown)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Material's footer links a page to the previous and next pages of the
        navigation, which prompt pages are not in: theirs are the prompts before and
        after them in their chapter. Every page exists by now. The theme's templates
        also get the assistants a reader chooses among on prompt cards, and the
        book's errors, which main.html shows on every page (Material's announce
        block) until a save fixes them, and the parts of the navigation rendered
        closed once for every page."""
        book = self.renderer.book
        env.globals["skillbook_assistants"] = self.renderer.assistants()
        env.globals["skillbook_full_search_index"] = "search/" + FULL_SEARCH_INDEX
        env.globals["skillbook_errors"] = Markup(self.banner() or "")
        # Parts that open in place in the navigation (partials/nav.html).
        env.globals["skillbook_closed_parts"] = closed_parts(env, config, self._nav) if self._nav is not None else {}

        by_uri = files.src_uris

        def page_of(prompt: Prompt | None) -> Page | None:
            file = by_uri.get(prompt_uri(prompt.id)) if prompt else None
            return file.page if file else None

        for prompt in book.prompts.values():
            page = page_of(prompt)
            if page is not None:
                before, after = book.neighbours(prompt)
                page.previous_page, page.next_page = page_of(before), page_of(after)
        # Under serve, a full build leaves pages to be rendered when requested.
        if self._live is not None:
            return self._live.deferred(env)
        return self._pages.templates(env, config, self._nav, files) if self._pages is not None and self._nav is not None else env

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        """A skill or prompt page is not in the navigation: its chapter (a prompt's
        own, a skill's first) is marked active while it is rendered, so that
        Material highlights the chapter and opens its part, as for the chapter."""
        chapter = self._home_chapter(page.file.src_uri)
        home = next((p for p in nav.pages if chapter is not None and p.file.src_uri == chapter.src_uri), None)
        if home is not None and home is not page:
            home.active = True  # MkDocs marks its part active too
            self._shown_as_active.append(home)
        if self.renderer.book.options.previews:
            # MkDocs types the context with its own keys only; the theme reads this one too.
            cast(dict[str, object], context)["skillbook_preview"] = self._preview(page, config)
        return context

    def _preview(self, page: Page, config: MkDocsConfig) -> dict[str, object]:
        """The page's card, written into the site (under serve, when a browser
        first asks for it), and what the theme's meta tags say of it: its
        address, absolute as Open Graph wants it, only when ``site_url`` is set
        (as Material's social plugin does), its size and its text alternative."""
        assert self._previews is not None, "on_config makes the cache"
        cache, src_uri = self._previews, page.file.src_uri
        title = page.meta.get("title") or (page.title if not page.is_homepage else None) or config.site_name
        background = palette_primary(config.theme.get("palette"))
        card = Card(Markup(str(title)).striptags(), page_kind(self.renderer.book, src_uri), config.site_name, background)
        path = image_path(src_uri)
        target = Path(config.site_dir) / path
        if self._live is not None:
            self._live.write_when_requested(str(target), lambda: cache.publish(card, target))
        elif cache.has(card):
            cache.publish(card, target)
        else:
            if self._drawing is None:
                self._drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="skillbook-previews")
            self._drawn.append(self._drawing.submit(cache.publish, card, target))
        url = config.site_url.rstrip("/") + "/" + quote(path) if config.site_url else None
        return {"url": url, "alt": card.alt, "width": WIDTH, "height": HEIGHT}

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        while self._shown_as_active:
            self._shown_as_active.pop().active = False
        return output

    # After the search plugin writes its index, before the site is moved into place.
    @event_priority(-50)
    def _write_extras(self, config: MkDocsConfig) -> None:
        """Former ids' addresses lead to the pages that have them now, and search
        loads the pages' titles first (see split_search_index)."""
        redirects = self.write_redirects(config)
        self.split_search_index(Path(config.site_dir) / "search")
        drawn, self._drawn = self._drawn, []
        for image in drawn:
            image.result()  # an image that could not be written fails the build
        if self._command == "build" and self._previews is not None and self.renderer.book.options.previews:
            self._previews.prune()
        if self._cache is not None:
            if self._live is None:
                self._cache.drop_unused()
            else:  # the server's start, which leaves the pages and search entries to the browser's requests
                self._cache.drop_unused(kinds=(PARSED, RENDERED))
            log.info(f"Skillbook's cache ({self._cache.path}): {self._cache.summary()}")
        if self._live is not None:
            self._live.end_build(redirects)
        elif update_lock(Path(config.config_file_path).parent / LOCK_FILE, self.renderer.book.chapters, self.renderer.book.skills):
            log.info(f"{LOCK_FILE}: the ids of new prompts and skills are recorded; commit it with the book")

    @event_priority(-100)  # last: the site is finished
    def _publish(self, config: MkDocsConfig) -> None:
        self._site.publish(config)

    on_post_build = CombinedEvent(_write_extras, _publish)

    def on_build_error(self, *, error: Exception) -> None:
        for image in self._drawn:
            image.cancel()
        wait(self._drawn)  # the one being drawn, before its folder goes
        self._drawn.clear()
        self._site.discard()

    def on_shutdown(self) -> None:
        if self._drawing is not None:
            self._drawing.shutdown(cancel_futures=True)
        if self._cache is not None:
            self._cache.close()
        self._site.shutdown()

    # -- what an update under serve does as a full build (live.Builder) -------------------

    def write_redirects(self, config: MkDocsConfig) -> list[str]:
        """The pages at former ids' addresses; returns their paths."""
        site, written = Path(config.site_dir), []
        # Redirect pages an earlier build wrote under serve may be written again.
        earlier = self._live.redirects if self._live is not None else []
        for old, target, new in self.renderer.redirects():
            path = site / old
            if path.exists() and str(path) not in earlier:
                continue  # a page of the book lives there (an error, reported)
            path.parent.mkdir(parents=True, exist_ok=True)
            url = (config.site_url or "/").rstrip("/") + "/" + new
            path.write_text(self.renderer.redirect_page(target, url), encoding="utf-8")
            written.append(str(path))
        return written

    def search_entries(self, page: Page, config: MkDocsConfig) -> list[internals.SearchEntry]:
        """The page's entries in the search index, from the cache when it has them."""
        if self._pages is not None:
            return self._pages.search_entries(page, config)
        return internals.search_entries(config, page)

    def made_with(self, page: Page, config: MkDocsConfig) -> list[str]:
        """The files of the site made as a page is rendered: its preview image."""
        if not self.renderer.book.options.previews:
            return []
        return [str(Path(config.site_dir) / image_path(page.file.src_uri))]

    def banner(self) -> str | None:
        """What every page shows while the book has errors, and under serve while it
        has warnings (which a strict build refuses), as HTML (converted once a book,
        with the site's Markdown extensions)."""
        renderer = self.renderer
        serving = self._live is not None
        if not renderer.book.errors and not (serving and renderer.book.warnings):
            return None
        if self._banner_html.renderer is not renderer:
            config = self._config
            assert config is not None, "on_pre_build keeps the configuration as it reads the book"
            converter = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
            self._banner_html = _Banner(renderer, converter.convert(renderer.errors_banner(warnings=serving)))
        return self._banner_html.html

    def split_search_index(self, folder: Path) -> None:
        """Every page loads Material's search index in its main thread, which at the
        book's size (about 1 MB) blocks the page for a while on a phone. So the index
        Material loads holds the pages' titles only, and the whole index is a file
        of its own, which Skillbook's search worker (search-worker.js) loads in the
        worker, off the page's thread."""
        index = folder / "search_index.json"
        if not index.is_file():
            return  # search is not enabled
        data = json.loads(index.read_text(encoding="utf-8"))
        index.replace(folder / FULL_SEARCH_INDEX)
        pages = [{**doc, "text": ""} for doc in data["docs"] if "#" not in doc["location"]]
        index.write_text(json.dumps({**data, "docs": pages}, separators=(",", ":")), encoding="utf-8")

    # -- helpers ------------------------------------------------------------------------------

    def _drop_refused(self, files: Files, refused: set[str], config: MkDocsConfig) -> None:
        """Under serve, files the book refused (links out of the project, pages that
        cannot be read or rendered safely) are kept out of the site; their errors show
        on every other page. A refused page of the book keeps its address, with a page
        saying so, so that a browser left on it recovers after the fix."""
        for file in list(files):
            path = file.abs_src_path or ""
            if any(path == r or path.startswith(r + "/") for r in refused):
                files.remove(file)
                if path in refused and file.is_documentation_page() and not Path(path).is_symlink():
                    files.append(File.generated(config, file.src_uri, content=self.renderer.refused_page(file.src_uri)))
                    self._generated.add(file.src_uri)

    def _home_chapter(self, src_uri: str) -> Chapter | None:
        book = self.renderer.book
        page_id = Path(src_uri).stem
        prompt = book.prompts.get(page_id) if src_uri == prompt_uri(page_id) else None
        if prompt is not None:
            return book.chapter(prompt.chapter_key)
        skill = book.skills.get(page_id) if src_uri == skill_uri(page_id) else None
        chapters = book.chapters_of(skill) if skill is not None else []
        return chapters[0] if chapters else None


def _another_skillbook(plugin: object, this: SkillbookPlugin) -> bool:
    """Whether a configured plugin (or hook) is a Skillbook plugin other than ``this``."""
    found = plugin if isinstance(plugin, SkillbookPlugin) else getattr(plugin, "skillbook", None)
    return isinstance(found, SkillbookPlugin) and found is not this


def _template_dirs(config: MkDocsConfig) -> list[Path]:
    """Where the renderer looks for the templates of the pages it renders: the
    book's custom_dir first, so that an author can replace any of them."""
    custom = Path(config.theme.custom_dir) / TEMPLATE_FOLDER if config.theme.custom_dir else None
    return [*([custom] if custom is not None and custom.is_dir() else []), THEME / TEMPLATE_FOLDER]


def _navigation(book: Book, files: Files) -> list[NavEntry]:
    """Home, the chapters (by part, when the book has parts), the appendices, the
    two catalogs and then the author's other pages, each titled by its page; the
    generated skill and prompt pages stay out of it."""
    home: list[NavEntry] = [{"Home": "index.md"}] if "index.md" in book.documents else []
    others = [
        uri for uri in book.documents
        if uri != "index.md" and (file := files.get_file_from_path(uri)) is not None and file.inclusion.is_in_nav()
    ]
    groups: list[NavEntry] = [{title: [chapter.src_uri for chapter in chapters]} for title, chapters in book.groups()]
    return [*home, *groups, SKILLS_CATALOG, PROMPT_LIBRARY, *others]
