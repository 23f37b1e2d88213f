"""Lighthouse on the pages readers open most, at the scale of the whole book.

Builds the bench book of the real book's shape (bench/docsify_book.py, moved in
with `skillbook import`), serves it compressed as a static host does (gzip, as
GitHub Pages does), and runs Lighthouse's mobile performance audit (its default:
a mid-range phone, slow 4G, 4x CPU slowdown) on the prompt library, the skills
catalog, a chapter and a prompt page, several times each. The median score must
be 95 or more on every page. Lighthouse comes from npm (`make bench-pages`
installs it into node_modules/) and drives Debian's Chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

from run import generate_book  # noqa: E402
from tests.conftest import build_site  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
TARGET = 95
COMPRESSED = (".html", ".js", ".css", ".json", ".xml", ".svg", ".txt")


class CompressingHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped for a client that accepts it, as a web host sends them."""

    def log_message(self, format, *args):  # noqa: A002 - keep the table readable
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.endswith("/"):
            path = path / "index.html"
        if not path.is_file() or path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        data = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


@contextlib.contextmanager
def serving(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CompressingHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str, report: Path) -> dict:
    subprocess.run([
        str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json", f"--output-path={report}", "--quiet",
        f"--chrome-flags=--headless=new --disable-gpu {'--no-sandbox' if os.geteuid() == 0 else ''}",
    ], check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    # Where the main thread's time went, by Lighthouse's groups (4x slowdown applied).
    main_thread = {item["group"]: item["duration"] for item in audits["mainthread-work-breakdown"]["details"]["items"]}
    return {
        "score": round(data["categories"]["performance"]["score"] * 100),
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "si": audits["speed-index"]["numericValue"],
        "style": main_thread.get("styleLayout", 0.0),
        "script": main_thread.get("scriptEvaluation", 0.0),
        "dom": audits["dom-size"]["numericValue"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", type=int, default=57, help="chapters in the bench book (the book has 57)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists() or not Path(CHROMIUM).exists():
        print(f"Lighthouse ({LIGHTHOUSE}: make bench-pages installs it) or Chromium ({CHROMIUM}) not found")
        return 1

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        book, site = base / "book", base / "site"
        book.mkdir()
        generate_book(book, args.chapters)
        result = build_site(book, site)
        assert result.returncode == 0, result.stderr
        prompts = json.loads((site / "api" / "prompts.json").read_text(encoding="utf-8"))["prompts"]
        chapters = sorted(path.name for path in site.glob("chapter-*") if path.is_dir())
        pages = {
            "prompt library": "/prompts/",
            "skills catalog": "/skills/",
            "chapter": f"/{chapters[len(chapters) // 2]}/",
            "prompt page": f"/prompts/{prompts[len(prompts) // 2]['id']}/",
        }
        rows = {}
        load_before = os.getloadavg()[0]
        with serving(site) as origin:
            for name, path in pages.items():
                runs = [lighthouse(origin + path, base / "report.json") for _ in range(args.repeat)]
                rows[name] = (path, {key: statistics.median(run[key] for run in runs) for key in runs[0]})

    failed = False
    print(f"load average (1 min) {load_before:.2f} before the runs, {os.getloadavg()[0]:.2f} after: scores drop on a busy machine")
    print(f"{'page':16} {'score':>5} {'FCP':>6} {'LCP':>6} {'blocking':>9} {'SI':>6} {'style':>8} {'script':>8} {'elements':>9}  address")
    for name, (path, median) in rows.items():
        print(f"{name:16} {median['score']:>5.0f} {median['fcp'] / 1000:>4.1f} s {median['lcp'] / 1000:>4.1f} s "
              f"{median['tbt']:>6.0f} ms {median['si'] / 1000:>4.1f} s {median['style']:>5.0f} ms {median['script']:>5.0f} ms "
              f"{median['dom']:>9.0f}  {path}")
    print("(medians of the runs; style and script: the main thread's style and layout, and script evaluation)")
    for name, (_, median) in rows.items():
        ok = median["score"] >= TARGET
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: Lighthouse mobile performance {median['score']:.0f} (target >= {TARGET})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
