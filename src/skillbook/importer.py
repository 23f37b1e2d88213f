"""``skillbook import``: moves a book written for docsify (or loose chapter files)
into the project, losing nothing.

A docsify book holds ``chapters/NN-slug.md``, ``appendices/<letter>-slug.md``,
``README.md`` (its home), ``_sidebar.md`` (its navigation, grouping chapters
into parts under bold labels) and ``_coverpage.md``. The import writes:

- ``docs/chapter-<N>-<slug>.md`` and ``docs/appendix-<letter>-<slug>.md``, the
  slug taken from the title, and ``docs/index.md`` from ``README.md``;
- ``skills/<id>.yml`` for every skill of the books' tables: a
  ``Skill | Purpose | Best For`` table becomes the ``skills-table`` directive,
  and a skill introduction becomes its directive; other skill tables stay,
  each ``@skill`` linked to its page;
- the parts, under ``extra: skillbook: parts:`` in ``mkdocs.yml``.

The prose changes only where links are rewritten (by chapter number or appendix
letter; those that cannot be resolved become text), where encoding damage is
repaired (outside code) and where directives replace what they render. Code
blocks and prompts stay byte for byte. Pages are read through the chapter reader
(:mod:`skillbook.chapters`), as the build reads them."""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple, cast
from pathlib import Path

import yaml

from skillbook.chapters import Block, BlockKind, BodyReading, chapter_key, code_lines, list_items, parse_chapter, plain_text, read_body
from skillbook.links import SCHEME, Link, links, remote_images, remote_reference_images, replace_links
from skillbook.options import load_options
from skillbook.problems import Problem
from skillbook.skill_ids import MENTION_IN_CODE, mentioned_skill
from skillbook.sources import (
    ENCODING_NAMES, MAX_PAGE_BYTES, MAX_SKILL_BYTES, decode, encoding_repairs, normalise_line_ends, read_bytes, read_source,
    unambiguous_encoding,
)
from skillbook.text import prompt_slug
from skillbook.yaml_source import YAML_LOADER, load_yaml

# A chapter of the source: "16-containers.md", or the project's own "chapter-16-....md".
SOURCE_CHAPTER = re.compile(r"^(?:chapter-)?0*(\d+)-[^/]*\.md$", re.IGNORECASE)
SOURCE_APPENDIX = re.compile(r"^(?:appendix-)?([a-z])-[^/]*\.md$", re.IGNORECASE)
PART_NUMBER = re.compile(r"^Part\s+(?:[IVXLC]+|\d+)\s*[:.\-–]\s*", re.IGNORECASE)
TITLE = re.compile(r"^(?:Chapter\s+\d+|Appendix\s+[A-Z])\s*[:.]\s*", re.IGNORECASE)
LABELS = {"when to use this skill": "when_to_use", "key strengths": "key_strengths"}
LABEL = re.compile(r"^\*\*(?P<name>[^*]+?):?\*\*:?\s*$")
SCHEMA_LINE = "# yaml-language-server: $schema=../src/skillbook/skill.schema.json\n"
# Files of a docsify book that are not pages of the book.
DOCSIFY_FILES = {
    "_coverpage.md": "docsify's cover page; the home page comes from README.md",
    "_sidebar.md": "docsify's navigation; its parts are written to mkdocs.yml",
    "_navbar.md": "docsify's top bar; the site has its own",
    "index.html": "docsify's loader; the site is built by MkDocs",
    ".nojekyll": "a GitHub Pages setting for docsify",
}


class LinesReplaced(NamedTuple):
    """An edit of a page: from line ``start`` (0-based), ``removed`` lines taken out, ``added`` put in."""

    start: int
    removed: int
    added: int


class Table(NamedTuple):
    """A table of a page: its block, its header's cells in lower case, and its rows' cells."""

    block: Block
    header: list[str]
    rows: list[list[str]]


class PageKind(StrEnum):
    """What a page of the source book is."""

    CHAPTER = "chapter"
    APPENDIX = "appendix"
    HOME = "home"


@dataclass
class Page:
    """A page of the source book, read, repaired and renamed."""

    source: Path
    kind: PageKind
    key: int | str | None
    text: str
    target: str = ""  # path in docs/
    book_root: Path | None = None  # the folder of the book it comes from
    # The lines the import replaced so far, as (first line, lines taken out,
    # lines put in), so that a note names the line of the source.
    edits: list[LinesReplaced] = field(default_factory=list)
    _reading: BodyReading | None = field(default=None, repr=False, compare=False)

    def reading(self) -> BodyReading:
        """The page's text as the chapter reader reads it: blocks with their lines,
        code lines, heading anchors. Read once for each version of the text, so
        every step of the import edits the page at the positions the reader found."""
        if self._reading is None or self._reading.text != self.text:
            self._reading = read_body(self.text, str(self.source))
        return self._reading

    def replace_lines(self, lines: list[str], start: int, end: int, new: list[str]) -> None:
        """``lines[start:end] = new``, remembered."""
        lines[start:end] = new
        self.edits.append(LinesReplaced(start, end - start, len(new)))

    def source_line(self, index: int) -> int:
        """The source's line number (from 1) of line ``index`` (from 0) of the text now."""
        for start, removed, added in reversed(self.edits):
            if index >= start + added:
                index += removed - added
            elif index >= start:
                index = start
        return index + 1

    @property
    def label(self) -> str:
        return f"appendix {self.key}" if self.kind is PageKind.APPENDIX else f"chapter {self.key}" if self.kind is PageKind.CHAPTER else "home page"


