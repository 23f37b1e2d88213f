"""Every check of the book has a test that asserts its whole message, fix
included: a message that loses its fix, or a check that stops firing, fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillbook import load_book
from tests.conftest import CHAPTER_1, build_site, make_site_project, skill_yaml, write_book

INTRO = "# Chapter 2: Two\n\n<!-- skillbook: skill-introduction {args}-->\n"


def messages(root: Path) -> list[str]:
    book = load_book(root / "docs", root / "skills")
    return [str(p.relative_to(root)) for p in book.problems]


@pytest.mark.parametrize("skills, docs, expected", [
    ({"index.yml": skill_yaml("index")}, {},
     ["skills/index.yml:1: 'index' is reserved for the skills catalog; choose another id"]),
    ({}, {"chapter-1-again.md": "# Chapter 1: Again\n"},
     ["docs/chapter-1-testing.md:1: chapter 1 is also docs/chapter-1-again.md; give each its own number"]),
    ({}, {"chapter-2-two.md": INTRO.format(args="")},
     ["docs/chapter-2-two.md:3: directive 'skill-introduction' takes 1 argument, got 0; "
      "write '<!-- skillbook: skill-introduction <skill-id> -->'"]),
    ({}, {"chapter-2-two.md": "# Chapter 2: Two\n\n<!-- skillbook: skills-table extra -->\n"},
     ["docs/chapter-2-two.md:3: directive 'skills-table' takes 0 arguments, got 1; write '<!-- skillbook: skills-table -->'"]),
    ({}, {"chapter-2-two.md": INTRO.format(args="nobody ")},
     ["docs/chapter-2-two.md:3: skill-introduction names unknown skill 'nobody'; add skills/nobody.yml or fix the name"]),
    ({}, {"chapter-2-two.md": INTRO.format(args="tester ")},
     ["docs/chapter-2-two.md:3: skill 'tester' has no 'introduction:' in skills/tester.yml; add one"]),
    ({"list.yml": "- id: list\n"}, {},
     ["skills/list.yml:1: a skill file must be a YAML mapping of fields such as 'id:' and 'purpose:'"]),
    ({"empty.yml": skill_yaml("empty", purpose='""')}, {},
     ["skills/empty.yml:2: field 'purpose' is empty; write its text or remove the field"]),
    ({"other.yml": skill_yaml("other", related="[nobody]")}, {},
     ["skills/other.yml:5: related skill 'nobody' does not exist; remove it or add its skill file"]),
    ({"other.yml": skill_yaml("other", related="[testr]")}, {},
     ["skills/other.yml:5: related skill 'testr' does not exist; did you mean 'tester'?"]),
    ({"unused.yml": skill_yaml("unused", chapters="[]")}, {},
     ["skills/unused.yml:4: warning: no chapter uses skill 'unused'; list a chapter under 'chapters:' or delete the file"]),
    ({}, {"chapter-2-two.md": "# Chapter 2: Two\n\n#### Write a Test\n\n```text\n@tester Again.\n```\n"},
     ["docs/chapter-2-two.md:3: prompt id 'write-a-test' is already used by 'Write a Test' (docs/chapter-1-testing.md:7); "
      "pin a unique id by ending this prompt's heading with '{#a-new-id}'"]),
    ({}, {"chapter-1-testing.md": CHAPTER_1.replace("@tester Write a test for the parser.", "@tester   ")},
     ["docs/chapter-1-testing.md:11: prompt 'Write a Test' is empty: write the request after @tester"]),
])
def test_each_check_says_what_to_do(tmp_path, skills, docs, expected):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester"), **skills}, {"chapter-1-testing.md": CHAPTER_1, **docs})
    found = messages(tmp_path)
    assert found == expected


def test_a_docs_file_where_a_page_is_generated_fails_the_build(tmp_path):
    root = make_site_project(tmp_path / "book")
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    (root / "docs" / "skills").mkdir()
    (root / "docs" / "skills" / "tester.md").write_text("# Mine\n")
    result = build_site(root, root / "site")
    assert result.returncode == 1
    assert "docs/skills/tester.md is a page the book generates; rename or remove that file" in result.stderr
