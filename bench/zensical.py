"""Zensical, Material's successor, on the same pages as the plain Material build.

`bench/run.py` writes the book as plain Markdown for Material alone
(`static_copy`: mkdocs.yml, docs/ and Skillbook's theme as `custom_dir`, no
Skillbook plugin). This module builds and serves that very folder with
Zensical, so that its figures sit beside the bench's in the same run:

- `available()`: the `zensical` executable, installed on first use into a
  virtual environment of its own under `.cache/bench/zensical/` (git-ignored;
  never the project's: Zensical pins versions of packages the project shares);
- `build(plain_root, clean)`: seconds of `zensical build`, from an empty cache
  when `clean` (Zensical keeps its cache in `.cache/` beside its configuration);
- `serve_ready(plain_root)`: seconds from starting `zensical serve` to the home
  page answering 200;
- `save_times(plain_root, rounds)`: under `zensical serve`, seconds from just
  before a file is written to the page open in headless Chromium showing the
  change (Zensical's live reload reloads it), for a chapter's prose and a
  prompt page's Markdown, measured as the bench's reload measure is (its
  `Save` and browser watcher).

Zensical reads mkdocs.yml, but each function runs it on `zensical.yml`, a copy
written beside it whose one change is `site_dir: site-zensical`, so that
Zensical's site never mixes with Material's `site/`. Everything else is read
as it is: Skillbook's theme folder (`custom_dir`), `extra_css` and
`extra_javascript`, the Markdown extensions (`material.extensions.emoji` is
mapped by Zensical to its own; `mdx_truly_sane_lists` is installed beside
Zensical); Zensical keeps its own search and `modern` look.

`python bench/zensical.py` builds a book of the real book's shape
(`--chapters`, 57 by default) as run.py does, or takes `--plain-root DIR`, and
prints a table: Material's `mkdocs build` of the same folder for reference,
Zensical's cold and warm builds, its serve start and its saves.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from run import Save

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / ".cache" / "bench" / "zensical"
VENV = HOME / "venv"
EXECUTABLE = VENV / "bin" / "zensical"
INSTALLED = HOME / "installed"  # written once the install has finished, naming what it installed
# Markdown extensions the book's mkdocs.yml lists that Zensical does not bring.
EXTENSIONS = ("mdx-truly-sane-lists>=1.3",)
CONFIG = "zensical.yml"
SITE = "site-zensical"
CACHE = ".cache"  # Zensical's cache, in the folder of its configuration
# After a save has shown, the server is taken as idle once its log has been
# quiet this long: Zensical logs a rebuild when it ends, not when it starts.
QUIET = 1.0
SAVE_KINDS = {"prose": "chapter prose", "prompt": "prompt page"}
# When the page shown began to load, had its HTML and was parsed (if it was by the
# time it showed the change), in ms since the epoch.
LOAD_TIMING = """() => {
  const entry = performance.getEntriesByType("navigation")[0], origin = performance.timeOrigin;
  const at = {began: origin, "HTML received": origin + entry.responseEnd};
  if (entry.domContentLoadedEventEnd) at.parsed = origin + entry.domContentLoadedEventEnd;
  return at;
}"""


def bench() -> ModuleType:
    """bench/run.py (its saves, browser watcher and book), imported when first
    needed, so that run.py can import this module as it starts."""
    if str(ROOT / "bench") not in sys.path:
        sys.path.insert(0, str(ROOT / "bench"))
    import run

    return run


def log(message: str) -> None:
    print(f"zensical: {message}", file=sys.stderr, flush=True)


def available() -> str | None:
    """The zensical executable, installed on first use (the newest version pip
    can install here); None, with the reason logged, when it cannot be."""
    if INSTALLED.is_file() and EXECUTABLE.is_file():
        return str(EXECUTABLE)
    shutil.rmtree(HOME, ignore_errors=True)  # an install cut short
    HOME.mkdir(parents=True)
    log(f"installing the newest zensical that installs into {VENV}")
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "zensical", *EXTENSIONS],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True)
        if result.returncode:
            # Without pip's warnings about local index folders that are missing.
            errors = [line for line in (result.stdout + result.stderr).splitlines() if "is ignored" not in line]
            log(f"cannot install zensical: {' '.join(step[2:])} exited with {result.returncode}:\n"
                + "\n".join(errors[-10:]))
            shutil.rmtree(HOME, ignore_errors=True)
            return None
    INSTALLED.write_text(version(str(EXECUTABLE)) + "\n", encoding="utf-8")
    log(f"installed zensical {INSTALLED.read_text(encoding='utf-8').strip()}")
    return str(EXECUTABLE)


def version(executable: str) -> str:
    """The version `zensical --version` prints, such as '0.1.2'."""
    return subprocess.run([executable, "--version"], capture_output=True, text=True, check=True).stdout.strip()


def config(plain_root: Path) -> Path:
    """`zensical.yml`: the folder's mkdocs.yml with Zensical's site in a folder of its own."""
    text = (plain_root / "mkdocs.yml").read_text(encoding="utf-8")
    if re.search(r"^site_dir:", text, re.MULTILINE):
        text = re.sub(r"^site_dir:.*$", f"site_dir: {SITE}", text, count=1, flags=re.MULTILINE)
    else:
        text = f"site_dir: {SITE}\n{text}"
    path = plain_root / CONFIG
    path.write_text(text, encoding="utf-8")
    return path


def executable() -> str:
    found = available()
    if found is None:
        raise RuntimeError("zensical is not available (see the reason above)")
    return found


def build(plain_root: Path, clean: bool) -> float:
    """Seconds of `zensical build` of the folder into site-zensical/; with `clean`,
    from an empty cache (its cache folder removed first)."""
    command = [executable(), "build", "--config-file", str(config(plain_root))]
    if clean:
        shutil.rmtree(plain_root / CACHE, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=plain_root, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        raise RuntimeError(f"zensical build failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return elapsed


class Server:
    """`zensical serve` of a folder on a free local port, with its log."""

    def __init__(self, plain_root: Path):
        command = [executable(), "serve", "--config-file", str(config(plain_root))]
        self.port = bench().free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log: list[tuple[float, str]] = []
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [*command, "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=plain_root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.log.append((time.perf_counter(), line.rstrip("\n")))

    def wait_ready(self, timeout: float = 600.0) -> float:
        """Seconds from the start until the home page answers 200."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("zensical serve stopped:\n" + "\n".join(line for _, line in self.log[-20:]))
            if bench().http_get(self.origin + "/", timeout=5)[0] == 200:
                return time.perf_counter() - self.started
            time.sleep(0.02)
        raise TimeoutError(f"zensical serve not ready after {timeout:.0f}s")

    def wait_idle(self) -> None:
        """Until the log has been quiet for QUIET seconds (at most the bench's SAVE_TIMEOUT)."""
        timeout = bench().SAVE_TIMEOUT
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            last = self.log[-1][0] if self.log else self.started
            if time.perf_counter() - last >= QUIET:
                return
            time.sleep(0.05)
        log(f"zensical serve still busy after {timeout:.0f} s; going on")

    def url(self, path: str) -> str:
        return self.origin + path

    def stop(self) -> None:
        bench().Server.stop(self)  # interrupted, then killed after 15 s, as run.py stops mkdocs serve


