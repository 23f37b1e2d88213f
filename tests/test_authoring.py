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
        f"{tmp_path}/docs/chapter-1-testing.md:11: prompt id 'write-a-test' is also the anchor of the heading "
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


@pytest.mark.parametrize("name", ["chapter-2-Two.md", "chapter-5.md", "part/chapter-6-six.md"])
def test_file_named_almost_like_a_chapter(tmp_path, name):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "docs" / name).write_text("# Chapter\n")
    found = load_book(tmp_path / "docs", tmp_path / "skills").problems
    assert [(p.path, p.line, p.severity) for p in found] == [(f"{tmp_path}/docs/{name}", 1, Severity.WARNING)]
    assert "only docs/chapter-<number>-<slug>.md files are chapters" in found[0].message


def test_field_written_twice(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester") + "purpose: Again\n"}, {"chapter-1-testing.md": CHAPTER_1})
    assert problems(tmp_path) == [
        f"{tmp_path}/skills/tester.yml:5: field 'purpose' is written twice (first on line 2); keep one of them"
    ]


def test_skill_related_to_itself(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester", related="[tester]")}, {"chapter-1-testing.md": CHAPTER_1})
    assert problems(tmp_path) == [f"{tmp_path}/skills/tester.yml:5: skill 'tester' lists itself as related; remove it"]
