"""Benchmarks of Skillbook at the scale of the whole book and beyond.

The machines are shared and noisy, so every target but the reload is a ratio
against a baseline measured in the same run, never an absolute time:

- build: `mkdocs build` of the book through Skillbook against a plain Material
  build of the very same pages written out as static Markdown;
- memory: the peak memory of that build against the plain one;
- check: `skillbook check` (load and validate the book) against the build:
  authors run it on every commit, so it must stay a small fraction;
- scaling: the build of the book at 2x and 4x its size against as many builds
  of the book, t(4x) / (4 t(1x)): a book four times as large must take about
  four times as long, not more;
- serve: the time from starting `mkdocs serve` until it answers the home page
  and its log says it is serving, against the plain build;
- reload: under `mkdocs serve`, the time from saving a file to the page open
  in Chromium showing the change (MkDocs' livereload reloads it), for each kind
  of save an author makes: a skill file, a chapter's prose, a prompt, a new
  chapter, a prompt deleted. The target is a median in seconds.

The book is one of the real book's shape (bench/docsify_book.py: 57 chapters
of varied prose and prompt counts, 5 appendices, parts, templates), moved in
with `skillbook import`, whose time is printed for information.

Run with `make bench`; prints a table, then as its last line
`overhead <build ratio>, scaling <t(4x)/(4 t(1x))>, reload <median> s`,
and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import zensical  # noqa: E402
from docsify_book import write_docsify_book  # noqa: E402
from skillbook import load_book  # noqa: E402
from skillbook.build_cache import CACHE_FILE  # noqa: E402
from skillbook.chapters import parse_chapter  # noqa: E402
from skillbook.importer import import_book  # noqa: E402
from skillbook.mkdocs.plugin import SCRIPTS, STYLESHEETS, TEMPLATE_FOLDER, THEME  # noqa: E402
from skillbook.render import Renderer  # noqa: E402

# Ratios measured in one run (reload and first save are seconds).
TARGETS = {
    "build": 1.10, "memory": 1.3, "cached memory": 1.3, "check": 0.05, "cached": 0.5, "one chapter": 0.6,
    "scaling": 1.15, "cached scaling": 1.15, "serve": 0.5, "reload": 0.5, "slowest save": 1.0, "first save": 1.0,
}
CHROMIUM = Path("/usr/bin/chromium")
# A save that has not shown after this long is counted as this long, and reported.
SAVE_TIMEOUT = 60.0
# Unless --reloads says how many, the reload bench makes MIN_ROUNDS rounds of
# the five saves, and more (up to MAX_ROUNDS) while they have taken less than
# ROUNDS_BUDGET seconds: three rounds (2.5 minutes) when a save takes 10 s, more
# samples when it takes one.
MIN_ROUNDS, MAX_ROUNDS = 3, 7
SECONDS = {"reload", "slowest save", "first save"}
ROUNDS_BUDGET = 60.0


def generate_book(root: Path, chapters: int) -> None:
    """A project holding a book of the real book's shape (bench/docsify_book.py),
    moved in with `skillbook import` as its authors will."""
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "hooks", root / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "skills").mkdir()
    with tempfile.TemporaryDirectory() as source:
        write_docsify_book(Path(source) / "book", chapters)
        report = import_book([Path(source) / "book"], root)
    assert not report.failed, report.lines()


def static_copy(book_root: Path, plain_root: Path) -> None:
    """The same site as plain Markdown pages with a fixed nav and no Skillbook
    plugin: Skillbook's theme is the site's custom_dir, its scripts and styles
    listed in mkdocs.yml."""
    book = load_book(book_root / "docs", book_root / "skills", book_root, book_root / "mkdocs.yml")
    renderer = Renderer(book, THEME / TEMPLATE_FOLDER)
    shutil.copytree(book_root / "docs", plain_root / "docs")
    for chapter in book.chapters:
        (plain_root / "docs" / chapter.src_uri).write_text(renderer.chapter(chapter), encoding="utf-8")
    index = plain_root / "docs" / "index.md"
    index.write_text(renderer.document("index.md", index.read_text(encoding="utf-8")), encoding="utf-8")
    for page in renderer.generated_pages():
        target = plain_root / "docs" / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    config = (book_root / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^(hooks|watch):\n(  - .*\n)+", "", config, flags=re.MULTILINE)
    config = config.replace("\ntheme:\n  name: material\n", "\ntheme:\n  name: material\n  custom_dir: theme\n", 1)
    config += "\nextra_css:\n" + "".join(f"  - {path}\n" for path in STYLESHEETS)
    config += "extra_javascript:\n" + "".join(f"  - {path}\n" for path in SCRIPTS)
    nav = ["nav:", "  - Home: index.md"]
    for title, chapters in book.groups():
        nav += [f"  - {json.dumps(title)}:", *(f"      - {c.src_uri}" for c in chapters)]
    nav += ["  - Skills catalog: skills/index.md", "  - Prompt library: prompts/index.md"]
    shutil.copytree(THEME, plain_root / "theme")
    (plain_root / "mkdocs.yml").write_text(config + "\n" + "\n".join(nav) + "\n", encoding="utf-8")


def mkdocs_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "SKILLBOOK_SITE_URL"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["SKILLBOOK_CACHE"] = "on"  # on a CI server too: the cache is what is measured
    return env


def without_previews(root: Path) -> None:
    """The book without link preview images: Material's own (its social plugin)
    fetch their fonts from Google Fonts, which this machine cannot reach, so the
    plain build cannot make the same images (bench/previews.py times them)."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if "\nextra:\n  skillbook:\n" in text:
        text = text.replace("\nextra:\n  skillbook:\n", "\nextra:\n  skillbook:\n    previews: false\n", 1)
    else:
        text += "\nextra:\n  skillbook:\n    previews: false\n"
    config.write_text(text, encoding="utf-8")


