"""Copy is byte for byte, end to end: prompts ending in spaces, holding tabs or a
whitespace-only last line come out of the copy button exactly as written, on the
chapter and on the prompt's page (Material's own button trims the end)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import COPY_BUTTON, SiteServer, copy_via, serve_built
from tests.conftest import CHAPTER_1, make_site_project, skill_yaml, write_book

PROMPTS = {
    "trailing-spaces": "@tester Keep the spaces at the end   ",
    "tabs": "@tester Columns:\n\tname\tvalue\t",
    "blank-last-line": "@tester Then a line of spaces:\n   ",
    "inner-fence": "@tester Review this:\n```python\nprint(1)  \n```\n",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[SiteServer]:
    """A book of prompts with trailing whitespace; replaces the real site's server
    for this module, so the page and page_log fixtures work on it."""
    sections = "".join(f"\n#### {name}\n\n````text\n{text}\n````\n" for name, text in PROMPTS.items())
    root = make_site_project(tmp_path_factory.mktemp("exact-copy"))
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1 + sections, "index.md": "# Home\n"})
    with serve_built(root, root / "site") as served:
        yield served


@pytest.mark.parametrize("name", PROMPTS)
def test_the_copy_button_copies_the_prompt_exactly(page, page_log, server, name):
    text = PROMPTS[name]
    for path, card in ((f"/prompts/{name}/", "article.sb-prompt"), ("/chapter-1-testing/", f"article.sb-prompt:has(#{name})")):
        page.goto(server.url(path))
        button = page.locator(f"{card} {COPY_BUTTON}").first
        assert copy_via(page, button.click) == text, (path, name)
    page_log.assert_clean()
