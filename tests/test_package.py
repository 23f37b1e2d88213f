"""Skillbook as a package another book installs: the `skillbook` plugin and its
theme, with no file of this repository beside the book; the core free of
MkDocs; and `mkdocs serve` refusing a version of MkDocs whose internals the
live reload was not checked against."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import CHAPTER_1, MKDOCS, ROOT, build_site, mkdocs_env, skill_yaml, write_book

# The mkdocs.yml of a second book, as the README tells its authors to write it.
SECOND_BOOK = """site_name: A Second Book
theme:
  name: material
plugins:
  - search
  - skillbook
"""


def second_book(root: Path, config: str = SECOND_BOOK) -> Path:
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"index.md": "# A Second Book\n", "chapter-1-testing.md": CHAPTER_1})
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def test_a_second_book_builds_with_the_plugin_and_the_theme_from_the_package(tmp_path):
    project = second_book(tmp_path / "book")
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "site"
    chapter = (site / "chapter-1-testing" / "index.html").read_text(encoding="utf-8")
    assert "@tester Write a test for the parser." in chapter
    assert (site / "prompts" / "write-a-test" / "index.html").is_file()
    # The Markdown the theme's templates are written in is read as such, with no extension listed by the book.
    skill = (site / "skills" / "tester" / "index.html").read_text(encoding="utf-8")
    for written in ("{ .", ":material-", 'markdown="1"', "!!!", "```"):
        assert written not in chapter and written not in skill, written
    assert 'class="twemoji"' in skill  # Material's icons, as SVG
    # The theme's scripts and styles, at the addresses this repository's site has them.
    for asset in ("assets/javascripts/prompt-tools.js", "assets/javascripts/search-worker.js",
                  "assets/javascripts/vendor/mermaid.min.js", "assets/stylesheets/skillbook.css"):
        assert (site / asset).is_file(), asset
    assert '<script src="assets/javascripts/prompt-tools.js"></script>' in (site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../assets/stylesheets/skillbook.css">' in chapter


def test_the_books_custom_dir_replaces_a_template_of_the_theme(tmp_path):
    project = second_book(tmp_path / "book", SECOND_BOOK.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (project / "overrides" / "skillbook").mkdir(parents=True)
    (project / "overrides" / "skillbook" / "skills-table.md").write_text("The table, as this book lays it out.\n", encoding="utf-8")
    (project / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}This book\'s own announcement{% endblock %}\n', encoding="utf-8")
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    chapter = (tmp_path / "site" / "chapter-1-testing" / "index.html").read_text(encoding="utf-8")
    assert "The table, as this book lays it out." in chapter
    assert "This book's own announcement" in chapter


def test_the_plugin_and_its_hook_together_are_refused(tmp_path):
    project = second_book(tmp_path / "book", SECOND_BOOK + "hooks:\n  - hooks/skillbook_mkdocs.py\n")
    (project / "hooks").mkdir()
    (project / "hooks" / "skillbook_mkdocs.py").write_text((ROOT / "hooks" / "skillbook_mkdocs.py").read_text(encoding="utf-8"))
    result = build_site(project, tmp_path / "site")
    assert result.returncode != 0
    assert "Skillbook runs once: keep either the skillbook plugin or its hook, not both" in result.stderr


def test_the_core_imports_no_mkdocs():
    """Every module of src/skillbook/ outside src/skillbook/mkdocs/ imported, in a
    fresh interpreter, without MkDocs."""
    core = sorted(path.stem for path in (ROOT / "src" / "skillbook").glob("*.py") if path.stem != "__init__")
    assert "render" in core and "cli" in core
    script = (
        "import importlib, sys\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module('skillbook.' + name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'properdocs', 'material')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_serve_refuses_a_version_of_mkdocs_the_live_reload_was_not_checked_against(tmp_path):
    project = second_book(tmp_path / "book")
    script = (
        f"import sys, {MKDOCS}\n"
        f"{MKDOCS}.__version__ = '1.7.0'\n"
        f"from {MKDOCS}.__main__ import cli\n"
        f"sys.argv = ['{MKDOCS}', 'serve', '--dev-addr', '127.0.0.1:0']\n"
        "cli()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=project, env=mkdocs_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Serving on" not in result.stderr
    assert f"Skillbook's live reload was checked with mkdocs 1.6.0 or 1.6.1, properdocs 1.6.7, not {MKDOCS} 1.7.0" in result.stderr
    assert f"serve without live reload: {MKDOCS} serve --no-livereload" in result.stderr
