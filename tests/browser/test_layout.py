"""Nothing an author writes breaks the page's layout: on every page of the
imported fixture book (centred HTML on its home page, stray opening and closing
tags in an appendix, prompts holding code blocks, long tables), at a phone's
width and a desktop's, the page scrolls only downwards and the theme's content
column holds the article."""

from __future__ import annotations

import json

import pytest

WIDTHS = [390, 1280]

LAYOUT = """() => {
  const article = document.querySelector("article.md-content__inner");
  const content = document.querySelector(".md-main__inner .md-content");
  return {
    sideways: document.documentElement.scrollWidth - window.innerWidth,
    articleInContent: Boolean(article && content && content.contains(article)),
    footerAfterMain: Boolean(document.querySelector("main.md-main + footer.md-footer")),
    title: (document.querySelector("article h1") || {}).textContent || "",
  };
}"""


@pytest.fixture(scope="module")
def stray_tags_server(tmp_path_factory):
    """A book written by hand (not imported) full of unpaired tags, its home page
    opening with docsify's <div align="center">, built and served; with its site folder."""
    from tests.browser.conftest import serve_built
    from tests.conftest import make_site_project
    from tests.support.stray_tags import write_stray_tags_book

    project = write_stray_tags_book(make_site_project(tmp_path_factory.mktemp("stray-tags") / "book"))
    site = tmp_path_factory.mktemp("stray-tags-site")
    with serve_built(project, site) as served:
        yield served, site


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_keeps_the_themes_layout(chromium, book_server, width):
    assert_every_page_keeps_the_layout(chromium, book_server, width, at_least=50)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_of_a_book_full_of_stray_tags_keeps_the_themes_layout(chromium, stray_tags_server, width):
    assert_every_page_keeps_the_layout(chromium, stray_tags_server, width, at_least=6)


def assert_every_page_keeps_the_layout(chromium, served, width: int, at_least: int) -> None:
    server, site = served
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert len(pages) >= at_least, pages
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    broken = []
    try:
        for path in pages:
            address = server.url("/" if path == "." else f"/{path}/")
            page.goto(address)
            page.wait_for_selector("article.md-content__inner h1")
            layout = page.evaluate(LAYOUT)
            if layout["sideways"] > 0 or not layout["articleInContent"] or not layout["footerAfterMain"]:
                broken.append(f"{path}: {layout}")
    finally:
        context.close()
    assert broken == [], "\n".join(broken)


def test_a_prompt_written_with_a_code_block_inside_copies_as_its_author_meant(chromium, book_server):
    """The import made its fences longer; the copy holds the inner block, fences included."""
    from tests.browser.conftest import COPY_BUTTON, copy_via
    from tests.conftest import ROOT

    server, _ = book_server
    manifest = json.loads((ROOT / "tests" / "fixtures" / "docsify-book.expected.json").read_text())
    source = (ROOT / "tests" / "fixtures" / "docsify-book" / "chapters" / "05-testing-strategies.md").read_text().split("\n")
    context = chromium.new_context(viewport={"width": 390, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.origin)
    page = context.new_page()
    try:
        for prompt, address in zip(manifest["prompts_holding_code_blocks"],
                                   ("/prompts/reviewing-a-slow-query/", "/prompts/porting-two-test-helpers/")):
            meant = "\n".join(source[prompt["opening_line"]:prompt["closing_line"] - 1])
            page.goto(server.url(address))
            assert copy_via(page, page.locator(f"article.sb-prompt {COPY_BUTTON}").first.click) == meant
    finally:
        context.close()
