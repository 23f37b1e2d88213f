"""The build cache: a build that takes what it can from the cache writes the
same site, and tells the same warnings, as a clean build, whatever input
changed since the cache was made (skillbook.build_cache, skillbook.mkdocs.cache)."""

from __future__ import annotations

import gzip
import pickle
import re
import shutil
import sqlite3
import subprocess
import sys
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from skillbook import load_book
from skillbook.book import ParsedSources
from skillbook.build_cache import CACHE_FILE, BuildCache, Unkeyable, environment, fingerprint, key
from skillbook.mkdocs.cache import wanted
from skillbook.model import Skill
from tests.conftest import CHAPTER_1, MKDOCS, ROOT, mkdocs_env, skill_yaml, write_book

# -- the cache file ---------------------------------------------------------------------------


def test_keys_are_stable_and_tell_every_input_apart():
    def twemoji() -> None:
        """Stands for a function named in mkdocs.yml's options."""

    assert key({"b": 1, "a": [1, 2]}, "x") == key({"a": [1, 2], "b": 1}, "x")
    assert key("a", "b") != key("ab")
    assert key(["a", "b"]) != key("a", "b")
    assert key(1) != key("1") != key(1.0)
    assert key(None) != key("None")
    assert fingerprint(twemoji) == '"tests.test_build_cache.test_keys_are_stable_and_tell_every_input_apart.<locals>.twemoji"'
    assert fingerprint({3, 1, 2}) == "[1,2,3]"
    assert fingerprint(Path("docs/a.md")) == '"docs/a.md"'
    # Another object by its type and what it shows (a date in the front matter).
    assert fingerprint(date(2026, 12, 7)) == '"datetime.date:datetime.date(2026, 12, 7)"'
    with pytest.raises(Unkeyable):
        fingerprint(object())


def test_the_environment_is_the_same_in_every_run_of_one_installation():
    assert environment() == environment()
    assert re.fullmatch(r"[0-9a-f]{64}", environment())


def test_an_entry_is_read_back_and_survives_a_restart(tmp_path):
    path = tmp_path / "build.sqlite"
    cache = BuildCache(path, "environment 1")
    cache.put_data("rendered", "k", {"content": "<p>é</p>", "toc": []})
    assert cache.get_data("rendered", "k") == {"content": "<p>é</p>", "toc": []}
    assert cache.get_data("rendered", "other") is None
    assert cache.get_data("indexed", "k") is None  # kinds do not mix
    cache.close()
    again = BuildCache(path, "environment 1")
    assert again.get_data("rendered", "k") == {"content": "<p>é</p>", "toc": []}
    assert again.summary() == "rendered: 1 reused, 0 made"
    again.close()


def test_an_entry_another_process_keeps_the_file_from_is_left_unwritten(tmp_path, monkeypatch):
    monkeypatch.setattr("skillbook.build_cache.BUSY_TIMEOUT", 0.05)
    path = tmp_path / "build.sqlite"
    cache = BuildCache(path, "environment")
    assert cache.summary() == "nothing"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another build writing
    cache.put_data("rendered", "k", 1)
    assert cache.get_data("rendered", "k") == 1  # while it waits to be written
    cache.flush()
    other.execute("ROLLBACK")
    other.close()
    assert cache.get_data("rendered", "k") is None  # made again next time
    cache.put_data("rendered", "k", 2)
    cache.close()
    assert BuildCache(path, "environment").get_data("rendered", "k") == 2


def test_a_source_file_parsed_once_is_read_back_in_the_next_run(tmp_path):
    write_book(tmp_path, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1})
    cache = BuildCache(tmp_path / "build.sqlite", "environment")
    first = load_book(tmp_path / "docs", tmp_path / "skills", tmp_path, parsed=ParsedSources(cache))
    assert cache.summary() == "parsed: 0 reused, 2 made"
    # The next run: nothing parsed in memory, everything from the cache, equal to a parse.
    again = load_book(tmp_path / "docs", tmp_path / "skills", tmp_path, parsed=ParsedSources(cache))
    assert cache.summary() == "parsed: 2 reused, 2 made"
    assert again.skills == first.skills and again.chapters == first.chapters
    # A file whose text changed is parsed again.
    (tmp_path / "skills" / "tester.yml").write_text(skill_yaml("tester", purpose="Revised"), encoding="utf-8")
    changed = load_book(tmp_path / "docs", tmp_path / "skills", tmp_path, parsed=ParsedSources(cache))
    assert changed.skills["tester"].purpose == "Revised"
    assert cache.summary() == "parsed: 3 reused, 3 made"
    cache.close()


