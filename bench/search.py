"""Search at the scale of the whole book, in Chromium.

For the one-chapter seed site and for the bench book of the real book's shape
(bench/docsify_book.py, moved in with `skillbook import`), measures:

- the search index: its size, raw and gzipped, as a reader downloads it: the
  pages' titles, which every page loads, and the whole index, which the search
  worker loads;
- the time to the first result after a page load: a fresh browser opens
  /?q=<skill id> (Material's search deep link), and the clock stops when the
  first result is in the page; the median of several loads, with the CPU at
  full speed and throttled 4x (Chromium's DevTools CPU throttling, as a phone).

The target is a ratio within the run: at book scale, the first result may come
at most 1.5x later than on the one-chapter site. Run with `make bench-search`;
exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

from run import generate_book  # noqa: E402
from tests.browser.conftest import CHROMIUM, serve_built  # noqa: E402

TARGET = 1.5
THROTTLING = (1, 4)

# Resolves with the time (ms since the navigation began) at which the first
# search result is in the page.
FIRST_RESULT = """() => new Promise(resolve => {
  const found = () => document.querySelector(".md-search-result__item")
  if (found()) return resolve(performance.now())
  new MutationObserver((_, observer) => {
    if (found()) { observer.disconnect(); resolve(performance.now()) }
  }).observe(document, {childList: true, subtree: true})
})"""


def seed_project(root: Path) -> Path:
    """The project itself: the seed chapter and its skills."""
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "site", ".git", "node_modules", "test-artifacts",
                                                                "__pycache__", ".pytest_cache"))
    return root


def index_size(site: Path, name: str) -> tuple[int, int]:
    data = (site / "search" / name).read_bytes()
    return len(data), len(gzip.compress(data, 6))


def first_result_ms(browser, url: str, throttling: int) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttling})
    page.add_init_script(f"window.__firstResult = ({FIRST_RESULT})()")
    page.goto(url)
    elapsed = page.evaluate("() => window.__firstResult")
    context.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", type=int, default=57, help="chapters in the bench book (the book has 57)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    rows = {}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as driver:
        base = Path(folder)
        book = base / "book"
        book.mkdir()
        generate_book(book, args.chapters)
        projects = {"seed": seed_project(base / "seed"), "book": book}
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            *(["--no-sandbox"] if os.geteuid() == 0 else []), "--disable-gpu", "--disable-background-networking"])
        with contextlib.ExitStack() as stack:
            urls, times = {}, {}
            for name, project in projects.items():
                site = base / f"{name}-site"
                server = stack.enter_context(serve_built(project, site))
                skills = json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))["skills"]
                query = skills[len(skills) // 2]["id"]
                urls[name] = server.url(f"/?q={query}")
                pages = sum(1 for _ in site.rglob("index.html"))
                rows[name] = (pages, index_size(site, "search_index.json"), index_size(site, "search_index.full.json"), query)
                first_result_ms(browser, urls[name], 1)  # warm up the server and the disk
            # The two sites in turn, so that the machine's load weighs on both alike.
            for rate in THROTTLING:
                for _ in range(args.repeat):
                    for name, url in urls.items():
                        times.setdefault((name, rate), []).append(first_result_ms(browser, url, rate))
        browser.close()

    failed = False
    print(f"{'site':6} {'pages':>6} {'titles index':>19} {'whole index':>19} "
          + " ".join(f"{f'first result {r}x':>17}" for r in THROTTLING))
    median = {key: statistics.median(values) for key, values in times.items()}
    for name, (pages, titles, whole, query) in rows.items():
        sizes = " ".join(f"{raw / 1024:>6.0f} KiB ({packed / 1024:.0f} gz)".rjust(19) for raw, packed in (titles, whole))
        print(f"{name:6} {pages:>6} {sizes} " + " ".join(f"{median[name, r]:>14.0f} ms" for r in THROTTLING)
              + f"   (query {query})")
    for rate in THROTTLING:
        ratio = median["book", rate] / median["seed", rate]
        ok = ratio <= TARGET
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} first result at {rate}x CPU: book/seed {ratio:.2f} (target <= {TARGET})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
