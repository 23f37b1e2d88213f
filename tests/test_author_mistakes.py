"""Common author mistakes, one at a time: each is reported where the author looks,
in the author's words, and every fix the message suggests, once applied, makes
the message go away."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from skillbook import load_book
from tests.conftest import CHAPTER_1, build_site, make_site_project, skill_yaml, write_book

TWO_PROMPTS = CHAPTER_1 + """
#### Write Another Test

```text
@tester Write a test for the printer.
```

**Expected Output:** Another test.
"""


def problems(root: Path) -> list[str]:
    book = load_book(root / "docs", root / "skills")
    return [str(p.relative_to(root)) for p in book.problems]


def check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skillbook.cli", "check", "--root", str(root)], capture_output=True, text=True)


def test_a_prompt_left_open_is_reported_not_swallowed(tmp_path):
    broken = TWO_PROMPTS.replace("@tester Write a test for the parser.\n```\n", "@tester Write a test for the parser.\n", 1)
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": broken})
    assert problems(tmp_path) == [
        "docs/chapter-1-testing.md:11: this code fence is not closed before line 14 ('**Expected Output:** A test.'), "
        "so it swallows what lies between; add a closing ``` line where the block ends",
    ]
    result = check(tmp_path)
    assert result.returncode == 1
    # Fixed as the message says, both prompts are back.
    (tmp_path / "docs" / "chapter-1-testing.md").write_text(TWO_PROMPTS)
    assert problems(tmp_path) == [] and "2 prompts; 0 errors" in check(tmp_path).stdout


def test_a_fence_swallowing_the_next_code_block_is_reported(tmp_path):
    chapter = CHAPTER_1 + "\n## Setup\n\n```bash\npip install tester\n\nMore prose.\n\n```python\nprint(1)\n```\n"
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    assert problems(tmp_path) == [
        "docs/chapter-1-testing.md:19: this code fence is not closed before line 24 ('```python'), so it swallows "
        "what lies between; add a closing ``` line where the block ends",
    ]


def test_a_longer_fence_may_hold_a_shorter_one(tmp_path):
    chapter = CHAPTER_1 + "\n## Example\n\n````text\n@tester Review:\n\n```python\nprint(1)\n```\n````\n"
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    assert problems(tmp_path) == []


# Each case: files to write, the message expected, and how its suggestion is applied.
def rename_as_suggested(root: Path, message: str) -> None:
    old, new = re.search(r"^(\S+?):\d+: .*?rename (?:the file )?(?:it )?to '?(?:docs/)?([^' ,]+)'?", message).groups()
    source = root / old
    source.rename(source.with_name(new))


def replace_as_suggested(old: str, pattern: str):
    def apply(root: Path, message: str) -> None:
        path = root / message.split(":", 1)[0]
        new = re.search(pattern, message).group(1)
        path.write_text(path.read_text().replace(old, new))
    return apply


SUGGESTIONS = [
    pytest.param({"skills/terraform_expert.yml": skill_yaml("terraform-expert")},
                 "skills/terraform_expert.yml:1: skill id 'terraform-expert' differs from its file name "
                 "'terraform_expert.yml'; rename the file to 'terraform-expert.yml'", rename_as_suggested, id="underscore-file-name"),
    pytest.param({"skills/TerraformExpert.yml": skill_yaml("terraform-expert")},
                 "skills/TerraformExpert.yml:1: skill id 'terraform-expert' differs from its file name "
                 "'TerraformExpert.yml'; rename the file to 'terraform-expert.yml'", rename_as_suggested, id="camel-case-file-name"),
    pytest.param({"skills/aws-expert.yml": skill_yaml("aws-expert", introduction="Cloud."),
                  "docs/chapter-2-cloud.md": "# Chapter 2: Cloud\n\n<!-- skillbook: skill-introduction aws-exprt -->\n"},
                 "docs/chapter-2-cloud.md:3: skill-introduction names unknown skill 'aws-exprt'; did you mean 'aws-expert'?",
                 replace_as_suggested("aws-exprt", r"did you mean '([^']+)'"), id="directive-skill"),
    pytest.param({"docs/chapter-1-testing.md": CHAPTER_1.replace("@tester Write", "@testr Write")},
                 "docs/chapter-1-testing.md:12: prompt 'Write a Test' uses unknown skill '@testr'; did you mean '@tester'?",
                 replace_as_suggested("@testr", r"did you mean '([^']+)'"), id="prompt-skill"),
    pytest.param({"skills/other.yml": skill_yaml("other", chapters="1")},
                 "skills/other.yml:4: field 'chapters' must be a list, not a number; write 'chapters: [1]'",
                 replace_as_suggested("chapters: 1\n", r"write '([^']+)'"), id="chapters-not-a-list"),
    pytest.param({"skills/other.yml": skill_yaml("other", purpose=None, purpse="Typo")},
                 "skills/other.yml:4: unknown field 'purpse'; did you mean 'purpose'?",
                 replace_as_suggested("purpse", r"did you mean '([^']+)'"), id="unknown-field"),
    pytest.param({"docs/chapter17-cloud.md": "# Chapter 17: Cloud\n"},
                 "docs/chapter17-cloud.md:1: warning: this looks like a chapter or an appendix, but only "
                 "docs/chapter-<number>-<slug>.md and docs/appendix-<letter>-<slug>.md files are (lower-case slug); "
                 "rename it to docs/chapter-17-cloud.md, or its prompts stay plain code",
                 rename_as_suggested, id="chapter-file-name"),
]


@pytest.mark.parametrize("files, message, apply", SUGGESTIONS)
def test_every_suggested_fix_makes_the_message_go_away(tmp_path, files, message, apply):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    for relative, content in files.items():
        (tmp_path / relative).write_text(content)
    found = problems(tmp_path)
    assert message in found, found
    apply(tmp_path, message)
    after = problems(tmp_path)
    assert message not in after
    # The fix brings no error of its own (a chapter listed that is not written is a warning).
    assert not [p for p in after if ": warning: " not in p], after


UNEXPECTED_COLON = ("a ':' YAML did not expect: check the indentation of this line and the one above, "
                    "or put a value holding ': ' in quotes")


@pytest.mark.parametrize("skill, line, words", [
    ("id: tester\npurpose: Testing\n  best_for: Fixtures\nchapters: [1]\n", 3, UNEXPECTED_COLON),
    ("id: tester\npurpose: Testing: more\nchapters: [1]\n", 2, UNEXPECTED_COLON),
    ("id: tester\npurpose: Testing\nchapters: [1]\nwhen_to_use:\n\t- one\n\t- two\n", 5,
     "this line is indented with a tab; YAML indents with spaces only, so replace the tabs with spaces"),
])
def test_yaml_mistakes_in_the_authors_words(tmp_path, skill, line, words):
    write_book(tmp_path, {"tester.yml": skill}, {"chapter-1-testing.md": CHAPTER_1})
    assert problems(tmp_path) == [f"skills/tester.yml:{line}: YAML syntax error: {words}"]


def test_an_indented_dash_joining_the_item_above_is_a_warning(tmp_path):
    skill = skill_yaml("tester") + "when_to_use:\n  - Writing tests\n    - for parsers\n  - Reviewing tests\n"
    write_book(tmp_path, {"tester.yml": skill}, {"chapter-1-testing.md": CHAPTER_1})
    assert problems(tmp_path) == [
        "skills/tester.yml:7: warning: this '- ' line is indented under the item above, so YAML joins it to that "
        "item of 'when_to_use' as one line; to make it an item of its own, align its '-' with the '-' above",
    ]


def test_counts_are_singular_and_say_what_was_not_built(tmp_path):
    chapter = CHAPTER_1 + "\n#### Write a Test\n\n```text\n@tester Again.\n```\n"
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    result = check(tmp_path)
    assert "skillbook: 1 skill, 1 chapter, 2 prompts, 1 not built: see above; 1 error, 0 warnings in " in result.stderr


def test_strict_build_fails_on_a_swallowed_prompt(tmp_path):
    root = make_site_project(tmp_path / "book")
    broken = TWO_PROMPTS.replace("@tester Write a test for the parser.\n```\n", "@tester Write a test for the parser.\n", 1)
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": broken, "index.md": "# Home\n"})
    result = build_site(root, root / "site")
    assert result.returncode == 1
    assert ("\ndocs/chapter-1-testing.md:11: this code fence is not closed before line 14 ('**Expected Output:** A test.'), "
            "so it swallows what lies between; add a closing ``` line where the block ends\n") in result.stderr