def clean(root: Path) -> None:
    """The book's build cache removed: the next build starts from nothing."""
    for path in (root / CACHE_FILE).parent.glob(CACHE_FILE.name + "*"):
        path.unlink()


def build(root: Path) -> tuple[float, int]:
    """Build a book; returns the build's time in seconds and its peak memory (max RSS) in KiB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(root / "site")], cwd=root, env=mkdocs_env(),
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return elapsed, usage.ru_maxrss


def timed(function: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --------------------------------------------------------------------------- mkdocs serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, timeout: float = SAVE_TIMEOUT) -> tuple[int, str]:
    """The status and text of a GET; (0, "") when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


class Server:
    """`mkdocs serve` of a project on a free local port, with its log."""

    def __init__(self, root: Path):
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log: list[tuple[float, str]] = []
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=root, env=mkdocs_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.log.append((time.perf_counter(), line.rstrip("\n")))

    def count(self, text: str) -> int:
        return sum(text in line for _, line in list(self.log))

    def wait_ready(self, timeout: float = 600.0) -> float:
        """Seconds from the start until the home page answers 200 and the log says it is serving."""
        deadline = self.started + timeout
        answered = None
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("mkdocs serve stopped:\n" + "\n".join(line for _, line in self.log[-20:]))
            if answered is None and http_get(self.origin + "/", timeout=5)[0] == 200:
                answered = time.perf_counter()
            serving = next((at for at, line in list(self.log) if "Serving on" in line), None)
            if answered is not None and serving is not None:
                return max(answered, serving) - self.started
            time.sleep(0.02)
        raise TimeoutError(f"mkdocs serve not ready after {timeout:.0f}s")

    def wait_idle(self, timeout: float = SAVE_TIMEOUT) -> None:
        """Until every change the server detected is built (or failed), so that the
        next save starts from a quiet server."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            pending = self.count("Detected file changes") - self.count("Reloading browsers") - self.count("error happened during the rebuild")
            if pending <= 0:
                return
            time.sleep(0.05)
        print(f"  (mkdocs serve still busy after {timeout:.0f} s; going on)", flush=True)

    def url(self, path: str) -> str:
        return self.origin + path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # mkdocs serve cleans up its site folder
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)


@contextlib.contextmanager
def served(root: Path) -> Iterator[Server]:
    server = Server(root)
    try:
        yield server
    finally:
        server.stop()


def serve_ready(root: Path) -> float:
    with served(root) as server:
        return server.wait_ready()


class ChapterEdits:
    """A paragraph added to a chapter in turn, for the build after one chapter changed."""

    def __init__(self, root: Path):
        self.chapters = sorted((root / "docs").glob("chapter-*.md"))
        self.count = 0

    def edit(self) -> None:
        path = self.chapters[self.count % len(self.chapters)]
        self.count += 1
        text = path.read_text(encoding="utf-8")
        title_end = text.index("\n") + 1
        path.write_text(text[:title_end] + f"\nRevision {self.count} of this chapter's opening.\n" + text[title_end:], encoding="utf-8")


# --------------------------------------------------------------------------- reload

SAVE_KINDS = {
    "skill": "skill file (purpose)",
    "prose": "chapter prose",
    "prompt": "chapter's prompt",
    "chapter": "new chapter file",
    "delete": "prompt deleted (404)",
}


@dataclass
class Save:
    """One save: the page to watch (opened before the write, if any), the write,
    and what the page shows once the save is built: a text, or nothing (404)."""

    kind: str
    path: str  # address of the page to watch
    write: Callable[[], None]
    shows: str | None  # text the updated page holds; None: the page is gone (404)
    opened_before: bool = True  # False: the page does not exist before the save


class BookEdits:
    """The saves an author makes to the bench book, each changing the content
    (a counter in the text), none undone: the next save of a kind starts from the
    last one. Chapters to delete a prompt from are taken in turn, one prompt each;
    each new chapter has a number of its own."""

    def __init__(self, root: Path):
        self.root = root
        docs, skills = root / "docs", root / "skills"
        book = load_book(docs, skills, root, root / "mkdocs.yml")
        assert not book.errors, book.errors[:5]
        chapters = [c for c in book.chapters if not c.is_appendix]

        def unique(chapter):
            return [p for p in chapter.prompts if book.prompts.get(p.id) is p and p.skill_id in book.skills]

        # The chapter edited: the middle one with a skills table and prompts of its skills.
        candidates = [c for c in chapters if book.skills_in_chapter(c) and unique(c)] or [c for c in chapters if unique(c)]
        self.chapter = candidates[len(candidates) // 2]
        self.chapter_file = Path(self.chapter.path)
        self.chapter_text = self.chapter_file.read_text(encoding="utf-8")
        self.prompt = unique(self.chapter)[-1]
        # The skill edited: one of the chapter's with prompts, given related skills
        # (the bench book has none), so that their pages depend on it too.
        listed = book.skills_in_chapter(self.chapter)
        with_prompts = [s for s in listed if book.prompts_for(s)]
        self.skill = (with_prompts or listed or [book.skills[self.prompt.skill_id]])[0]
        self.skill_file = Path(self.skill.path)
        others = [s.id for s in listed if s.id != self.skill.id][:2]
        self.skill_text = self.skill_file.read_text(encoding="utf-8")
        if others and not self.skill.related:
            self.skill_text += f"related: [{', '.join(others)}]\n"
            self.skill_file.write_text(self.skill_text, encoding="utf-8")
        # Prompts to delete: the last one left of each other chapter (appendices
        # after), chapters in turn.
        self.prompts = book.prompts
        self.deletable = [c for c in sorted(book.chapters, key=lambda c: c.is_appendix) if c is not self.chapter and c.prompts]
        self.next_number = max(c.number for c in chapters) + 1
        self.other_skill = next((s for s in book.skills if s != self.skill.id), self.skill.id)
        self.revisions = {"prose": 0, "prompt": 0}

    def _write_chapter(self) -> None:
        text = self.chapter_text
        if self.revisions["prompt"]:
            first, _, rest = self.prompt.text.partition("\n")
            edited = f"{first} Prompt revision {self.revisions['prompt']}." + ("\n" + rest if rest else "")
            assert self.prompt.text in text
            text = text.replace(self.prompt.text, edited, 1)
        if self.revisions["prose"]:
            title = re.search(r"^# .*\n", text, re.MULTILINE)
            at = title.end() if title else 0
            text = f"{text[:at]}\nProse revision {self.revisions['prose']} of this chapter.\n{text[at:]}"
        self.chapter_file.write_text(text, encoding="utf-8")

    def save(self, kind: str, round_: int) -> Save:
        n = round_ + 1
        if kind == "skill":
            purpose = f"Skill revision {n} of its purpose"
            text = re.sub(r"^purpose:.*$", lambda _: f"purpose: {json.dumps(purpose)}", self.skill_text, count=1, flags=re.MULTILINE)
            return Save(kind, f"/skills/{self.skill.id}/", lambda: self.skill_file.write_text(text, encoding="utf-8"), purpose)
        if kind in ("prose", "prompt"):
            def write() -> None:
                self.revisions[kind] = n
                self._write_chapter()
            path = f"/{self.chapter.src_uri[:-3]}/" if kind == "prose" else f"/prompts/{self.prompt.id}/"
            return Save(kind, path, write, f"{kind.capitalize()} revision {n} of" if kind == "prose" else f"Prompt revision {n}.")
        if kind == "chapter":
            number = self.next_number + round_
            name = f"chapter-{number}-added-chapter-{n}"
            text = (f"# Chapter {number}: Added Chapter {n}\n\nA chapter added while the site is served.\n\n"
                    f"#### Reviewing Added Chapter {number}\n\n```text\n@{self.other_skill} Review added chapter {number}.\n```\n")
            return Save(kind, f"/{name}/", lambda: (self.root / "docs" / f"{name}.md").write_text(text, encoding="utf-8"),
                        f"Chapter {number}: Added Chapter {n}", opened_before=False)
        if kind == "delete":
            return self._deletion(round_)
        raise ValueError(kind)

    def _deletion(self, round_: int) -> Save:
        """The last prompt left of the next chapter in turn, deleted with its heading,
        context and expected output."""
        for i in range(len(self.deletable)):
            chapter = self.deletable[(round_ + i) % len(self.deletable)]
            path = Path(chapter.path)
            text = path.read_text(encoding="utf-8")
            current = parse_chapter(chapter.src_uri, chapter.path, text, [])
            left = [p for p in current.prompts if getattr(self.prompts.get(p.id), "chapter_key", None) == chapter.key]
            if left:
                prompt, lines = left[-1], text.split("\n")
                start, end = current.body_offset + prompt.start, current.body_offset + prompt.end
                edited = "\n".join(lines[:start] + lines[end:])
                return Save("delete", f"/prompts/{prompt.id}/", lambda path=path, text=edited: path.write_text(text, encoding="utf-8"), None)
        raise RuntimeError("no prompt left to delete")


class BrowserWatcher:
    """The page open in headless Chromium; MkDocs' livereload reloads it after a save."""

    description = "Chromium"

    def __init__(self, driver):
        args = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run"]
        if os.geteuid() == 0:
            args.insert(0, "--no-sandbox")  # Chromium's sandbox refuses to start as root
        self.browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        self.page = self.browser.new_page(viewport={"width": 1280, "height": 900})

    def open(self, url: str | None) -> None:
        self.page.goto(url or "about:blank", wait_until="load")

    def wait(self, server: Server, save: Save, timeout: float) -> None:
        url = server.url(save.path)
        if save.shows is None:  # the page reloads into the 404 page
            self.page.wait_for_function(
                "() => document.querySelector('h1')?.textContent.trim() === 'Page not found'",
                polling=50, timeout=timeout * 1000)
            return
        if not save.opened_before:  # the new page: opened once the server has it
            deadline = time.perf_counter() + timeout
            while http_get(url, timeout=timeout)[0] != 200:
                if time.perf_counter() > deadline:
                    raise TimeoutError(url)
                time.sleep(0.05)
            self.page.goto(url, wait_until="domcontentloaded")
        self.page.wait_for_function(
            "text => document.querySelector('article, .md-content')?.textContent.includes(text)",
            arg=save.shows, polling=50, timeout=timeout * 1000)

    def close(self) -> None:
        self.browser.close()


