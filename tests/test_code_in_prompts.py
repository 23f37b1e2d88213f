"""A prompt that holds a code block, as authors paste one: diagnosed as what it
is, fixed by its message, by `skillbook check --fix` and by the import, and
carried exactly by the card, the prompt page, the JSON and llms-full.txt."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

from skillbook import load_book
from tests.conftest import build_site, make_site_project, skill_yaml, write_book
from tests.support.pages import parse_html, pre_codes

# Lines 1-4 lead to the prompt, which opens on line 5.
HEAD = "# Chapter 1: Databases\n\n## Query Review\n\n"
NAIVE = HEAD + """```text
@tester Review this query:

```sql
SELECT * FROM users WHERE id = 1;
```

And this one, in [language]:

```[language]
-- a comment
```

Then suggest indexes.  
```

**Expected Output:** A review.

## Afterwards

Plain prose, and a `code span`.
"""
# The prompt the author meant, written out: every line between the prompt's
# opening and closing fences, trailing spaces included.
MEANT = """@tester Review this query:

```sql
SELECT * FROM users WHERE id = 1;
```

And this one, in [language]:

```[language]
-- a comment
```

Then suggest indexes.  """
MESSAGE = ("docs/chapter-1-databases.md:5: the ```text block at line 5 holds a ```sql block (line 8), which closes "
           "it early; to put a code block inside a prompt, open the prompt with four backticks (````text) and close "
           "it with ```` (line 19)")


def problems(root: Path) -> list[str]:
    """The book's problems, less the warning that its skill's chapter is not read (when it is refused)."""
    found = [str(p.relative_to(root)) for p in load_book(root / "docs", root / "skills").problems]
    return [p for p in found if "is not in the book yet" not in p]


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skillbook.cli", "check", "--root", str(root), *args],
                          capture_output=True, text=True)


def book(root: Path, chapter: str | bytes = NAIVE) -> Path:
    return write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-databases.md": chapter})


def test_a_code_block_inside_a_prompt_is_reported_once_as_what_it_is(tmp_path):
    assert problems(book(tmp_path)) == [MESSAGE]


def test_the_fix_the_message_gives_applied_by_hand_gives_the_prompt_meant(tmp_path):
    book(tmp_path)
    path = tmp_path / "docs" / "chapter-1-databases.md"
    lines = path.read_text().split("\n")
    opening, closing = (int(n) for n in re.search(r"at line (\d+) .* \(line (\d+)\)$", MESSAGE).groups()[:1] +
                        re.search(r"\(line (\d+)\)$", MESSAGE).groups())
    markup = re.search(r"close it with (`+)", MESSAGE).group(1)
    lines[opening - 1] = markup + "text"
    lines[closing - 1] = markup
    path.write_text("\n".join(lines))
    assert problems(tmp_path) == []
    prompt = load_book(tmp_path / "docs", tmp_path / "skills").prompts["query-review"]
    assert prompt.text == MEANT


def test_check_fix_applies_the_fix_and_changes_nothing_else(tmp_path):
    # Windows line ends and a byte-order mark stay as they were.
    book(tmp_path, b"\xef\xbb\xbf" + NAIVE.replace("\n", "\r\n").encode())
    path = tmp_path / "docs" / "chapter-1-databases.md"
    before = path.read_bytes()
    result = check(tmp_path, "--fix")
    assert result.returncode == 0, result.stderr
    assert "docs/chapter-1-databases.md:5: '```text' -> '````text'" in result.stdout
    assert "docs/chapter-1-databases.md:19: '```' -> '````'" in result.stdout
    assert "0 errors" in result.stdout
    after = path.read_bytes()
    changed = [i for i, (a, b) in enumerate(zip(before.split(b"\r\n"), after.split(b"\r\n"))) if a != b]
    assert changed == [4, 18]
    assert after == before.replace(b"\r\n```text\r\n", b"\r\n````text\r\n").replace(
        b"indexes.  \r\n```\r\n", b"indexes.  \r\n````\r\n")
    assert load_book(tmp_path / "docs", tmp_path / "skills").prompts["query-review"].text == MEANT
    # Run again, there is nothing left to fix.
    assert "nothing to fix" in check(tmp_path, "--fix").stdout


def test_a_prompt_simply_left_open_keeps_its_own_message(tmp_path):
    left_open = HEAD + "```text\n@tester Review this query.\n\n**Expected Output:** A review.\n\n```bash\nls\n```\n"
    book(tmp_path, left_open)
    found = problems(tmp_path)
    assert found == ["docs/chapter-1-databases.md:5: this code fence is not closed before line 8 ('**Expected Output:** "
                     "A review.'), so it swallows what lies between; add a closing ``` line where the block ends"]
    assert "nothing to fix" in check(tmp_path, "--fix").stdout
    # The message's fix applied: the closing line goes before the line it names.
    path = tmp_path / "docs" / "chapter-1-databases.md"
    lines = path.read_text().split("\n")
    before = int(re.search(r"not closed before line (\d+)", found[0]).group(1))
    path.write_text("\n".join(lines[:before - 1] + ["```"] + lines[before - 1:]))
    assert problems(tmp_path) == []
    loaded = load_book(tmp_path / "docs", tmp_path / "skills")
    assert loaded.prompts["query-review"].text == "@tester Review this query.\n"
    assert loaded.prompts["query-review"].expected_output == "A review."


WESTERN = "# Chapter 1: Databases\n\nCaf\xe9 prose \u2019quoted\u2019 \u2014 na\xefve r\xe9sum\xe9.\n"


def test_check_fix_saves_a_windows_1252_file_as_utf8(tmp_path):
    book(tmp_path, WESTERN.encode("cp1252"))
    found = problems(tmp_path)
    assert found == ["docs/chapter-1-databases.md:3: file is not UTF-8 (byte 0xe9 at offset 27); it reads as "
                     "Windows-1252 (Western European): run 'skillbook check --fix' to save it as UTF-8, or save it as "
                     "UTF-8 in your editor"]
    result = check(tmp_path, "--fix")
    assert "docs/chapter-1-databases.md:1: saved as UTF-8 (it was cp1252)" in result.stdout
    assert (tmp_path / "docs" / "chapter-1-databases.md").read_text(encoding="utf-8") == WESTERN


def test_check_fix_leaves_a_file_whose_encoding_is_a_guess(tmp_path):
    # Russian in Windows-1251 is also valid Windows-1252, as nonsense: not fixed.
    russian = "# Chapter 1: Databases\n\n\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440.\n".encode("cp1251")
    book(tmp_path, russian)
    [message] = problems(tmp_path)
    assert message.endswith("save it as UTF-8 in your editor") and "--fix" not in message
    assert "nothing to fix" in check(tmp_path, "--fix").stdout
    assert (tmp_path / "docs" / "chapter-1-databases.md").read_bytes() == russian


def test_the_import_lengthens_the_fence_and_reports_it(tmp_path):
    source = tmp_path / "book"
    (source / "chapters").mkdir(parents=True)
    (source / "chapters" / "01-databases.md").write_text(
        NAIVE.replace("## Afterwards\n", "## Afterwards\n\n| Skill | Purpose | Best For |\n|---|---|---|\n"
                      "| `@tester` | Testing | Fixtures |\n"))
    project = make_site_project(tmp_path / "project")
    result = subprocess.run([sys.executable, "-m", "skillbook.cli", "import", str(source), "--project", str(project)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "prompts holding code blocks, their fences made longer: 1" in result.stdout
    assert (f"{source}/chapters/01-databases.md:5: '```text' ... '```' (line 19) -> '````text' ... '````'"
            in result.stdout)
    loaded = load_book(project / "docs", project / "skills")
    assert loaded.errors == []
    assert loaded.prompts["query-review"].text == MEANT


def test_the_site_carries_the_inner_fences_exactly(tmp_path):
    project = make_site_project(tmp_path / "project")
    book(project, NAIVE.replace("```text\n", "````text\n").replace("indexes.  \n```\n", "indexes.  \n````\n"))
    (project / "skills" / "tester.yml").write_text(skill_yaml("tester"))
    site = tmp_path / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stderr
    prompts = {p["id"]: p for p in json.loads((site / "api" / "prompts.json").read_text())["prompts"]}
    assert prompts["query-review"]["text"] == MEANT
    llms = (site / "llms-full.txt").read_text()
    assert f"````text\n{MEANT}\n````\n" in llms
    for page in (site / "chapter-1-databases" / "index.html", site / "prompts" / "query-review" / "index.html"):
        # What the copy button copies, and what the card shows.
        cards = [code for code in pre_codes(parse_html(page.read_text())) if "data-sb-prompt" in code.parent.attrs]
        assert len(cards) == 1, page
        assert unquote(cards[0].parent.attrs["data-sb-prompt"]) == MEANT
        assert cards[0].text() == MEANT


# The same mistake with a code block written without a language: CommonMark
# closes the prompt at the pasted block's opening line, which a bare line also
# closes. Prompts 1-4 as above; the prompt opens on line 5.
BARE = HEAD + """```text
@tester Review this query:

```
SELECT * FROM users WHERE id = 1;
```

Then suggest indexes.
```

