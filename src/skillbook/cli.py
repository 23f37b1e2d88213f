"""``skillbook check`` validates skills and chapters without building the site;
``skillbook import`` moves a docsify book into the project; ``skillbook mcp``
serves the book to coding assistants over the Model Context Protocol;
``skillbook collection`` reports the book against the collection of skills it
is written about."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import cast

import yaml

from skillbook.book import SKILLS_FOLDER, load_book
from skillbook.collection import LOCK_FILE, collection_report, read_lock, write_lock
from skillbook.fixes import apply_fixes
from skillbook.importer import import_book
from skillbook.problems import Problem
from skillbook.text import count

# `check --fix`: a file saved as UTF-8, then the fences of its prompts, then a check.
FIX_ROUNDS = 3
# The port of `skillbook mcp --http`, beside `mkdocs serve`'s 8000.
MCP_PORT = 8765


def _docs_dir(root: Path) -> Path:
    """The docs folder named in mkdocs.yml, or ``docs``."""
    config = root / "mkdocs.yml"
    if config.is_file():
        # mkdocs.yml uses !!python/name tags; read only the key needed here.
        for line in config.read_text(encoding="utf-8").splitlines():
            if line.startswith("docs_dir:"):
                return root / cast(str, yaml.safe_load(line)["docs_dir"])
    return root / "docs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="skillbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate skills/ and the chapters in docs/; exit 1 on any error")
    check.add_argument("--root", type=Path, default=Path("."), help="the book's folder (holding mkdocs.yml)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--fix", action="store_true",
                       help="apply the fixes the check is sure of (a code block inside a prompt, a file to save as UTF-8), "
                            "print them, then check again")
    check.add_argument("files", nargs="*", help="ignored: pre-commit passes changed files, the whole book is checked")
    move = commands.add_parser("import", help="import a docsify book (or chapter files) into the project")
    move.add_argument("sources", nargs="+", type=Path, help="a docsify book's folder, or chapter files")
    move.add_argument("--project", type=Path, default=Path("."), help="the project to write into (holding mkdocs.yml)")
    move.add_argument("--dry-run", action="store_true", help="write nothing; print the report")
    move.add_argument("--force", action="store_true", help="overwrite chapters and skill files that differ")
    serve = commands.add_parser("mcp", help="serve the book to coding assistants (Model Context Protocol, stdio)")
    serve.add_argument("--root", type=Path, default=Path("."), help="the book's folder (holding mkdocs.yml)")
    serve.add_argument("--url", help="serve the book published at this address (its api/*.json) instead")
    serve.add_argument("--http", action="store_true", help="serve Streamable HTTP on 127.0.0.1 instead of stdio")
    serve.add_argument("--port", type=int, default=MCP_PORT, help=f"the HTTP port (default {MCP_PORT})")
    report = commands.add_parser("collection", help="the book against the collection of skills it is written about")
    report.add_argument("--root", type=Path, default=Path("."), help="the book's folder (holding mkdocs.yml)")
    report.add_argument("--json", action="store_true",
                        help='print {"found": [...], "missing": [{"id", "suggestions"}], "uncovered": [{"id", "category"}]}')
    report.add_argument("--strict", action="store_true", help="exit 1 when any skill of the book is missing from the collection")
    args = parser.parse_args(argv)
    if args.command == "collection":
        return _collection(args)
    if args.command == "import":
        return _import(args)
    if args.command == "mcp":
        return _mcp(args)

    start = time.perf_counter()
    book = load_book(_docs_dir(args.root), args.root / SKILLS_FOLDER, args.root, args.root / "mkdocs.yml")
    if args.fix:
        # A file saved as UTF-8 is read for the first time in the next round, which
        # may find fixes of its own; each round fixes a kind of mistake for good.
        changes: list[str] = []
        for _ in range(FIX_ROUNDS):
            done = apply_fixes(book.problems)
            if not done:
                break
            changes += done
            book = load_book(_docs_dir(args.root), args.root / SKILLS_FOLDER, args.root, args.root / "mkdocs.yml")
        print("\n".join(["skillbook: fixed:", *(f"  {line}" for line in changes)]) if changes else "skillbook: nothing to fix")
    for problem in book.problems:
        print(problem, file=sys.stderr if problem in book.errors else sys.stdout)
    if book.collection is not None:
        for problem in book.collection.problems:
            print(_shown(problem, args.root))
    failed = bool(book.errors) or (args.strict and bool(book.warnings))
    elapsed = time.perf_counter() - start
    appendices = sum(c.is_appendix for c in book.chapters)
    counts = [count(len(book.skills), "skill"), count(len(book.chapters) - appendices, "chapter")]
    if appendices:
        counts.append(count(appendices, "appendix", "appendices"))
    written = sum(len(c.prompts) for c in book.chapters)
    prompts = count(written, "prompt")
    if book.templates:
        prompts += f" ({len(book.templates)} templates)"
    if written > len(book.prompts):
        prompts += f", {written - len(book.prompts)} not built: see above"
    counts.append(prompts)
    print(
        f"skillbook: {', '.join(counts)}; {count(len(book.errors), 'error')}, {count(len(book.warnings), 'warning')} in {elapsed:.2f}s",
        file=sys.stderr if failed else sys.stdout,
    )
    return 1 if failed else 0


def _shown(problem: Problem, root: Path) -> Problem:
    """A problem with its path relative to the book's folder, even outside it (../skills-collection/...)."""
    return replace(problem, path=os.path.relpath(problem.path, root))


