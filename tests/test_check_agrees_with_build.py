"""`skillbook check` is the pre-commit hook: what passes it must pass
`mkdocs build --strict` and work under `mkdocs serve`, and what fails the build
is reported by the check at its line, with a fix that, applied, works."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CHAPTER_1, build_site, make_site_project, skill_yaml
from tests.support.serve import serving, wait_for


def check(root: Path) -> subprocess.CompletedProcess:
    """`skillbook check --strict`, run in the book's folder as an author runs it."""
    return subprocess.run([sys.executable, "-m", "skillbook.cli", "check", "--strict"], cwd=root, capture_output=True, text=True)


@pytest.fixture
def project(tmp_path) -> Path:
    root = make_site_project(tmp_path / "book")
    (root / "skills" / "tester.yml").write_text(skill_yaml("tester"))
    (root / "skills" / "test-reviewer.yml").write_text(skill_yaml("test-reviewer"))
    (root / "docs" / "chapter-1-testing.md").write_text(CHAPTER_1)
    (root / "docs" / "index.md").write_text("# Home\n\n<!-- skillbook: chapter-list -->\n")
    return root


def both(project: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    return check(project), build_site(project, tmp_path / "site")


def test_the_book_as_set_up_passes_both(project, tmp_path):
    checked, built = both(project, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert built.returncode == 0, built.stderr[-2000:]


def test_a_link_to_a_missing_anchor_is_an_error_at_its_line_in_both(project, tmp_path):
    chapter = project / "docs" / "chapter-1-testing.md"
    chapter.write_text(CHAPTER_1 + "\nSee [the prompt](#write-a-tset) and [home](index.md#home).\n")
    checked, built = both(project, tmp_path)
    message = ("docs/chapter-1-testing.md:17: warning: link to '#write-a-tset', but this page has no such anchor; "
               "did you mean '#write-a-test'?")
    assert checked.returncode == 1 and message in checked.stdout
    assert built.returncode == 1 and message in built.stderr
    chapter.write_text(CHAPTER_1 + "\nSee [the prompt](#write-a-test) and [home](index.md#home).\n")
    checked, built = both(project, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert built.returncode == 0, built.stderr[-2000:]


def test_serve_shows_a_link_to_a_missing_anchor_at_its_line_on_every_page(project):
    chapter = project / "docs" / "chapter-1-testing.md"
    message = ("docs/chapter-1-testing.md:17: warning: link to '#write-a-tset', but this page has no such anchor; "
               "did you mean '#write-a-test'?")
    with serving(project) as (_, port, log):

        def page(path: str) -> str:
            """a served page, as the browser reads its text"""
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=10) as response:
                return response.read().decode().replace("&#39;", "'")

        assert "Write a Test" in page("chapter-1-testing/") and "md-banner" not in page("chapter-1-testing/")
        chapter.write_text(CHAPTER_1 + "\nSee [the prompt](#write-a-tset).\n")
        wait_for(lambda: message in page("chapter-1-testing/"), timeout=60)
        for path in ("", "skills/", "prompts/write-a-test/"):
            assert "The book has 1 warning, which a strict build refuses" in page(path) and message in page(path), path
        chapter.write_text(CHAPTER_1 + "\nSee [the prompt](#write-a-test).\n")
        wait_for(lambda: "md-banner" not in page("chapter-1-testing/"), timeout=60)
        assert message in log.read_text()


def test_a_heading_holding_html_shown_as_text_has_the_anchor_the_page_gives_it(project, tmp_path):
    # The page shows "<span>" and "<img ...>" as text, so they are part of the slug;
    # "<kbd>" is markup, and only its text is. The anchor is written out as
    # Python-Markdown's toc makes it from the heading the page shows.
    chapter = project / "docs" / "chapter-1-testing.md"
    heading = '## 1.2 Keys <span> and <kbd>Ctrl</kbd> <img src="x">\n'
    chapter.write_text(CHAPTER_1 + f"\n{heading}\nSee [the keys](#12-keys-and-ctrl).\n")
    checked, built = both(project, tmp_path)
    message = ("docs/chapter-1-testing.md:19: warning: link to '#12-keys-and-ctrl', but this page has no such anchor; "
               "did you mean '#12-keys-span-and-ctrl-img-srcx'?")
    assert checked.returncode == 1 and message in checked.stdout
    assert built.returncode == 1 and message in built.stderr
    chapter.write_text(CHAPTER_1 + f"\n{heading}\nSee [the keys](#12-keys-span-and-ctrl-img-srcx).\n")
    checked, built = both(project, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert built.returncode == 0, built.stderr[-2000:]
    assert 'id="12-keys-span-and-ctrl-img-srcx"' in (tmp_path / "site" / "chapter-1-testing" / "index.html").read_text()


def test_an_image_from_another_host_is_a_warning_at_its_line_in_both(project, tmp_path):
    chapter = project / "docs" / "chapter-1-testing.md"
    chapter.write_text(CHAPTER_1 + "\n![Build](https://img.example.org/build.svg)\n\n![Licence][licence] `![code][licence]`\n\n"
                                   "[licence]: https://img.example.org/licence.svg\n")
    checked, built = both(project, tmp_path)
    fix = "which tells that host who reads the book; download it into docs/assets/ and link it from there"
    messages = [f"docs/chapter-1-testing.md:17: warning: the image https://img.example.org/build.svg is loaded from "
                f"another host whenever the page opens, {fix}",
                f"docs/chapter-1-testing.md:19: warning: the image https://img.example.org/licence.svg is loaded from "
                f"another host whenever the page opens, {fix}"]
    assert checked.returncode == 1 and checked.stdout.splitlines()[:2] == messages
    assert built.returncode == 1 and all(message in built.stderr for message in messages)
    # Downloaded into docs/assets/ and linked from there, as the message says.
    (project / "docs" / "assets").mkdir()
    for name in ("build.svg", "licence.svg"):
        (project / "docs" / "assets" / name).write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    chapter.write_text(CHAPTER_1 + "\n![Build](assets/build.svg)\n\n![Licence][licence]\n\n[licence]: assets/licence.svg\n")
    checked, built = both(project, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert built.returncode == 0, built.stderr[-2000:]


def test_a_second_extra_block_in_mkdocs_yml_is_an_error_at_its_line(project, tmp_path):
    config = project / "mkdocs.yml"
    good = config.read_text()
    lines = good.count("\n")
    config.write_text(good + "\nextra:\n  skillbook:\n    parts:\n      - title: Basics\n        chapters: [1]\n"
                             "extra:\n  skillbook:\n    assistants:\n      - name: Helper\n        invoke: \"/{skill}\"\n")
    checked = check(project)
    assert checked.returncode == 1
    assert (f"mkdocs.yml:{lines + 7}: 'extra:' is written a second time (first at line {lines + 2}); YAML keeps only "
            "this one and drops the first with everything under it: move what is under this 'extra:' into the first"
            in checked.stderr)
    # Merged as the message says, both settings hold.
    config.write_text(good + "\nextra:\n  skillbook:\n    parts:\n      - title: Basics\n        chapters: [1]\n"
                             "    assistants:\n      - name: Helper\n        invoke: \"/{skill}\"\n")
    assert check(project).returncode == 0
    built = build_site(project, tmp_path / "site")
    assert built.returncode == 0, built.stderr[-2000:]
    page = (tmp_path / "site" / "chapter-1-testing" / "index.html").read_text()
    assert "Part I: Basics" in page and "<option>Helper</option>" in page


def test_a_yaml_error_in_mkdocs_yml_is_reported_at_its_line(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + 'copyright: "2026 The Authors\n')
    line = config.read_text().count("\n")
    checked = check(project)
    assert checked.returncode == 1
    assert (f'mkdocs.yml:{line}: YAML syntax error: this " is never closed, so YAML reads the rest of the file as '
            'one text; close it with " where the text ends') in checked.stderr


def test_serve_keeps_serving_the_last_good_site_while_mkdocs_yml_is_broken(project):
    config = project / "mkdocs.yml"
    good = config.read_text()
    with serving(project) as (_, port, log):
        url = f"http://127.0.0.1:{port}/chapter-1-testing/"

        def page() -> str:
            """the chapter page"""
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode()

        assert "Write a Test" in page()
        config.write_text(good + 'copyright: "2026 The Authors\n')
        wait_for(lambda: "the last good site is still served" in log.read_text(), timeout=60)
        assert "Write a Test" in page()  # answered at once, not held until a fix
        assert "YAML syntax error: this \" is never closed" in log.read_text()
        config.write_text(good.replace("site_name: The Skillbook", "site_name: The Fixed Book"))
        wait_for(lambda: "The Fixed Book" in page(), timeout=60)


def test_an_unknown_skill_later_in_a_prompt_is_a_warning_with_the_closest_skill(project, tmp_path):
    chapter = project / "docs" / "chapter-1-testing.md"
    chapter.write_text(CHAPTER_1.replace("@tester Write a test for the parser.",
                                         "@tester Write a test for the parser.\nThen ask @test-reviewr to review it,\nand ping @team."))
    checked = check(project)
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[:1] == [
        "docs/chapter-1-testing.md:13: warning: prompt 'Write a Test' mentions unknown skill '@test-reviewr', which "
        "no assistant can invoke; did you mean '@test-reviewer'?"]
    chapter.write_text(chapter.read_text().replace("@test-reviewr", "@test-reviewer"))
    assert check(project).returncode == 0


def test_an_unclosed_quote_in_a_skill_file_is_reported_where_it_opens(project):
    (project / "skills" / "tester.yml").write_text(
        'id: tester\npurpose: "Testing things\nbest_for: Fixtures\nchapters: [1]\n')
    checked = check(project)
    assert ('skills/tester.yml:2: YAML syntax error: this " is never closed, so YAML reads the rest of the file as '
            'one text; close it with " where the text ends') in checked.stderr


def test_a_changed_skill_id_is_pointed_at_in_its_file_not_spread_to_the_chapters(project):
    skill = project / "skills" / "tester.yml"
    skill.write_text(skill_yaml("tester-pro"))
    checked = check(project)
    assert ("docs/chapter-1-testing.md:12: prompt 'Write a Test' uses unknown skill '@tester'; skills/tester.yml now "
            "says 'id: tester-pro'; set it back to 'id: tester', or rename the skill everywhere the book uses it"
            in checked.stderr)
    assert "did you mean '@tester-pro'" not in checked.stderr
    skill.write_text(skill_yaml("tester"))
    assert check(project).returncode == 0


# -- addresses that were published ----------------------------------------------------------------

LOCK_AFTER_FIRST_BUILD = """{
 "version": 1,
 "prompts": [
  "write-a-test"
 ],
 "skills": [
  "test-reviewer",
  "tester"
 ]
}
"""


def test_the_build_records_published_ids_and_check_warns_when_one_disappears(project, tmp_path):
    built = build_site(project, tmp_path / "site")
    assert built.returncode == 0, built.stderr[-2000:]
    lock = project / "skillbook.lock"
    assert lock.read_text() == LOCK_AFTER_FIRST_BUILD
    chapter = project / "docs" / "chapter-1-testing.md"
    chapter.write_text(CHAPTER_1.replace("#### Write a Test", "#### Write a Unit Test"))
    checked = check(project)
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[0] == (
        "skillbook.lock:4: warning: prompt id 'write-a-test' was published (/prompts/write-a-test/ and its chapter's "
        "anchor #write-a-test), but no prompt has it now; to keep both, end the prompt's heading with "
        "'{#write-a-test}'; to send readers to its new page, add former=\"write-a-test\" to that heading's attribute "
        "list ('{#new-id former=\"write-a-test\"}'); to let the address go, delete \"write-a-test\" from skillbook.lock")
    assert build_site(project, tmp_path / "strict").returncode == 1  # --strict fails on the warning too

    # Each way the message gives, applied, works.
    chapter.write_text(CHAPTER_1.replace("#### Write a Test", "#### Write a Unit Test {#write-a-test}"))
    assert check(project).returncode == 0
    chapter.write_text(CHAPTER_1.replace("#### Write a Test", '#### Write a Unit Test {#write-a-unit-test former="write-a-test"}'))
    assert check(project).returncode == 0
    assert build_site(project, tmp_path / "redirected").returncode == 0
    assert "write-a-unit-test" in (tmp_path / "redirected" / "prompts" / "write-a-test" / "index.html").read_text()
    assert '"write-a-unit-test"' in lock.read_text() and '"write-a-test"' in lock.read_text()
    chapter.write_text(CHAPTER_1.replace("#### Write a Test", "#### Write a Unit Test"))
    lock.write_text(lock.read_text().replace(' "write-a-test",\n', ""))
    assert check(project).returncode == 0, check(project).stdout


def test_a_removed_skill_is_a_warning_until_another_skill_keeps_its_address(project, tmp_path):
    assert build_site(project, tmp_path / "site").returncode == 0
    (project / "skills" / "test-reviewer.yml").unlink()
    checked = check(project)
    assert ("skillbook.lock:7: warning: skill id 'test-reviewer' was published (/skills/test-reviewer/), but no skill "
            "file has it now; to send readers to the skill that replaces it, add 'former_ids: [test-reviewer]' to that "
            "skill's file; to let the address go, delete \"test-reviewer\" from skillbook.lock") in checked.stdout
    (project / "skills" / "tester.yml").write_text(skill_yaml("tester", former_ids="[test-reviewer]"))
    assert check(project).returncode == 0
