"""Nothing is lost between a prompt in a chapter and the code block of its card:
for any text, the card shows the source's characters exactly."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote

from hypothesis import HealthCheck, example, given, settings

from skillbook import load_book
from skillbook.render import Renderer
from tests.conftest import TEMPLATES, site_markdown, skill_yaml, write_book
from tests.support.pages import code_blocks
from tests.support.prompt_text import longest_backtick_run, prompt_text

# The exact text the copy button copies.
COPIED = re.compile(r'<pre [^>]*\bdata-sb-prompt="([^"]*)"')

def chapter_source(text: str) -> str:
    fence = "`" * max(3, longest_backtick_run(text) + 1)
    return f"# Chapter 1: Testing\n\n#### A Prompt\n\n{fence}text\n{text}\n{fence}\n\n**Expected Output:** Text.\n"


def card_code(text: str, line_end: str = "\n") -> tuple[str, str]:
    """The prompt as the core reads it, and the text of its card's code block."""
    with tempfile.TemporaryDirectory() as folder:
        source = chapter_source(text).replace("\n", line_end)
        root = write_book(Path(folder), {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": source.encode()})
        book = load_book(root / "docs", root / "skills")
        assert book.errors == [], book.errors
        (prompt,) = book.prompts.values()
        page = site_markdown().reset().convert(Renderer(book, TEMPLATES).chapter(book.chapters[0]))
    blocks, copied = code_blocks(page), COPIED.findall(page)
    assert len(blocks) == len(copied) == 1, page
    assert unquote(html.unescape(copied[0])) == prompt.text, "the copy button would copy other text"
    return prompt.text, blocks[0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompt_text)
@example("@tester a\tb  \n   \n\t\tc <d> & {{ 7*7 }} {% raw %}\n```inner```\n")
@example("@tester ends with spaces   ")
def test_card_code_block_equals_the_source_exactly(text):
    read, shown = card_code(text)
    assert read == text
    assert shown == text


@settings(max_examples=100, deadline=None)
@given(prompt_text)
def test_crlf_line_ends_read_as_line_ends(text):
    """A chapter saved with CRLF line ends gives the same prompt as with LF."""
    read, shown = card_code(text, line_end="\r\n")
    assert read == text
    assert shown == text


def test_prompt_holding_triple_backticks_uses_a_longer_fence():
    text = "@tester Explain this:\n```python\nprint('hi')\n```\nThanks."
    assert chapter_source(text).count("````") == 2
    read, shown = card_code(text)
    assert read == shown == text