**Expected Output:** A review.
"""
BARE_MEANT = "@tester Review this query:\n\n```\nSELECT * FROM users WHERE id = 1;\n```\n\nThen suggest indexes."


def test_a_code_block_without_a_language_inside_a_prompt_is_a_warning_whose_fix_gives_the_prompt_meant(tmp_path):
    book(tmp_path, BARE)
    found = problems(tmp_path)
    assert found == [
        "docs/chapter-1-databases.md:5: warning: the ```text prompt at line 5 ends with a colon and closes at line 8, "
        "and what follows up to line 13 reads as prose and a code block; if it is a code block pasted into the prompt, "
        "open the prompt with four backticks (````text) and close it with ```` (line 13)"]
    assert load_book(tmp_path / "docs", tmp_path / "skills").prompts["query-review"].text == "@tester Review this query:\n"
    # Both readings are possible: --fix leaves it to the author.
    assert "nothing to fix" in check(tmp_path, "--fix").stdout
    path = tmp_path / "docs" / "chapter-1-databases.md"
    lines = path.read_text().split("\n")
    lines[4], lines[12] = "````text", "````"
    path.write_text("\n".join(lines))
    assert problems(tmp_path) == []
    assert load_book(tmp_path / "docs", tmp_path / "skills").prompts["query-review"].text == BARE_MEANT


def test_a_prompt_ending_with_a_colon_and_followed_by_an_example_block_in_a_language_is_no_warning(tmp_path):
    book(tmp_path, HEAD + "```text\n@tester Review this query:\n```\n\nFor example:\n\n```sql\nSELECT 1;\n```\n\n"
                          "**Expected Output:** A review.\n")
    assert problems(tmp_path) == []


def test_one_check_fix_saves_a_windows_1252_file_as_utf8_then_fixes_its_prompts(tmp_path):
    # The file is read for its prompts only once it is UTF-8.
    book(tmp_path, NAIVE.replace("Plain prose", "Caf\xe9 prose \u2019quoted\u2019").encode("cp1252"))
    result = check(tmp_path, "--fix")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.replace(f"{tmp_path}/", "").splitlines()[:4] == [
        "skillbook: fixed:",
        "  docs/chapter-1-databases.md:1: saved as UTF-8 (it was cp1252)",
        "  docs/chapter-1-databases.md:5: '```text' -> '````text'",
        "  docs/chapter-1-databases.md:19: '```' -> '````'"]
    assert "0 errors, 0 warnings" in result.stdout
    assert load_book(tmp_path / "docs", tmp_path / "skills").prompts["query-review"].text == MEANT
    assert "Caf\xe9 prose \u2019quoted\u2019" in (tmp_path / "docs" / "chapter-1-databases.md").read_text(encoding="utf-8")