@dataclass
class SkillFacts:
    id: str
    purpose: str
    best_for: str | None
    chapters: list[int | str]
    order: int | None
    source: str  # file and line of the table the facts come from
    introduction: str | None = None
    when_to_use: list[str] = field(default_factory=list)
    key_strengths: list[str] = field(default_factory=list)


@dataclass
class Note:
    """A line of the report tied to a source line."""

    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


@dataclass
class ImportReport:
    project: Path
    dry_run: bool
    chapters: int = 0
    appendices: int = 0
    home: bool = False
    parts: list[tuple[str, list[int]]] = field(default_factory=list)
    prompts: int = 0
    templates: int = 0
    skills_created: list[str] = field(default_factory=list)
    skills_updated: list[str] = field(default_factory=list)
    skills_unchanged: list[str] = field(default_factory=list)
    files_created: list[str] = field(default_factory=list)
    files_updated: list[str] = field(default_factory=list)
    files_unchanged: list[str] = field(default_factory=list)
    files_replaced: list[str] = field(default_factory=list)
    skills_to_review: list[Note] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    fences_lengthened: list[Note] = field(default_factory=list)
    links_resolved: list[Note] = field(default_factory=list)
    links_unresolved: list[Note] = field(default_factory=list)
    links_to_repository: list[Note] = field(default_factory=list)
    html_unwrapped: list[Note] = field(default_factory=list)
    remote_images: list[Note] = field(default_factory=list)
    repairs: list[Note] = field(default_factory=list)
    fact_conflicts: list[Note] = field(default_factory=list)
    introductions_kept: list[Note] = field(default_factory=list)
    normalised: list[Note] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def skills(self) -> int:
        return len(self.skills_created) + len(self.skills_updated) + len(self.skills_unchanged)

    @property
    def failed(self) -> bool:
        return bool(self.conflicts or self.problems)

    def lines(self) -> list[str]:
        verb = "Would import" if self.dry_run else "Imported"
        out = [f"{verb} into {self.project}:"]
        out.append(f"  chapters: {self.chapters}, appendices: {self.appendices}, home page: {'yes' if self.home else 'no'}")
        out.append(f"  parts: {len(self.parts)}" + "".join(f"\n    {title}: chapters {', '.join(map(str, n))}" for title, n in self.parts))
        out.append(f"  skills: {self.skills} ({len(self.skills_created)} created, {len(self.skills_updated)} updated, "
                   f"{len(self.skills_unchanged)} unchanged)")
        out.append(f"  prompts: {self.prompts}, of which {self.templates} templates")
        out.append(f"  files: {len(self.files_created)} created, {len(self.files_updated)} updated, {len(self.files_unchanged)} unchanged"
                   + "".join(f"\n    replaced: {entry}" for entry in self.files_replaced))
        sections = [
            ("prompts holding code blocks, their fences made longer", self.fences_lengthened),
            ("links to chapters and appendices resolved", self.links_resolved), ("links left unresolved (now text)", self.links_unresolved),
            ("links to files of the repository, now to its address", self.links_to_repository),
            ("centred HTML made Markdown", self.html_unwrapped),
            ("images on other hosts, now their text (download them into docs/assets/ to show them)", self.remote_images),
            ("encoding repairs", self.repairs), ("line ends and byte-order marks normalised", self.normalised),
            ("skill facts that differ between tables (the chapter's own table wins)", self.fact_conflicts),
            ("introductions kept as prose", self.introductions_kept), ("not imported", self.skipped),
            ("skills of the project to review", self.skills_to_review),
        ]
        for title, notes in sections:
            out.append(f"  {title}: {len(notes)}")
            out.extend(f"    {note}" for note in notes)
        if self.conflicts:
            out.append(f"  conflicts: {len(self.conflicts)} existing file(s) differ; nothing was written (use --force to overwrite):")
            out.extend(f"    {path}" for path in self.conflicts)
        for problem in self.problems:
            out.append(f"  error: {problem}")
        return out


# -- reading the source ------------------------------------------------------------------


def discover(sources: list[Path], report: ImportReport) -> tuple[list[Page], Path | None]:
    """The pages of the sources (folders shaped as a docsify book, or chapter
    files), and the sidebar if there is one."""
    pages: list[Page] = []
    sidebar: Path | None = None
    for source in sources:
        if source.is_dir():
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                relative = path.relative_to(source).as_posix()
                if relative == "_sidebar.md":
                    sidebar = path
                if relative == "README.md":
                    _add(pages, Page(path, PageKind.HOME, None, "", book_root=source), report)
                elif relative.startswith("chapters/") and relative.endswith(".md"):
                    _add_numbered(pages, path, report, book_root=source)
                elif relative.startswith("appendices/") and relative.endswith(".md"):
                    _add_numbered(pages, path, report, appendix=True, book_root=source)
                else:
                    reason = DOCSIFY_FILES.get(relative, "not a chapter, an appendix or the home page")
                    report.skipped.append(Note(str(path), reason))
        elif source.is_file():
            _add_numbered(pages, source, report, appendix=source.parent.name == "appendices" or source.name.startswith("appendix-"))
        else:
            report.problems.append(Problem(str(source), 1, "no such file or folder; name a docsify book's folder or chapter files"))
    return pages, sidebar


