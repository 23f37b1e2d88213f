"""A renamed prompt (and skill) keeps its old address: a teammate's old link,
anchor included, lands on the page in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SiteServer, serve_built, wait_for_page
from tests.conftest import CHAPTER_1, make_site_project, skill_yaml, write_book

RENAMED = CHAPTER_1.replace("#### Write a Test", '#### Write a Parser Test {former="write-a-test"}')


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[SiteServer]:
    """A book whose prompt and skill were renamed; replaces the real site's server
    for this module, so the page and page_log fixtures work on it."""
    root = make_site_project(tmp_path_factory.mktemp("renamed-book"))
    write_book(root, {"tester.yml": skill_yaml("tester", former_ids="[test-writer]")},
               {"chapter-1-testing.md": RENAMED, "index.md": "# Home\n"})
    with serve_built(root, root / "site") as served:
        yield served


@pytest.mark.parametrize("old, new, title", [
    ("/prompts/write-a-test/", "/prompts/write-a-parser-test/", "Write a Parser Test"),
    ("/prompts/write-a-test/#write-a-parser-test", "/prompts/write-a-parser-test/#write-a-parser-test", "Write a Parser Test"),
    ("/skills/test-writer/", "/skills/tester/", "@tester"),
])
def test_an_old_link_lands_on_the_renamed_page(page, page_log, server, old, new, title):
    page.goto(server.url(old))
    wait_for_page(page, title)
    # The page is there: its address is the new one, anchor kept.
    expect(page).to_have_url(server.url(new))
    page_log.assert_clean()
