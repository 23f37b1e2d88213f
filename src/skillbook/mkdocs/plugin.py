"""MkDocs adapter for the Skillbook core: maps MkDocs events onto ``skillbook``,
which knows nothing of MkDocs.

- ``on_pre_build``: read and validate the book before the site folder is touched.
- ``on_files``: add the generated pages and the data files (``api/*.json``,
  ``llms.txt``), and build the navigation, which lists the chapters and the
  catalogs but none of the hundreds of generated pages.
- ``on_page_markdown``: hand chapters and pages with directives to the renderer.
- ``on_env``: a prompt page's previous and next pages are the prompts around it
  in its chapter; the theme's templates get the assistants readers choose among.
- ``on_post_build``: write the pages that send former ids' addresses on.

Under ``mkdocs serve`` an error in the book is shown on every page and in the
log, every page is built from what is valid, and the next save that fixes it
brings the book back. A save updates only what it changed, and pages are
rendered when requested (``skillbook_live.py``).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import sys
from pathlib import Path

import markdown
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from skillbook import SKILLS_FOLDER, Book, load_book
from skillbook.book import ParsedSources
from skillbook.chapters import description
from skillbook.data import data_files
from skillbook.published import LOCK_FILE, update_lock
from skillbook.render import PROMPT_LIBRARY, SKILLS_CATALOG, Renderer, prompt_uri, skill_uri
from skillbook.text import count
from skillbook_live import LiveSite

log = logging.getLogger("mkdocs.hooks.skillbook")

TEMPLATE_FOLDER = "skillbook"
# The whole search index, beside Material's search/search_index.json (main.html
# hands its address to the search worker).
FULL_SEARCH_INDEX = "search_index.full.json"
# Where Material's layout starts a page's content, and the title at its head.
CONTENT_START = '<article class="md-content__inner md-typeset">'
CONTENT_TITLE = re.compile(re.escape(CONTENT_START) + r".*?</h1>", re.DOTALL)

_command = "build"
_renderer: Renderer | None = None
_generated: set[str] = set()
# Skill and chapter files as last parsed: under serve, a save parses only what it changed.
_parsed = ParsedSources()
# The configuration whose navigation this hook made (rather than the author).
_nav_made_for: MkDocsConfig | None = None
_live: LiveSite | None = None
_config: MkDocsConfig | None = None
_banner_html: tuple[Renderer | None, str] = (None, "")


def on_startup(command: str, dirty: bool) -> None:
    global _command, _live
    _command = command
    # Without live reload (--no-livereload) the server serves the files as built.
    if command == "serve" and "--no-livereload" not in sys.argv:
        _live = LiveSite(_banner, _write_redirects, _split_search_index)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _live is not None:
        _live.begin_build(config)
    return config


def on_serve(server, config: MkDocsConfig, builder):
    return _live.install(server, builder) if _live is not None else server


def on_pre_build(config: MkDocsConfig) -> None:
    global _renderer, _config
    _config = config
    root = Path(config.config_file_path).parent
    book = load_book(config.docs_dir, root / SKILLS_FOLDER, root, config.config_file_path, _parsed)
    # Paths relative to the project, as `skillbook check` prints them there.
    book.problems = [problem.relative_to(root) for problem in book.problems]
    # Under serve, pages whose inputs a save left as they were are not rendered again.
    serving = _live is not None
    _renderer = Renderer(book, Path(config.theme.custom_dir) / TEMPLATE_FOLDER, _renderer if serving else None, keep=serving)
    for problem in book.warnings:
        log.warning(str(problem))
    # The collection is another project's: its problems are told, and fail no strict build.
    for problem in book.collection.problems if book.collection is not None else []:
        log.info(str(problem.relative_to(root)))
    if book.errors and _command == "serve":
        for problem in book.errors:
            log.error(str(problem))
    elif book.errors:
        raise PluginError(f"The book has {count(len(book.errors), 'error')}:\n" + "\n".join(map(str, book.errors)))
    elif config.strict and book.warnings:
        raise PluginError(f"Aborted with {count(len(book.warnings), 'book warning')} in strict mode.")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """The generated pages join the author's. With errors (under serve) they are
    built from what is valid, so that every page stays reachable and shows them."""
    global _nav_made_for
    _generated.clear()
    if _live is not None:
        _live.capture_files(files)
    _drop_refused(files, _renderer.book.refused, config)
    for page in _renderer.generated_pages():
        if files.get_file_from_path(page.src_uri) is not None:
            message = f"docs/{page.src_uri} is a page the book generates; rename or remove that file"
            if _command != "serve":
                raise PluginError(message)
            log.error(message)
            continue
        file = File.generated(config, page.src_uri, content=page.markdown)
        if page.source is not None:
            # "Edit" links (from repo_url and edit_uri) lead to the file the page is made from.
            file.edit_uri = Path(os.path.relpath(page.source, config.docs_dir)).as_posix()
        files.append(file)
        _generated.add(page.src_uri)
    for path, content in data_files(_renderer.book, config.site_name, config.site_description or "", config.site_url or "/").items():
        files.append(File.generated(config, path, content=content))
    if config.nav is None or config is _nav_made_for:
        config.nav = _navigation(_renderer.book, files)
        _nav_made_for = config
    if _command == "build":
        # The book, its pages' Markdown and the templates live as long as the build:
        # Python's collector need not walk them again at each full collection
        # (on the bench book, collections took 0.38 s of the build, 0.28 s so).
        gc.freeze()
    return files


def on_nav(nav, config: MkDocsConfig, files: Files):
    if _live is not None:
        _live.capture_nav(nav, files)
    return nav


def on_env(env, config: MkDocsConfig, files: Files):
    """Material's footer links a page to the previous and next pages of the
    navigation, which prompt pages are not in: theirs are the prompts before and
    after them in their chapter. Every page exists by now. The theme's templates
    also get the assistants a reader chooses among on prompt cards."""
    book = _renderer.book
    env.globals["skillbook_assistants"] = _renderer.assistants()

    by_uri = files.src_uris

    def page_of(prompt):
        file = by_uri.get(prompt_uri(prompt.id)) if prompt else None
        return file.page if file else None

    for prompt in book.prompts.values():
        page = page_of(prompt)
        if page is not None:
            before, after = book.neighbours(prompt)
            page.previous_page, page.next_page = page_of(before), page_of(after)
    # Under serve, a full build leaves pages to be rendered when requested.
    return _live.deferred(env) if _live is not None else env



# After the search plugin writes its index, before atomic_site moves the site into place.
@event_priority(-50)
def on_post_build(config: MkDocsConfig) -> None:
    """Former ids' addresses lead to the pages that have them now, and search
    loads the pages' titles first (see _split_search_index)."""
    redirects = _write_redirects(config)
    _split_search_index(Path(config.site_dir) / "search")
    if _live is not None:
        _live.end_build(redirects)
    elif update_lock(Path(config.config_file_path).parent / LOCK_FILE, _renderer.book.chapters, _renderer.book.skills):
        log.info(f"{LOCK_FILE}: the ids of new prompts and skills are recorded; commit it with the book")


