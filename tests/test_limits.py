"""No source can exhaust a build: crafted skill files and pages (YAML anchors and
aliases, deep nesting, huge files, unclosed brackets, links out of the project,
pipes) are refused with `path:line` and a clear message, in bounded time and
memory, the same way by `skillbook check`, `mkdocs build --strict` and
`mkdocs serve`, which keeps running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import CHAPTER_1, make_site_project, mkdocs_env, skill_yaml, write_book
from tests.support.serve import serving, wait_for

# Generous but finite: the refusals themselves take milliseconds.
SECONDS = 10
MEMORY = 1024 * 1024 * 1024  # address space of the checking process
RESIDENT_MB = 400


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


@dataclass
class Hostile:
    """A crafted source: where it goes, how to make it, and what the author is told."""

    name: str
    relative: str  # path in the project
    make: Callable[[Path, Path], None]  # (path, outside folder) -> writes the source
    line: int
    message: str


def write(content: str | bytes) -> Callable[[Path, Path], None]:
    def make(path: Path, outside: Path) -> None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return make


def link_outside(content: str) -> Callable[[Path, Path], None]:
    def make(path: Path, outside: Path) -> None:
        target = outside / f"target-{path.name}"
        target.write_text(content)
        path.symlink_to(target)
    return make


def folder_outside(path: Path, outside: Path) -> None:
    (outside / "pages").mkdir()
    (outside / "pages" / "secret.md").write_text("# Secret\n")
    path.symlink_to(outside / "pages", target_is_directory=True)


def pipe(path: Path, outside: Path) -> None:
    os.mkfifo(path)


ANCHORS = ("YAML anchors (&name) and aliases (*name) are not allowed here: they can make a short file expand "
           "without bound; write the value out in full")
HOSTILE = [
    Hostile("yaml-aliases", "skills/bomb.yml", write(billion_laughs()), 1, ANCHORS),
    Hostile("yaml-nesting", "skills/deep.yml", write("id: deep\npurpose: " + "[" * 100 + "]" * 100 + "\n"), 2,
            "YAML nested more than 6 levels deep; a skill file needs two (a mapping of lists): flatten it"),
    Hostile("huge-skill", "skills/huge.yml", write("id: huge\npurpose: " + "x" * 8_000_000 + "\n"), 1,
            "this file is larger than 64 KiB, the most a skill file may hold; split it into smaller files"),
    Hostile("huge-page", "docs/chapter-2-huge.md", write("# Chapter 2: Huge\n\n" + "All work and no play. " * 400_000), 1,
            "this file is larger than 512 KiB, the most a page may hold; split it into smaller files"),
    Hostile("unclosed-brackets", "docs/chapter-2-brackets.md", write("# Chapter 2: Brackets\n\nText " + "[" * 200_000 + "\n"), 3,
            "left unclosed in this block make the page too slow to render; close each link, or write a literal bracket as \\["),
    Hostile("unclosed-link-targets", "docs/notes.md", write("# Notes\n\n" + "[a](" * 60_000 + "\n"), 3,
            "left unclosed in this block make the page too slow to render; close each link, or write a literal bracket as \\["),
    Hostile("nested-lists", "docs/chapter-2-lists.md",
            write("# Chapter 2: Lists\n\n" + "".join("  " * i + "- item\n" for i in range(300))), 11,
            "lists or quotes nested more than 8 levels deep here, more than the renderer handles in good time; flatten them"),
    Hostile("nested-quotes", "docs/chapter-2-quotes.md", write("# Chapter 2: Quotes\n\n" + ">" * 200_000 + " deep\n"), 3,
            "lists or quotes nested more than 8 levels deep here, more than the renderer handles in good time; flatten them"),
    Hostile("front-matter-aliases", "docs/about.md", write("---\ntitle: &t About\nalias: *t\n---\n\n# About\n"), 2, ANCHORS),
    Hostile("skill-link-outside", "skills/linked.yml", link_outside(skill_yaml("linked")), 1,
            "outside the project, so it is not read or published; copy the file into the project instead"),
    Hostile("page-link-outside", "docs/linked.md", link_outside("# Linked\n"), 1,
            "outside the project, so it is not read or published; copy the file into the project instead"),
    Hostile("folder-link-outside", "docs/elsewhere", folder_outside, 1,
            "outside the project, so it is not read or published; copy the file into the project instead"),
    Hostile("not-utf-8", "docs/chapter-2-latin.md", write(b"# Chapter 2: Caf\xe9\n"), 1,
            "file is not UTF-8 (byte 0xe9 at offset 16); it reads as Windows-1252 (Western European): run 'skillbook check --fix' to save it as UTF-8, or save it as UTF-8 in your editor"),
    Hostile("pipe", "docs/chapter-2-pipe.md", pipe, 1,
            "this is not a regular file (a pipe or a device); replace it with a text file"),
]


# Runs a command under an address-space limit and reports its peak resident
# memory: the wrapper's only child is the command, so its children's peak is the command's.
MEASURE = """
import resource, subprocess, sys
limit = int(sys.argv[1])
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
code = subprocess.call(sys.argv[2:], preexec_fn=cap)
print(f"peak-kb {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def bounded(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run a command with bounded memory; returns its result, wall time in seconds
    and peak resident memory in MB."""
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(MEMORY), *args], cwd=cwd, capture_output=True, text=True, timeout=120,
        env=mkdocs_env(),
    )
    elapsed = time.monotonic() - start
    stderr, _, peak = result.stderr.rstrip("\n").rpartition("peak-kb ")
    result.stderr = stderr
    return result, elapsed, int(peak) / 1024


@pytest.fixture
def book(tmp_path) -> tuple[Path, Path]:
    """A valid one-chapter project, and a folder outside it."""
    root = make_site_project(tmp_path / "book")
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": CHAPTER_1, "index.md": "# Home\n"})
    outside = tmp_path / "outside"
    outside.mkdir()
    return root, outside


def plant(case: Hostile, root: Path, outside: Path) -> Path:
    path = root / case.relative
    case.make(path, outside)
    return path


def assert_reported(output: str, path: Path | str, case: Hostile) -> None:
    lines = [line for line in output.splitlines() if line.startswith(f"{path}:{case.line}: ") and case.message in line]
    assert lines, f"expected {path}:{case.line}: ...{case.message}... in:\n{output[-3000:]}"


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.name)
def test_check_refuses_the_source_quickly(book, case):
    root, outside = book
    path = plant(case, root, outside)
    result, elapsed, peak = bounded([sys.executable, "-m", "skillbook.cli", "check", "--root", str(root)], root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert_reported(result.stderr, path, case)
    assert elapsed < SECONDS and peak < RESIDENT_MB, (elapsed, peak)


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.name)
def test_strict_build_refuses_the_source_before_writing(book, case):
    root, outside = book
    path = plant(case, root, outside)
    site = root / "site"
    result, elapsed, peak = bounded(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], root,
    )
    assert result.returncode == 1, result.stderr[-3000:]
    # mkdocs names files relative to the project, as authors work there.
    assert_reported(result.stderr, path.relative_to(root), case)
    assert not site.exists()
    assert elapsed < SECONDS + 20 and peak < RESIDENT_MB, (elapsed, peak)


def test_serve_refuses_each_source_keeps_serving_and_recovers(book):
    root, outside = book
    with serving(root) as (server, port, log):

        def page() -> str:
            """the chapter page"""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/chapter-1-testing/", timeout=5) as response:
                    return response.read().decode()
            except OSError:
                return ""

        wait_for(lambda: "sb-prompt" in page())
        for case in HOSTILE:
            path = plant(case, root, outside)

            def shows_the_refusal() -> bool:
                text = page().replace("&#39;", "'").replace("&amp;", "&")
                return f"{path.name}:{case.line}: " in text and case.message[:60] in text

            shows_the_refusal.__doc__ = f"the refusal of {case.name}"
            wait_for(shows_the_refusal)
            assert server.poll() is None, f"serve stopped on {case.name}:\n{log.read_text()[-3000:]}"
            if path.is_symlink() or not path.is_dir():
                path.unlink()

            def recovered() -> bool:
                """the page without the error"""
                text = page()
                return "sb-prompt" in text and "The book has" not in text

            wait_for(recovered)
        assert server.poll() is None
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