def _add_numbered(pages: list[Page], path: Path, report: ImportReport, appendix: bool = False,
                  book_root: Path | None = None) -> None:
    match = (SOURCE_APPENDIX if appendix else SOURCE_CHAPTER).match(path.name)
    if match is None:
        shape = "<letter>-<slug>.md" if appendix else "<number>-<slug>.md"
        report.skipped.append(Note(str(path), f"its name is not {shape}, so its {'letter' if appendix else 'number'} is unknown; rename it"))
        return
    key = match.group(1).upper() if appendix else int(match.group(1))
    _add(pages, Page(path, PageKind.APPENDIX if appendix else PageKind.CHAPTER, key, "", book_root=book_root or path.parent), report)


def _add(pages: list[Page], page: Page, report: ImportReport) -> None:
    twin = next((p for p in pages if (p.kind, p.key) == (page.kind, page.key)), None)
    if twin is not None:
        report.problems.append(Problem(str(page.source), 1, f"{page.label} is also {twin.source}; import one of them"))
    else:
        pages.append(page)


def read_page(page: Page, report: ImportReport) -> bool:
    """Decode, normalise and repair a page; False if it cannot be read."""
    problems: list[Problem] = []
    data = read_bytes(page.source, MAX_PAGE_BYTES, problems)
    text = _decode(page.source, data, problems, report) if data is not None else None
    if text is None:
        report.problems.extend(problems)
        return False
    assert data is not None, "text is read from data"
    if data.startswith(b"\xef\xbb\xbf"):
        report.normalised.append(Note(str(page.source), "byte-order mark removed"))
    if "\r" in text:
        report.normalised.append(Note(str(page.source), "Windows (CRLF) line ends made Unix (LF)"))
    page.text = _repair(page.source, normalise_line_ends(text), report)
    return True


def _decode(path: Path, data: bytes, problems: list[Problem], report: ImportReport) -> str | None:
    """The text of a source file: UTF-8, or an encoding it reads as unambiguously
    (the file is then written as UTF-8, and the report says so)."""
    text = decode(path, data, problems)
    encoding = unambiguous_encoding(data) if text is None else None
    if encoding is None:
        return text
    problems.clear()
    report.normalised.append(Note(str(path), f"saved as UTF-8 (it was {ENCODING_NAMES[encoding]})"))
    return data.decode(encoding)


def _repair(path: Path, text: str, report: ImportReport) -> str:
    """Encoding damage (UTF-8 read as cp1252 and saved again) repaired outside code blocks."""
    lines = text.split("\n")
    for index, repaired in encoding_repairs(text, code_lines(text)):
        report.repairs.append(Note(f"{path}:{index + 1}", f"{lines[index].strip()!r} -> {repaired.strip()!r}"))
        lines[index] = repaired
    return "\n".join(lines)


def lengthen_fences(page: Page, report: ImportReport) -> None:
    """A code block pasted inside a prompt closes the prompt early: the prompt's
    fences are made longer, as the chapter reader's fix says, so that the prompt
    is what the author meant, inner fences included."""
    lines = page.text.split("\n")
    for problem in page.reading().problems:
        if isinstance(problem.fix, tuple) and problem.fix:
            opening, closing = problem.fix
            for edit in problem.fix:
                lines[edit.line - 1] = edit.new
            report.fences_lengthened.append(Note(
                f"{page.source}:{opening.line}",
                f"{opening.old.strip()!r} ... {closing.old.strip()!r} (line {closing.line}) -> {opening.new.strip()!r} ... {closing.new.strip()!r}",
            ))
    page.text = "\n".join(lines)


