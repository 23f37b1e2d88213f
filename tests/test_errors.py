"""Every kind of author mistake gets a message naming the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillbook import load_book
from skillbook.problems import Severity
from tests.conftest import CHAPTER_1, skill_yaml, write_book


def problems_of(root: Path, severity: Severity = Severity.ERROR) -> list[str]:
    book = load_book(root / "docs", root / "skills")
    return [str(p) for p in book.problems if p.severity is severity]


def only_problem(root: Path, severity: Severity = Severity.ERROR) -> str:
    found = problems_of(root, severity)
    assert len(found) == 1, found
    return found[0]


def book_with_skill(tmp_path: Path, text: str, name: str = "tester.yml") -> Path:
    return write_book(tmp_path, {name: text}, {"chapter-1-testing.md": CHAPTER_1})


def book_with_chapter(tmp_path: Path, chapter: str | bytes) -> Path:
    return write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})


def test_the_fixture_book_is_valid(tmp_path):
    root = book_with_skill(tmp_path, skill_yaml("tester"))
    book = load_book(root / "docs", root / "skills")
    assert book.problems == []
    assert list(book.prompts) == ["write-a-test"]


def test_yaml_syntax_error(tmp_path):
    root = book_with_skill(tmp_path, "id: tester\npurpose: [Testing\nbest_for: x\nchapters: [1]\n")
    message = only_problem(root)
    assert message == (f"{root / 'skills' / 'tester.yml'}:2: YAML syntax error: this '[' is not closed; "
                       "close it with ']', or put a text holding '[' in quotes")


def test_missing_required_field(tmp_path):
    root = book_with_skill(tmp_path, skill_yaml("tester", purpose=None))
    message = only_problem(root)
    assert message.startswith(f"{root / 'skills' / 'tester.yml'}:1: missing required field 'purpose'")
    assert "Add a line 'purpose: ...'" in message


def test_unknown_field_names_the_closest_known_one(tmp_path):
    root = book_with_skill(tmp_path, skill_yaml("tester", relatd="[]"))
    message = only_problem(root)
    assert message.startswith(f"{root / 'skills' / 'tester.yml'}:5: unknown field 'relatd'")
    assert "did you mean 'related'?" in message


def test_wrong_type(tmp_path):
    root = book_with_skill(tmp_path, skill_yaml("tester", chapters="sixteen"))
    message = only_problem(root)
    assert message == (f"{root / 'skills' / 'tester.yml'}:4: field 'chapters' must be a list, not a text; "
                       "write it as a list, 'chapters: [first, second]' or one '- item' a line under 'chapters:'")


def test_wrong_type_inside_a_list(tmp_path):
    root = book_with_skill(tmp_path, skill_yaml("tester", when_to_use="\n  - Fine\n  - 42"))
    message = only_problem(root)
    assert message == (f"{root / 'skills' / 'tester.yml'}:7: field 'when_to_use.1' must be a text, not a number; "
                       "write it as text, in quotes if YAML would read it otherwise: \"...\"")


def test_file_name_differs_from_id(tmp_path):
    root = book_with_skill(tmp_path, skill_yaml("tester"), name="testing.yml")
    message = only_problem(root)
    assert message.startswith(f"{root / 'skills' / 'testing.yml'}:1: skill id 'tester' differs from its file name")
    assert "rename the file to 'tester.yml' or set 'id: testing'" in message


def test_duplicate_skill_ids(tmp_path):
    root = write_book(
        tmp_path,
        {"tester.yml": skill_yaml("tester"), "tester.yaml": skill_yaml("tester")},
        {"chapter-1-testing.md": CHAPTER_1},
    )
    message = only_problem(root)
    assert message.startswith(f"{root / 'skills' / 'tester.yml'}:1: duplicate skill id 'tester', also in ")
    assert "tester.yaml" in message


@pytest.mark.parametrize("bad_id", ["../etc/passwd", "Tester", "my tester", "tester_1", "tester.", "-tester"])
def test_id_outside_the_allowed_characters(tmp_path, bad_id):
    root = book_with_skill(tmp_path, skill_yaml(f'"{bad_id}"'))
    messages = problems_of(root)
    expected = f"{root / 'skills' / 'tester.yml'}:1: '{bad_id}' in 'id' is not a valid skill id"
    assert any(m.startswith(expected) for m in messages), messages
    assert all("no spaces, dots or slashes" in m for m in messages if "valid skill id" in m)


def test_prompt_with_unknown_skill_suggests_the_closest(tmp_path):
    chapter = CHAPTER_1.replace("@tester Write", "@testr Write")
    root = book_with_chapter(tmp_path, chapter)
    message = only_problem(root)
    assert message.startswith(f"{root / 'docs' / 'chapter-1-testing.md'}:12: prompt 'Write a Test' uses unknown skill '@testr'")
    assert "did you mean '@tester'?" in message


def test_two_prompts_with_the_same_id(tmp_path):
    chapter = CHAPTER_1 + "\n#### Write a Test\n\n```text\n@tester Another one.\n```\n"
    root = book_with_chapter(tmp_path, chapter)
    message = only_problem(root)
    path = root / "docs" / "chapter-1-testing.md"
    assert message.startswith(f"{path}:17: prompt id 'write-a-test' is already used by 'Write a Test' ({path}:7)")
    assert "'{#a-new-id}'" in message


def test_unterminated_code_fence(tmp_path):
    chapter = CHAPTER_1 + "\n## 1.2 More\n\n```text\nnever closed\n\nmore prose\n"
    root = book_with_chapter(tmp_path, chapter)
    message = only_problem(root)
    assert message.startswith(f"{root / 'docs' / 'chapter-1-testing.md'}:19: code fence '```' is never closed")
    assert "add a closing ``` line" in message


def test_chapter_that_is_not_utf8(tmp_path):
    chapter = CHAPTER_1.replace("You need a test.", "Caf\u00e9 test.").encode("cp1252")
    root = book_with_chapter(tmp_path, chapter)
    message = only_problem(root)
    assert message.startswith(f"{root / 'docs' / 'chapter-1-testing.md'}:9: file is not UTF-8 (byte 0xe9")
    assert "save it as UTF-8" in message


def test_skill_file_that_is_not_utf8(tmp_path):
    root = book_with_skill(tmp_path, skill_yaml("tester", purpose="Caf\u00e9").encode("latin-1"))
    message = only_problem(root)
    assert message.startswith(f"{root / 'skills' / 'tester.yml'}:2: file is not UTF-8")


def test_encoding_damage_is_a_warning_with_the_repaired_text(tmp_path):
    chapter = CHAPTER_1 + "\n**Next:** Chapter 2 \u00e2\u2020\u2019 soon, it\u00e2\u20ac\u2122s coming\n"
    root = book_with_chapter(tmp_path, chapter)
    assert problems_of(root) == []
    message = only_problem(root, Severity.WARNING)
    assert message == (
        f"{root / 'docs' / 'chapter-1-testing.md'}:17: warning: encoding damage (text saved as UTF-8 twice); "
        "replace the line with: **Next:** Chapter 2 \u2192 soon, it\u2019s coming"
    )


def test_skill_that_no_chapter_uses_is_a_warning(tmp_path):
    root = write_book(
        tmp_path,
        {"tester.yml": skill_yaml("tester"), "loner.yml": skill_yaml("loner", chapters="[]")},
        {"chapter-1-testing.md": CHAPTER_1},
    )
    assert problems_of(root) == []
    message = only_problem(root, Severity.WARNING)
    assert message.startswith(f"{root / 'skills' / 'loner.yml'}:4: warning: no chapter uses skill 'loner'")


def test_metadata_link_that_is_not_http(tmp_path):
    root = book_with_skill(tmp_path, skill_yaml("tester", introduction='"See [this](javascript:alert(1))."'))
    message = only_problem(root)
    assert message == (f"{root / 'skills' / 'tester.yml'}:5: link 'javascript:alert(1)' in 'introduction' is not allowed: "
                       "links in skill metadata must be http(s) URLs (https://...)")


def test_control_character_in_a_prompt(tmp_path):
    chapter = CHAPTER_1.replace("for the parser.", "for the\x07 parser.")
    root = book_with_chapter(tmp_path, chapter)
    message = only_problem(root)
    assert message.startswith(f"{root / 'docs' / 'chapter-1-testing.md'}:12: prompt 'Write a Test' holds the invisible control character U+0007")


def test_prompt_nested_in_a_list_is_a_warning(tmp_path):
    chapter = CHAPTER_1 + "\n- A list item:\n\n    ```text\n    @tester Nested.\n    ```\n"
    root = book_with_chapter(tmp_path, chapter)
    message = only_problem(root, Severity.WARNING)
    assert message.startswith(f"{root / 'docs' / 'chapter-1-testing.md'}:19: warning: this prompt sits inside a list")


def test_unknown_directive(tmp_path):
    chapter = CHAPTER_1.replace("skills-table", "skill-table")
    root = book_with_chapter(tmp_path, chapter)
    message = only_problem(root)
    assert message.startswith(f"{root / 'docs' / 'chapter-1-testing.md'}:3: unknown directive 'skillbook: skill-table'")


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    chapter = CHAPTER_1.replace("@tester Write", "@nobody Write")
    root = write_book(
        tmp_path,
        {"tester.yml": skill_yaml("tester", chapters="sixteen"), "other.yml": "id: [\n"},
        {"chapter-1-testing.md": chapter},
    )
    messages = problems_of(root)
    assert len(messages) == 3, messages


def test_directive_errors_on_pages_other_than_chapters(tmp_path):
    home = "---\ntitle: Home\n---\n# Home\n\n<!-- skillbook: skills-table -->\n\n<!-- skillbook: chapter-lists -->\n"
    root = write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1, "index.md": home})
    messages = problems_of(root)
    index = root / "docs" / "index.md"
    assert messages == [
        f"{index}:6: 'skills-table' renders a chapter's content, so it can only stand in a chapter file",
        f"{index}:8: unknown directive 'skillbook: chapter-lists'; known: skills-table, skill-introduction, book-stats, chapter-list",
    ]