def _write_redirects(config: MkDocsConfig) -> list[str]:
    """The pages at former ids' addresses; returns their paths."""
    site, written = Path(config.site_dir), []
    # Redirect pages an earlier build wrote under serve may be written again.
    earlier = _live.redirects if _live is not None else []
    for old, target, new in _renderer.redirects():
        path = site / old
        if path.exists() and str(path) not in earlier:
            continue  # a page of the book lives there (an error, reported)
        path.parent.mkdir(parents=True, exist_ok=True)
        url = (config.site_url or "/").rstrip("/") + "/" + new
        path.write_text(_renderer.redirect_page(target, url), encoding="utf-8")
        written.append(str(path))
    return written


def _banner() -> str | None:
    """What every page shows while the book has errors, as HTML (converted once
    a book, with the site's Markdown extensions)."""
    global _banner_html
    if not _renderer.book.errors:
        return None
    if _banner_html[0] is not _renderer:
        converter = markdown.Markdown(extensions=_config.markdown_extensions, extension_configs=_config.mdx_configs)
        _banner_html = (_renderer, converter.convert(_renderer.errors_banner()))
    return _banner_html[1]


def _split_search_index(folder: Path) -> None:
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


def _drop_refused(files: Files, refused: set[str], config: MkDocsConfig) -> None:
    """Under serve, files the book refused (links out of the project, pages that
    cannot be read or rendered safely) are kept out of the site; their errors show
    on every other page. A refused page of the book keeps its address, with a page
    saying so, so that a browser left on it recovers after the fix."""
    for file in list(files):
        path = file.abs_src_path or ""
        if any(path == r or path.startswith(r + "/") for r in refused):
            files.remove(file)
            if path in refused and file.is_documentation_page() and not Path(path).is_symlink():
                files.append(File.generated(config, file.src_uri, content=_renderer.refused_page(file.src_uri)))
                _generated.add(file.src_uri)


