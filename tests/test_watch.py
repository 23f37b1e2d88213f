"""`mkdocs serve` sees saves from the system's file events (inotify on Linux),
saves only: an editor's save by renaming a new file over the old one is seen,
the build's own reads of the book are not saves, and SKILLBOOK_WATCH=poll (or a
system without events) looks at the files instead (src/skillbook/mkdocs/watch.py)."""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from pathlib import Path

import pytest
from watchdog.observers.polling import PollingObserver

from skillbook.mkdocs.watch import SaveObserver, save_observer
from tests.conftest import DOCS, SKILLS, make_site_project
from tests.support.serve import serving, wait_for

CHANGES = "Detected file changes"


def _project(root: Path) -> Path:
    project = make_site_project(root)
    shutil.copytree(DOCS, project / "docs", dirs_exist_ok=True)
    shutil.copytree(SKILLS, project / "skills", dirs_exist_ok=True)
    return project


def _saved_by_rename(path: Path, text: str) -> None:
    """As editors that keep a backup save: a new file renamed over the old one."""
    new = path.with_name(f".{path.name}.new")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


def _page(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=30) as response:
        return response.read().decode("utf-8")


def _changes(log: Path) -> int:
    return log.read_text().count(CHANGES)


def _settled(log: Path) -> int:
    """The count of saves seen, once the server has answered the last one."""
    wait_for(lambda: log.read_text().count("Reloading browsers") >= _changes(log))
    return _changes(log)


def test_an_editors_save_is_seen_and_reading_the_book_is_not_a_save(tmp_path):
    project = _project(tmp_path / "book")
    with serving(project) as (_, port, log):
        assert "Saves are looked for every" not in log.read_text()  # this machine has file events
        chapter = next((project / "docs").glob("chapter-16-*.md"))
        text = chapter.read_text(encoding="utf-8")
        _saved_by_rename(chapter, text.replace("# Chapter 16: ", "# Chapter 16: Renamed Over: ", 1))
        wait_for(lambda: "Renamed Over" in _page(port, chapter.stem + "/"), timeout=60)
        config = project / "mkdocs.yml"
        _saved_by_rename(config, config.read_text(encoding="utf-8").replace("site_name: The Skillbook", "site_name: Watched Book", 1))
        wait_for(lambda: "Watched Book" in _page(port, ""), timeout=120)
        # Saved by rename again: the folder is watched, not the first file's inode.
        _saved_by_rename(config, config.read_text(encoding="utf-8").replace("site_name: Watched Book", "site_name: Watched Twice", 1))
        wait_for(lambda: "Watched Twice" in _page(port, ""), timeout=120)

        seen = _settled(log)
        for path in [config, *project.joinpath("docs").rglob("*"), *project.joinpath("skills").rglob("*")]:
            if path.is_file():
                path.read_bytes()
        _page(port, "skills/")  # a page rendered when asked for reads the book too
        time.sleep(2)
        assert _changes(log) == seen, log.read_text()[-2000:]


def test_saves_are_looked_for_when_asked_to_poll(tmp_path):
    project = _project(tmp_path / "book")
    with serving(project, env={"SKILLBOOK_WATCH": "poll"}) as (_, port, log):
        assert "Saves are looked for every 0.1 s (SKILLBOOK_WATCH=poll)" in log.read_text()
        chapter = next((project / "docs").glob("chapter-16-*.md"))
        chapter.write_text(chapter.read_text(encoding="utf-8").replace("# Chapter 16: ", "# Chapter 16: Polled: ", 1),
                           encoding="utf-8")
        wait_for(lambda: "Polled" in _page(port, chapter.stem + "/"), timeout=60)


def test_a_system_without_events_for_a_path_falls_back_to_looking(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("SKILLBOOK_WATCH", raising=False)
    assert isinstance(save_observer([str(tmp_path)], 0.1), SaveObserver)
    with caplog.at_level("INFO", logger="mkdocs.plugins.skillbook"):
        observer = save_observer([str(tmp_path / "gone")], 0.1)
    assert isinstance(observer, PollingObserver) and not isinstance(observer, SaveObserver)
    assert "Saves are looked for every 0.1 s (no file events here:" in caplog.text
    monkeypatch.setenv("SKILLBOOK_WATCH", "poll")
    assert isinstance(save_observer([str(tmp_path)], 0.1), PollingObserver)


def test_a_file_being_written_is_seen_once_it_is_closed(tmp_path):
    # A save is the file closed after writing: the server, which updates the site
    # 0.02 s after a save, never reads half a chapter while the editor writes it.
    project = _project(tmp_path / "book")
    with serving(project) as (_, port, log):
        chapter = next((project / "docs").glob("chapter-16-*.md"))
        saved = chapter.read_text(encoding="utf-8").replace("# Chapter 16: ", "# Chapter 16: Closed: ", 1)
        seen = _settled(log)
        with chapter.open("w", encoding="utf-8") as out:
            out.write(saved[: len(saved) // 2])
            out.flush()
            time.sleep(1.5)  # written in part, still open
            assert _changes(log) == seen, log.read_text()[-2000:]
            out.write(saved[len(saved) // 2:])
        wait_for(lambda: "Closed:" in _page(port, chapter.stem + "/"), timeout=60)
        assert _settled(log) == seen + 1, log.read_text()[-2000:]
