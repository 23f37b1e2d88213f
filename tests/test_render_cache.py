"""The reuse cache's inputs are what a page reads of the book, recorded as it
renders, not a list someone keeps: a part of the book that a template comes to
show is an input without anyone adding it. Each save below changes a part of
the book that the hand-kept lists left out; the page reused after it must be
the page a fresh renderer renders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillbook import load_book
from skillbook.book import Book, ParsedSources
from skillbook.render import Renderer
from skillbook.render_cache import BookReads, Read, ReadKind
from tests.conftest import TEMPLATES, skill_yaml, write_book

CHAPTER = """# Chapter 1: Testing

<!-- skillbook: skills-table -->

## 1.1 Prompts

#### Write a Test

```text
@alpha-tester Write a test for the parser.
```
"""


CHAPTER_2 = """# Chapter 2: Fixing

<!-- skillbook: skills-table -->

#### Write a Fix

```text
@delta-fixer Fix the parser.
```
"""


def _book(root: Path, skills: dict[str, str], chapter: str = CHAPTER, parsed: ParsedSources | None = None) -> Book:
    for old in (root / "skills").glob("*.yml") if (root / "skills").is_dir() else []:
        old.unlink()
    write_book(root, skills, {"chapter-1-testing.md": chapter, "chapter-2-fixing.md": CHAPTER_2})
    return load_book(root / "docs", root / "skills", root, None, parsed)


def _pages(renderer: Renderer) -> dict[str, str]:
    pages = {page.src_uri: page.markdown for page in renderer.generated_pages()}
    return pages | {chapter.src_uri: renderer.chapter(chapter) for chapter in renderer.book.chapters}


SKILLS = {f"{name}.yml": skill_yaml(name, order=str(order)) for order, name in enumerate(["alpha-tester", "beta-tester", "gamma-tester"], 2)}
SKILLS["delta-fixer.yml"] = skill_yaml("delta-fixer", chapters="[2]")


def test_a_skill_page_follows_the_order_of_its_neighbours(tmp_path):
    # "Next to it in chapter 1" on beta-tester's page names the skills before and
    # after it in the chapter's table: gamma-tester moving first changes it.
    parsed = ParsedSources()
    before = Renderer(_book(tmp_path, SKILLS, parsed=parsed), TEMPLATES, keep=True)
    assert "`@gamma-tester` →" in _pages(before)["skills/beta-tester.md"]
    book = _book(tmp_path, SKILLS | {"gamma-tester.yml": skill_yaml("gamma-tester", order="1")}, parsed=parsed)
    assert not book.problems
    reused = _pages(Renderer(book, TEMPLATES, before, keep=True))
    assert reused == _pages(Renderer(book, TEMPLATES))
    assert "`@gamma-tester` →" not in reused["skills/beta-tester.md"]


def test_what_a_template_comes_to_read_is_an_input(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    page = templates / "skill-page.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThe book holds {{ book.prompts|length }} prompts.\n", encoding="utf-8")
    parsed = ParsedSources()
    book = tmp_path / "book"
    before = Renderer(_book(book, SKILLS, parsed=parsed), templates, keep=True)
    assert "The book holds 2 prompts." in _pages(before)["skills/gamma-tester.md"]
    second = CHAPTER + "\n#### Write Another\n\n```text\n@alpha-tester Write another test.\n```\n"
    after = _book(book, SKILLS, second, parsed)
    reused = _pages(Renderer(after, templates, before, keep=True))
    assert reused == _pages(Renderer(after, templates))
    assert "The book holds 3 prompts." in reused["skills/gamma-tester.md"]


def test_a_page_whose_reads_hold_is_reused(tmp_path):
    parsed = ParsedSources()
    book = _book(tmp_path, SKILLS, parsed=parsed)
    before = Renderer(book, TEMPLATES, keep=True)
    _pages(before)
    rendered: list[str] = []
    saved = _book(tmp_path, SKILLS | {"alpha-tester.yml": skill_yaml("alpha-tester", order="2", purpose="Saved")}, parsed=parsed)
    reusing = Renderer(saved, TEMPLATES, before)
    render = reusing._render
    reusing._render = lambda template, uri, **context: rendered.append(uri) or render(template, uri, **context)  # type: ignore[method-assign]
    pages = _pages(reusing)
    # The skills catalog, alpha-tester's page, its prompt's page and the chapter with
    # its table show its purpose; every skill page of chapter 1 reads the chapter's
    # table (for its neighbours), which holds alpha-tester. Chapter 2's pages and the
    # prompt library (which shows no skill's purpose) are reused.
    assert sorted(set(rendered)) == ["chapter-1-testing.md", "prompts/write-a-test.md",
                                     "skills/alpha-tester.md", "skills/beta-tester.md", "skills/gamma-tester.md",
                                     "skills/index.md"]
    assert pages == _pages(Renderer(saved, TEMPLATES))


def test_a_read_holds_while_the_book_answers_it_the_same(tmp_path):
    book = _book(tmp_path / "one", SKILLS)
    reads = BookReads(book)
    alpha = reads.skills.get("alpha-tester")
    assert reads.prompts_for(alpha) == book.prompts_for(book.skills["alpha-tester"])
    assert "zeta-tester" not in reads.skills
    assert [(r.kind, r.name, r.args) for r in reads.reads] == [
        (ReadKind.GET, "skills", ("alpha-tester",)), (ReadKind.CALL, "prompts_for", (alpha,)),
        (ReadKind.CONTAINS, "skills", ("zeta-tester",))]
    same = _book(tmp_path / "one", SKILLS)  # read again: other objects, equal
    assert all(read.holds_for(same) for read in reads.reads)
    other = _book(tmp_path / "one", SKILLS | {"zeta-tester.yml": skill_yaml("zeta-tester")})
    assert [read.holds_for(other) for read in reads.reads] == [True, True, False]
    assert Read(ReadKind.LENGTH, "skills", (), 4).holds_for(same) and not Read(ReadKind.LENGTH, "skills", (), 4).holds_for(other)


def test_a_mapping_is_read_key_by_key_where_it_can_be(tmp_path):
    book = _book(tmp_path, SKILLS)
    reads = BookReads(book)
    with pytest.raises(KeyError):
        reads.skills["zeta-tester"]
    assert reads.skills["alpha-tester"] is book.skills["alpha-tester"]
    assert [skill.id for skill in reads.skills.values()] == [skill.id for _, skill in reads.skills.items()] == sorted(
        name.removesuffix(".yml") for name in SKILLS)
    assert [(r.kind, r.args) for r in reads.reads] == [
        (ReadKind.GET, ("zeta-tester",)), (ReadKind.GET, ("alpha-tester",)), (ReadKind.WHOLE, ()), (ReadKind.WHOLE, ())]
    saved = _book(tmp_path, SKILLS | {"delta-fixer.yml": skill_yaml("delta-fixer", chapters="[2]", purpose="Saved")})
    # The keys asked for answer the same; the whole mapping does not.
    assert [read.holds_for(saved) for read in reads.reads] == [True, True, False, False]
