"""Metadata reaches HTML as text, templates never run what authors write, and
links built from metadata stay inside the site or go to http(s) URLs."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.conftest import CHAPTER_1, build_site, make_site_project, skill_yaml, write_book

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = make_site_project(tmp_path_factory.mktemp("hostile"))
    skills = {
        "tester.yml": skill_yaml(
            "tester",
            purpose=f'"{XSS}"',
            best_for='"{{ 7*7 }} and {% if true %}yes{% endif %} | pipes"',
            introduction='"Uses `<b>code</b>` and [docs](https://example.org/docs) *emphasis*{: onclick=\\"alert(1)\\" }"',
            when_to_use='["<script>alert(1)</script>", "{{ config }}", "#1 choice", "[evil]: javascript:alert(1)", "[click me][evil]"]',
            key_strengths='["[evil2]: javascript:alert(2)", "See [the docs][evil2]"]',
        ),
    }
    chapter = CHAPTER_1.replace("## 1.1 Prompts", "## 1.1 Prompts\n\n<!-- skillbook: skill-introduction tester -->").replace(
        "@tester Write a test for the parser.", "@tester Render {{ 7*7 }} and {% raw %} and <script>alert(1)</script>"
    )
    write_book(root, skills, {"chapter-1-testing.md": chapter})
    site = root / "site"
    result = build_site(root, site)
    assert result.returncode == 0, result.stderr
    return site


def pages(site: Path) -> dict[str, str]:
    return {
        "chapter": (site / "chapter-1-testing" / "index.html").read_text(),
        "skill": (site / "skills" / "tester" / "index.html").read_text(),
        "catalog": (site / "skills" / "index.html").read_text(),
        "prompt": (site / "prompts" / "write-a-test" / "index.html").read_text(),
    }


def test_metadata_html_shows_as_text(hostile_site):
    for name, page in pages(hostile_site).items():
        assert "javascript:" not in re.sub(r">[^<]*<", "><", page), name  # in no tag or attribute
        assert not re.search(r"<h1[^>]*>\s*1 choice", page), name
        assert "<img src=x" not in page and '<img src="x"' not in page, name
        assert "<script>alert(1)</script>" not in page, name
        assert not re.search(r"<[^>]*\bonclick=", page), name
    skill = pages(hostile_site)["skill"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in skill
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in skill
    # Markdown still works in metadata: code spans show their HTML as text, links stay links.
    assert "<code>&#60;b&#62;code&#60;&#47;b&#62;</code>" in skill
    assert '<a href="https://example.org/docs">docs</a>' in skill


def visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_templates_do_not_run_author_text(hostile_site):
    for name, page in pages(hostile_site).items():
        assert "49" not in visible_text(page).replace("2049", ""), name
    skill = visible_text(pages(hostile_site)["skill"])
    assert "{{ 7*7 }} and {% if true %}yes{% endif %} | pipes" in skill
    assert "{{ config }}" in skill
    prompt = visible_text(pages(hostile_site)["prompt"])
    assert "@tester Render {{ 7*7 }} and {% raw %} and <script>alert(1)</script>" in prompt


def test_links_from_metadata_point_inside_the_site_or_to_http(hostile_site):
    for name, page in pages(hostile_site).items():
        article = page[page.index("<article"):page.rindex("</article>")]
        hrefs = re.findall(r'href="([^"]*)"', article)
        assert hrefs, name
        for href in hrefs:
            assert href.startswith(("https://", "http://", "#", "../", "./")) or re.match(r"^[a-z0-9-]+/", href), (name, href)


# (target, as the message names it: with its balanced parentheses, up to a '>')
@pytest.mark.parametrize("target, named", [("javascript:alert(1)", "javascript:alert(1)"), ("data:text/html,<b>x</b>", "data:text/html,<b"),
                                           ("//evil.example/x", "//evil.example/x"), ("vbscript:x", "vbscript:x")])
def test_a_metadata_link_elsewhere_fails_the_build(tmp_path, target, named):
    root = make_site_project(tmp_path / "book")
    write_book(root, {"tester.yml": skill_yaml("tester", best_for=f'"See [this]({target})"')}, {"chapter-1-testing.md": CHAPTER_1})
    result = build_site(root, root / "site")
    assert result.returncode != 0
    assert (f"\nskills/tester.yml:3: link '{named}' in 'best_for' is not allowed: links in skill metadata must be "
            "http(s) URLs (https://...)\n") in result.stderr
    assert not (root / "site").exists()


def test_an_authors_front_matter_reaches_the_page_as_text(tmp_path):
    root = make_site_project(tmp_path / "book")
    chapter = f'---\ntitle: "Testing {XSS}"\ndescription: "\\"><script>alert(1)</script>"\n---\n\n' + CHAPTER_1
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    site = root / "site"
    assert build_site(root, site).returncode == 0
    page = (site / "chapter-1-testing" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and XSS not in page
    assert 'content="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


HOSTILE_CHAPTER = """# Chapter 1: Testing <img src=x onerror=alert(1)> </title><script>alert(4)</script>

