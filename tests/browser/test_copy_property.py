"""Byte-exact means byte-exact, end to end: for prompts Hypothesis makes up (any
Unicode, trailing spaces and tabs, whitespace-only last lines, inner fences,
chapters saved with CRLF line ends), the site built by MkDocs shows each prompt's
code block, and its copy button copies, exactly the source's text, on the
chapter and on the prompt's page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.browser.conftest import COPY_BUTTON, copy_via, serve_built
from tests.conftest import make_site_project, skill_yaml, write_book
from tests.support.prompt_text import longest_backtick_run, prompt_text

# Edges that Python-Markdown, HTML and Material's copy button are known to bend.
edges = st.sampled_from(["   ", "\t", "\n   ", "\n\t", " \t ", "\n```\n"])
prompts = st.lists(st.tuples(prompt_text, edges).map("".join), min_size=6, max_size=6)


def chapter(texts: list[str]) -> str:
    sections = []
    for number, text in enumerate(texts, start=1):
        fence = "`" * max(3, longest_backtick_run(text) + 1)
        sections.append(f"#### Prompt {number}\n\n{fence}text\n{text}\n{fence}\n")
    return "# Chapter 1: Testing\n\n" + "\n".join(sections)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=prompts, line_end=st.sampled_from(["\n", "\r\n"]))
def test_code_blocks_and_copies_equal_the_source(chromium, texts, line_end):
    with tempfile.TemporaryDirectory() as folder:
        root = make_site_project(Path(folder) / "book")
        write_book(root, {"tester.yml": skill_yaml("tester")},
                   {"chapter-1-testing.md": chapter(texts).replace("\n", line_end).encode(), "index.md": "# Home\n"})
        with serve_built(root, root / "site") as server:
            context = chromium.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.origin)
            page = context.new_page()
            try:
                for number, text in enumerate(texts, start=1):
                    for path, card in ((f"/prompts/prompt-{number}/", "article.sb-prompt"),
                                       ("/chapter-1-testing/", f"article.sb-prompt:has(#prompt-{number})")):
                        if not page.url.endswith(path):
                            page.goto(server.url(path))
                        shown = page.locator(f"{card} pre[data-sb-prompt] code").text_content()
                        assert shown == text, (path, number, "code block")
                        copied = copy_via(page, page.locator(f"{card} {COPY_BUTTON}").first.click)
                        assert copied == text, (path, number, "clipboard")
            finally:
                context.close()