def test_a_cache_made_in_another_environment_is_emptied(tmp_path):
    path = tmp_path / "build.sqlite"
    cache = BuildCache(path, "skillbook 1, mkdocs 1.6.0")
    cache.put_data("rendered", "k", "old")
    cache.close()
    newer = BuildCache(path, "skillbook 2, mkdocs 1.6.1")
    assert newer.get_data("rendered", "k") is None
    newer.close()
    assert BuildCache(path, "skillbook 1, mkdocs 1.6.0").get_data("rendered", "k") is None  # emptied, not kept aside


def test_a_damaged_cache_file_is_made_again(tmp_path):
    path = tmp_path / "build.sqlite"
    path.write_bytes(b"not a database " * 100)
    cache = BuildCache(path, "environment")
    cache.put_data("rendered", "k", 1)
    assert cache.get_data("rendered", "k") == 1
    cache.close()


def test_a_damaged_entry_is_made_again(tmp_path):
    path = tmp_path / "build.sqlite"
    BuildCache(path, "environment").close()
    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO entries VALUES (?, ?, ?)", [
            ("rendered", "not compressed", b"{}"), ("rendered", "not json", zlib.compress(b"{nope", 1)),
            ("parsed", "not a pickle", zlib.compress(b"nope", 1)),
        ])
    db.close()
    cache = BuildCache(path, "environment")
    assert cache.get_data("rendered", "not compressed") is None
    assert cache.get_data("rendered", "not json") is None
    assert cache.get_model("parsed", "not a pickle") is None
    cache.close()


def test_a_build_drops_what_it_did_not_use(tmp_path):
    path = tmp_path / "build.sqlite"
    cache = BuildCache(path, "environment")
    for name in ("old", "kept"):
        cache.put_data("rendered", name, name)
    cache.close()
    cache = BuildCache(path, "environment")
    cache.get_data("rendered", "kept")
    cache.put_data("indexed", "new", 1)
    cache.drop_unused()
    cache.close()
    rows = sqlite3.connect(path).execute("SELECT kind, key FROM entries ORDER BY kind").fetchall()
    assert rows == [("indexed", "new"), ("rendered", "kept")]


def test_a_servers_start_drops_only_the_kinds_it_uses(tmp_path):
    path = tmp_path / "build.sqlite"
    cache = BuildCache(path, "environment")
    for kind in ("parsed", "rendered", "written"):
        cache.put_data(kind, "old", 1)
    cache.close()
    cache = BuildCache(path, "environment")
    cache.drop_unused(kinds=("parsed", "rendered"))
    cache.close()
    rows = sqlite3.connect(path).execute("SELECT kind, key FROM entries").fetchall()
    assert rows == [("written", "old")]


def test_only_the_books_model_is_read_back_from_the_cache(tmp_path):
    cache = BuildCache(tmp_path / "build.sqlite", "environment")
    skill = Skill(id="docker-expert", path="skills/docker-expert.yml", purpose="Containers", best_for="Images", chapters=[16])
    cache.put_model("parsed", "skill", (skill, []))
    assert cache.get_model("parsed", "skill") == (skill, [])
    # An entry naming any other callable (a planted file) is refused, never called.
    cache.put("parsed", "planted", pickle.dumps(shutil.rmtree, protocol=5))
    cache.put("parsed", "planted-class", pickle.dumps(subprocess.Popen, protocol=5))
    assert cache.get_model("parsed", "planted") is None
    assert cache.get_model("parsed", "planted-class") is None
    cache.close()


# -- builds with the cache against clean builds ------------------------------------------------


