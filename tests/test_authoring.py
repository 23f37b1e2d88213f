"""Markdown an author plausibly writes (GitHub-flavoured, with links, code and
attribute lists in headings) builds strictly and reads right on every page."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from skillbook import load_book
from skillbook.problems import Severity
from tests.conftest import CHAPTER_1, build_site, make_site_project, skill_yaml, write_book

TRICKY_CHAPTER = """---
title: Testing, the hard way
---

# Chapter 1: Using `pytest` & [tox](https://tox.wiki)

## 1.1 Setup with [pytest](https://pytest.org) and `tox` {#setup}

<!-- skillbook: skill-introduction tester -->

Python code that starts with a decorator is code, not a prompt:

```python
@app.route("/")
def home(): ...
```

#### Write a Test {#write .special}

**Context:** Read [the basics](#basics), [chapter 2](chapter-2-two.md) and [chapter 3](chapter-3-later.md).

~~~
@tester Write a test.
~~~

**Expected Output:**

- A test file
- See [Chapter 3: Later](chapter-3-later.md)

## Basics

Some basics, and `[Chapter 3](chapter-3-later.md)` in code.
"""

CHAPTER_2 = "# Chapter 2: Two\n\n## 2.1 More\n\n#### Check Again\n\n```text\n@tester Check again.\n```\n"


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> Path:
    root = make_site_project(tmp_path_factory.mktemp("tricky"))
    write_book(
        root,
        {"tester.yml": skill_yaml("tester", chapters="[1, 2]", introduction='"Tests things."')},
        {"chapter-1-using-pytest.md": TRICKY_CHAPTER, "chapter-2-two.md": CHAPTER_2, "index.md": "# Home\n"},
    )
    return root


@pytest.fixture(scope="module")
def tricky_site(tricky) -> Path:
    result = build_site(tricky, tricky / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return tricky / "site"


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_the_tricky_book_has_no_problem(tricky):
    book = load_book(tricky / "docs", tricky / "skills")
    assert [str(p) for p in book.problems] == []
    assert sorted(book.prompts) == ["check-again", "write"]


def test_only_text_fences_are_prompts(tricky_site):
    chapter = read(tricky_site, "chapter-1-using-pytest")
    assert chapter.count('class="sb-prompt"') == 1
    assert '<span class="nd">@app</span>' in chapter  # highlighted as Python


def test_pinned_id_with_more_attributes(tricky_site):
    chapter = read(tricky_site, "chapter-1-using-pytest")
    assert 'id="write"' in chapter
    assert "{#write" not in chapter and ".special" not in html.unescape(re.sub(r"<[^>]+>", "", chapter))


def test_expected_output_written_as_a_list_stays_in_the_card(tricky_site):
    page = read(tricky_site, "prompts/write")
    card = page[page.index('<article class="sb-prompt"'):page.index("</article>")]
    assert "Expected Output:" in card
    assert "<li>A test file</li>" in card


def test_relative_links_of_a_prompt_work_on_its_own_page(tricky_site):
    page = read(tricky_site, "prompts/write")
    card = page[page.index('<article class="sb-prompt"'):page.index("</article>")]
    assert 'href="../../chapter-1-using-pytest/#basics"' in card
    assert 'href="../../chapter-2-two/"' in card
    # Chapter 3 is not written: its links read as text with a note, in the card too.
    assert "chapter-3" not in card
    assert card.count("coming soon") == 2


def test_links_to_unwritten_chapters_in_code_stay_code(tricky_site):
    chapter = read(tricky_site, "chapter-1-using-pytest")
    assert "<code>[Chapter 3](chapter-3-later.md)</code>" in chapter


def test_titles_with_links_are_plain_inside_other_links(tricky_site):
    for page in ("prompts", "", "skills/tester"):
        text = read(tricky_site, page) if page else (tricky_site / "index.html").read_text()
        for anchor in re.findall(r"<a\b[^>]*>(.*?)</a>", text, re.DOTALL):
            assert "<a " not in anchor, (page, anchor)
    nav_titles = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', read(tricky_site, "prompts"), re.DOTALL)
    assert any("Using pytest" in t and "`" not in t for t in nav_titles), nav_titles


def test_introduction_link_lands_on_the_introduction(tricky_site):
    skill = read(tricky_site, "skills/tester")
    assert 'href="../../chapter-1-using-pytest/#introducing-tester"' in skill
    assert 'id="introducing-tester"' in read(tricky_site, "chapter-1-using-pytest")


def test_front_matter_title_is_kept(tricky_site):
    assert "<title>Testing, the hard way" in read(tricky_site, "chapter-1-using-pytest")


# -- mistakes that are reported rather than rendered wrong ------------------------------------


def problems(root: Path) -> list[str]:
    return [str(p) for p in load_book(root / "docs", root / "skills").problems]


def test_a_known_skill_in_another_language_fence_is_a_warning(tmp_path):
    chapter = CHAPTER_1 + "\n```markdown\n@tester Looks like a prompt.\n```\n"
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    assert problems(tmp_path) == [
        f"{tmp_path}/docs/chapter-1-testing.md:17: warning: this markdown block starts with @tester but is not "
        "a prompt card; if it is a prompt, fence it as ```text"
    ]


def test_prompt_id_that_is_another_headings_anchor(tmp_path):
    chapter = CHAPTER_1 + "\n## Write a Test\n\nProse.\n"
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    assert problems(tmp_path) == [
        f"{tmp_path}/docs/chapter-1-testing.md:7: prompt id 'write-a-test' is also the anchor of the heading "
        "on line 17, so links to that heading would land on this card; pin another id with '{#a-new-id}'"
    ]


def test_link_to_a_chapter_with_a_mistyped_name(tmp_path):
    chapter = CHAPTER_1 + "\nNext: [Chapter 2](chapter-2-tow.md)\n"
    write_book(tmp_path, {"tester.yml": skill_yaml("tester", chapters="[1, 2]")},
               {"chapter-1-testing.md": chapter, "chapter-2-two.md": CHAPTER_2})
    assert problems(tmp_path) == [
        f"{tmp_path}/docs/chapter-1-testing.md:17: link to 'chapter-2-tow.md', but chapter 2 is "
        "'chapter-2-two.md'; fix the link"
    ]


def test_empty_directive(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1 + "\n<!-- skillbook: -->\n"})
    assert problems(tmp_path) == [f"{tmp_path}/docs/chapter-1-testing.md:17: empty directive; write '<!-- skillbook: NAME -->'"]


@pytest.mark.parametrize("name, rename", [("chapter-2-Two.md", "chapter-2-two.md"), ("chapter-5.md", "chapter-5-title.md"),
                                          ("part/chapter-6-six.md", "chapter-6-six.md")])
def test_file_named_almost_like_a_chapter(tmp_path, name, rename):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "docs" / name).write_text("# Chapter\n")
    found = load_book(tmp_path / "docs", tmp_path / "skills").problems
    assert [(p.path, p.line, p.severity) for p in found] == [(f"{tmp_path}/docs/{name}", 1, Severity.WARNING)]
    assert found[0].message == (
        "this looks like a chapter or an appendix, but only docs/chapter-<number>-<slug>.md and "
        f"docs/appendix-<letter>-<slug>.md files are (lower-case slug); rename it to docs/{rename}, or its prompts stay plain code")


def test_field_written_twice(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester") + "purpose: Again\n"}, {"chapter-1-testing.md": CHAPTER_1})
    assert problems(tmp_path) == [
        f"{tmp_path}/skills/tester.yml:5: field 'purpose' is written twice (first on line 2); keep one of them"
    ]


def test_skill_related_to_itself(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester", related="[tester]")}, {"chapter-1-testing.md": CHAPTER_1})
    assert problems(tmp_path) == [f"{tmp_path}/skills/tester.yml:5: skill 'tester' lists itself as related; remove it"]


# -- the runs around a prompt, as authors write them ---------------------------------------------

def chapter_with(prompt_run: str) -> str:
    return f"# Chapter 1: Testing\n\n## 1.1 Prompts\n\n{prompt_run}\n\n---\n\nAfter the card.\n"


def only_prompt(tmp_path: Path, chapter: str):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    book = load_book(tmp_path / "docs", tmp_path / "skills")
    assert [str(p) for p in book.problems] == []
    (prompt,) = book.prompts.values()
    return book, prompt


FENCE = "```text\n@tester Write a test.\n```"


@pytest.mark.parametrize("context_label, expected_label", [
    ("**Context:**", "**Expected Output:**"),
    ("**Context**:", "**Expected output**:"),
    ("**context:**", "**EXPECTED OUTPUT:**"),
])
def test_label_spellings(tmp_path, context_label, expected_label):
    _, prompt = only_prompt(tmp_path, chapter_with(f"#### Write a Test\n\n{context_label} A need.\n\n{FENCE}\n\n{expected_label} A test."))
    assert (prompt.id, prompt.heading_level, prompt.context, prompt.expected_output) == ("write-a-test", 4, "A need.", "A test.")


def test_context_with_a_list_keeps_the_heading(tmp_path):
    _, prompt = only_prompt(tmp_path, chapter_with(f"#### Write a Test\n\n**Context:** Your setup:\n- Python 3.11\n- pytest\n\n{FENCE}"))
    assert (prompt.id, prompt.heading_level) == ("write-a-test", 4)
    assert prompt.context == "Your setup:\n\n- Python 3.11\n- pytest"


def test_expected_output_with_a_list_on_the_next_lines(tmp_path):
    _, prompt = only_prompt(tmp_path, chapter_with(f"#### Write a Test\n\n{FENCE}\n\n**Expected Output:** A module with:\n- variables\n- outputs"))
    assert prompt.expected_output == "A module with:\n\n- variables\n- outputs"


def test_expected_output_under_a_label_alone_runs_to_the_next_rule(tmp_path):
    run = f"#### Write a Test\n\n{FENCE}\n\n**Expected Output:**\n\nA file:\n\n```python\ndef test(): ...\n```\n\n> Note."
    _, prompt = only_prompt(tmp_path, chapter_with(run))
    assert prompt.expected_output == "\n\nA file:\n\n```python\ndef test(): ...\n```\n\n> Note."


def test_an_empty_expected_label_does_not_take_the_next_prompts_context(tmp_path):
    chapter = chapter_with(
        f"#### One\n\n{FENCE}\n\n**Expected Output:**\n\n#### Two\n\n**Context:** Second.\n\n```text\n@tester Again.\n```"
    )
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    one, two = load_book(tmp_path / "docs", tmp_path / "skills").prompts.values()
    assert (one.expected_output, one.context, two.context) == ("\n\n", None, "Second.")


def test_list_under_the_expected_label_is_shown_once(tmp_path):
    root = make_site_project(tmp_path / "book")
    chapter = chapter_with(f"#### Write a Test\n\n{FENCE}\n\n**Expected Output:**\n- A test file\n- A fixture")
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    result = build_site(root, root / "site")
    assert result.returncode == 0, result.stderr
    page = read(root / "site", "chapter-1-testing")
    assert page.count("A test file") == 1
    card = page[page.index('<article class="sb-prompt"'):page.index("</article>")]
    assert "<li>A test file</li>" in card and "After the card." not in card


# -- pages, links and files ---------------------------------------------------------------------

def test_links_of_all_kinds_on_every_page(tmp_path):
    root = make_site_project(tmp_path / "book")
    chapter = chapter_with(
        "#### Write a Test\n\n**Context:** See [the basics][basics], [two](<chapter-2-two.md>), "
        '[three](chapter-3-later.md "Soon") and [three again](./chapter-3-later.md).\n\n' + FENCE
    ) + "\n## Basics\n\nText.\n\n[basics]: #basics\n"
    home = "# Home\n\nNext up: [Chapter 3](chapter-3-later.md).\n"
    write_book(root, {"tester.yml": skill_yaml("tester", chapters="[1, 2]")},
               {"chapter-1-testing.md": chapter, "chapter-2-two.md": CHAPTER_2, "index.md": home, "glossary.md": "# Glossary\n"})
    result = build_site(root, root / "site")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    prompt = read(site, "prompts/write-a-test")
    assert 'href="../../chapter-1-testing/#basics"' in prompt
    assert 'href="../../chapter-2-two/"' in prompt
    assert "chapter-3" not in prompt and prompt.count("coming soon") == 2
    assert "coming soon" in (site / "index.html").read_text() and "chapter-3" not in (site / "index.html").read_text()
    # An extra page of the author's is in the navigation, so the strict build passes.
    assert 'href="glossary/"' in (site / "index.html").read_text()


def test_successful_build_keeps_hidden_files_of_the_site_folder(tmp_path):
    root = make_site_project(tmp_path / "book")
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    (root / "site" / ".git").mkdir(parents=True)
    (root / "site" / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (root / "site" / ".nojekyll").write_text("")
    (root / "site" / "stale.html").write_text("old")
    assert build_site(root, root / "site").returncode == 0
    assert (root / "site" / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (root / "site" / ".nojekyll").exists() and not (root / "site" / "stale.html").exists()
    assert (root / "site" / "prompts" / "write-a-test" / "index.html").exists()


@pytest.mark.parametrize("line_end", ["\r", "\r\n"])
def test_old_mac_and_windows_line_ends(tmp_path, line_end):
    _, prompt = only_prompt(tmp_path, chapter_with(f"#### Write a Test\n\n{FENCE}").replace("\n", line_end).encode())
    assert (prompt.id, prompt.line, prompt.text) == ("write-a-test", 7, "@tester Write a test.")


def test_introduced_twice(tmp_path):
    chapter = CHAPTER_1 + "\n<!-- skillbook: skill-introduction tester -->\n\n<!-- skillbook: skill-introduction tester -->\n"
    write_book(tmp_path, {"tester.yml": skill_yaml("tester", introduction="Hi.")}, {"chapter-1-testing.md": chapter})
    assert problems(tmp_path) == [
        f"{tmp_path}/docs/chapter-1-testing.md:19: @tester is introduced twice in this chapter (or a heading's "
        "anchor is 'introducing-tester', line 17); keep one introduction"
    ]


@pytest.mark.parametrize("comment", [
    "<!-- skillbook skills-table -->", "<!-- Skillbook: skills-table -->", "Text <!-- skillbook: skills-table --> inline.",
])
def test_mistyped_directives_are_warned(tmp_path, comment):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1 + f"\n{comment}\n", "index.md": f"# Home\n\n{comment}\n"})
    found = load_book(tmp_path / "docs", tmp_path / "skills").problems
    assert [(p.path, p.line, p.severity) for p in found] == [
        (f"{tmp_path}/docs/chapter-1-testing.md", 17, Severity.WARNING), (f"{tmp_path}/docs/index.md", 3, Severity.WARNING)]
    assert {p.message for p in found} == {
        "this comment mentions skillbook but is not a directive, so it renders nothing; write '<!-- skillbook: NAME -->' "
        "on a line of its own"}


def test_problems_of_other_pages_are_reported(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1, "index.md": "# Home\n\n<!-- skillbook: -->\n\n```text\nnever closed\n"})
    assert problems(tmp_path) == [
        f"{tmp_path}/docs/index.md:3: empty directive; write '<!-- skillbook: NAME -->'",
        f"{tmp_path}/docs/index.md:5: code fence '```' is never closed, so the rest of the file reads as code; add a closing ``` line",
    ]


def test_numbered_code_lines_are_numbers_not_a_column_of_links(tmp_path):
    """A number per line, 16 px apart, as links would be targets too small to tap
    (WCAG 2.5.8, axe's target-size): they are text, the code as written."""
    numbered = CHAPTER_1 + '\n## 1.2 Code\n\n```python linenums="1"\nfirst = 1\nsecond = 2\nthird = 3\n```\n'
    root = write_book(make_site_project(tmp_path / "book"), {"tester.yml": skill_yaml("tester")},
                      {"chapter-1-testing.md": numbered})
    result = build_site(root, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    page = read(tmp_path / "site", "chapter-1-testing")
    numbers = re.search(r'<td class="linenos">(.*?)</td>', page, re.DOTALL)
    assert numbers is not None, "the code block numbers its lines"
    assert re.findall(r">\s*(\d+)\s*<", numbers.group(1)) == ["1", "2", "3"]
    assert "<a " not in numbers.group(1)
