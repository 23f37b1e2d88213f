"""A book that starts empty, as an author starting from nothing has it: the
sample chapter and its skills removed. It checks, builds and serves, and its home
page says how to add the first chapter; nothing of the sample is left to hunt down."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.conftest import CHAPTER_1, DOCS, build_site, make_site_project, skill_yaml
from tests.support.pages import norm, parse_html
from tests.support.serve import serving, wait_for

FIRST_CHAPTER = "This book has no chapters yet"
# Words of the sample chapter (Chapter 16, containers) and its skills.
SAMPLE_WORDS = re.compile(r"docker|helm|kubernetes|container|OOMKilled|chapter 16", re.IGNORECASE)


def empty_book(root: Path) -> Path:
    project = make_site_project(root)
    (project / "docs" / "index.md").write_text((DOCS / "index.md").read_text())
    return project


def test_the_shipped_home_page_names_nothing_of_the_sample_chapter():
    assert SAMPLE_WORDS.findall((DOCS / "index.md").read_text()) == []


def test_an_empty_book_checks_and_builds_and_says_how_to_start(tmp_path):
    project = empty_book(tmp_path / "book")
    check = subprocess.run([sys.executable, "-m", "skillbook.cli", "check", "--root", str(project)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "0 skills, 0 chapters, 0 prompts; 0 errors, 0 warnings" in check.stdout
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    home = (tmp_path / "site" / "index.html").read_text()
    assert FIRST_CHAPTER in home
    assert "docs/chapter-1-getting-started.md" in home
    for page in ("skills/index.html", "prompts/index.html", "api/skills.json", "api/prompts.json", "llms.txt"):
        assert (tmp_path / "site" / page).is_file(), page


def test_serve_follows_a_book_whose_last_chapter_is_removed(tmp_path):
    project = empty_book(tmp_path / "book")
    chapter = project / "docs" / "chapter-1-start.md"
    chapter.write_text("# Chapter 1: Start\n\nThe first words.\n")
    with serving(project) as (_, port, log):
        url = f"http://127.0.0.1:{port}/"

        def home() -> str:
            """the home page"""
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read().decode()

        assert "1 chapter" in home() and FIRST_CHAPTER not in home()
        chapter.unlink()
        wait_for(lambda: FIRST_CHAPTER in home(), timeout=60)
        chapter.write_text("# Chapter 1: Start again\n\nThe first words.\n")
        wait_for(lambda: "1 chapter" in home() and FIRST_CHAPTER not in home(), timeout=60)
        assert "Traceback" not in log.read_text()


def test_the_first_chapter_skill_and_prompt_are_counted_as_one(tmp_path):
    project = empty_book(tmp_path / "book")
    (project / "skills" / "tester.yml").write_text(skill_yaml("tester"))
    (project / "docs" / "chapter-1-testing.md").write_text(CHAPTER_1)
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    home = parse_html((tmp_path / "site" / "index.html").read_text())
    stats = [norm(link.text()) for link in home.find_all("a") if link.parent.tag == "strong"]
    assert stats == ["1 chapter", "1 skill", "1 prompt"]
    assert "Chapter 1: Testing: 1 skill, 1 prompt" in norm(home.text())
