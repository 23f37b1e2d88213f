"""Benchmarks of Skillbook at the scale of the whole book and beyond.

The machines are shared and noisy, so every target is a ratio against a
baseline measured in the same run, never an absolute time:

- check: `skillbook check` (load and validate the book) against a build of
  the same book: authors run it on every commit, so it must stay a small fraction;
- build: `mkdocs build` of the book through Skillbook against a plain Material
  build of the very same pages written out as static Markdown;
- memory: the peak memory of that build against the plain one;
- scaling: the build of a book twice as large must take about twice as long,
  not four times (the navigation must not grow with the generated pages).

The book is one of the real book's shape (bench/docsify_book.py: 57 chapters
of varied prose and prompt counts, 5 appendices, parts, templates), moved in
with `skillbook import`, whose time is printed for information.

Run with `make bench`; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from docsify_book import write_docsify_book  # noqa: E402
from skillbook import load_book  # noqa: E402
from skillbook.importer import import_book  # noqa: E402
from skillbook.render import Renderer  # noqa: E402

TARGETS = {"check": 0.05, "build": 1.6, "memory": 1.5, "scaling": 2.6}


def generate_book(root: Path, chapters: int) -> None:
    """A project holding a book of the real book's shape (bench/docsify_book.py),
    moved in with `skillbook import` as its authors will."""
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "hooks", root / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "overrides", root / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    (root / "skills").mkdir()
    with tempfile.TemporaryDirectory() as source:
        write_docsify_book(Path(source) / "book", chapters)
        report = import_book([Path(source) / "book"], root)
    assert not report.failed, report.lines()


def static_copy(book_root: Path, plain_root: Path) -> None:
    """The same site as plain Markdown pages with a fixed nav and no Skillbook hook."""
    book = load_book(book_root / "docs", book_root / "skills", book_root, book_root / "mkdocs.yml")
    renderer = Renderer(book, book_root / "overrides" / "skillbook")
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
    nav = ["nav:", "  - Home: index.md"]
    for title, chapters in book.groups():
        nav += [f"  - {json.dumps(title)}:", *(f"      - {c.src_uri}" for c in chapters)]
    nav += ["  - Skills catalog: skills/index.md", "  - Prompt library: prompts/index.md"]
    shutil.copytree(book_root / "overrides", plain_root / "overrides")
    (plain_root / "mkdocs.yml").write_text(config + "\n" + "\n".join(nav) + "\n", encoding="utf-8")


def timed(function, repeat: int) -> float:
    """The median of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build(root: Path) -> int:
    """Build a book; returns the build's peak memory (max RSS) in KiB."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(root / "site")],
        cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", type=int, default=57, help="chapters in the generated book (the book has 57)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    results: dict[str, tuple[float, str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        full, double, plain = base / "full", base / "double", base / "plain"
        for root, size in ((full, args.chapters), (double, 2 * args.chapters)):
            root.mkdir()
            generate_book(root, size)
        book = load_book(full / "docs", full / "skills", full, full / "mkdocs.yml")
        assert not book.errors, book.errors[:5]
        appendices = sum(c.is_appendix for c in book.chapters)
        print(f"book: {len(book.chapters) - appendices} chapters, {appendices} appendices, {len(book.skills)} skills, {len(book.prompts)} prompts")

        static_copy(full, plain)
        skillbook_build = timed(lambda: build(full), args.repeat)
        plain_build = timed(lambda: build(plain), args.repeat)
        results["build"] = (skillbook_build / plain_build, f"build {skillbook_build:.2f}s vs the same pages without Skillbook {plain_build:.2f}s")
        skillbook_memory, plain_memory = build(full) / 1024, build(plain) / 1024
        results["memory"] = (skillbook_memory / plain_memory, f"peak memory {skillbook_memory:.0f} MiB vs {plain_memory:.0f} MiB")
        check = timed(lambda: load_book(full / "docs", full / "skills", full, full / "mkdocs.yml"), args.repeat)
        results["check"] = (check / skillbook_build, f"check {check:.3f}s vs the build {skillbook_build:.2f}s")
        pages = sum(1 for _ in (full / "site").rglob("index.html"))
        size = sum(p.stat().st_size for p in (full / "site").rglob("*.html")) / 2**20

        double_build = timed(lambda: build(double), args.repeat)
        results["scaling"] = (double_build / skillbook_build, f"build of twice the book {double_build:.2f}s vs {skillbook_build:.2f}s")

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
    failed = False
    for name, (ratio, detail) in results.items():
        ok = ratio <= TARGETS[name]
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: ratio {ratio:.2f} (target <= {TARGETS[name]}): {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
