"""Every check of the book has a test that asserts its whole message, fix
included: a message that loses its fix, or a check that stops firing, fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillbook import load_book
from skillbook.cli import main
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
    ({"tester.yml": skill_yaml("tester", order="0")}, {},
     ["skills/tester.yml:5: field 'order' is 0, below its least value 1; write 1 or more"]),
    ({"tester.yml": skill_yaml("tester", chapters="[1, 1]")}, {},
     ["skills/tester.yml:4: field 'chapters' lists 1 more than once; list each once"]),
    ({"other.yml": skill_yaml("other", related="[tester, tester]")}, {},
     ["skills/other.yml:5: field 'related' lists 'tester' more than once; list each once"]),
    ({"tester.yml": skill_yaml("tester", former_ids="[Old_Id]")}, {},
     ["skills/tester.yml:5: 'Old_Id' in 'former_ids.0' is not a valid skill id: use lower-case letters, "
      "digits and single hyphens only (no spaces, dots or slashes)"]),
    ({"tester.yml": skill_yaml("tester", chapters="[sixteen]")}, {},
     ["skills/tester.yml:4: 'sixteen' in 'chapters.0' is neither a chapter number (17) nor an appendix letter (B); "
      "write them as 'chapters: [17, B]'"]),
    # A key YAML reads as a number is still found at its own line.
    ({"tester.yml": skill_yaml("tester", **{"1": "one"})}, {},
     ["skills/tester.yml:5: unknown field '1'; known fields: id, purpose, best_for, chapters, order, related, "
      "former_ids, introduction, when_to_use, key_strengths"]),
    ({"tester.yml": skill_yaml("tester", former_ids="[old]"), "other.yml": skill_yaml("other", former_ids="[old]")}, {},
     ["skills/tester.yml:5: former id 'old' is already listed by skill 'other'; list it once"]),
    ({}, {"chapter-2-two.md": "Some prose.\n"},
     ["docs/chapter-2-two.md:1: chapter 2 has no title; start it with '# Chapter 2: Title'"]),
    ({}, {"chapter2x.md": "# Chapter 2: Two\n"},
     ["docs/chapter2x.md:1: warning: this looks like a chapter or an appendix, but only docs/chapter-<number>-<slug>.md "
      "and docs/appendix-<letter>-<slug>.md files are (lower-case slug); rename it to docs/chapter-<number>-<slug>.md, "
      "or its prompts stay plain code"]),
    ({}, {"chapter-2-two.md": "# Chapter 2: Two\n\n#### Index\n\n```text\n@tester Again.\n```\n"},
     ["docs/chapter-2-two.md:3: prompt 'Index' has the id 'index', which cannot be a page name; pin one made of "
      "lower-case letters, digits and hyphens by ending its heading with '{#my-prompt-id}'"]),
    ({}, {"chapter-2-two.md": "# Chapter 2: Two\n\n#### Open\n\n```text\n"},
     ["docs/chapter-2-two.md:5: code fence '```' is never closed, so the rest of the file reads as code; "
      "add a closing ``` line"]),
])
def test_each_check_says_what_to_do(tmp_path, skills, docs, expected):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester"), **skills}, {"chapter-1-testing.md": CHAPTER_1, **docs})
    found = messages(tmp_path)
    assert found == expected


@pytest.mark.parametrize("skills, docs", [
    # A Python decorator opening a code block invokes no skill.
    ({}, {"chapter-1-testing.md": CHAPTER_1 + "\n```python\n@dataclass\nclass Point: ...\n```\n"}),
    # A list item wrapped onto a second line is one item, not two joined.
    ({"tester.yml": skill_yaml("tester") + "when_to_use:\n  - Writing tests\n    for parsers\n  - Reviewing tests\n"}, {}),
])
def test_what_authors_mean_is_not_reported_as_a_mistake(tmp_path, skills, docs):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester"), **skills}, {"chapter-1-testing.md": CHAPTER_1, **docs})
    assert messages(tmp_path) == []


@pytest.mark.parametrize("value, named", [
    ("", "empty; write its text after 'purpose:', or remove the line"),
    # YAML reads an unquoted date as a date, which no field takes.
    ("2024-05-01", "a date; write it as text, in quotes if YAML would read it otherwise: \"...\""),
])
def test_a_field_left_empty_or_read_as_another_type_is_named_by_its_type(tmp_path, value, named):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester", purpose=value)}, {"chapter-1-testing.md": CHAPTER_1})
    assert messages(tmp_path) == [f"skills/tester.yml:2: field 'purpose' must be a text, not {named}"]


def test_a_docs_file_where_a_page_is_generated_fails_the_build(tmp_path):
    root = make_site_project(tmp_path / "book")
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    (root / "docs" / "skills").mkdir()
    (root / "docs" / "skills" / "tester.md").write_text("# Mine\n")
    result = build_site(root, root / "site")
    assert result.returncode == 1
    assert "docs/skills/tester.md is a page the book generates; rename or remove that file" in result.stderr


def test_a_book_without_a_skills_folder_is_told_to_create_it(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "chapter-1-testing.md").write_text(CHAPTER_1, encoding="utf-8")
    assert "skills:1: skills folder not found; create it with one <id>.yml file per skill" in messages(tmp_path)


@pytest.mark.parametrize("config, expected", [
    (b"site_name: Caf\xe9\n", ["mkdocs.yml:1: file is not UTF-8 (byte 0xe9 at offset 14); it reads as Windows-1252 (Western European): run 'skillbook check --fix' to save it as UTF-8, or save it as UTF-8 in your editor"]),
    # The syntax is reported at its line, as the check must (MkDocs gives no line); the book then has no parts.
    (b"extra:\n  skillbook: [\n", ["mkdocs.yml:2: YAML syntax error: this '[' is not closed; close it with ']', "
                                   "or put a text holding '[' in quotes"]),
    # MkDocs reports the shape of its own file.
    (b"extra: 3\n", []),
])
def test_a_mkdocs_yml_without_readable_options_gives_a_book_without_parts(tmp_path, config, expected):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    (tmp_path / "mkdocs.yml").write_bytes(config)
    book = load_book(tmp_path / "docs", tmp_path / "skills", tmp_path, tmp_path / "mkdocs.yml")
    assert [str(p.relative_to(tmp_path)) for p in book.problems] == expected
    assert book.options.parts == []


def test_a_folder_linked_into_itself_is_read_once(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    (tmp_path / "skills" / "again").symlink_to(tmp_path / "skills", target_is_directory=True)
    assert messages(tmp_path) == []


def test_a_link_to_a_missing_file_says_so(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    (tmp_path / "docs" / "gone.md").symlink_to(tmp_path / "docs" / "nothing.md")
    assert messages(tmp_path) == [
        "docs/gone.md:1: cannot read this file (No such file or directory); check that it exists and is readable"]


@pytest.mark.parametrize("chapter, expected", [
    # "Key: value" lines open a page's metadata, as MkDocs reads it, up to the first line of text.
    ("Status: draft\n# Chapter 2: Two\n", []),
    ("Status: draft\n    reviewed\nOwner: me", ["docs/chapter-2-two.md:3: chapter 2 has no title; start it with '# Chapter 2: Title'"]),
    # ']' before any '[' closes nothing: the 600 '[' after them stay unclosed.
    ("# Chapter 2: Two\n\n" + "]" * 2000 + "[" * 600 + "\n",
     ["docs/chapter-2-two.md:3: 600 '[' or '](' left unclosed in this block make the page too slow to render; "
      "close each link, or write a literal bracket as \\["]),
])
def test_chapter_text_is_read_as_mkdocs_reads_it(tmp_path, chapter, expected):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1, "chapter-2-two.md": chapter})
    assert messages(tmp_path) == expected


def test_a_key_without_its_colon_is_a_yaml_error_with_its_fix(tmp_path):
    write_book(tmp_path, {"tester.yml": "id: tester\npurpose Testing\nchapters: [1]\n"}, {"chapter-1-testing.md": CHAPTER_1})
    assert messages(tmp_path)[0] == ("skills/tester.yml:3: YAML syntax error: could not find expected ':': "
                                     "check the indentation of this line against the lines above it")


@pytest.mark.parametrize("config, docs", [("site_name: Book\ndocs_dir: pages\n", "pages"), ("site_name: Book\n", "docs")])
def test_check_reads_the_docs_folder_mkdocs_yml_names(tmp_path, capsys, config, docs):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {})
    (tmp_path / docs).mkdir(exist_ok=True)
    (tmp_path / docs / "chapter-1-testing.md").write_text(CHAPTER_1, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("skillbook: 1 skill, 1 chapter, 1 prompt; 0 errors, 0 warnings in ")


@pytest.mark.parametrize("text, expected", [
    ("id: &name tester\npurpose: *name\nchapters: [1]\n",
     "skills/tester.yml:1: YAML anchors (&name) and aliases (*name) are not allowed here: they can make a short file "
     "expand without bound; write the value out in full"),
    ("id: tester\npurpose: [[[[[[[x]]]]]]]\nchapters: [1]\n",
     "skills/tester.yml:2: YAML nested more than 6 levels deep; a skill file needs two (a mapping of lists): flatten it"),
    # Six levels, twice over, are within the limit: the depth counts down as each closes.
    ("id: tester\npurpose: [[[[[x]]]]]\nbest_for: [[[[[y]]]]]\nchapters: [1]\n",
     "skills/tester.yml:2: field 'purpose' must be a text, not a list; write it as text, in quotes if YAML would "
     "read it otherwise: \"...\""),
    ("id: tester\n\tpurpose: x\nchapters: [1]\n",
     "skills/tester.yml:2: YAML syntax error: this line is indented with a tab; YAML indents with spaces only, "
     "so replace the tabs with spaces"),
])
def test_a_skill_file_yaml_refuses_to_read_says_why_and_what_to_do(tmp_path, text, expected):
    write_book(tmp_path, {"tester.yml": text}, {"chapter-1-testing.md": CHAPTER_1})
    assert messages(tmp_path)[0] == expected
