"""Shared fixtures: the project's paths, the seed chapter, and one strict build
of the real site per test session."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SKILLS = ROOT / "skills"
TEMPLATES = ROOT / "src" / "skillbook" / "mkdocs" / "theme" / "skillbook"
CHAPTER_16 = DOCS / "chapter-16-container-orchestration.md"
# Chapter 16 exactly as the book delivered it (its damaged arrow included): the
# original the built chapter is compared with.
SEED = ROOT / "tests" / "fixtures" / "seed-chapter-16.md"
# The command that builds and serves the book: mkdocs, or its fork properdocs
# (`make test-properdocs` runs the build and live-reload tests with it).
MKDOCS = os.environ.get("SKILLBOOK_MKDOCS", "mkdocs")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_prompts() -> list[str]:
    """Every fenced ```text block of the seed whose first word is @skill, verbatim."""
    return [m.group(1) for m in re.finditer(r"^```text\n(@.*?)\n```$", seed_text(), re.DOTALL | re.MULTILINE)]


def mkdocs_env(site_url: str | None = None) -> dict[str, str]:
    """The environment tests run MkDocs in: the site address is the test's own (an
    address exported in the developer's shell must not move the pages)."""
    env = {key: value for key, value in os.environ.items() if key != "SKILLBOOK_SITE_URL"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if site_url:
        env["SKILLBOOK_SITE_URL"] = site_url
    return env


def build_site(project: Path, site_dir: Path, *extra: str, site_url: str | None = None) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of a project folder, as an author runs it."""
    env = mkdocs_env(site_url)
    return subprocess.run(
        [sys.executable, "-m", MKDOCS, "build", "--strict", "--site-dir", str(site_dir), *extra],
        cwd=project, env=env, capture_output=True, text=True,
    )


@cache
def site_markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions and options of the site's mkdocs.yml."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real book, built once with --strict."""
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, site_dir)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr
    return site_dir


def skill_yaml(skill_id: str, chapters: str = "[1]", **fields: str) -> str:
    """A valid skill file, with extra or replaced top-level fields as YAML text."""
    values = {"id": skill_id, "purpose": "Testing", "best_for": "Fixtures", "chapters": chapters, **fields}
    return "".join(f"{key}: {value}\n" for key, value in values.items() if value is not None)


CHAPTER_1 = """# Chapter 1: Testing

<!-- skillbook: skills-table -->

## 1.1 Prompts

#### Write a Test

**Context:** You need a test.

```text
@tester Write a test for the parser.
```

**Expected Output:** A test.
"""


def write_book(root: Path, skills: dict[str, str | bytes], chapters: dict[str, str | bytes]) -> Path:
    """A tiny book: ``skills`` maps file names in skills/ to content, ``chapters``
    maps file names in docs/ to content."""
    for folder, entries in (("skills", skills), ("docs", chapters)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name, content in entries.items():
            path = root / folder / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
    return root


def make_site_project(root: Path) -> Path:
    """A copy of the project's site setup (mkdocs.yml and its hook) with empty
    docs/ and skills/, for a test to fill."""
    import shutil

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "hooks", root / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "docs").mkdir()
    (root / "skills").mkdir()
    return root


# The fixture docsify book `skillbook import` is tested on, and its hand-counted manifest.
DOCSIFY_BOOK = ROOT / "tests" / "fixtures" / "docsify-book"

# The fixture collection of skills (Agent Skills folders) the real book's skills are checked against.
COLLECTION = ROOT / "tests" / "fixtures" / "skills-collection"
COLLECTION_OPTIONS = """
extra:
  skillbook:
    collection:
      path: skills-collection
      repository: owner/skills
"""


def make_collection_project(root: Path) -> Path:
    """The real book (its chapter and skills) with a copy of the fixture collection
    as ``skills-collection/`` and named as its collection in mkdocs.yml."""
    import shutil

    project = make_site_project(root)
    shutil.copy(DOCS / "index.md", project / "docs" / "index.md")
    shutil.copy(DOCS / "chapter-16-container-orchestration.md", project / "docs")
    for skill in (ROOT / "skills").iterdir():
        shutil.copy(skill, project / "skills" / skill.name)
    shutil.copytree(COLLECTION, project / "skills-collection")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(COLLECTION_OPTIONS)
    return project
