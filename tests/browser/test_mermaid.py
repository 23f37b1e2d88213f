"""Mermaid diagrams: ```mermaid fences render as diagrams in Chromium, with
mermaid served by the site itself (Material would otherwise fetch it from
unpkg.com), loaded only on pages that have a diagram, and rendered after an
instant navigation too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SiteServer, serve_built, wait_for_page
from tests.conftest import CHAPTER_1, make_site_project, skill_yaml, write_book

CHAPTER = "/chapter-1-testing/"
VENDORED = "/assets/javascripts/vendor/mermaid.min.js"
LOADER = "/assets/javascripts/mermaid-loader.js"

# Two diagrams on one page, under a heading whose id is "mermaid": an element
# with that id is window.mermaid too, which Material takes for "no mermaid".
DIAGRAMS = """
## Mermaid

```mermaid
graph LR
  Write --> Run
```

```mermaid
sequenceDiagram
  Alice->>Bob: Hello
```
"""
SOURCES = ["Write --> Run", "Alice->>Bob"]
HOME = "# Home\n\nRead [the chapter](chapter-1-testing.md) or [the other page](other.md).\n"
OTHER = "# Other\n\nNo diagram here. Back to [the chapter](chapter-1-testing.md).\n"
# A diagram far down a long page.
FAR = "# Far\n\n" + "A paragraph of prose before the diagram.\n\n" * 150 + DIAGRAMS


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[SiteServer]:
    """A small book with diagrams, served; replaces the real site's server for
    this module, so the page and page_log fixtures work on it."""
    root = make_site_project(tmp_path_factory.mktemp("mermaid-book"))
    write_book(root, {"tester.yml": skill_yaml("tester")},
               {"chapter-1-testing.md": CHAPTER_1 + DIAGRAMS, "index.md": HOME, "other.md": OTHER, "far.md": FAR})
    with serve_built(root, root / "site") as served:
        yield served


def mermaid_downloads(page_log) -> list[str]:
    return [url for url in page_log.requests if url.endswith("/mermaid.min.js")]


def expect_rendered(page) -> None:
    """Both diagrams are drawn: Material replaced each pre.mermaid with a
    div.mermaid holding the SVG in a closed shadow root, which page scripts cannot
    read, so the check is the size of the box and that the source is gone."""
    expect(page.locator("div.mermaid")).to_have_count(2, timeout=20_000)
    expect(page.locator("pre.mermaid")).to_have_count(0)
    for diagram in page.locator("div.mermaid").all():
        box = diagram.bounding_box()
        assert box is not None and box["height"] > 50, f"diagram not drawn: {box}"
    text = page.locator("article.md-content__inner").inner_text()
    for source in SOURCES:
        assert source not in text, f"mermaid source still shown as text: {source!r}"


def test_diagrams_render_from_the_local_server(page, page_log, server):
    page.goto(server.url(CHAPTER))
    expect_rendered(page)
    assert mermaid_downloads(page_log) == [server.url(VENDORED)], "mermaid must be fetched once, from the site"
    page_log.assert_clean()


def test_page_without_diagram_does_not_download_mermaid(page, page_log, server):
    page.goto(server.url("/other/"))
    page.wait_for_load_state("networkidle")
    assert server.url(LOADER) in page_log.requests, "the loader is on every page"
    assert mermaid_downloads(page_log) == []
    page_log.assert_clean()


def test_diagrams_render_after_instant_navigation(page, page_log, server):
    page.goto(server.url("/other/"))
    page.wait_for_load_state("networkidle")
    # A full page load would drop this flag; instant navigation keeps it.
    page.evaluate("() => { window.sbSamePage = true }")
    page.locator("article.md-content__inner a", has_text="the chapter").click()
    wait_for_page(page, "Chapter 1: Testing")
    expect_rendered(page)
    # Away and back: the real mermaid, now loaded, draws the diagrams again.
    page.locator("nav a", has_text="Home").first.click()
    wait_for_page(page, "Home")
    page.locator("article.md-content__inner a", has_text="the chapter").click()
    wait_for_page(page, "Chapter 1: Testing")
    expect_rendered(page)
    assert page.evaluate("() => window.sbSamePage === true"), "the navigation reloaded the page"
    assert len(mermaid_downloads(page_log)) == 1, mermaid_downloads(page_log)
    page_log.assert_clean()


def test_a_diagram_far_down_the_page_loads_mermaid_when_it_comes_near(page, page_log, server):
    page.goto(server.url("/far/"))
    page.wait_for_load_state("networkidle")
    assert mermaid_downloads(page_log) == [], "mermaid was loaded for a diagram far off screen"
    page.locator("pre.mermaid").first.scroll_into_view_if_needed()
    expect_rendered(page)
    assert len(mermaid_downloads(page_log)) == 1
    page_log.assert_clean()
