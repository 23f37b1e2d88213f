"""A renderer given the renderer of the book before a save reuses the Markdown of
pages whose inputs did not change (what `mkdocs serve` relies on for a save in
well under a second). Whatever the save, it must render exactly what a fresh
renderer renders; and it must reuse, or it saves nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from skillbook import load_book
from skillbook.book import ParsedSources
from skillbook.importer import import_book
from skillbook.render import Renderer
from tests.conftest import ROOT, TEMPLATES

FIXTURE_BOOK = ROOT / "tests" / "fixtures" / "docsify-book"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("reuse") / "book"
    (project / "skills").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    assert not import_book([FIXTURE_BOOK], project).failed
    return project


def _replace(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text, f"{pattern!r} not in {path}"
    path.write_text(changed, encoding="utf-8")


def _first(folder: Path, pattern: str) -> Path:
    return sorted(folder.glob(pattern))[0]


SAVES = {
    "a skill's purpose": lambda p: _replace(_first(p / "skills", "*.yml"), r"^purpose: (.*)$", r"purpose: \1, saved"),
    "a skill's related skills": lambda p: _replace(
        _first(p / "skills", "*.yml"), r"\Z", f"related: [{sorted(p.glob('skills/*.yml'))[1].stem}]\n"),
    "a chapter's prose": lambda p: _replace(_first(p / "docs", "chapter-5-*.md"), r"^([A-Z][^\n]{40,})$", r"\1 Saved."),
    "a prompt's text": lambda p: _replace(_first(p / "docs", "chapter-5-*.md"), r"^(```text\n[^\n]+)$", r"\1 Saved."),
    "a prompt's title": lambda p: _replace(_first(p / "docs", "chapter-16-*.md"), r"^(#### .+)$", r"\1 Saved"),
    "a chapter's title": lambda p: _replace(_first(p / "docs", "chapter-16-*.md"), r"^# Chapter 16: ", "# Chapter 16: Saved "),
    "a new skill": lambda p: (p / "skills" / "saved-expert.yml").write_text(
        "id: saved-expert\npurpose: Saved\nbest_for: Saves\nchapters: [5]\n", encoding="utf-8"),
    "a deleted skill file": lambda p: _first(p / "skills", "*.yml").unlink(),
    "a deleted chapter": lambda p: _first(p / "docs", "chapter-17-*.md").unlink(),
    "a skill file in error": lambda p: _replace(_first(p / "skills", "*.yml"), r"^purpose:", "purpse:"),
}


def _rendered(renderer: Renderer) -> dict[str, str]:
    pages = {page.src_uri: page.markdown for page in renderer.generated_pages()}
    return pages | {chapter.src_uri: renderer.chapter(chapter) for chapter in renderer.book.chapters}


@pytest.mark.parametrize("save", SAVES)
def test_after_a_save_the_renderer_renders_what_a_fresh_one_does(pristine, tmp_path, save):
    project = tmp_path / "book"
    shutil.copytree(pristine, project)
    parsed = ParsedSources()

    def load():
        return load_book(project / "docs", project / "skills", project, project / "mkdocs.yml", parsed)

    before = Renderer(load(), TEMPLATES, keep=True)
    _rendered(before)
    SAVES[save](project)
    book = load()
    reusing = Renderer(book, TEMPLATES, before, keep=True)
    assert _rendered(reusing) == _rendered(Renderer(book, TEMPLATES))


def test_a_save_of_one_skill_renders_few_pages_again(pristine, tmp_path, monkeypatch):
    project = tmp_path / "book"
    shutil.copytree(pristine, project)
    parsed = ParsedSources()
    before = Renderer(load_book(project / "docs", project / "skills", project, project / "mkdocs.yml", parsed), TEMPLATES, keep=True)
    total = len(_rendered(before))
    SAVES["a skill's purpose"](project)
    reusing = Renderer(load_book(project / "docs", project / "skills", project, project / "mkdocs.yml", parsed), TEMPLATES, before)
    rendered = []
    render = reusing._render
    monkeypatch.setattr(reusing, "_render", lambda template, uri, **context: rendered.append(uri) or render(template, uri, **context))
    _rendered(reusing)
    pages = set(rendered)
    assert total > 50 and 3 <= len(pages) <= 12, sorted(pages)


def test_a_template_saved_since_renders_every_page_again(pristine, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    book = load_book(pristine / "docs", pristine / "skills", pristine, pristine / "mkdocs.yml")
    before = Renderer(book, templates, keep=True)
    _rendered(before)
    page = templates / "skill-page.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Purpose\n:", "What it is for\n:"), encoding="utf-8")
    after = _rendered(Renderer(book, templates, before))
    assert after == _rendered(Renderer(book, templates))
    assert any("What it is for\n:" in markdown for markdown in after.values())
