"""The readers of untrusted input, unit by unit and in-process: the limits a page
must keep to, the HTML and links an author may write, YAML read with bounded
work, front matter split as MkDocs splits it, the slugs made from titles, and
the source files themselves (in the project, regular, bounded, UTF-8).
`test_limits.py` and `test_security.py` show the same rules end to end, through
`skillbook check` and built sites; these tests pin each boundary and message, so
that `make mutation` can tell when one weakens."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
import yaml

from skillbook import yaml_source
from skillbook.chapters import parse_document
from skillbook.problems import Problem
from skillbook.safety import neutralise, unsafe_links
from skillbook.sources import (
    MAX_PAGE_BYTES, MAX_SKILL_BYTES, check_encoding_damage, decode, encoding_repairs, project_files, read_bytes, read_source,
)
from skillbook.text import prompt_slug, slugify, split_front_matter
from skillbook.yaml_source import load_yaml

PAGE = "docs/page.md"
FRONT_MATTER = "---\ntitle: Page\n---\n\n"  # four lines before the body


def read_page(text: str) -> tuple[bool, list[str]]:
    """Whether the page was refused, and its problems as `skillbook check` prints them."""
    problems: list[Problem] = []
    document = parse_document("page.md", PAGE, text, problems)
    return document.refused, [str(p) for p in problems]


# -- nesting of lists and quotes: at most 8 levels -------------------------------------------

def nested_list(levels: int, indent: int = 0) -> str:
    return "".join(f"{'  ' * (indent + level)}- level {indent + level + 1}\n" for level in range(levels))


NESTED = ("{path}:{line}: lists or quotes nested more than 8 levels deep here, more than the renderer handles in "
          "good time; flatten them")


def test_lists_nested_8_levels_deep_are_read():
    assert read_page(nested_list(8)) == (False, [])


def test_lists_nested_9_levels_deep_are_refused_at_the_ninth_with_the_fix():
    # Front matter first, so the line counts it too.
    assert read_page(FRONT_MATTER + nested_list(9)) == (True, [NESTED.format(path=PAGE, line=13)])


def test_nesting_counts_down_as_lists_close():
    # Four levels, back to two, then seven more from there: nine deep at the last item, though a
    # depth that fell too far on closing would see seven.
    page = nested_list(4) + "  - level 2 again\n" + nested_list(7, indent=2)
    assert read_page(page) == (True, [NESTED.format(path=PAGE, line=12)])


def test_quotes_count_as_nesting():
    assert read_page("> " * 9 + "deep\n") == (True, [NESTED.format(path=PAGE, line=1)])
    assert read_page("> " * 8 + "deep enough\n") == (False, [])


# -- unclosed brackets: at most a million characters scanned --------------------------------------

def brackets(unclosed: int, length: int) -> str:
    """A two-line paragraph of ``length`` characters, newline included, opening ``unclosed`` '['."""
    first = unclosed // 2
    line_one = "[" * first + "x" * (length // 2 - first)
    line_two = "[" * (unclosed - first)
    return line_one + "\n" + line_two + "x" * (length - len(line_one) - 1 - len(line_two))


def unclosed_message(line: int, unclosed: int) -> str:
    return (f"{PAGE}:{line}: {unclosed} '[' or '](' left unclosed in this block make the page too slow to render; "
            "close each link, or write a literal bracket as \\[")


def test_brackets_that_cost_exactly_the_limit_are_read():
    page = brackets(800, 1250)  # 800 × 1,250 = 1,000,000 characters to scan
    assert len(page) == 1250
    assert read_page(page) == (False, [])


def test_one_more_unclosed_bracket_is_refused_at_its_block_with_the_fix():
    assert read_page(FRONT_MATTER + brackets(801, 1250)) == (True, [unclosed_message(5, 801)])


def test_closed_brackets_and_closed_link_targets_cost_nothing():
    assert read_page("[a] [b](c) " * 100_000) == (False, [])
    # 1,100 opened, 100 closed: 1,000 left open in 1,200 characters.
    assert read_page("[" * 1100 + "]" * 100) == (True, [unclosed_message(1, 1000)])


def test_link_targets_left_open_count_after_the_last_closing_parenthesis():
    # Targets opened before the last ')' may be closed by it; only the 400 after it are open.
    page = "(x) " + "[a](" * 400 + "[b](c)" + "[a](" * 400
    assert read_page(page) == (True, [unclosed_message(1, 400)])
    # With no ')' at all, every one counts.
    assert read_page("[a](" * 400 + "x" * 1000) == (True, [unclosed_message(1, 400)])
    # One right after the ')' counts too.
    assert read_page("[b](c)" + "](" + "[a](" * 399 + "x" * 1000) == (True, [unclosed_message(1, 400)])


def test_the_cost_adds_up_over_blocks_and_the_worst_block_is_named():
    small, large = brackets(500, 1000), brackets(700, 1000)  # 500,000 and 700,000
    assert read_page(small + "\n\n" + large) == (True, [unclosed_message(4, 700)])


@pytest.mark.parametrize("block", [
    "```\n" + brackets(2000, 2000) + "\n```\n",                    # a fenced code block
    "    " + brackets(2000, 2000).replace("\n", "\n    ") + "\n",  # an indented code block
    "<div>\n" + brackets(2000, 2000) + "\n</div>\n",               # an HTML block
])
def test_brackets_in_code_and_html_blocks_are_not_counted(block):
    assert read_page(block) == (False, [])


def test_a_block_quote_costs_the_length_of_the_whole_quote():
    # Two paragraphs of 400 unclosed in 1,000 characters: 800 unclosed over the quote's 2,005 characters.
    quote = "> " + brackets(400, 1000).replace("\n", "\n> ") + "\n>\n> " + brackets(400, 1000).replace("\n", "\n> ")
    assert read_page(quote) == (True, [unclosed_message(1, 800)])


def test_a_block_in_a_list_is_counted_once():
    # 600 × 1,000 = 600,000: counting the list, its item and its paragraph each would pass the limit.
    assert read_page("- " + brackets(600, 998)) == (False, [])


# -- HTML and links an author writes ---------------------------------------------------------------

@pytest.mark.parametrize("line, shown", [
    ("Plain text, no tag", "Plain text, no tag"),
    ("a <script>alert(1)</script>", "a &lt;script>alert(1)&lt;/script>"),
    ("<b>bold</b>, <KBD>Ctrl</KBD> and <br/>", "<b>bold</b>, <KBD>Ctrl</KBD> and <br/>"),
    ('<div class="note" markdown>note</div>', '<div class="note" markdown>note</div>'),
    ('<div onclick="alert(1)">', '&lt;div onclick="alert(1)">'),
    ('<span class="x" style="color: red">', '&lt;span class="x" style="color: red">'),
    # In a code span a tag is already text; after a closed span it is not.
    ("`<script>` stays", "`<script>` stays"),
    ("`code` then <script>", "`code` then &lt;script>"),
    # A run of backticks that no run of its length closes opens no code span.
    ("``` <script>", "``` &lt;script>"),
])
def test_disallowed_tags_are_written_as_text(line, shown):
    assert neutralise([line]) == [shown]


@pytest.mark.parametrize("lines, shown", [
    # The closing tag of a tag shown as text would close the theme's layout.
    (['<div align="center">', "", "# Title", "", "</div>"], ['&lt;div align="center">', "", "# Title", "", "&lt;/div>"]),
    (["</div>", "</section></details>"], ["&lt;/div>", "&lt;/section>&lt;/details>"]),
    # An allowed tag never closed would swallow what follows it.
    (["<details>", "<summary>More</summary>", "text"], ["&lt;details>", "<summary>More</summary>", "text"]),
    # Pairs are kept, across lines and nested.
    (['<div class="grid" markdown>', "<div>", "x", "</div>", "</div>"],
     ['<div class="grid" markdown>', "<div>", "x", "</div>", "</div>"]),
    # Crossed pairs: the tag closed out of turn is shown as text with its pair kept.
    (["<b><i>x</b></i>"], ["<b>&lt;i>x</b>&lt;/i>"]),
    # A closing tag in a code span or a code block is code.
    (["<div>", "`</div>`", "```", "</div>", "```"], ["&lt;div>", "`</div>`", "```", "</div>", "```"]),
])
def test_a_tag_is_kept_only_with_its_pair(lines, shown):
    code = {2, 3, 4} if "```" in lines else set()
    assert neutralise(lines, code) == shown


@pytest.mark.parametrize("line, targets", [
    ("[run](javascript:alert) and ![x](data:text/html,x)", ["javascript:alert", "data:text/html,x"]),
    ("[ref]: vbscript:msgbox", ["vbscript:msgbox"]),
    ("[a](https://x.io) [b](mailto:a@x.io) [c](page.md#top) [d](../up/)", []),
    ("`[run](javascript:x)` is code", []),
    ("`code` then [run](javascript:x)", ["javascript:x"]),
])
def test_links_that_could_run_script_are_found_outside_code(line, targets):
    assert unsafe_links(line) == targets


# -- YAML read with bounded work -------------------------------------------------------------------

def yaml_problems(text: str, first_line: int = 1) -> tuple[object, list[str]]:
    problems: list[Problem] = []
    loaded = load_yaml(text, "skills/tester.yml", problems, first_line)
    return (loaded if loaded is None else loaded[1]), [str(p) for p in problems]


ANCHORS = ("skills/tester.yml:{line}: YAML anchors (&name) and aliases (*name) are not allowed here: they can make a "
           "short file expand without bound; write the value out in full")
TOO_DEEP = ("skills/tester.yml:{line}: YAML nested more than 6 levels deep; a skill file needs two (a mapping of "
            "lists): flatten it")


def test_anchors_and_aliases_are_refused_before_anything_is_built():
    assert yaml_problems("id: &name tester\npurpose: *name\n") == (None, [ANCHORS.format(line=1)])


def test_nesting_past_6_levels_is_refused_where_it_passes():
    assert yaml_problems("purpose: [[[[[[x]]]]]]\n") == (None, [TOO_DEEP.format(line=1)])
    assert yaml_problems("purpose: [[[[[x]]]]]\n") == ({"purpose": [[[[["x"]]]]]}, [])
    # The depth falls by one per level closed: [x] closes at depth 2, and five more make 7.
    assert yaml_problems("id: tester\npurpose: [[x], [[[[[y]]]]]]\n") == (None, [TOO_DEEP.format(line=2)])


def test_an_empty_document_is_read_as_nothing():
    assert yaml_problems("") == (None, [])
    assert load_yaml("# only a comment\n", "skills/tester.yml", []) == (None, None)


@pytest.mark.parametrize("text, line, message", [
    # A tab in the indentation, on the last line, where the error is marked.
    ("id: tester\n\tpurpose: x\n", 2,
     "this line is indented with a tab; YAML indents with spaces only, so replace the tabs with spaces"),
    # A tab after the text is no indentation.
    ("id: tester\npurpose: x: y\t# z\n", 2,
     "a ':' YAML did not expect: check the indentation of this line and the one above, "
     "or put a value holding ': ' in quotes"),
    ("id: tester\npurpose\n", 3, "could not find expected ':': check the indentation of this line against the lines above it"),
    # A bracket left open: at its line, whether YAML gave up in the list or at the end.
    ("id: tester\npurpose: [x\n", 2, "this '[' is not closed; close it with ']', or put a text holding '[' in quotes"),
    ("id: tester\npurpose: [\n", 2, "this '[' is not closed; close it with ']', or put a text holding '[' in quotes"),
    ("id: tester\npurpose: {a: 1\nchapters: [1]\n", 2,
     "this '{' is not closed; close it with '}', or put a text holding '{' in quotes"),
    # A character YAML does not allow, at its line.
    ("id: x\npurpose: a\x07b\n", 2, "a control character (U+0007) YAML does not allow; remove it"),
])
def test_yaml_syntax_errors_say_where_and_what_to_do(text, line, message):
    assert yaml_problems(text) == (None, [f"skills/tester.yml:{line}: YAML syntax error: {message}"])


@pytest.mark.parametrize("text, line, message", [
    # PyYAML without libyaml words these mistakes its own way; authors read the same advice.
    ("id: tester\nwhen_to_use:\n-\tone\n", 3,
     "this line is indented with a tab; YAML indents with spaces only, so replace the tabs with spaces"),
    ("when_to_use:\n  - one\n - two\n", 3,
     "expected <block end>, but found '<block sequence start>': check the indentation of this line against the lines above it"),
])
def test_yaml_syntax_errors_read_the_same_with_the_pure_python_parser(monkeypatch, text, line, message):
    monkeypatch.setattr(yaml_source, "YAML_LOADER", yaml.SafeLoader)
    assert yaml_problems(text) == (None, [f"skills/tester.yml:{line}: YAML syntax error: {message}"])


def test_yaml_lines_count_from_the_line_the_text_starts_on():
    assert yaml_problems("id: tester\npurpose\n", first_line=2)[1] == [
        "skills/tester.yml:4: YAML syntax error: could not find expected ':': check the indentation of this line "
        "against the lines above it"]


# -- front matter, split as MkDocs splits it ----------------------------------------------------

@pytest.mark.parametrize("text, front, body", [
    ("---\ntitle: Page\n---\n\n# Body\n", "---\ntitle: Page\n---\n\n", "# Body\n"),
    ("---\ntitle: Page\n---\nXML in brief.\n", "---\ntitle: Page\n---\n", "XML in brief.\n"),
    ("---\ntitle: Page\n...\n    indented code\n", "---\ntitle: Page\n...\n", "    indented code\n"),
    # YAML that is not a mapping is no front matter: MkDocs renders it as Markdown.
    ("---\n- a list\n---\n\nBody\n", "", "---\n- a list\n---\n\nBody\n"),
    # MultiMarkdown: "Key: value" lines, their indented continuations, up to the first blank line.
    ("Title: Page\nTags: a,\n    b\n\nXML in brief.\n", "Title: Page\nTags: a,\n    b\n\n", "XML in brief.\n"),
    ("Title: Page\n\n\n    indented code\n", "Title: Page\n\n\n", "    indented code\n"),
    ("Title: Page\n# Body\n", "Title: Page\n", "# Body\n"),
    ("Title: Page", "Title: Page", ""),
    ("# Body\nTitle: not metadata\n", "", "# Body\nTitle: not metadata\n"),
    ("    indented: code\n", "", "    indented: code\n"),
    ("\n# Body\n", "\n", "# Body\n"),
])
def test_front_matter_is_split_off_as_mkdocs_does(text, front, body):
    assert split_front_matter(text) == (front, body)
    assert front + body == text


def test_front_matter_yaml_errors_are_reported_at_the_file_line():
    problems: list[Problem] = []
    text = "---\ntitle: Page\nsummary: [\n---\n\n# Body\n"
    assert split_front_matter(text, PAGE, problems) == ("", text)
    assert [str(p) for p in problems] == [
        f"{PAGE}:3: YAML syntax error: this '[' is not closed; close it with ']', or put a text holding '[' in quotes"]
    # Without a list to report to, the error is dropped, not raised.
    assert split_front_matter(text) == ("", text)


# -- slugs of titles --------------------------------------------------------------------------------

@pytest.mark.parametrize("title, slug", [
    ("Write a Test", "write-a-test"),
    ("Café crème: à la carte!", "cafe-creme-a-la-carte"),
    ("  Spaces -- and   dashes ", "spaces-and-dashes"),
])
def test_slugify_gives_the_anchor_mkdocs_writes(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize("title, slug", [
    ("Write a Test", "write-a-test"),
    ("__init__ and snake_case", "init-and-snake-case"),
    ("- Leading and trailing -", "leading-and-trailing"),
    ("Ünïcödé", "unicode"),
])
def test_prompt_ids_keep_to_letters_digits_and_single_hyphens(title, slug):
    assert prompt_slug(title) == slug


def test_a_problem_outside_the_root_keeps_its_path(tmp_path: Path):
    root = tmp_path / "book"
    inside = Problem(str(root / "docs" / "page.md"), 3, f"see {root}/docs/other.md")
    outside = Problem(str(tmp_path / "elsewhere.md"), 1, "message")
    assert str(inside.relative_to(root)) == "docs/page.md:3: see docs/other.md"
    assert outside.relative_to(root) == outside


# -- source files: in the project, regular, bounded, UTF-8 ---------------------------------------

def outside_link_message(link: Path, target: Path) -> str:
    return (f"{link}:1: this is a symbolic link to {target}, outside the project, so it is not read or published; "
            "copy the file into the project instead")


def test_only_files_in_the_project_are_found_each_once(tmp_path):
    root, outside = tmp_path / "book", tmp_path / "outside"
    docs = root / "docs"
    for folder in (docs / "one", docs / "two", root / "more", outside / "pages"):
        folder.mkdir(parents=True)
    for path in (docs / "a.md", docs / "one" / "b.md", docs / "two" / "c.md", root / "shared.md", root / "more" / "d.md",
                 outside / "secret.md", outside / "pages" / "e.md"):
        path.write_text("# Page\n", encoding="utf-8")
    # Links within the project are followed, as MkDocs follows them.
    (docs / "shared.md").symlink_to(root / "shared.md")
    (docs / "more").symlink_to(root / "more", target_is_directory=True)
    (docs / "secret.md").symlink_to(outside / "secret.md")
    (docs / "pages").symlink_to(outside / "pages", target_is_directory=True)
    # The folder again, through a link in each subfolder: whichever is walked first, the other's file is still found.
    for folder in ("one", "two"):
        (docs / folder / "again").symlink_to(docs, target_is_directory=True)
    problems: list[Problem] = []
    refused: set[str] = set()
    found = project_files(docs, root, problems, refused)
    assert found == [docs / "a.md", docs / "more" / "d.md", docs / "one" / "b.md", docs / "shared.md", docs / "two" / "c.md"]
    assert [str(p) for p in problems] == [
        outside_link_message(docs / "pages", outside / "pages"), outside_link_message(docs / "secret.md", outside / "secret.md")]
    assert refused == {str(docs / "pages"), str(docs / "secret.md")}


@pytest.mark.parametrize("limit, kind", [(MAX_SKILL_BYTES, "64 KiB, the most a skill file"), (MAX_PAGE_BYTES, "512 KiB, the most a page")])
def test_a_file_is_read_up_to_its_limit_and_refused_past_it(tmp_path, limit, kind):
    path = tmp_path / "source"
    problems: list[Problem] = []
    path.write_bytes(b"x" * limit)
    assert read_bytes(path, limit, problems) == b"x" * limit and problems == []
    path.write_bytes(b"x" * (limit + 1))
    assert read_bytes(path, limit, problems) is None
    assert [str(p) for p in problems] == [f"{path}:1: this file is larger than {kind} may hold; split it into smaller files"]


def test_a_file_past_the_limit_is_refused_without_being_read_whole(tmp_path):
    path = tmp_path / "huge.md"
    with path.open("wb") as file:
        file.truncate(64 * MAX_PAGE_BYTES)  # 32 MiB of zeros, taking no disk
    tracemalloc.start()
    try:
        assert read_bytes(path, MAX_PAGE_BYTES, []) is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MAX_PAGE_BYTES


def test_a_pipe_or_a_missing_file_is_refused_with_the_fix(tmp_path):
    pipe, missing = tmp_path / "pipe.md", tmp_path / "missing.md"
    os.mkfifo(pipe)
    problems: list[Problem] = []
    assert read_bytes(pipe, MAX_PAGE_BYTES, problems) is None
    assert read_bytes(missing, MAX_PAGE_BYTES, problems) is None
    assert [str(p) for p in problems] == [
        f"{pipe}:1: this is not a regular file (a pipe or a device); replace it with a text file",
        f"{missing}:1: cannot read this file (No such file or directory); check that it exists and is readable"]


def test_text_not_in_utf8_is_reported_at_its_line_and_byte():
    problems: list[Problem] = []
    assert decode(Path("docs/page.md"), b"\xef\xbb\xbf# Caf\xc3\xa9\n", problems) == "# Caf\u00e9\n"  # the BOM goes
    assert decode(Path("docs/page.md"), b"# Title\n\nCaf\xe9\n", problems) is None
    assert [str(p) for p in problems] == [
        "docs/page.md:3: file is not UTF-8 (byte 0xe9 at offset 12); it reads as Windows-1252 (Western European): run 'skillbook check --fix' to save it as UTF-8, or save it as UTF-8 in your editor"]


def test_encoding_damage_is_repaired_outside_code_and_reported_with_the_repair():
    text = "plain\n  it\u00e2\u20ac\u2122s  \nit\u00e2\u20ac\u2122s code\n"
    assert encoding_repairs(text, {2}) == [(1, "  it\u2019s  ")]
    problems: list[Problem] = []
    check_encoding_damage("docs/page.md", text, problems, {2})
    assert [str(p) for p in problems] == [
        "docs/page.md:2: warning: encoding damage (text saved as UTF-8 twice); replace the line with: it\u2019s"]


def test_a_source_is_read_with_its_line_ends_made_unix_and_checked_for_damage_unless_markdown(tmp_path):
    path = tmp_path / "tester.yml"
    path.write_bytes("id: tester\r\npurpose: it\u00e2\u20ac\u2122s\rchapters: [1]\n".encode())
    problems: list[Problem] = []
    assert read_source(path, problems, markdown=True) == "id: tester\npurpose: it\u00e2\u20ac\u2122s\nchapters: [1]\n"
    assert problems == []
    assert read_source(path, problems, MAX_SKILL_BYTES) == "id: tester\npurpose: it\u00e2\u20ac\u2122s\nchapters: [1]\n"
    assert [str(p) for p in problems] == [
        f"{path}:2: warning: encoding damage (text saved as UTF-8 twice); replace the line with: purpose: it\u2019s"]
    path.write_bytes(b"x" * (MAX_SKILL_BYTES + 1))
    assert read_source(path, [], MAX_SKILL_BYTES) is None


@pytest.mark.parametrize("text, expected", [
    ("a: [\n", ("[", 0)),
    ("a: {\n", ("{", 0)),
    ("a: [1, [2]]\nb: {c: [\nd: x\n", ("[", 1)),        # the last one still open, after closed ones
    ("a: [1]\nb: {c: 2}\nXX: X\n", ("[", None)),       # all closed; other characters are no brackets
    ("a: [\nb: X]\nc: {\n", ("{", 2)),                  # a ']' closes the last one open
    ("a: [\nb: \"{x\"\n", ("[", 0)),                    # brackets in quotes are text...
    ("a: [\nb: '{x'\n", ("[", 0)),
    ("a: [\nb: X\"{\"\n", ("[", 0)),
    ("a: \"x\" {\n", ("{", 0)),                          # ...and a quote ends where it closes
    ("a: [\nb: \"it's {\"\n", ("[", 0)),                # a quote inside the other kind of quotes
    ("a: [\nb: x # {\n", ("[", 0)),                      # a comment's bracket is no bracket
    ("a: [\n# {\n", ("[", 0)),                           # a comment at the start of a line
    ("a: [\nb: x#{\n", ("{", 1)),                        # '#' without a space before opens no comment
    ("a: ]\nb: [\n", ("[", 1)),                          # a stray closing bracket closes nothing
    ("a: X [\n", ("[", 0)),                               # only quotes open quotes
    ("a: [\nb: x #{\n", ("[", 0)),                       # a comment is '#' after a space, whatever follows
])
def test_the_last_bracket_left_open_is_found_outside_quotes_and_comments(text, expected):
    assert yaml_source._last_open_bracket(text) == expected


def test_a_bracket_left_open_is_reported_at_its_line_after_the_first_line_of_front_matter():
    problems: list[Problem] = []
    assert yaml_source.load_yaml("title: x\nlist: [a,\n", PAGE, problems, first_line=5) is None
    assert [str(p) for p in problems] == [
        f"{PAGE}:6: YAML syntax error: this '[' is not closed; close it with ']', or put a text holding '[' in quotes"]


@pytest.mark.parametrize("text, line, code", [
    ("id: x\x07\n", 1, "U+0007"),
    ("id: x\npurpose: ok\nbest_for: a\x1fb\n", 3, "U+001F"),
])
def test_a_control_character_is_named_at_its_line(text, line, code):
    problems: list[Problem] = []
    assert yaml_source.load_yaml(text, "skills/tester.yml", problems, first_line=1) is None
    assert [str(p) for p in problems] == [
        f"skills/tester.yml:{line}: YAML syntax error: a control character ({code}) YAML does not allow; remove it"]