@contextlib.contextmanager
def served(plain_root: Path) -> Iterator[Server]:
    server = Server(plain_root)
    try:
        yield server
    finally:
        server.stop()


def serve_ready(plain_root: Path) -> float:
    """Seconds from starting `zensical serve` to the home page answering 200
    (from the cache the builds before left)."""
    with served(plain_root) as server:
        return server.wait_ready()


class PlainEdits:
    """The saves to the plain pages, each carrying a counter so that every save
    changes the content: a paragraph under the title of the middle chapter that
    has prompt pages, and one under the title of that chapter's last prompt page
    (by file name)."""

    def __init__(self, plain_root: Path):
        docs = plain_root / "docs"

        def number(path: Path) -> int:
            return int(re.match(r"chapter-(\d+)-", path.name).group(1))

        chapters = sorted(docs.glob("chapter-*.md"), key=number)
        prompts = sorted(p for p in (docs / "prompts").glob("*.md") if p.name != "index.md")
        texts = {p: p.read_text(encoding="utf-8") for p in prompts}
        # A prompt page's breadcrumb links to its chapter.
        of_chapter = {c: [p for p in prompts if f"](../{c.name})" in texts[p]] for c in chapters}
        candidates = [c for c in chapters if of_chapter[c]]
        if not candidates:
            raise RuntimeError(f"no chapter in {docs} has prompt pages")
        self.chapter = candidates[len(candidates) // 2]
        self.prompt = of_chapter[self.chapter][-1]
        self.texts = {self.chapter: self.chapter.read_text(encoding="utf-8"), self.prompt: texts[self.prompt]}
        self.docs = docs
        # Counters go on from the saves of an earlier run on the same folder, if any.
        pattern = re.compile(r"^(?:Prose|Prompt) revision (\d+) of", re.MULTILINE)
        earlier = (pattern.findall(text) for text in self.texts.values())
        self.first = 1 + max((int(n) for numbers in earlier for n in numbers), default=0)

    def save(self, kind: str, round_: int) -> Save:
        n = self.first + round_
        source = self.chapter if kind == "prose" else self.prompt
        line = f"Prose revision {n} of this chapter." if kind == "prose" else f"Prompt revision {n} of this page."
        text = self.texts[source]
        assert line not in text, f"{source} holds {line!r} already"
        title = re.search(r"^# .*\n", text, re.MULTILINE)
        at = title.end() if title else 0
        edited = f"{text[:at]}\n{line}\n{text[at:]}"
        path = "/" + source.relative_to(self.docs).with_suffix("").as_posix() + "/"
        return bench().Save(kind, path, lambda: source.write_text(edited, encoding="utf-8"), line)


def save_times(plain_root: Path, rounds: int) -> list[tuple[str, float]]:
    """(kind, seconds) of each save under `zensical serve`, kinds in turn, `rounds`
    times: from just before the write to the open page showing the change. A
    save that has not shown after SAVE_TIMEOUT counts as SAVE_TIMEOUT, and is
    logged. The files are left as the last save wrote them."""
    run = bench()
    edits = PlainEdits(plain_root)
    times: list[tuple[str, float]] = []
    with run.watcher(True) as view, served(plain_root) as server:  # the browser first: its start is no part of serve's
        if isinstance(view, run.HttpWatcher):
            log(f"watching the pages with {view.description}")
        server.wait_ready()
        for round_ in range(rounds):
            for kind in SAVE_KINDS:
                save = edits.save(kind, round_)
                server.wait_idle()
                view.open(server.url(save.path))
                start, wall = time.perf_counter(), time.time()
                save.write()
                try:
                    view.wait(server, save, run.SAVE_TIMEOUT)
                    elapsed = time.perf_counter() - start
                except Exception as error:  # a timeout: counted as the timeout, and reported
                    if not ("Timeout" in type(error).__name__ or "Timeout" in str(error)):
                        raise
                    log(f"{save.path} did not show {save.shows!r} within {run.SAVE_TIMEOUT:.0f} s")
                    elapsed = run.SAVE_TIMEOUT
                times.append((kind, elapsed))
                # Where the time went: Zensical logs the end of each rebuild, and
                # the page shown began its load at its time origin.
                page = getattr(view, "page", None)
                timing = page.evaluate(LOAD_TIMING) if page else None
                server.wait_idle()
                logged = "; ".join(f"{at - start:.2f} s {line!r}" for at, line in list(server.log) if at >= start)
                loaded = ", ".join(f"{name} {at / 1000 - wall:.2f} s" for name, at in (timing or {}).items())
                log(f"{SAVE_KINDS[kind]} shown after {elapsed:.2f} s; serve's log after the write: "
                    + (logged or "nothing") + (f"; the page's reload: {loaded}" if loaded else ""))
        server.wait_idle()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plain-root", type=Path, help="a folder as run.py's static_copy writes it "
                        "(default: a book of --chapters chapters, generated in a temporary folder)")
    parser.add_argument("--chapters", type=int, default=57, help="chapters of the generated book (the book has 57)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the builds and serve starts; medians count")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of the two saves under zensical serve")
    args = parser.parse_args()

    run = bench()
    found = available()
    if found is None:
        print("zensical: not available (the reason is above)")
        return 1
    with contextlib.ExitStack() as stack:
        if args.plain_root:
            plain_root = args.plain_root.resolve()
        else:
            base = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            (base / "book").mkdir()
            run.generate_book(base / "book", args.chapters)
            plain_root = base / "plain"
            run.static_copy(base / "book", plain_root)
        pages = sum(1 for _ in (plain_root / "docs").rglob("*.md"))
        print(f"zensical {version(found)}; {pages} Markdown pages in {plain_root}", flush=True)

        # Rounds of every measure in turn, so that the machine's load weighs on all alike.
        runs: dict[str, list[float]] = {}
        measures = {
            "mkdocs build (Material, for reference)": lambda: run.build(plain_root)[0],
            "zensical build, cold (no cache)": lambda: build(plain_root, clean=True),
            "zensical build, warm (its cache)": lambda: build(plain_root, clean=False),
            "zensical serve ready (its cache)": lambda: serve_ready(plain_root),
        }
        for round_ in range(args.repeat):
            for name, measure in measures.items():
                runs.setdefault(name, []).append(measure())
            print(f"round {round_ + 1}: " + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in runs.items()),
                  flush=True)
        built = sum(1 for _ in (plain_root / SITE).rglob("index.html"))
        saves = save_times(plain_root, args.rounds)

    print(f"zensical's site: {built} pages")
    print(f"{'measure':40} {'median':>8} {'worst':>8}  of")
    rows = [*runs.items(),
            *((f"save: {label}", [t for k, t in saves if k == kind]) for kind, label in SAVE_KINDS.items())]
    rows.append(("save: every save", [t for _, t in saves]))
    for name, values in rows:
        of = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:40} {statistics.median(values):7.2f}s {max(values):7.2f}s  {of}")
    material, *zensical = (statistics.median(values) for values in runs.values())
    print("zensical against Material's build of the same pages (medians): "
          + ", ".join(f"{name.removeprefix('zensical ')} {value / material:.2f}"
                      for name, value in zip(list(runs)[1:], zensical)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