def _collection(args: argparse.Namespace) -> int:
    """The report the book's authors keep on the collection: the book's skills found
    in it, those missing (with the closest it has), its skills no chapter uses, and
    descriptions changed since the last report (kept in collection.lock)."""
    root = args.root
    book = load_book(_docs_dir(root), root / SKILLS_FOLDER, root, root / "mkdocs.yml")
    options_problems = [p for p in book.problems if Path(p.path) == root / "mkdocs.yml"]
    for problem in options_problems:
        print(_shown(problem, root), file=sys.stderr)
    collection = book.collection
    if collection is None:
        if not options_problems:
            print("skillbook: mkdocs.yml names no collection; add 'collection:' with 'path:' and 'repository:' under "
                  "'extra: skillbook:'", file=sys.stderr)
        return 2
    problems: list[Problem] = []
    lock = root / LOCK_FILE
    report = collection_report(list(book.skills), collection, read_lock(lock, problems))
    for problem in [*collection.problems, *problems]:
        print(_shown(problem, root), file=sys.stderr)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
    else:
        print(f"The book's {count(len(book.skills), 'skill')} against the collection {collection.repository} "
              f"({count(len(collection.skills), 'skill')}):\n")
        print("\n".join(report.lines(collection)))
    write_lock(lock, collection)
    return 1 if args.strict and report.missing else 0


def _site_url(config: Path) -> str:
    """The site's address, ``site_url`` in mkdocs.yml, where the book's pages are
    published; MkDocs' ``!ENV [NAME, default]`` is read as MkDocs reads it."""
    class SiteUrlLoader(yaml.SafeLoader):
        """A safe loader that reads ``!ENV`` (for this call only)."""

    def env(load: yaml.SafeLoader, node: yaml.Node) -> str | None:
        items = load.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [load.construct_scalar(cast(yaml.ScalarNode, node))]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
        return next((os.environ[name] for name in names if name in os.environ), default)

    SiteUrlLoader.add_constructor("!ENV", env)
    if config.is_file():
        for line in config.read_text(encoding="utf-8").splitlines():
            if line.startswith("site_url:"):
                return str(yaml.load(line, Loader=SiteUrlLoader)["site_url"] or "/")  # noqa: S506 (a safe loader)
    return "/"


def _mcp(args: argparse.Namespace) -> int:
    # The SDK is imported only here: `check` and `import` do not wait for it.
    from skillbook.library import BookError, Library, library_from_book, library_from_site, site_address, summary
    from skillbook.mcp_server import build_server

    if args.url:
        try:
            address = site_address(args.url)
        except BookError as error:
            print(f"skillbook: {error}", file=sys.stderr)
            return 2

        def load() -> Library:
            return library_from_site(address)
    else:
        root = args.root
        if not (root / SKILLS_FOLDER).is_dir() and not (root / "mkdocs.yml").is_file():
            print(f"skillbook: {root.resolve()} holds no book (no mkdocs.yml, no {SKILLS_FOLDER}/); run it in the "
                  "book's folder, give --root, or --url to serve a published book", file=sys.stderr)
            return 2

        def load() -> Library:
            book = load_book(_docs_dir(root), root / SKILLS_FOLDER, root, root / "mkdocs.yml")
            for problem in book.errors:
                print(problem, file=sys.stderr)
            return library_from_book(book, _site_url(root / "mkdocs.yml"), str(root.resolve()))

    server = build_server(load)
    if server.shelf.loaded is not None:
        print(f"skillbook mcp: {summary(server.shelf.loaded)}", file=sys.stderr)
    else:
        print(f"skillbook mcp: the book could not be read yet; it is read again at the next request: "
              f"{server.shelf.failure}", file=sys.stderr)
    if args.http:
        print(f"skillbook mcp: http://127.0.0.1:{args.port}/mcp", file=sys.stderr)
        server.run("streamable-http", host="127.0.0.1", port=args.port)
    else:
        server.run()
    return 0


def _import(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    report = import_book(args.sources, args.project, dry_run=args.dry_run, force=args.force)
    print("\n".join(report.lines()), file=sys.stderr if report.failed else sys.stdout)
    print(f"skillbook: import {'failed' if report.failed else 'done'} in {time.perf_counter() - start:.2f}s",
          file=sys.stderr if report.failed else sys.stdout)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