def _navigation(book: Book, files: Files) -> list:
    """Home, the chapters (by part, when the book has parts), the appendices, the
    two catalogs and then the author's other pages, each titled by its page; the
    generated skill and prompt pages stay out of it."""
    home = [{"Home": "index.md"}] if "index.md" in book.documents else []
    others = [
        uri for uri in book.documents
        if uri != "index.md" and (file := files.get_file_from_path(uri)) is not None and file.inclusion.is_in_nav()
    ]
    groups = [{title: [chapter.src_uri for chapter in chapters]} for title, chapters in book.groups()]
    return [*home, *groups, SKILLS_CATALOG, PROMPT_LIBRARY, *others]


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    src_uri = page.file.src_uri
    chapter = _renderer.book.chapter_by_uri(src_uri)
    if src_uri in _generated:
        body = markdown  # its front matter was escaped as it was rendered
    else:
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
        body = _renderer.chapter(chapter) if chapter is not None else _renderer.document(src_uri, markdown)
    return body


# The chapter a skill or prompt page shows as where it sits, while that page is rendered.
_shown_as_active: list[Page] = []


def on_page_context(context, page: Page, config: MkDocsConfig, nav):
    """A skill or prompt page is not in the navigation: its chapter (a prompt's
    own, a skill's first) is marked active while it is rendered, so that
    Material highlights the chapter and opens its part, as for the chapter."""
    chapter = _home_chapter(page.file.src_uri)
    home = next((p for p in nav.pages if chapter is not None and p.file.src_uri == chapter.src_uri), None)
    if home is not None and home is not page:
        home.active = True  # MkDocs marks its part active too
        _shown_as_active.append(home)
    return context


def _home_chapter(src_uri: str):
    book = _renderer.book
    page_id = Path(src_uri).stem
    prompt = book.prompts.get(page_id) if src_uri == prompt_uri(page_id) else None
    if prompt is not None:
        return book.chapter(prompt.chapter_key)
    skill = book.skills.get(page_id) if src_uri == skill_uri(page_id) else None
    chapters = book.chapters_of(skill) if skill is not None else []
    return chapters[0] if chapters else None


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Under serve, every page shows the book's errors until a save fixes them,
    under its title (Material gives every page's content an H1). They are added
    to the finished page, so that they come and go without any page being read
    again, and stay out of the search index."""
    while _shown_as_active:
        _shown_as_active.pop().active = False
    banner = _banner()
    title = CONTENT_TITLE.search(output) if banner is not None else None
    if title is None:
        return output  # no errors, or not a page of Material's layout (a page to render on request)
    return f"{output[:title.end()]}\n{banner}\n{output[title.end():]}"
