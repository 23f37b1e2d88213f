"""Under `mkdocs serve`, a save updates only what it changed and pages are
rendered when requested (src/skillbook/mkdocs/live.py). A page must never be stale
or wrong: after each kind of save, every file the server serves is compared
with a clean `mkdocs build` of the same sources. Timings are the benchmark's
(bench/run.py), not these tests'."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import MKDOCS, ROOT, make_site_project, mkdocs_env
from tests.support.serve import serving, wait_for

# What the server adds to each page it serves, which a built site does not hold.
LIVERELOAD = re.compile(rb"<script>\s*var livereload = .*?</script>", re.DOTALL)
# Under serve, a page also lists the book's warnings in Material's announcement
# bar (a strict build refuses them); the build prints them instead.
ANNOUNCE = re.compile(rb'(<div data-md-component="announce">)\s*(?:<aside class="md-banner">.*?</aside>\s*)?(</div>)', re.DOTALL)
BANNER_ITEM = re.compile(r"<li><code>(.*?)</code></li>", re.DOTALL)
BUILD_WARNING = re.compile(r"^WARNING +-  (\S+:\d+: warning: .*)$", re.MULTILINE)
# Preview images (.png) included: a page's image shows its title as it is now.
COMPARED = {".html", ".json", ".txt", ".xml", ".png"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The fixture docsify book (chapters, appendices, templates), imported."""
    root = make_site_project(tmp_path_factory.mktemp("live") / "book")
    book = ROOT / "tests" / "fixtures" / "docsify-book"
    result = subprocess.run([sys.executable, "-m", "skillbook.cli", "import", str(book), "--project", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="module")
def served(project):
    with serving(project) as (server, port, log):
        yield Served(project, port, log)


class Served:
    def __init__(self, project: Path, port: int, log: Path) -> None:
        self.project, self.port, self.log = project, port, log
        self.url = f"http://127.0.0.1:{port}/"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def save(self, path: str, text: str | None) -> None:
        """Write (or, with None, delete) a file of the project and wait until the
        server has taken the save in."""
        reloads = self.log.read_text().count("Reloading browsers")
        target = self.project / path
        if text is None:
            target.unlink()
        else:
            target.write_text(text, encoding="utf-8")
        wait_for(lambda: self.log.read_text().count("Reloading browsers") > reloads, timeout=120)

    def assert_same_as_a_clean_build(self, tmp_path: Path, gone: list[str] = ()) -> int:
        """Every page and data file served equals the clean build's; pages the clean
        build lacks answer 404. Returns the number of files compared."""
        site = tmp_path / "clean"
        # Not --strict: serve shows a book with warnings, and so must the build compared.
        result = subprocess.run([sys.executable, "-m", MKDOCS, "build", "--site-dir", str(site)],
                                cwd=self.project, env=mkdocs_env(self.url), capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
        warnings = BUILD_WARNING.findall(result.stderr)
        compared = 0
        for file in sorted(site.rglob("*")):
            if file.suffix not in COMPARED or file.name == "sitemap.xml":
                continue
            path = file.relative_to(site).as_posix()
            status, body = self.get(path)
            assert status == 200, path
            expected = file.read_bytes()
            if file.suffix == ".json":
                assert json.loads(body) == json.loads(expected), path
                compared += 1
                continue
            if file.suffix == ".html":
                body = LIVERELOAD.sub(b"", body)
            if file.suffix == ".html" and warnings and ANNOUNCE.search(expected):
                # The same page, with the warnings the build printed, each as printed.
                text = body.decode()
                banner = text[text.index('class="md-banner"'):]
                banner = banner[:banner.index("</aside>")]
                assert [html.unescape(item) for item in BANNER_ITEM.findall(banner)] == warnings, path
                body, expected = ANNOUNCE.sub(rb"\1\2", body), ANNOUNCE.sub(rb"\1\2", expected)
            assert body == expected, path
            compared += 1
        for path in gone:
            assert self.get(path)[0] == 404, path
        return compared


def _edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    return text.replace(old, new, 1)


def test_a_freshly_served_book_is_the_built_book(served, tmp_path):
    assert "Site updated" not in served.log.read_text()
    assert served.assert_same_as_a_clean_build(tmp_path) > 50


def test_a_skill_save_updates_its_page_its_chapters_the_catalog_and_related_skills(served, tmp_path):
    skill, other = sorted((served.project / "skills").glob("*.yml"))[:2]
    text = skill.read_text(encoding="utf-8")
    served.save(f"skills/{skill.name}", f"{text.rstrip()}\nrelated: [{other.stem}]\n")
    assert "Site updated" in served.log.read_text()
    served.assert_same_as_a_clean_build(tmp_path / "related")
    purpose = re.search(r"^purpose: (.+)$", text, re.MULTILINE).group(1)
    text = skill.read_text(encoding="utf-8")
    served.save(f"skills/{skill.name}", text.replace(f"purpose: {purpose}", f"purpose: {purpose}, saved once", 1))
    for page in (f"skills/{skill.stem}/", f"skills/{other.stem}/", "skills/"):
        assert f"{purpose}, saved once".encode() in served.get(page)[1], page
    served.assert_same_as_a_clean_build(tmp_path / "purpose")


def test_prose_and_a_prompt_saved_in_a_chapter(served, tmp_path):
    chapter = next((served.project / "docs").glob("chapter-5-*.md"))
    text = chapter.read_text(encoding="utf-8")
    paragraph = next(line for line in text.split("\n") if len(line) > 60 and line[0].isalpha())
    served.save(f"docs/{chapter.name}", text.replace(paragraph, paragraph + " Saved prose.", 1))
    served.assert_same_as_a_clean_build(tmp_path / "prose")
    fence = re.search(r"```text\n(.+)\n", chapter.read_text(encoding="utf-8"))
    served.save(f"docs/{chapter.name}", _edit(chapter, fence.group(0), f"```text\n{fence.group(1)} Saved prompt.\n"))
    served.assert_same_as_a_clean_build(tmp_path / "prompt")


def test_a_new_chapter_joins_the_navigation_and_every_page(served, tmp_path):
    skill = sorted((served.project / "skills").glob("*.yml"))[0].stem
    served.save("docs/chapter-40-saved-later.md", (
        "# Chapter 40: Saved Later\n\nA chapter written while the site is served.\n\n"
        f"## A Prompt\n\n#### Reviewing a Save\n\n**Context:** A save.\n\n```text\n@{skill} Review this save.\n```\n\n"
        "**Expected Output:** A review.\n"
    ))
    assert b"Chapter 40: Saved Later" in served.get("chapter-40-saved-later/")[1]
    served.assert_same_as_a_clean_build(tmp_path)


def test_links_to_a_page_work_once_it_exists_and_not_after(served, tmp_path):
    chapter = next((served.project / "docs").glob("chapter-3-*.md"))
    served.save(f"docs/{chapter.name}", _edit(chapter, "\n## ", "\nSee [the notes](notes.md).\n\n## "))
    served.save("docs/notes.md", "# Notes\n\nNotes saved later.\n")
    assert b'href="../notes/"' in served.get(chapter.name[:-3] + "/")[1]
    served.assert_same_as_a_clean_build(tmp_path / "added")
    served.save("docs/notes.md", None)
    served.assert_same_as_a_clean_build(tmp_path / "removed", gone=["notes/"])


def test_a_deleted_prompt_loses_its_page(served, tmp_path):
    chapter = served.project / "docs" / "chapter-40-saved-later.md"
    served.save("docs/chapter-40-saved-later.md", _edit(chapter, "#### Reviewing a Save", "#### Reviewing a Save Again"))
    assert served.get("prompts/reviewing-a-save-again/")[0] == 200
    text = chapter.read_text(encoding="utf-8")
    served.save("docs/chapter-40-saved-later.md", text[:text.index("## A Prompt")])
    served.assert_same_as_a_clean_build(tmp_path, gone=["prompts/reviewing-a-save-again/"])
    served.save("docs/chapter-40-saved-later.md", None)
    served.assert_same_as_a_clean_build(tmp_path / "gone", gone=["chapter-40-saved-later/"])


def test_an_error_shows_on_every_page_until_fixed(served, tmp_path):
    skill = sorted((served.project / "skills").glob("*.yml"))[0]
    text = skill.read_text(encoding="utf-8")
    served.save(f"skills/{skill.name}", text.replace("purpose:", "purpse:", 1))
    for path in ("", f"skills/{skill.stem}/", "prompts/", "chapter-5-testing-strategies/"):
        assert b"The book has 2 errors" in served.get(path)[1], path
    served.save(f"skills/{skill.name}", text)
    served.assert_same_as_a_clean_build(tmp_path)


def test_a_changed_title_or_setting_renders_every_page_again(served, tmp_path):
    chapter = next((served.project / "docs").glob("chapter-16-*.md"))
    served.save(f"docs/{chapter.name}", _edit(chapter, "# Chapter 16: ", "# Chapter 16: Saved: "))
    served.assert_same_as_a_clean_build(tmp_path / "title")
    config = served.project / "mkdocs.yml"
    served.save("mkdocs.yml", _edit(config, "site_name: The Skillbook", "site_name: The Saved Skillbook"))
    assert "Site updated" not in served.log.read_text().rsplit("Detected file changes", 1)[1]
    served.assert_same_as_a_clean_build(tmp_path / "config")


def test_a_save_made_while_the_search_index_is_made_goes_first(tmp_path):
    """The first search after a start makes the index of every page (the whole
    book's Markdown converted); a save made meanwhile is updated between a few
    pages of it, not after all of them: the index answered holds the saved title.
    (Were the save to wait for the index, the index would hold the old one.)"""
    import threading

    from skillbook.model import FULL_SEARCH_INDEX
    from tests.conftest import CHAPTER_1, skill_yaml, write_book

    skills = {"tester.yml": skill_yaml("tester"), **{f"skill-{i:03d}.yml": skill_yaml(f"skill-{i:03d}") for i in range(600)}}
    project = write_book(make_site_project(tmp_path / "book"), skills, {"chapter-1-testing.md": CHAPTER_1})
    with serving(project) as (_, port, log):
        served = Served(project, port, log)
        answers: list[tuple[int, bytes]] = []
        index = threading.Thread(target=lambda: answers.append(served.get("search/search_index.json")))
        index.start()
        time.sleep(0.3)  # the request is in: the server converts the book's 600 skill pages
        chapter = project / "docs" / "chapter-1-testing.md"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace("# Chapter 1: Testing", "# Chapter 1: Zanzibar"),
                           encoding="utf-8")
        index.join(timeout=300)
        status, titles = answers[0]
        assert status == 200
        assert "Chapter 1: Zanzibar" in [entry["title"] for entry in json.loads(titles)["docs"]]
        status, whole = served.get(f"search/{FULL_SEARCH_INDEX}")
    assert status == 200
    assert "Chapter 1: Zanzibar" in [entry["title"] for entry in json.loads(whole)["docs"]]