def _title(page: Page) -> str | None:
    heading = next((b for b in page.reading().blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
    return plain_text(heading.content) if heading else None


def name_pages(pages: list[Page]) -> None:
    """The project's file name of each page, from its title."""
    for page in pages:
        if page.kind is PageKind.HOME:
            page.target = "index.md"
            continue
        title = _title(page) or page.source.stem
        slug = prompt_slug(TITLE.sub("", title)) or prompt_slug(page.source.stem) or "untitled"
        prefix = f"appendix-{str(page.key).lower()}" if page.kind is PageKind.APPENDIX else f"chapter-{page.key}"
        page.target = f"{prefix}-{slug}.md"


# -- skills from tables -----------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line)]


def _tables(page: Page) -> list[Table]:
    lines = page.text.split("\n")
    found = []
    for block in page.reading().blocks:
        if block.kind is BlockKind.TABLE:
            rows = [_cells(line) for line in lines[block.start:block.end]]
            found.append(Table(block, [c.lower() for c in rows[0]], rows[2:]))
    return found


def read_skills(pages: list[Page], report: ImportReport) -> dict[str, SkillFacts]:
    """Skill facts from every table whose first column is Skill. A chapter's own
    ``Skill | Purpose | Best For`` table wins over an index's row, and places the
    skill in that chapter."""
    facts: dict[str, SkillFacts] = {}
    ordered = sorted(pages, key=lambda p: (p.kind is not PageKind.CHAPTER, str(p.key).zfill(4)))
    tables = {page.source: _tables(page) for page in ordered if page.kind is not PageKind.HOME}
    for own in (True, False):
        for page in ordered:
            if page.kind is PageKind.HOME:
                continue
            for block, header, rows in tables[page.source]:
                if not header or header[0] != "skill":
                    continue
                is_own = header[:3] == ["skill", "purpose", "best for"]
                if is_own != own:
                    continue
                purpose_column = header.index("purpose") if "purpose" in header else None
                for position, row in enumerate(rows, start=1):
                    skill_id = mentioned_skill(row[0]) if row else None
                    where = f"{page.source}:{block.start + position + 2}"
                    if skill_id is None:
                        report.skipped.append(Note(where, f"table row {row[0]!r} names no @skill-id (lower-case letters, digits, hyphens)"))
                        continue
                    purpose = row[purpose_column] if purpose_column is not None and purpose_column < len(row) else None
                    best_for = row[2] if is_own and len(row) > 2 else None
                    # Skills tables say where a skill belongs. Other tables (an index,
                    # credits) list every skill, so they place only a skill no
                    # skills table lists: under the first page that names it.
                    known = facts.get(skill_id)
                    lists_it = is_own or known is None or not known.chapters
                    _merge(facts, skill_id, page, purpose, best_for, position if is_own else None, where, lists_it, report)
    return facts


def _merge(facts: dict[str, SkillFacts], skill_id: str, page: Page, purpose: str | None, best_for: str | None,
           order: int | None, where: str, lists_it: bool, report: ImportReport) -> None:
    assert page.key is not None, "skills are read from chapters and appendices"
    known = facts.get(skill_id)
    if known is None:
        known = facts[skill_id] = SkillFacts(skill_id, purpose or skill_id, best_for or None, [], order, where)
    if lists_it and page.key not in known.chapters:
        known.chapters.append(page.key)
    for name, value in (("purpose", purpose), ("best_for", best_for)):
        kept = getattr(known, name)
        if value and kept and value != kept:
            report.fact_conflicts.append(Note(where, f"@{skill_id} {name} {value!r} differs from {kept!r} ({known.source}); kept {kept!r}"))
        elif value and not kept:
            setattr(known, name, value)
    if known.order is None:
        known.order = order


def own_tables_to_directives(page: Page, facts: dict[str, SkillFacts]) -> None:
    """A ``Skill | Purpose | Best For`` table becomes the skills-table directive,
    which renders the same rows from the skills' metadata."""
    lines = page.text.split("\n")
    for block, header, rows in reversed(_tables(page)):
        ids = [skill_id for row in rows if (skill_id := mentioned_skill(row[0] if row else ""))]
        if header[:3] == ["skill", "purpose", "best for"] and len(ids) == len(rows) and all(page.key in facts[i].chapters for i in ids):
            page.replace_lines(lines, block.start, _last_text_line(lines, block) + 1, ["<!-- skillbook: skills-table -->"])
        elif header and header[0] == "skill":
            for index in range(block.start + 2, block.end):
                lines[index] = MENTION_IN_CODE.sub(lambda m: f"[`@{m.group('id')}`](skills/{m.group('id')}.md)"
                                                   if m.group("id") in facts else m.group(0), lines[index])
    page.text = "\n".join(lines)


def introductions_to_directives(page: Page, facts: dict[str, SkillFacts], existing: dict[str, dict[str, Any]],
                                report: ImportReport) -> None:
    """A "Skill Introduction" section (paragraphs, then "When to use this skill" and
    "Key strengths" lists) becomes the skill-introduction directive when its text
    is the skill's metadata: new skills take it as theirs."""
    lines = page.text.split("\n")
    blocks = page.reading().blocks
    replacements: list[tuple[int, int, str]] = []  # first line, end line, skill id
    for index, block in enumerate(blocks):
        if block.kind is not BlockKind.HEADING or plain_text(block.content).lower() != "skill introduction":
            continue
        taken = _introduction_blocks(blocks[index + 1:])
        if not taken or taken[0].kind is not BlockKind.PARAGRAPH:
            continue
        skill_id = mentioned_skill(taken[0].content)
        if skill_id is None or skill_id not in facts:
            continue
        skill = facts[skill_id]
        introduction, lists = _introduction_text(taken, lines)
        found = {"introduction": introduction, **lists}
        prior = existing.get(skill.id)
        where = f"{page.source}:{page.source_line(taken[0].start)}"
        if not introduction:
            report.introductions_kept.append(Note(where, f"@{skill.id}'s introduction holds prose its metadata has no place for"))
            continue
        if prior is not None and prior.get("introduction") and any(prior.get(k) != v for k, v in found.items() if v):
            report.introductions_kept.append(Note(where, f"@{skill.id}'s introduction differs from skills/{skill.id}.yml"))
            continue
        if skill.introduction is not None:
            report.introductions_kept.append(Note(where, f"@{skill.id} is introduced twice; the first introduction is its metadata"))
            continue
        skill.introduction, skill.when_to_use, skill.key_strengths = introduction, lists["when_to_use"], lists["key_strengths"]
        replacements.append((taken[0].start, _last_text_line(lines, taken[-1]) + 1, skill.id))
    for start, end, skill_id in reversed(replacements):  # from the end, so that the lines before stay put
        page.replace_lines(lines, start, end, [f"<!-- skillbook: skill-introduction {skill_id} -->"])
    page.text = "\n".join(lines)


def _last_text_line(lines: list[str], block: Block) -> int:
    """A block's last line that is not blank: the blank lines after it stay."""
    end = block.end - 1
    while end > block.start and not lines[end].strip():
        end -= 1
    return end


def _introduction_blocks(blocks: list[Block]) -> list[Block]:
    """Paragraphs, then labelled lists, up to the next heading, rule, code or HTML."""
    taken: list[Block] = []
    for block in blocks:
        if block.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST):
            break
        taken.append(block)
    return taken


def _introduction_text(blocks: list[Block], lines: list[str]) -> tuple[str, dict[str, list[str]]]:
    paragraphs: list[str] = []
    lists: dict[str, list[str]] = {"when_to_use": [], "key_strengths": []}
    current: str | None = None
    for block in blocks:
        text = "\n".join(lines[block.start:block.end])
        label = LABEL.match(text) if block.kind is BlockKind.PARAGRAPH else None
        if label and label.group("name").strip().lower() in LABELS:
            current = LABELS[label.group("name").strip().lower()]
        elif block.kind is BlockKind.LIST and current is not None:
            lists[current].extend(list_items("\n".join(lines[block.start:block.end])))
        elif block.kind is BlockKind.PARAGRAPH and current is None:
            paragraphs.append(" ".join(line.strip() for line in text.split("\n")))
        else:
            return "", lists  # prose the metadata has no place for: not an introduction
    return "\n\n".join(paragraphs), lists


# -- links ------------------------------------------------------------------------------------------


def rewrite_links(page: Page, pages: list[Page], report: ImportReport, repository: Repository) -> None:
    """Links to chapters and appendices, by number or letter, made to name their new
    files; anchors follow the target's headings. A link to a chapter or appendix
    the book does not have becomes its text. A link to another file of the book's
    repository leads to its address on the repository (``repo_url``); one that
    cannot, and a link to an anchor the page lacks, becomes its text."""
    by_key = {(p.kind, p.key): p for p in pages}
    lines = page.text.split("\n")
    code = page.reading().code_lines
    for index, line in enumerate(lines):
        if index in code:
            continue

        def replace(link: Link) -> str | None:
            if link.image or not link.target:
                return None
            target = link.target
            path, _, anchor = target.partition("#")
            kind_key = _link_target(path, page.source.parent.name)
            where = f"{page.source}:{page.source_line(index)}"
            if kind_key is None:
                return _outside_link(link, page, where, repository, report)
            linked = by_key.get(kind_key)
            if linked is None:
                report.links_unresolved.append(Note(where, f"{target} (the book has no {kind_key[0]} {kind_key[1]})"))
                return link.text
            new_anchor = _anchor(anchor, linked, where, report) if anchor else ""
            new = linked.target + (f"#{new_anchor}" if new_anchor else "")
            report.links_resolved.append(Note(where, f"{target} -> {new}" if new != target else f"{target} (kept)"))
            return f"[{link.text}]({new}{link.title})"

        lines[index] = replace_links(line, replace)
    page.text = "\n".join(lines)


CENTRED = re.compile(r"^\s*<(?P<name>div|p)\s+align\s*=\s*[\"']?center[\"']?\s*>(?P<rest>.*)$", re.IGNORECASE)
IMG = re.compile(r"<img\s(?P<attrs>[^<>]*?)/?>", re.IGNORECASE)
IMG_ATTRIBUTE = re.compile(r"(?P<name>src|alt)\s*=\s*(?:\"(?P<q>[^\"]*)\"|'(?P<s>[^']*)')", re.IGNORECASE)


def unwrap_centred_html(page: Page, report: ImportReport) -> None:
    """docsify books centre their opening with ``<div align="center">`` or
    ``<p align="center">``, which the site would show as text: the wrapper goes,
    its content stays as Markdown, and an ``<img>`` in it becomes a Markdown image."""
    lines = page.text.split("\n")
    code = page.reading().code_lines
    index = 0
    while index < len(lines):
        opening = CENTRED.match(lines[index]) if index not in code else None
        if opening is None:
            index += 1
            continue
        name, rest = opening.group("name").lower(), opening.group("rest")
        closer = re.compile(rf"</{name}\s*>", re.IGNORECASE)
        where = f"{page.source}:{page.source_line(index)}"
        if closer.search(rest):  # on one line: <p align="center">...</p>
            inner = closer.split(rest, maxsplit=1)
            page.replace_lines(lines, index, index + 1, [_images(inner[0].strip()) + inner[1]])
            report.html_unwrapped.append(Note(where, f'<{name} align="center"> ... </{name}> (one line)'))
            index += 1
            continue
        end, depth = index + 1, 1
        while end < len(lines):
            if end not in code:
                depth += len(re.findall(rf"<{name}[\s>]", lines[end], re.IGNORECASE)) - len(closer.findall(lines[end]))
                if depth <= 0:
                    break
            end += 1
        if end == len(lines) or closer.sub("", lines[end]).strip():
            index += 1  # no closing tag on a line of its own: left for the author
            continue
        closing_line = page.source_line(end)
        for line_index in range(index + 1, end):
            if line_index not in code:
                lines[line_index] = _images(lines[line_index])
        # The tags' lines go (with the blank lines just inside them); each is an edit
        # of its own, so that the lines between keep their place in the report.
        last = end
        while last - 1 > index and not lines[last - 1].strip():
            last -= 1
        page.replace_lines(lines, last, end + 1, [])
        first = index + 1
        while first < last and not lines[first].strip():
            first += 1
        page.replace_lines(lines, index, first, [rest.strip()] if rest.strip() else [])
        report.html_unwrapped.append(Note(where, f'<{name} align="center"> ... </{name}> (line {closing_line})'))
        # Lines went: the code blocks below are found where they are now.
        page.text = "\n".join(lines)
        code = page.reading().code_lines
    page.text = "\n".join(lines)


def _images(line: str) -> str:
    """``<img src alt>`` tags of a line as Markdown images."""
    def markdown(match: re.Match[str]) -> str:
        attributes = {m.group("name").lower(): m.group("q") if m.group("q") is not None else m.group("s")
                      for m in IMG_ATTRIBUTE.finditer(match.group("attrs"))}
        return f"![{attributes.get('alt', '')}]({attributes['src']})" if attributes.get("src") else match.group(0)
    return IMG.sub(markdown, line)


def replace_remote_images(page: Page, report: ImportReport) -> None:
    """An image on another host would be loaded from there by every reader, which
    the site never does: it becomes its text (a badge's link keeps its target)."""
    lines = page.text.split("\n")
    code = page.reading().code_lines
    images: dict[int, list[Link]] = {}
    for index, line in enumerate(lines):
        if index not in code:
            images[index] = remote_images(line)
    for index, image in remote_reference_images(lines, code):  # ![badge][label], [label]: https://...
        images[index].append(image)
    for index, found in images.items():
        line = lines[index]
        for image in sorted(found, key=lambda image: image.start, reverse=True):
            text = image.text.strip() or "image"
            where = f"{page.source}:{page.source_line(index)}"
            report.remote_images.append(Note(where, f"{image.target} (now its text, '{text}')"))
            line = line[:image.start] + text + line[image.end:]
        lines[index] = line
    page.text = "\n".join(lines)


@dataclass(frozen=True)
class Repository:
    """Where the book's repository is published (``repo_url`` of mkdocs.yml), and
    the folder of its clone that the book is read from."""

    url: str | None
    root: Path | None
    branch: str = "HEAD"  # GitHub and GitLab lead HEAD to the default branch


def find_repository(config: Path, sources: list[Path]) -> Repository:
    """``repo_url`` (and the branch of ``edit_uri``) of the project's mkdocs.yml, and
    the clone the sources lie in (the folder holding ``.git``; else the book's folder)."""
    url, branch = None, "HEAD"
    if config.is_file():
        try:
            root = yaml.compose(config.read_text(encoding="utf-8"), Loader=YAML_LOADER)
        except yaml.YAMLError:
            root = None
        for key, value in (root.value if isinstance(root, yaml.MappingNode) else []):
            if key.value == "repo_url" and isinstance(value, yaml.ScalarNode) and value.value.startswith(("https://", "http://")):
                url = value.value.rstrip("/")
            elif key.value == "edit_uri" and isinstance(value, yaml.ScalarNode):
                parts = value.value.strip("/").split("/")
                if len(parts) > 1 and parts[0] in ("edit", "blob"):
                    branch = parts[1]
    folder = sources[0].resolve() if sources else None
    folder = folder if folder is None or folder.is_dir() else folder.parent
    # A book is its repository's top folder or one folder in it (docs/, book/).
    clone = next((f for f in ([folder, folder.parent] if folder else []) if (f / ".git").exists()), folder)
    return Repository(url, clone, branch)


# How many folders a link on a repository's page climbs to leave its files for the
# repository's own pages: "../../issues" from a file of the top folder, shown at
# <repository>/blob/<branch>/README.md, leads to <repository>/issues.
BLOB_DEPTH = 2


def _outside_link(link: Link, page: Page, where: str, repository: Repository, report: ImportReport) -> str | None:
    """A link that names no page of the book: kept when it leaves for the web or
    names an anchor of the page; led to the repository's address when it names a
    file of the repository; otherwise made its text, and reported."""
    target, text = link.target, link.text
    path, _, anchor = target.partition("#")
    if SCHEME.match(target):
        return None
    if not path:
        if _loose(anchor) in {_loose(slug) for slug in page.reading().heading_anchors}:
            return None
        report.links_unresolved.append(Note(where, f"#{anchor} (no such heading on this page; "
                                                   "the site has its own 'Back to top' button)"))
        return text
    folder = page.source.parent.resolve()
    root = repository.root or (page.book_root or folder).resolve()
    resolved = Path(os.path.normpath(folder / path))
    climbed = os.path.relpath(resolved, root).split(os.sep)
    above = len(list(itertools.takewhile(lambda part: part == "..", climbed)))
    if repository.url is None:
        report.links_unresolved.append(Note(where, f"{target} (not a page of the book; set repo_url in mkdocs.yml "
                                                   "and import again to link it to the repository)"))
        return text
    if above == 0 and resolved.exists():
        address = f"{repository.url}/blob/{repository.branch}/{'/'.join(climbed)}" + (f"#{anchor}" if anchor else "")
    elif above == BLOB_DEPTH and len(climbed) > above:
        address = f"{repository.url}/{'/'.join(climbed[above:])}" + (f"#{anchor}" if anchor else "")
    else:
        report.links_unresolved.append(Note(where, f"{target} (no such file in the repository)"))
        return text
    report.links_to_repository.append(Note(where, f"{target} -> {address}"))
    return f"[{text}]({address}{link.title})"


def _link_target(path: str, folder: str = "") -> tuple[PageKind, int | str | None] | None:
    """The chapter or appendix a relative link names, by its number or letter;
    ``folder`` is the book folder (chapters, appendices) of the page linking."""
    if not path or SCHEME.match(path):
        return None
    parts = path.strip("/").split("/")
    name = parts[-1]
    if name in ("README.md", "") or path == "/":
        return (PageKind.HOME, None)
    folder = parts[-2] if len(parts) > 1 else folder
    if "." not in name and folder in ("chapters", "appendices"):
        name += ".md"  # docsify resolves a link without its extension
    if not name.endswith(".md"):
        return None
    lowered = name.lower()
    appendix = lowered.startswith("appendix-") or (folder == "appendices" and not lowered.startswith("chapter-"))
    if appendix:
        match = SOURCE_APPENDIX.match(name)
        return (PageKind.APPENDIX, match.group(1).upper()) if match else None
    if folder == "chapters" or lowered.startswith("chapter-"):
        match = SOURCE_CHAPTER.match(name)
        return (PageKind.CHAPTER, int(match.group(1))) if match else None
    return None


def _anchor(anchor: str, page: Page, where: str, report: ImportReport) -> str:
    """The anchor MkDocs gives the heading that a docsify anchor names."""
    wanted = _loose(anchor)
    for slug in page.reading().heading_anchors:
        if _loose(slug) == wanted:
            return slug
    report.links_unresolved.append(Note(where, f"#{anchor} (no such heading in {page.target}; the link goes to the page)"))
    return ""


def _loose(slug: str) -> str:
    return re.sub(r"[^a-z0-9]", "", slug.lower())


# -- parts -----------------------------------------------------------------------------------------


def read_parts(sidebar: Path | None, report: ImportReport) -> list[tuple[str, list[int]]]:
    """Parts from docsify's sidebar: a bold label, then links to its chapters."""
    if sidebar is None:
        return []
    problems: list[Problem] = []
    data = read_bytes(sidebar, MAX_PAGE_BYTES, problems)
    text = _decode(sidebar, data, problems, report) if data is not None else None
    if text is None:
        report.problems.extend(problems)
        return []
    parts: list[tuple[str, list[int]]] = []
    for line in normalise_line_ends(text).split("\n"):
        # "- **DevOps & Infrastructure**", as a list item or a line of its own; the
        # site numbers the parts itself, so a "Part IV:" before the title goes.
        label = re.match(r"^\s*(?:[-*+]\s+)?\*\*(?P<title>[^*]+?)\*\*\s*$", line)
        if label:
            parts.append((PART_NUMBER.sub("", label.group("title")).strip(), []))
            continue
        link = next((link for link in links(line) if not link.image), None)
        target = _link_target(link.target.partition("#")[0]) if link else None
        if parts and target and target[0] is PageKind.CHAPTER and isinstance(target[1], int):
            parts[-1][1].append(target[1])
    return [(title, chapters) for title, chapters in parts if chapters]


def set_parts(config_text: str, parts: list[tuple[str, list[int]]]) -> str:
    """mkdocs.yml with ``extra: skillbook: parts:`` set, the rest of the file as it was."""
    dumped = yaml.dump(
        {"parts": [{"title": title, "chapters": _Inline(chapters)} for title, chapters in parts]},
        Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000,
    ).rstrip("\n").split("\n")
    lines = config_text.split("\n")
    root = yaml.compose(config_text, Loader=YAML_LOADER)
    extra = _entry(root, "extra")
    if extra is None:
        block = ["extra:", "  skillbook:", *("    " + line for line in dumped)]
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join([*lines, "", *block]) + "\n"
    extra_key, extra_value = extra
    _refuse_flow_style(extra_key, extra_value)
    skillbook = _entry(extra_value, "skillbook")
    if skillbook is None:
        indent = _child_indent(extra_value, extra_key.start_mark.column + 2)
        at = extra_key.start_mark.line + 1
        lines[at:at] = [" " * indent + "skillbook:", *(" " * (indent + 2) + line for line in dumped)]
        return "\n".join(lines)
    skillbook_key, skillbook_value = skillbook
    _refuse_flow_style(skillbook_key, skillbook_value)
    indent = _child_indent(skillbook_value, skillbook_key.start_mark.column + 2)
    block = [" " * indent + line for line in dumped]
    current = _entry(skillbook_value, "parts")
    if current is None:
        at = skillbook_key.start_mark.line + 1
        lines[at:at] = block
    else:
        key, value = current
        end = value.end_mark.line + (1 if value.end_mark.column > 0 else 0)
        lines[key.start_mark.line:end] = block
    return "\n".join(lines)


class FlowMappingError(ValueError):
    """A mapping of mkdocs.yml that the parts would go in is written inline
    ({...}), where lines cannot be added: the author rewrites it as a block."""

    def __init__(self, key: yaml.Node):
        self.line = key.start_mark.line + 1
        super().__init__(f"'{key.value}:' is written on one line ({{...}}), where the import cannot add the parts; "
                         f"write its keys on lines of their own under '{key.value}:' and import again")


def _refuse_flow_style(key: yaml.Node, value: yaml.Node) -> None:
    if isinstance(value, yaml.MappingNode) and value.flow_style:
        raise FlowMappingError(key)


def _entry(node: yaml.Node | None, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next(((k, v) for k, v in node.value if k.value == name), None)


def _child_indent(node: yaml.Node, default: int) -> int:
    if isinstance(node, yaml.MappingNode) and node.value and node.flow_style is not True:
        return cast(int, node.value[0][0].start_mark.column)
    return default


# -- skill files ------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks; chapter lists inline, as authors write them."""


class _Inline(list[int | str]):
    pass


_Dumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None),
)
_Dumper.add_representer(_Inline, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True))