def build(project: Path, site: Path, cache: bool, strict: bool = True, hash_seed: int = 0) -> subprocess.CompletedProcess:
    # Each run orders sets and dictionaries' keys of its own (as two runs do): a key
    # written down in that order would change from run to run.
    env = {**mkdocs_env(), "SKILLBOOK_CACHE": "on" if cache else "off", "PYTHONHASHSEED": str(hash_seed)}
    return subprocess.run(
        [sys.executable, "-m", MKDOCS, "build", *(["--strict"] if strict else []), "--site-dir", str(site)],
        cwd=project, env=env, capture_output=True, text=True,
    )


def warnings(result: subprocess.CompletedProcess) -> list[str]:
    return sorted(line for line in result.stderr.splitlines() if line.startswith(("WARNING", "ERROR")))


def site_files(site: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found[path.relative_to(site).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


@pytest.fixture
def primed(tmp_path) -> Path:
    """A copy of the real book, built once with the cache (which then holds every
    page). Keys hold the project's paths: the cache is made where it is used."""
    project = tmp_path / "book"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    for folder in ("docs", "skills", "hooks"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__"))
    result = build(project, tmp_path / "primed", cache=True, hash_seed=1)
    assert result.returncode == 0, result.stderr
    assert "rendered: 0 reused" in result.stderr
    return project


def test_a_build_with_nothing_changed_takes_every_page_from_the_cache(primed, tmp_path):
    again = build(primed, tmp_path / "again", cache=True, hash_seed=5)  # {"a", "b"} shows in another order
    assert again.returncode == 0, again.stderr
    summary = re.search(r"Skillbook's cache \(.*\): (.*)", again.stderr)
    assert summary is not None, again.stderr
    made = dict(re.findall(r"(\w+): \d+ reused, (\d+) made", summary[1]))
    assert made == {"indexed": "0", "parsed": "0", "rendered": "0", "written": "0"}, summary[1]
    assert site_files(tmp_path / "again") == site_files(tmp_path / "primed")


CHAPTER = "docs/chapter-16-container-orchestration.md"


def edit(path: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        file = project / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{path} holds {old!r}"
        file.write_text(text.replace(old, new, count), encoding="utf-8")
    return change


def write(path: str, text: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    return change


def append(path: str, text: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        with (project / path).open("a", encoding="utf-8") as out:
            out.write("\n" + text)
    return change


def both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        for one in changes:
            one(project)
    return change


# Each kind of input a page is made from, changed between the cached build and the next.
CHANGES = {
    "chapter prose": edit(CHAPTER, "\n## ", "\nA sentence the cache has not seen.\n\n## "),
    "chapter prompt": edit(CHAPTER, "```text\n@", "```text\n@docker-expert Start here. \n@"),
    "chapter heading (every page's navigation)": edit(CHAPTER, "# Chapter 16:", "# Chapter 16 (revised):"),
    "skill file": edit("skills/docker-expert.yml", "purpose:", "purpose: Revised. "),
    "skill added": write("skills/terraform-expert.yml", skill_yaml("terraform-expert", "[16]", purpose="Infrastructure as code")),
    "page added": write("docs/notes.md", "# Notes\n\nSee the [chapter](chapter-16-container-orchestration.md).\n"),
    "link target added": both(
        edit("docs/index.md", "\n", "\nSee the [notes](notes.md#later).\n"),
        write("docs/notes.md", "# Notes\n\n## Later\n\nText.\n"),
    ),
    "image added": both(
        edit("docs/index.md", "\n", "\n![A diagram](diagram.svg)\n"),
        write("docs/diagram.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'),
    ),
    "markdown extension option": edit("mkdocs.yml", "permalink: true", 'permalink: "#"'),
    "site setting": edit("mkdocs.yml", "site_name: The Skillbook", "site_name: The Skillbook, Second Edition"),
    "theme override": both(
        edit("mkdocs.yml", "theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides\n"),
        write("overrides/partials/copyright.html", "<div>Printed by the test</div>\n"),
    ),
    "skillbook option": append("mkdocs.yml", "extra:\n  skillbook:\n    assistants:\n      - name: Test Assistant\n        invoke: \"/{skill}\"\n"),
    "theme's extra setting": append("mkdocs.yml", "extra:\n  generator: false\n"),
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_cached_build_after_a_change_writes_what_a_clean_build_writes(primed, tmp_path, change):
    project = primed
    CHANGES[change](project)
    cached = build(project, tmp_path / "cached", cache=True)
    clean = build(project, tmp_path / "clean", cache=False)
    assert "without the cache (SKILLBOOK_CACHE=off)" in clean.stderr
    assert re.search(r": [1-9]\d* reused", cached.stderr), cached.stderr  # the cache was used
    assert (cached.returncode, warnings(cached)) == (clean.returncode, warnings(clean)), cached.stderr + clean.stderr
    assert clean.returncode == 0, clean.stderr
    cached_files, clean_files = site_files(tmp_path / "cached"), site_files(tmp_path / "clean")
    assert sorted(cached_files) == sorted(clean_files)
    differing = [name for name in clean_files if cached_files[name] != clean_files[name]]
    assert differing == []


def test_a_cached_build_tells_the_warnings_of_the_pages_it_takes_from_the_cache(primed, tmp_path):
    # Links MkDocs warns about as it renders the page (the book's own check lets
    # an absolute link pass); a build that is not strict goes on to render it.
    edit("docs/index.md", "\n", "\nSee [the chapter](/chapter-16-container-orchestration.md).\n")(primed)
    first = build(primed, tmp_path / "first", cache=True, strict=False)
    second = build(primed, tmp_path / "second", cache=True, strict=False)
    clean = build(primed, tmp_path / "clean", cache=False, strict=False)
    told = warnings(clean)
    assert told == [
        "WARNING -  Doc file 'index.md' contains an absolute link '/chapter-16-container-orchestration.md', "
        "it was left as is. Did you mean 'chapter-16-container-orchestration.md'?"
    ]
    assert warnings(first) == warnings(second) == told
    assert re.search(r"rendered: [1-9]\d* reused, 0 made", second.stderr), second.stderr
    # A strict build fails on it alike, from the cache too.
    strict = build(primed, tmp_path / "strict", cache=True)
    assert strict.returncode == 1 and told[0] in warnings(strict), strict.stderr
    assert re.search(r"rendered: [1-9]\d* reused, 0 made", strict.stderr), strict.stderr


def test_a_change_of_environment_empties_the_cache_of_a_project(primed, tmp_path):
    project = primed
    db = sqlite3.connect(project / CACHE_FILE)
    with db:
        db.execute("UPDATE environment SET name = 'an older Skillbook'")
    db.close()
    result = build(project, tmp_path / "site", cache=True)
    assert result.returncode == 0, result.stderr
    assert re.search(r"rendered: 0 reused, [1-9]\d* made", result.stderr), result.stderr


def test_a_ci_server_builds_clean_and_says_so(primed, tmp_path):
    project = primed
    env = {key: value for key, value in mkdocs_env().items() if key != "SKILLBOOK_CACHE"}
    result = subprocess.run(
        [sys.executable, "-m", MKDOCS, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=project, env={**env, "CI": "true"}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "building clean, without the cache, as on every CI server" in result.stderr
    assert "reused" not in result.stderr


def test_the_environment_says_whether_builds_use_the_cache(caplog):
    assert wanted({}) == (True, "by default")
    assert wanted({"CI": "false"}) == (True, "by default")
    assert wanted({"CI": "true"})[0] is False
    assert wanted({"CI": "true", "SKILLBOOK_CACHE": "on"}) == (True, "SKILLBOOK_CACHE=on")
    assert wanted({"SKILLBOOK_CACHE": "off"}) == (False, "building clean, without the cache (SKILLBOOK_CACHE=off)")
    assert wanted({"SKILLBOOK_CACHE": "maybe"}) == (True, "by default")
    assert wanted({"SKILLBOOK_CACHE": "maybe", "CI": "1"})[0] is False
    assert "SKILLBOOK_CACHE=maybe is neither on nor off, and is ignored; set SKILLBOOK_CACHE=on or SKILLBOOK_CACHE=off" in caplog.text
