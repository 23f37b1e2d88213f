"""Browser fixtures: Debian's Chromium driven by Playwright, the built site served
on a free local port, and pages that record their traffic and errors.

Playwright's own browser download does not work here, so the suite drives
/usr/bin/chromium. Without Chromium or Playwright the browser tests are skipped,
except in CI (CI=true), where a missing browser must not pass silently.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, build_site, make_site_project, seed_prompts

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# axe-core, from npm into the git-ignored node_modules/ (`make test` installs it).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Prompt page ids, in the order their prompts appear in the seed chapter.
PROMPT_IDS = [
    "writing-production-ready-dockerfiles",
    "debugging-container-issues",
    "docker-compose-for-development",
    "designing-a-production-deployment",
    "implementing-zero-downtime-deployments",
    "kubernetes-troubleshooting-guide",
    "creating-a-reusable-helm-chart",
    "implementing-istio-traffic-management",
]

CHAPTER = "/chapter-16-container-orchestration/"
SKILL_PAGE = "/skills/kubernetes-expert/"
PROMPT_PAGE = "/prompts/debugging-container-issues/"
# The five page types every reader sees.
PAGE_TYPES = {
    "home": "/",
    "chapter": CHAPTER,
    "skill": SKILL_PAGE,
    "prompt": PROMPT_PAGE,
    "skills-catalog": "/skills/",
}

COPY_BUTTON = "button.md-code__button[data-md-type=copy]"


def unavailable(reason: str):
    """Skip a test whose tooling is missing; in CI a missing tool is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def prompts() -> list[str]:
    """The seed's 8 prompts, verbatim, in chapter order."""
    texts = seed_prompts()
    assert len(texts) == len(PROMPT_IDS) == 8, f"expected 8 seed prompts, found {len(texts)}"
    return texts


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def playwright_driver():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    args = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    # Chromium's sandbox refuses to start as root.
    if os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, to inject into pages."""
    if not AXE.is_file():
        unavailable(f"axe-core not found at {AXE}: `make test` installs it with npm (is npm installed?)")
    return AXE.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - keep pytest output readable
        pass


@dataclass(frozen=True)
class SiteServer:
    origin: str  # http://127.0.0.1:PORT

    def url(self, path: str) -> str:
        return self.origin + path


@contextlib.contextmanager
def serve_built(project: Path, site: Path) -> Iterator[SiteServer]:
    """``project`` built into ``site`` and served over HTTP (the search worker and
    clipboard need a real origin), built for the server's own address so that
    instant navigation works."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: a free port
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        result = build_site(project, site, site_url=origin + "/")
        assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
        thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
        thread.start()
        try:
            yield SiteServer(origin)
        finally:
            httpd.shutdown()
            thread.join()
    finally:
        httpd.server_close()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[SiteServer]:
    """The real site over HTTP."""
    with serve_built(ROOT, tmp_path_factory.mktemp("served-site")) as served:
        yield served


@pytest.fixture(scope="session")
def book_server(tmp_path_factory) -> Iterator[tuple[SiteServer, Path]]:
    """The fixture docsify book (several chapters, appendices, templates),
    imported as its authors will, built and served; with its site folder."""
    project = make_site_project(tmp_path_factory.mktemp("imported-book") / "book")
    book = ROOT / "tests" / "fixtures" / "docsify-book"
    result = subprocess.run([sys.executable, "-m", "skillbook.cli", "import", str(book), "--project", str(project)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path_factory.mktemp("imported-book-site")
    with serve_built(project, site) as served:
        yield served, site


# --------------------------------------------------------------------------- pages


@dataclass
class PageLog:
    """What a page did: every request URL, and every console error or uncaught exception."""

    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        local = urlsplit(self.origin).netloc
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != local]

    def assert_clean(self) -> None:
        # A page that loaded nothing would pass the checks below vacuously.
        assert any(url.startswith(self.origin + "/") for url in self.requests), "no request reached the site"
        foreign = self.foreign_requests()
        assert not foreign, "requests left the local server:\n" + "\n".join(foreign)
        assert not self.errors, "console errors / page errors:\n" + "\n".join(self.errors)


@pytest.fixture
def page_log(server) -> PageLog:
    return PageLog(server.origin)


@pytest.fixture
def page(chromium, server, page_log):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.origin)
    # Context-wide, so requests of the search worker are seen too.
    context.on("request", lambda request: page_log.requests.append(request.url))
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and page_log.errors.append(
        f"console.error at {page.url}: {msg.text} ({msg.location.get('url')}:{msg.location.get('lineNumber')})"))
    page.on("pageerror", lambda exc: page_log.errors.append(f"pageerror at {page.url}: {exc}"))
    page.set_default_timeout(10_000)
    yield page
    context.close()