def skill_data(skill: SkillFacts, prior: dict[str, Any] | None) -> dict[str, Any]:
    """The skill's fields in the project's order; fields the import knows nothing of
    (related, say) are kept from the file already there."""
    data = dict(prior or {})
    data.update({"id": skill.id, "purpose": skill.purpose})
    if skill.best_for:
        data["best_for"] = skill.best_for
    data["chapters"] = _Inline(skill.chapters)
    if skill.order is not None:
        data["order"] = skill.order
    if skill.introduction:
        data.update(introduction=skill.introduction, when_to_use=skill.when_to_use, key_strengths=skill.key_strengths)
    order = ["id", "purpose", "best_for", "chapters", "order", "related", "introduction", "when_to_use", "key_strengths"]
    return {key: data[key] for key in sorted(data, key=lambda k: order.index(k) if k in order else len(order)) if data[key] != []}


def skill_file_text(data: dict[str, Any]) -> str:
    return SCHEMA_LINE + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000)


def _existing_skill(path: Path) -> dict[str, Any] | None:
    """The fields of a skill file already in the project, read as the book reads it."""
    if not path.is_file():
        return None
    text = read_source(path, [], MAX_SKILL_BYTES)
    loaded = load_yaml(text, str(path), []) if text is not None else None
    return loaded[1] if loaded and isinstance(loaded[1], dict) else None


