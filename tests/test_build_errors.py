"""How errors reach authors: `skillbook check`, `mkdocs build --strict` and
`mkdocs serve`; and a failed build never leaves a half-written site."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CHAPTER_1, ROOT, build_site, make_site_project, skill_yaml, write_book
from tests.support.serve import serving, wait_for

BROKEN_SKILL = skill_yaml("tester", purpse="Typo")


def run_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skillbook.cli", "check", "--root", str(root)],
        capture_output=True, text=True,
    )


def test_check_passes_on_the_book():
    result = run_check(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "14 skills, 1 chapter, 8 prompts; 0 errors, 0 warnings" in result.stdout


def test_check_prints_every_problem_and_exits_1(tmp_path):
    chapter = CHAPTER_1.replace("@tester Write", "@testr Write")
    write_book(tmp_path, {"tester.yml": BROKEN_SKILL, "other.yml": "id: other\npurpose: [\n"}, {"chapter-1-testing.md": chapter})
    result = run_check(tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        f"{tmp_path}/docs/chapter-1-testing.md:12: prompt 'Write a Test' uses unknown skill '@testr'; did you mean '@tester'?",
        f"{tmp_path}/skills/other.yml:2: YAML syntax error: this '[' is not closed; close it with ']', or put a text "
        "holding '[' in quotes",
        f"{tmp_path}/skills/tester.yml:5: unknown field 'purpse'; did you mean 'purpose'?",
    ]
    assert "3 errors" in lines[-1]


def test_check_strict_fails_on_warnings(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1 + "\nit\u00e2\u20ac\u2122s\n"})
    assert run_check(tmp_path).returncode == 0
    strict = subprocess.run(
        [sys.executable, "-m", "skillbook.cli", "check", "--strict", "--root", str(tmp_path)], capture_output=True, text=True,
    )
    assert strict.returncode == 1
    assert (f"{tmp_path}/docs/chapter-1-testing.md:17: warning: encoding damage (text saved as UTF-8 twice); "
            "replace the line with: it\u2019s") in strict.stdout.splitlines()


@pytest.fixture
def project(tmp_path) -> Path:
    root = make_site_project(tmp_path / "book")
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1, "index.md": "# Home\n"})
    return root


def test_failed_build_leaves_the_previous_site_untouched(project):
    site = project / "site"
    assert build_site(project, site).returncode == 0
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert Path("prompts/write-a-test/index.html") in before

    (project / "skills" / "tester.yml").write_text(BROKEN_SKILL)
    result = build_site(project, site)
    assert result.returncode != 0
    assert "\nskills/tester.yml:5: unknown field 'purpse'; did you mean 'purpose'?" in result.stderr

    (project / "skills" / "tester.yml").write_text(skill_yaml("tester"))
    (project / "docs" / "index.md").write_text("# Home\n\n[broken](nowhere.md)\n")
    result = build_site(project, site)
    assert result.returncode != 0
    # A warning at its line, which --strict makes an error (MkDocs' own gives no line).
    assert ("WARNING -  docs/index.md:3: warning: link to 'nowhere.md', which is not a file of docs/ nor a page the book makes; "
            "fix the link, or add the file to docs/") in result.stderr.splitlines()

    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in project.iterdir() if "building" in p.name or "previous" in p.name] == []


def test_serve_shows_errors_keeps_serving_recovers_and_reloads_edits(project):
    with serving(project) as (_, port, log):
        url = f"http://127.0.0.1:{port}/chapter-1-testing/"

        def page() -> str | None:
            """the chapter page"""
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return response.read().decode()
            except OSError:
                return None

        assert "sb-prompt" in wait_for(page)
        (project / "skills" / "tester.yml").write_text(BROKEN_SKILL)

        def shows_error() -> bool:
            """the error on the page"""
            return "The book has 1 error;" in (page() or "")

        wait_for(shows_error)
        assert "skills/tester.yml:5: unknown field 'purpse'; did you mean 'purpose'?" in page().replace("&#39;", "'")
        assert "skills/tester.yml:5: unknown field 'purpse'; did you mean 'purpose'?" in log.read_text()
        (project / "skills" / "tester.yml").write_text(skill_yaml("tester"))

        def recovered() -> bool:
            """the page without the error"""
            text = page() or ""
            return "sb-prompt" in text and "The book has" not in text

        wait_for(recovered)
        # Saving a chapter rebuilds and reloads it too.
        chapter = project / "docs" / "chapter-1-testing.md"
        chapter.write_text(chapter.read_text().replace("You need a test.", "You need a better test."))

        def shows_the_edit() -> bool:
            """the edited chapter"""
            return "You need a better test." in (page() or "")

        wait_for(shows_the_edit)


SERVE_PAGES = ["", "chapter-1-testing/", "skills/", "skills/tester/", "prompts/", "prompts/write-a-test/"]


def test_serve_keeps_every_page_type_with_the_banner_and_live_reload(project):
    """One error must not strip the book: every page type still answers 200, shows
    the errors (paths relative to the project, escaped once) and carries the
    live-reload script, so the browser recovers by itself after the fix."""
    chapter = project / "docs" / "chapter-1-testing.md"
    skill = project / "skills" / "tester.yml"
    good_chapter, good_skill = chapter.read_text(), skill.read_text()
    with serving(project) as (_, port, log):

        def get(path: str) -> tuple[int, str]:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, ""
            except OSError:
                return 0, ""

        def every_page(banner: bool) -> bool:
            for path in SERVE_PAGES:
                status, text = get(path)
                if status != 200 or ("The book has 1 error" in text) != banner or "livereload" not in text:
                    return False
            return True

        wait_for(lambda: every_page(banner=False))
        for path, broken, good, shown in (
            (chapter, good_chapter.replace("# Chapter 1: Testing", "# Chapter 1: Testing\n\n<!-- skillbook: no-such-thing -->"),
             good_chapter, "docs/chapter-1-testing.md:3: unknown directive 'skillbook: no-such-thing'; known: skills-table, "
             "skill-introduction, book-stats, chapter-list"),
            (skill, good_skill + "purpse: 'Typo'\n", good_skill,
             "skills/tester.yml:5: unknown field 'purpse'; did you mean 'purpose'?"),
        ):
            path.write_text(broken)
            wait_for(lambda: every_page(banner=True))
            for page in SERVE_PAGES:
                text = get(page)[1]
                assert shown in text.replace("&#39;", "'"), (page, shown)
                assert "&amp;#39;" not in text and str(project) not in text.split("md-content")[1][:5000]
            home = get("")[1]
            assert "Chapter 1: Testing" in home, "the home page keeps its chapter list"
            assert "Skills catalog" in home and "Prompt library" in home, "the catalogs stay in the navigation"
            path.write_text(good)
            wait_for(lambda: every_page(banner=False))
        assert "skills/index.md" not in log.read_text(), "no side-effect warnings about generated pages"


# Every error kind the README lists, as an author makes it: (name, file, content;
# None deletes it), the whole message the banner shows. Each is made and then undone under one serve.
GOOD_SKILL, GOOD_CHAPTER = skill_yaml("tester"), CHAPTER_1
ERROR_KINDS = [
    ("yaml-syntax", "skills/tester.yml", "id: tester\npurpose: [\n",
     "skills/tester.yml:2: YAML syntax error: this '[' is not closed; close it with ']', or put a text holding '[' "
     "in quotes"),
    ("missing-field", "skills/tester.yml", skill_yaml("tester", purpose=None),
     "skills/tester.yml:1: missing required field 'purpose': What the skill is for, in a few words (the 'Purpose' "
     "column of skills tables). Add a line 'purpose: ...'"),
    ("unknown-field", "skills/tester.yml", GOOD_SKILL + "purpse: Typo\n",
     "skills/tester.yml:5: unknown field 'purpse'; did you mean 'purpose'?"),
    ("mistyped-field", "skills/tester.yml", skill_yaml("tester", chapters="one"),
     "skills/tester.yml:4: field 'chapters' must be a list, not a text; write it as a list, "
     "'chapters: [first, second]' or one '- item' a line under 'chapters:'"),
    ("file-name", "skills/tester-two.yml", skill_yaml("tester-2"),
     "skills/tester-two.yml:1: skill id 'tester-2' differs from its file name 'tester-two.yml'; rename the file to "
     "'tester-2.yml' or set 'id: tester-two'"),
    ("duplicate-id", "skills/other.yml", skill_yaml("tester"),
     "skills/tester.yml:1: duplicate skill id 'tester', also in skills/other.yml; keep one of the two files"),
    ("unknown-skill", "docs/chapter-1-testing.md", GOOD_CHAPTER.replace("@tester Write", "@testr Write"),
     "docs/chapter-1-testing.md:12: prompt 'Write a Test' uses unknown skill '@testr'; did you mean '@tester'?"),
    ("duplicate-prompt-id", "docs/chapter-1-testing.md", GOOD_CHAPTER + "\n#### Write a Test\n\n```text\n@tester Again.\n```\n",
     "docs/chapter-1-testing.md:17: prompt id 'write-a-test' is already used by 'Write a Test' "
     "(docs/chapter-1-testing.md:7); pin a unique id by ending this prompt's heading with '{#a-new-id}'"),
    ("empty-prompt", "docs/chapter-1-testing.md", GOOD_CHAPTER.replace("@tester Write a test for the parser.", "@tester"),
     "docs/chapter-1-testing.md:11: prompt 'Write a Test' is empty: write the request after @tester"),
    ("unclosed-fence", "docs/chapter-1-testing.md", GOOD_CHAPTER.replace("parser.\n```\n", "parser.\n"),
     "docs/chapter-1-testing.md:11: code fence '```' is never closed, so the rest of the file reads as code; "
     "add a closing ``` line"),
    ("control-character", "docs/chapter-1-testing.md", GOOD_CHAPTER.replace("a test for", "a test\x07for"),
     "docs/chapter-1-testing.md:12: prompt 'Write a Test' holds the invisible control character U+0007; delete it"),
    ("unknown-directive", "docs/chapter-1-testing.md", GOOD_CHAPTER.replace("skills-table", "skill-table"),
     "docs/chapter-1-testing.md:3: unknown directive 'skillbook: skill-table'; known: skills-table, "
     "skill-introduction, book-stats, chapter-list"),
    # The link's target is read up to its first ')'.
    ("script-link", "docs/chapter-1-testing.md", GOOD_CHAPTER + "\n[run](javascript:alert(1))\n",
     "docs/chapter-1-testing.md:17: link to 'javascript:alert(1)' is not allowed: links may go to pages of the book, "
     "http(s) or mailto addresses; change or remove it"),
    ("not-utf-8", "docs/notes.md", b"# Notes\n\nCaf\xe9\n",
     "docs/notes.md:3: file is not UTF-8 (byte 0xe9 at offset 12); it reads as Windows-1252 (Western European): run 'skillbook check --fix' to save it as UTF-8, or save it as UTF-8 in your editor"),
]


def test_serve_shows_every_error_kind_on_every_page_and_recovers(project):
    with serving(project) as (server, port, log):

        def get(path: str) -> tuple[int, str]:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
                    return response.status, response.read().decode().replace("&#39;", "'").replace("&amp;", "&")
            except urllib.error.HTTPError as error:
                return error.code, ""
            except OSError:
                return 0, ""

        def every_page(shown: str | None) -> bool:
            for path in SERVE_PAGES:
                status, text = get(path)
                banner = "The book has" in text
                if status != 200 or "livereload" not in text or banner != (shown is not None) or (shown and shown not in text):
                    return False
            return True

        wait_for(lambda: every_page(None))
        for name, relative, content, shown in ERROR_KINDS:
            path = project / relative
            before = path.read_bytes() if path.exists() else None
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
            condition = lambda: every_page(shown)  # noqa: E731
            condition.__doc__ = f"{name}: '{shown}' on every page"
            wait_for(condition)
            if before is None:
                path.unlink()
            else:
                path.write_bytes(before)
            recovered = lambda: every_page(None)  # noqa: E731
            recovered.__doc__ = f"{name}: every page without the error"
            wait_for(recovered)
        assert server.poll() is None and "Traceback" not in log.read_text(), log.read_text()[-3000:]