def wait_for_page(page, title: str) -> None:
    """Wait for the page whose title (its one ``h1``) reads ``title``: the page
    itself, not its address. Material's instant navigation changes the address
    before it swaps the page, and ``navigation.tracking`` may rewrite the hash."""
    from playwright.sync_api import expect

    expect(page.locator("article.md-content__inner h1")).to_have_text(re.compile(rf"^\s*{re.escape(title)}\s*¶?\s*$"))


def copy_via(page, action) -> str:
    """Run ``action`` (a click or key press) and return what it put on the clipboard.

    The clipboard is first set to a unique sentinel, so a stale value from an
    earlier copy can never pass for the result of this one.
    """
    sentinel = f"sentinel-{uuid.uuid4()}"
    page.evaluate("text => navigator.clipboard.writeText(text)", sentinel)
    action()
    page.wait_for_function(
        "async sentinel => (await navigator.clipboard.readText()) !== sentinel", arg=sentinel, polling=50)
    return page.evaluate("() => navigator.clipboard.readText()")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def book_page(chromium, book_server):
    """A page on the imported book's server, and what it logged."""
    server, _ = book_server
    log = PageLog(server.origin)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.origin)
    context.on("request", lambda request: log.requests.append(request.url))
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and log.errors.append(f"console.error at {page.url}: {msg.text}"))
    page.on("pageerror", lambda exc: log.errors.append(f"pageerror at {page.url}: {exc}"))
    page.set_default_timeout(10_000)
    yield page, log
    context.close()


# --------------------------------------------------------------------------- search typing

SEARCH_BOX = "input.md-search__input"

# Records, in the page, the time of every keyup in the search box that changed
# what it holds (Material sends a query on such a keyup: Ctrl+V's V, not its
# Ctrl), and every list of results Material shows: its first result's page and
# the words it answers, read from Material's highlight in its links
# (`?h=android+expert`: the words of the query each result holds), sorted.
TYPING_RECORDER = """() => {
  const words = links => [...new Set(links.flatMap(link => (new URL(link.href).searchParams.get("h") || "")
    .split(" ").filter(Boolean)))].sort().join(" ")
  window.__search = { keys: [], lists: [] }
  let value = ""
  document.addEventListener("keyup", event => {
    if (!event.target.matches("input.md-search__input") || event.target.value === value) return
    value = event.target.value
    window.__search.keys.push(performance.now())
  }, true)
  const list = document.querySelector(".md-search-result__list")
  new MutationObserver(() => {
    const links = [...list.querySelectorAll("a.md-search-result__link")]
    window.__search.lists.push({
      at: performance.now(),
      first: links.length ? new URL(links[0].href).pathname : null,
      words: links.length ? words(links) : null,
      sections: links.filter(link => new URL(link.href).hash).length,
    })
  }).observe(list, { childList: true })
}"""

# True once a list shown after the last key has `page` first (null: any) and
# answers `words` (null: any), and nothing changed for `quiet` ms (0: at once);
# or `give_up` ms after the last key.
TYPING_SETTLED = """([page, words, quiet, giveUp]) => {
  const { keys, lists } = window.__search
  const now = performance.now(), lastKey = keys[keys.length - 1]
  if (lastKey === undefined) return false
  if (now - lastKey > giveUp) return true
  const last = lists[lists.length - 1]
  return !!last && last.at > lastKey && (page === null || last.first === page) && (words === null || last.words === words)
    && now - last.at >= quiet
}"""


def clear_search(page) -> None:
    """Empties the search box as a reader does, waits for Material's placeholder,
    and forgets the keys and lists recorded so far."""
    box = page.locator(SEARCH_BOX)
    box.press("Control+A")
    box.press("Backspace")
    page.wait_for_function("() => document.querySelector('.md-search-result__meta').textContent.trim()"
                           " === 'Type to start searching'", polling=20)
    page.evaluate("() => { window.__search.keys = []; window.__search.lists = [] }")


def lists_after_last_key(page) -> list[dict]:
    """The lists shown since the last key, oldest first."""
    return page.evaluate("""() => {
      const { keys, lists } = window.__search
      return lists.filter(list => list.at > keys[keys.length - 1])
    }""")