# -- the import -------------------------------------------------------------------------------------


def import_book(sources: list[Path], project: Path, dry_run: bool = False, force: bool = False) -> ImportReport:
    """Import the sources into the project; returns the report. Nothing is written
    on a dry run, or when an existing file would change without ``force``."""
    report = ImportReport(project, dry_run)
    pages, sidebar = discover(sources, report)
    pages = [page for page in pages if read_page(page, report)]
    if report.problems:
        return report
    for page in pages:
        lengthen_fences(page, report)
    name_pages(pages)
    # Links first: the steps after them change the number of lines, and the report
    # names source lines.
    repository = find_repository(project / "mkdocs.yml", sources)
    for page in pages:
        unwrap_centred_html(page, report)
        rewrite_links(page, pages, report, repository)
        replace_remote_images(page, report)
    skills_dir = project / "skills"
    facts = read_skills(pages, report)
    existing = {skill_id: data for skill_id in facts if (data := _existing_skill(skills_dir / f"{skill_id}.yml"))}
    for page in pages:
        if page.kind is not PageKind.HOME:
            own_tables_to_directives(page, facts)
            introductions_to_directives(page, facts, existing, report)

    # Text files end with a line end, as editors and git expect.
    planned: dict[Path, str] = {project / "docs" / page.target: page.text.rstrip("\n") + "\n" for page in pages}
    report.chapters = sum(page.kind is PageKind.CHAPTER for page in pages)
    report.appendices = sum(page.kind is PageKind.APPENDIX for page in pages)
    report.home = any(page.kind is PageKind.HOME for page in pages)
    for page in pages:
        if page.kind is not PageKind.HOME:
            chapter = parse_chapter(page.target, page.target, page.text, [])
            report.prompts += len(chapter.prompts)
            report.templates += sum(prompt.is_template for prompt in chapter.prompts)

    report.parts = read_parts(sidebar, report)
    config = project / "mkdocs.yml"
    has_parts = False
    if report.parts:
        if not config.is_file():
            report.problems.append(Problem(str(config), 1, "the project has no mkdocs.yml to write the parts to; run the import in a Skillbook project"))
            return report
        config_text = config.read_text(encoding="utf-8")
        try:
            planned[config] = set_parts(config_text, report.parts)
        except FlowMappingError as error:
            report.problems.append(Problem(str(config), error.line, str(error)))
            return report
        # Parts are the import's to write; only parts already set are the author's.
        has_parts = bool(load_options(config, []).parts)

    skill_status: dict[str, str] = {}
    for skill_id, skill in sorted(facts.items()):
        path = skills_dir / f"{skill_id}.yml"
        prior = existing.get(skill_id)
        data = skill_data(skill, prior)
        if prior is not None and prior == data:
            skill_status[skill_id] = "unchanged"
            continue
        planned[path] = skill_file_text(data)
        skill_status[skill_id] = "updated" if path.exists() else "created"

    for path, text in planned.items():
        relative = path.relative_to(project).as_posix()
        if not path.exists():
            report.files_created.append(relative)
        elif path.read_text(encoding="utf-8", errors="replace") == text:
            report.files_unchanged.append(relative)
        elif force or (path == config and not has_parts):
            report.files_updated.append(relative)
        else:
            report.conflicts.append(relative)
    # A chapter already in the project under another name would be the book's twice.
    replaced = _replaced_pages(project / "docs", pages)
    for old, new in replaced:
        relative = old.relative_to(project).as_posix()
        key = chapter_key(old.name)
        for path in sorted(skills_dir.glob("*.yml")) if skills_dir.is_dir() else []:
            data = _existing_skill(path) if path.stem not in facts else None
            if data and key in data.get("chapters", []):
                report.skills_to_review.append(Note(
                    path.relative_to(project).as_posix(),
                    f"names {relative}'s {'appendix' if isinstance(key, str) else 'chapter'} {key}, now {new}: "
                    "fix its 'chapters:' or delete the file"))
        if force:
            report.files_replaced.append(f"{relative} (now {new})")
        else:
            report.conflicts.append(f"{relative} (holds the same {'appendix' if old.name.startswith('appendix-') else 'chapter'} as {new})")
    for skill_id, status in skill_status.items():
        getattr(report, f"skills_{status}").append(skill_id)
    if dry_run or report.failed:
        return report
    for old, _ in replaced:
        old.unlink()
    for path, text in planned.items():
        if path.relative_to(project).as_posix() in report.files_unchanged:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return report


def _replaced_pages(docs: Path, pages: list[Page]) -> list[tuple[Path, str]]:
    """Chapters and appendices of the project that an imported page of the same
    number or letter, under another file name, replaces."""
    incoming = {page.key: page.target for page in pages if page.kind is not PageKind.HOME}
    return [
        (path, f"docs/{incoming[key]}") for path in sorted(docs.glob("*.md"))
        if (key := chapter_key(path.name)) in incoming and incoming[key] != path.name
    ] if docs.is_dir() else []