class HttpWatcher:
    """Without Chromium: the page fetched over HTTP until it shows the change."""

    def __init__(self, reason: str):
        self.description = f"HTTP polling, not Chromium ({reason}: the browser's own reload is not counted)"

    def open(self, url: str | None) -> None:
        if url:
            http_get(url)

    def wait(self, server: Server, save: Save, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            status, text = http_get(server.url(save.path), timeout=timeout)
            if (status == 404) if save.shows is None else (status == 200 and save.shows in text):
                return
            time.sleep(0.05)
        raise TimeoutError(save.path)

    def close(self) -> None:
        pass


@contextlib.contextmanager
def watcher(use_browser: bool) -> Iterator[BrowserWatcher | HttpWatcher]:
    if not use_browser:
        reason = "--http"
    elif not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        reason = f"Chromium not found at {CHROMIUM}"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "Playwright is not installed"
        else:
            with sync_playwright() as driver:
                browser = BrowserWatcher(driver)
                try:
                    yield browser
                finally:
                    browser.close()
            return
    yield HttpWatcher(reason)


@dataclass
class ReloadResult:
    ready: float  # seconds until mkdocs serve was ready
    first: float  # seconds the first save after the start took
    rounds: int
    times: dict[str, list[float]]
    timeouts: int
    method: str
    pages: dict[str, str]


def reload_bench(root: Path, rounds: int | None, use_browser: bool) -> ReloadResult:
    """Serve ``root`` and time each kind of save, from just before the write to the
    open page showing it, ``rounds`` times (by default, see MIN_ROUNDS), kinds in turn."""
    edits = BookEdits(root)
    times: dict[str, list[float]] = {kind: [] for kind in SAVE_KINDS}
    pages: dict[str, str] = {}
    timeouts = 0
    with watcher(use_browser) as view, served(root) as server:  # the browser first: its start is no part of serve's
        ready = server.wait_ready()
        started = time.perf_counter()
        round_ = 0
        while (round_ < rounds if rounds is not None else
               round_ < MIN_ROUNDS or (round_ < MAX_ROUNDS and time.perf_counter() - started < ROUNDS_BUDGET)):
            for kind in SAVE_KINDS:
                save = edits.save(kind, round_)
                pages.setdefault(kind, {"chapter": "the new chapter's page, opened once it answers",
                                        "delete": f"the deleted prompt's page (first {save.path})"}.get(kind, save.path))
                server.wait_idle()
                # The page to watch, or none (no livereload left to reload a page meanwhile).
                view.open(server.url(save.path) if save.opened_before else None)
                start = time.perf_counter()
                save.write()
                try:
                    view.wait(server, save, SAVE_TIMEOUT)
                    elapsed = time.perf_counter() - start
                except Exception as error:  # a timeout: counted as the timeout, and reported
                    if not ("Timeout" in type(error).__name__ or "Timeout" in str(error)):
                        raise
                    elapsed, timeouts = SAVE_TIMEOUT, timeouts + 1
                if kind == "delete" and http_get(server.url(save.path))[0] != 404:
                    raise AssertionError(f"{save.path} still answers after its prompt was deleted")
                times[kind].append(elapsed)
            round_ += 1
        server.wait_idle()
    first = times[next(iter(SAVE_KINDS))][0]
    return ReloadResult(ready, first, round_, times, timeouts, view.description, pages)


# --------------------------------------------------------------------------- main


def scales_argument(value: str) -> list[int]:
    scales = sorted({int(v) for v in value.split(",") if v.strip()})
    if not scales or scales[0] < 1:
        raise argparse.ArgumentTypeError("scales are whole numbers of times the book, such as 1,2,4")
    return scales if scales[0] == 1 else [1, *scales]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", type=int, default=57, help="chapters in the generated book (the book has 57)")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind; the median counts")
    parser.add_argument("--scales", type=scales_argument, default=[1, 2, 4],
                        help="sizes of the book built for the scaling measure, in times the book (default 1,2,4)")
    parser.add_argument("--reloads", type=int, default=None,
                        help=f"rounds of the five saves (default: {MIN_ROUNDS}, and more while the rounds have taken "
                             f"under {ROUNDS_BUDGET:.0f}s, up to {MAX_ROUNDS})")
    parser.add_argument("--http", action="store_true", help="watch pages over HTTP instead of in Chromium")
    parser.add_argument("--zensical", action="store_true",
                        help="also build and serve the plain pages with Zensical (installed from PyPI on first use, "
                             "bench/zensical.py), in the same rounds")
    args = parser.parse_args()

    rows: list[tuple[str, float, str]] = []  # (measure, ratio, detail)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        books = {scale: base / f"book-{scale}x" for scale in args.scales}
        for scale, root in books.items():
            root.mkdir()
            generate_book(root, scale * args.chapters)
            without_previews(root)
        full, plain = books[1], base / "plain"
        book = load_book(full / "docs", full / "skills", full, full / "mkdocs.yml")
        assert not book.errors, book.errors[:5]
        appendices = sum(c.is_appendix for c in book.chapters)
        print(f"book: {len(book.chapters) - appendices} chapters, {appendices} appendices, {len(book.skills)} skills, "
              f"{len(book.prompts)} prompts; scales {', '.join(f'{s}x' for s in args.scales)}", flush=True)
        static_copy(full, plain)

        # Rounds of every build in turn, so that the machine's load weighs on all alike:
        # each book clean (its cache removed), then again from the cache, and the
        # 1x book once more after one chapter changed; then `mkdocs serve`, from the cache.
        builds: dict[str, list[tuple[float, int]]] = {}
        serve_times: list[float] = []
        edits = ChapterEdits(full)
        with_zensical = args.zensical and zensical.available() is not None
        beside: dict[str, list[float]] = {"cold build": [], "warm build": [], "serve ready": []}
        for _ in range(args.repeat):
            builds.setdefault("plain", []).append(build(plain))
            if with_zensical:
                beside["cold build"].append(zensical.build(plain, clean=True))
                beside["warm build"].append(zensical.build(plain, clean=False))
                beside["serve ready"].append(zensical.serve_ready(plain))
            for scale, root in books.items():
                clean(root)
                builds.setdefault(f"{scale}x", []).append(build(root))
                builds.setdefault(f"{scale}x cached", []).append(build(root))
            edits.edit()
            builds.setdefault("one chapter", []).append(build(full))
            serve_times.append(serve_ready(full))
        median = {name: statistics.median(t for t, _ in runs) for name, runs in builds.items()}
        memory = {name: statistics.median(m for _, m in runs) / 1024 for name, runs in builds.items()}
        one, plain_time, cached = median["1x"], median["plain"], median["1x cached"]
        rounds = ", ".join(f"{t / p:.2f}" for (t, _), (p, _) in zip(builds["1x"], builds["plain"]))
        rows.append(("build", one / plain_time, f"{one:.2f} s vs {plain_time:.2f} s, the same pages built by Material alone; "
                                                f"each round {rounds}"))
        rows.append(("memory", memory["1x"] / memory["plain"], f"peak RSS {memory['1x']:.0f} MiB vs {memory['plain']:.0f} MiB"))
        rows.append(("cached memory", memory["1x cached"] / memory["plain"],
                     f"peak RSS {memory['1x cached']:.0f} MiB vs {memory['plain']:.0f} MiB"))
        check = timed(lambda: load_book(full / "docs", full / "skills", full, full / "mkdocs.yml"), args.repeat)
        rows.append(("check", check / one, f"skillbook check {check:.3f} s vs the build {one:.2f} s"))
        rows.append(("cached", cached / one, f"a build with nothing changed, from the cache, {cached:.2f} s vs clean {one:.2f} s"))
        rows.append(("one chapter", median["one chapter"] / one,
                     f"a build after one chapter changed {median['one chapter']:.2f} s vs clean {one:.2f} s"))
        top = args.scales[-1]
        for label, suffix in (("scaling", ""), ("cached scaling", " cached")):
            sizes = ", ".join(f"{s}x {median[f'{s}x{suffix}']:.2f} s"
                              + (f" ({median[f'{s}x{suffix}'] / (s * median[f'1x{suffix}']):.2f})" if s > 1 else "")
                              for s in args.scales)
            rows.append((label, median[f"{top}x{suffix}"] / (top * median[f"1x{suffix}"]), f"t({top}x)/({top} t(1x)); {sizes}"))
        serve = statistics.median(serve_times)
        rows.append(("serve", serve / one, f"mkdocs serve ready in {serve:.2f} s (from the cache) vs a clean build {one:.2f} s"))
        pages = sum(1 for _ in (full / "site").rglob("index.html"))
        size = sum(p.stat().st_size for p in (full / "site").rglob("*.html")) / 2**20

        reload_root = base / "served"
        shutil.copytree(full, reload_root, ignore=shutil.ignore_patterns("site"))
        reload = reload_bench(reload_root, args.reloads, not args.http)
        zensical_saves = zensical.save_times(plain, reload.rounds) if with_zensical else []

        source, target = base / "docsify", base / "imported"
        counts = write_docsify_book(source, args.chapters)
        target.mkdir()
        shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
        start = time.perf_counter()
        report = import_book([source], target)
        imported = time.perf_counter() - start
        assert not report.failed, report.lines()

    print(f"site: {pages} pages, {size:.1f} MiB of HTML")
    print(f"import: {counts['chapters']} chapters, {counts['appendices']} appendices, {report.skills} skills, "
          f"{report.prompts} prompts in {imported:.2f}s")
    saves = sum(len(t) for t in reload.times.values())
    print(f"reload under mkdocs serve (1x book, watched with {reload.method}): from the write to the page showing "
          f"it, {saves} saves; serve was ready in {reload.ready:.2f} s")
    for kind, label in SAVE_KINDS.items():
        values = reload.times[kind]
        print(f"  {label:22} median {statistics.median(values):6.2f} s  of {', '.join(f'{v:.2f}' for v in values)}"
              f"  watching {reload.pages[kind]}")
    if reload.timeouts:
        print(f"  {reload.timeouts} saves did not show within {SAVE_TIMEOUT:.0f} s (counted as {SAVE_TIMEOUT:.0f} s)")
    every = [v for values in reload.times.values() for v in values]
    rows.append(("reload", statistics.median(every), "median of every save, in seconds (not a ratio)"))
    rows.append(("slowest save", max(every), "the slowest save, in seconds"))
    rows.append(("first save", reload.first, "the first save after the server's start, in seconds"))

    if with_zensical:
        print(f"\nZensical {zensical.version(zensical.executable())} on the same pages as plain Markdown "
              f"(bench/zensical.py), in the same rounds; Skillbook's figures for the same measure beside them:")
        ours = {"cold build": one, "warm build": cached, "serve ready": serve}
        for name, values in beside.items():
            print(f"  {name:22} median {statistics.median(values):6.2f} s  of {', '.join(f'{v:.2f}' for v in values)}"
                  f"  (Skillbook {ours[name]:.2f} s; plain Material build {plain_time:.2f} s)")
        for kind, label in zensical.SAVE_KINDS.items():
            values = [t for k, t in zensical_saves if k == kind]
            mine = reload.times[kind]
            print(f"  {label + ' save':22} median {statistics.median(values):6.2f} s  worst {max(values):.2f} s"
                  f"  (Skillbook median {statistics.median(mine):.2f} s, worst {max(mine):.2f} s)")

    failed = False
    print(f"\n{'':4} {'measure':14} {'result':>7} {'target':>9}  detail")
    for name, value, detail in rows:
        ok = round(value, 2) <= TARGETS[name]  # as printed
        failed |= not ok
        unit = " s" if name in SECONDS else ""
        print(f"{'ok' if ok else 'FAIL':4} {name:14} {value:>7.2f} {f'<= {TARGETS[name]:.2f}{unit}':>9}  {detail}")
    result = {name: value for name, value, _ in rows}
    print(f"overhead {result['build']:.2f}, scaling {result['scaling']:.2f} (cached {result['cached scaling']:.2f}), "
          f"reload {result['reload']:.2f} s, first save {result['first save']:.2f} s, "
          f"serve {result['serve']:.2f} (of a build), cached build {result['cached']:.2f} (of a clean build)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