Prose with <script>alert(1)</script>, a <kbd>Ctrl</kbd> key and `<b>code</b>`.
Generics such as List<String> read as text.

<div class="note" markdown>
**Allowed**: a div with a class.
</div>

<iframe src="https://evil.example"></iframe>

## 1.1 Prompts

#### Write a Test <span onclick="alert(1)">now</span>

**Context:** You need a test <img src=y onerror=alert(2)>.

```text
@tester Write a test for <script>parse()</script>.
```

**Expected Output:** A test <svg onload=alert(3)>.
"""


def test_an_authors_html_is_shown_as_text(tmp_path):
    root = make_site_project(tmp_path / "book")
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": HOSTILE_CHAPTER})
    site = root / "site"
    result = build_site(root, site)
    assert result.returncode == 0, result.stderr
    chapter, prompt, skill = (
        (site / path / "index.html").read_text(encoding="utf-8")
        for path in ("chapter-1-testing", "prompts/write-a-test-now", "skills/tester")
    )
    for name, page in (("chapter", chapter), ("prompt", prompt), ("skill", skill)):
        content = page.split('class="md-content__inner md-typeset">', 1)[1].split("<footer", 1)[0]
        for dangerous in ("<script>alert", "<script>parse", "<img src=", "<iframe", "<svg onload"):
            assert dangerous not in content, (name, dangerous)
        assert not re.search(r"<[a-z]+\s[^<>]*\bon[a-z]+=", content), (name, "an event handler attribute")
        assert "<script>alert(4)" not in page and "<img src=x" not in page, (name, "the page title")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chapter and "List&lt;String&gt;" in chapter
    assert "<kbd>Ctrl</kbd>" in chapter and '<div class="note">' in chapter and "<strong>Allowed</strong>" in chapter
    assert "&lt;img src=y onerror=alert(2)&gt;" in prompt
    # The prompt itself is code, shown exactly.
    assert "@tester Write a test for &lt;script&gt;parse()&lt;/script&gt;." in prompt


# (link, its target as the message names it, with its balanced parentheses)
@pytest.mark.parametrize("link, named", [("[click](javascript:alert(1))", "javascript:alert(1)"),
                                         ("![x](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html;base64,PHNjcmlwdD4="),
                                         ("[ref]: vbscript:msgbox(1)", "vbscript:msgbox(1)")])
def test_a_link_that_could_run_script_is_an_error(tmp_path, link, named):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1 + f"\n{link}\n"})
    from skillbook import load_book
    book = load_book(tmp_path / "docs", tmp_path / "skills")
    assert [str(p.relative_to(tmp_path)) for p in book.problems] == [
        f"docs/chapter-1-testing.md:17: link to '{named}' is not allowed: links may go to pages of the book, "
        "http(s) or mailto addresses; change or remove it"]


def test_no_stray_tag_reaches_any_page(tmp_path):
    from tests.support.pages import html_pages, misplaced_tags
    from tests.support.stray_tags import write_stray_tags_book

    root = write_stray_tags_book(make_site_project(tmp_path / "book"))
    site = root / "site"
    result = build_site(root, site)
    assert result.returncode == 0, result.stderr
    pages = html_pages(site)
    assert {"index.html", "chapter-1-testing/index.html", "prompts/write-a-test/index.html",
            "skills/tester/index.html", "skills/index.html", "prompts/index.html"} <= set(pages)
    broken = {page: found for page in pages if (found := misplaced_tags((site / page).read_text(encoding="utf-8")))}
    assert broken == {}
    chapter = (site / "chapter-1-testing" / "index.html").read_text(encoding="utf-8")
    # Shown as text, as written, and the one pair an author may write kept.
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in chapter and "&lt;/div&gt;&lt;/div&gt;&lt;/section&gt;" in chapter
    assert '<div class="tip" markdown>a kept pair</div>' in chapter
