"""What link preview images cost a build (`make bench-previews`).

Builds, in a temporary folder, the bench book (bench/docsify_book.py, moved in
with `skillbook import`, as `make bench` does) in rounds, each of:

- the same pages as plain Markdown, built by Material without Skillbook;
- the book with `previews: false`;
- the book with previews and an empty cache (a clean build: every card drawn);
- the book again (a cached build: no card drawn);

and reports the median wall and CPU time (user + system, of the build process
and its threads) and peak memory (max RSS) of each, their ratios to the build without previews, and the
cost of one card drawn in-process: the mean of every page's card, and where
its time goes (drawing the title, compressing the PNG).

The machine is shared: the ratios of one run count, not the seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import generate_book, mkdocs_env, static_copy  # noqa: E402  (bench/run.py)

from skillbook import load_book  # noqa: E402
from skillbook.previews import Card, page_kind, primary_colour, render  # noqa: E402

CACHE = Path(".cache", "skillbook", "previews")


def build(root: Path) -> tuple[float, float, float]:
    """Wall and CPU seconds and peak memory (MiB) of `mkdocs build` of a project."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(root / "site")],
                               cwd=root, env=mkdocs_env())
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), process.args)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cards(root: Path) -> list[Card]:
    """A card for each chapter, prompt and skill page of the book, as the build makes them."""
    book = load_book(root / "docs", root / "skills", root, root / "mkdocs.yml")
    colour = primary_colour("indigo")
    found = [Card(c.plain_title, c.label, "The Skillbook", colour) for c in book.chapters]
    found += [Card(p.title, page_kind(book, f"prompts/{p.id}.md"), "The Skillbook", colour) for p in book.prompts.values()]
    found += [Card("@" + s, "Skill", "The Skillbook", colour) for s in book.skills]
    return found


def card_cost(all_cards: list[Card]) -> str:
    """Mean CPU milliseconds and bytes of a card, and the share of its compression."""
    render(all_cards[0])  # fonts loaded
    start = time.process_time()
    sizes = [len(render(card)) for card in all_cards]
    per_card = (time.process_time() - start) / len(all_cards) * 1000
    from PIL import Image
    blank = Image.new("L", (1200, 630), 0)
    blank.putpalette(bytes(range(256)) * 3)
    start = time.process_time()
    for _ in all_cards:
        blank.save(BytesIO(), "PNG", compress_level=1)
    compress = (time.process_time() - start) / len(all_cards) * 1000
    return (f"card: {per_card:.2f} ms CPU each ({len(all_cards)} cards), {statistics.mean(sizes) / 1024:.1f} KiB on average; "
            f"compressing a blank card alone: {compress:.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", type=int, default=57, help="chapters in the generated book (the book has 57)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the median counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        book, plain, off = base / "book", base / "plain", base / "off"
        book.mkdir()
        generate_book(book, args.chapters)
        static_copy(book, plain)
        shutil.copytree(book, off)
        config = (off / "mkdocs.yml").read_text(encoding="utf-8")
        (off / "mkdocs.yml").write_text(config.replace("extra:\n  skillbook:\n", "extra:\n  skillbook:\n    previews: false\n", 1)
                                        if "extra:\n  skillbook:\n" in config else config + "extra:\n  skillbook:\n    previews: false\n",
                                        encoding="utf-8")
        times: dict[str, list[tuple[float, float, float]]] = {"plain Material": [], "previews off": [], "clean": [], "cached": []}
        for _ in range(args.repeat):
            times["plain Material"].append(build(plain))
            times["previews off"].append(build(off))
            shutil.rmtree(book / CACHE, ignore_errors=True)
            times["clean"].append(build(book))
            times["cached"].append(build(book))
        images = list((book / "site" / "assets" / "previews").rglob("*.png"))
        pages = len(list((book / "site").rglob("index.html")))
        wall = {name: statistics.median(t[0] for t in runs) for name, runs in times.items()}
        cpu = {name: statistics.median(t[1] for t in runs) for name, runs in times.items()}
        memory = {name: statistics.median(t[2] for t in runs) for name, runs in times.items()}
        print(f"{'build':16} {'wall':>8} {'/ off':>6} {'CPU':>8} {'/ off':>6} {'memory':>9} {'/ off':>6}")
        for name in times:
            print(f"{name:16} {wall[name]:7.2f}s {wall[name] / wall['previews off']:6.2f} {cpu[name]:7.2f}s {cpu[name] / cpu['previews off']:6.2f}"
                  f" {memory[name]:6.0f}MiB {memory[name] / memory['previews off']:6.2f}")
        print(f"{len(images)} images for {pages} index.html pages, {sum(p.stat().st_size for p in images) / len(images) / 1024:.1f} KiB on average")
        print(card_cost(cards(book)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
