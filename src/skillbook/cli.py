"""``skillbook check``: validate skills and chapters without building the site."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from skillbook.book import SKILLS_FOLDER, load_book


def _docs_dir(root: Path) -> Path:
    """The docs folder named in mkdocs.yml, or ``docs``."""
    config = root / "mkdocs.yml"
    if config.is_file():
        # mkdocs.yml uses !!python/name tags; read only the key needed here.
        for line in config.read_text(encoding="utf-8").splitlines():
            if line.startswith("docs_dir:"):
                return root / yaml.safe_load(line)["docs_dir"]
    return root / "docs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="skillbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate skills/ and the chapters in docs/; exit 1 on any error")
    check.add_argument("--root", type=Path, default=Path("."), help="the book's folder (holding mkdocs.yml)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("files", nargs="*", help="ignored: pre-commit passes changed files, the whole book is checked")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    book = load_book(_docs_dir(args.root), args.root / SKILLS_FOLDER, args.root, args.root / "mkdocs.yml")
    for problem in book.problems:
        print(problem, file=sys.stderr if problem in book.errors else sys.stdout)
    failed = bool(book.errors) or (args.strict and bool(book.warnings))
    elapsed = time.perf_counter() - start
    print(
        f"skillbook: {len(book.skills)} skills, {len(book.chapters)} chapters, {len(book.prompts)} prompts; "
        f"{len(book.errors)} error(s), {len(book.warnings)} warning(s) in {elapsed:.2f}s",
        file=sys.stderr if failed else sys.stdout,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
