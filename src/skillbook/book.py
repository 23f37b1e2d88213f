"""Loads the whole book (skills and chapters), links its parts together and
validates it. Everything a renderer needs is answered here."""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar, cast
from pathlib import Path

from skillbook import build_cache
from skillbook.build_cache import BuildCache
from skillbook.chapters import chapter_key, parse_chapter, parse_document
from skillbook.collection import Collection, load_collection
from skillbook.directives import DIRECTIVES
from skillbook.model import PROMPT_LIBRARY, SKILLS_CATALOG, Chapter, Directive, Document, Prompt, Skill, prompt_uri, skill_uri
from skillbook.options import BookOptions, load_options
from skillbook.options import Part as BookPart
from skillbook.placeholders import names_no_skill
from skillbook.problems import Problem, Severity
from skillbook.prompt_parts import MENTION, Part, prompt_parts
from skillbook.published import LOCK_FILE, check_published, read_lock
from skillbook.skill_ids import MENTION as SKILL_MENTION, SKILL_ID
from skillbook.skills import is_skill_file, parse_skill
from skillbook.sources import MAX_SKILL_BYTES, project_files, read_source
from skillbook.text import count, prompt_slug

# The folder of skill files, beside docs/.
SKILLS_FOLDER = "skills"
# Ids a generated page already uses in the folders skills/ and prompts/.
RESERVED_IDS = {"index"}
# Prompt ids follow the rule of skill ids.
PROMPT_ID = SKILL_ID
LOOKS_LIKE_CHAPTER = re.compile(r"^(?:chapter[-_ ]?\d|appendix[-_ ]?[a-z](?:[-_ .]|$))", re.IGNORECASE)


class Introduction(NamedTuple):
    """Where a chapter introduces a skill (``skill-introduction``)."""

    chapter: Chapter
    section_title: str | None


class SectionMention(NamedTuple):
    """A section of a chapter whose text names a skill (``@docker-expert``):
    where a reader finds the skill discussed beyond its own prompts."""

    src_uri: str
    chapter_title: str
    # The heading the mention sits under, and its anchor; None above the first
    # heading under the title.
    section_title: str | None
    anchor: str | None


class ChapterGroup(NamedTuple):
    """Chapters grouped as the navigation shows them: a part, or the appendices."""

    title: str
    chapters: list[Chapter]


@dataclass
class Book:
    skills: dict[str, Skill]
    chapters: list[Chapter]
    problems: list[Problem] = field(default_factory=list)
    # Pages other than chapters, by their path in docs/.
    documents: dict[str, Document] = field(default_factory=dict)
    # Files of docs/ that must not reach the site: links out of the project, and
    # pages that could not be read safely (too large, not UTF-8, not a file).
    refused: set[str] = field(default_factory=set)
    options: BookOptions = field(default_factory=BookOptions)
    # Ids (file names) of skills whose file has errors: references to them are not
    # reported again, and their pages say the file has errors.
    invalid_skills: set[str] = field(default_factory=set)
    # The collection of skills the book is written about (``collection:`` in the
    # options), whose problems are warnings of their own: the collection is
    # another project's, so they never fail a strict build.
    collection: Collection | None = None
    # Every file of docs/ that reaches the site, by its path there.
    files: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # With two prompts of one id (an error), the first keeps it.
        self.prompts: dict[str, Prompt] = {}
        for prompt in (p for c in self.chapters for p in c.prompts):
            self.prompts.setdefault(prompt.id, prompt)
        self._chapters_by_key: dict[int | str | None, Chapter] = {c.key: c for c in self.chapters}
        self._chapter_order = {c.key: index for index, c in enumerate(self.chapters)}
        self._prompts_by_skill: dict[str, list[Prompt]] = defaultdict(list)
        for prompt in self.prompts.values():
            if prompt.skill_id is not None:
                self._prompts_by_skill[prompt.skill_id].append(prompt)
        self._skills_by_chapter: dict[int | str, list[Skill]] = defaultdict(list)
        for skill in sorted(self.skills.values(), key=lambda s: s.sort_key):
            for key in dict.fromkeys(skill.chapters):
                self._skills_by_chapter[key].append(skill)
        self._related: dict[str, set[str]] = defaultdict(set)
        for skill in self.skills.values():
            for other in skill.related:
                if other in self.skills and other != skill.id:
                    self._related[skill.id].add(other)
                    self._related[other].add(skill.id)
        self._prompt_parts: dict[str, list[Part]] = {}
        # Where a chapter introduces a skill: skill id -> (chapter, its section's title).
        self.introductions: dict[str, Introduction] = {}
        for chapter in self.chapters:
            for directive in chapter.directives:
                if directive.name == "skill-introduction" and directive.args:
                    self.introductions.setdefault(directive.args[0], Introduction(chapter, directive.section_title))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def chapter(self, key: int | str | None) -> Chapter | None:
        """The chapter of a number, or the appendix of a letter."""
        return self._chapters_by_key.get(key)

    def chapter_by_uri(self, src_uri: str) -> Chapter | None:
        chapter = self.chapter(chapter_key(src_uri))
        return chapter if chapter and chapter.src_uri == src_uri else None

    @property
    def templates(self) -> list[Prompt]:
        return [p for p in self.prompts.values() if p.is_template]

    def part_of(self, chapter: Chapter) -> BookPart | None:
        """The part a chapter is in, when the book has parts (an appendix is in none)."""
        if chapter.is_appendix:
            return None
        return next((part for part in self.options.parts if chapter.number in part.chapters), None)

    def groups(self) -> list[ChapterGroup]:
        """The chapters as the navigation, the home page and the library group them:
        by part when the book has parts (chapters in none come after them), then
        the appendices."""
        chapters = [c for c in self.chapters if not c.is_appendix]
        appendices = [c for c in self.chapters if c.is_appendix]
        groups: list[ChapterGroup] = []
        if self.options.parts:
            for part in self.options.parts:
                groups.append(ChapterGroup(part.label, [c for n in part.chapters if (c := self.chapter(n)) is not None]))
            placed = {n for part in self.options.parts for n in part.chapters}
            groups.append(ChapterGroup("Other chapters", [c for c in chapters if c.number not in placed]))
        else:
            groups.append(ChapterGroup("Chapters", chapters))
        groups.append(ChapterGroup("Appendices", appendices))
        return [group for group in groups if group.chapters]

    @staticmethod
    def by_skill(prompts: list[Prompt]) -> list[tuple[str | None, list[Prompt]]]:
        """Prompts grouped by skill id, in id order; prompts that name no skill last."""
        groups: dict[str | None, list[Prompt]] = defaultdict(list)
        for prompt in prompts:
            groups[prompt.skill_id].append(prompt)
        return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))

    def skills_in_chapter(self, chapter: Chapter) -> list[Skill]:
        return self._skills_by_chapter.get(chapter.key, [])

    def prompts_for(self, skill: Skill) -> list[Prompt]:
        return self._prompts_by_skill.get(skill.id, [])

    def chapter_of(self, prompt: Prompt) -> Chapter:
        """The chapter a prompt of the book is in."""
        chapter = self.chapter(prompt.chapter_key)
        assert chapter is not None, f"prompt {prompt.id} is in no chapter of the book"
        return chapter

    def neighbours(self, prompt: Prompt) -> tuple[Prompt | None, Prompt | None]:
        """The prompts before and after ``prompt`` in its chapter, if any."""
        prompts = [p for p in self.chapter_of(prompt).prompts if self.prompts.get(p.id) is p]
        at = prompts.index(prompt)
        return (prompts[at - 1] if at > 0 else None), (prompts[at + 1] if at + 1 < len(prompts) else None)

    def chapters_of(self, skill: Skill) -> list[Chapter]:
        """Chapters that list the skill in their table or hold one of its prompts."""
        keys = set(skill.chapters) | {p.chapter_key for p in self.prompts_for(skill)}
        return [self.chapters[i] for i in sorted(self._chapter_order[k] for k in keys if k in self._chapter_order)]

    def mentions_of(self, skill: Skill) -> list[SectionMention]:
        """The sections that name the skill in their prose, tables or other skills'
        prompts, in the book's order (its own prompts are listed with it already;
        other code blocks are code, not mentions)."""
        return self._mentions.get(skill.id, [])

    @functools.cached_property
    def _mentions(self) -> dict[str, list[SectionMention]]:
        found: dict[str, dict[SectionMention, None]] = defaultdict(dict)
        for chapter in self.chapters:
            for line, skill_id in _skill_mentions(chapter, self.skills):
                heading = next((h for h in reversed(chapter.headings) if h.level > 1 and h.line <= line), None)
                found[skill_id][SectionMention(
                    chapter.src_uri, chapter.plain_title,
                    heading.plain_title if heading else None, heading.slug if heading else None)] = None
        return {skill_id: list(mentions) for skill_id, mentions in found.items()}

    def related(self, skill: Skill) -> list[Skill]:
        return [self.skills[i] for i in sorted(self._related[skill.id], key=lambda i: self.skills[i].sort_key)]

    def prompt_parts(self, prompt: Prompt) -> list[Part]:
        """The prompt's text in parts (skill invocations of this book, placeholders,
        text), split once for all the cards that show it."""
        if prompt.text not in self._prompt_parts:
            self._prompt_parts[prompt.text] = prompt_parts(prompt.text, self.skills)
        return self._prompt_parts[prompt.text]

    def is_unwritten(self, href: str) -> bool:
        """Whether a link to a chapter file points at a chapter the book does not have yet."""
        return self.chapter(chapter_key(href)) is None


# What a source file is read into: a skill (None when its file has errors), a chapter or another page.
Parsed = TypeVar("Parsed", bound=Skill | Document | None)
# The cache's kind of entry for a parsed source file.
PARSED = "parsed"


@dataclass(frozen=True)
class ParsedFile:
    """A source file's text, what it was read into, and the problems found in it."""

    text: str
    reader: str
    result: Skill | Document | None
    problems: list[Problem]


class ParsedSources:
    """What each source file was read into, with the problems found in it, kept
    with the file's text: a book loaded again (under ``mkdocs serve``, on every
    save) parses only the files whose text changed. Parsed skills and chapters
    are never changed afterwards, so two books may share them. With a
    :class:`BuildCache`, what was parsed is kept across runs too, by the file's
    path, text and reader."""

    def __init__(self, store: BuildCache | None = None) -> None:
        self._parsed: dict[str, ParsedFile] = {}
        self._store = store

    def parse(
        self, path: Path, text: str, problems: list[Problem], parse: Callable[[list[Problem]], Parsed], reader: str,
    ) -> Parsed:
        """``parse(problems)``'s result for the file at ``path`` holding ``text``;
        ``reader`` names what ``parse`` reads it as, with what it depends on
        besides the path and the text."""
        key = str(path)
        kept = self._parsed.get(key)
        if kept is None or kept.text != text or kept.reader != reader:
            kept = self._parsed[key] = self._read(path, text, parse, reader)
        problems.extend(kept.problems)
        # A path is always read by the same reader: a skill file's into a skill, a page's into a page.
        return cast(Parsed, kept.result)

    def _read(self, path: Path, text: str, parse: Callable[[list[Problem]], Parsed], reader: str) -> ParsedFile:
        entry_key = build_cache.key(str(path), text, reader)
        stored = self._store.get_model(PARSED, entry_key) if self._store is not None else None
        if stored is not None:
            result, found = stored
            return ParsedFile(text, reader, result, found)
        found = []
        result = parse(found)
        if self._store is not None:
            self._store.put_model(PARSED, entry_key, (result, found))
        return ParsedFile(text, reader, result, found)


def load_book(
    docs_dir: Path | str, skills_dir: Path | str, root: Path | str | None = None, config_file: Path | str | None = None,
    parsed: ParsedSources | None = None,
) -> Book:
    """Read the book's options (from ``config_file``, mkdocs.yml), every skill and
    every chapter. Problems are collected on ``book.problems``, sorted by file and
    line; the book is as complete as the sources allow. Sources are read only
    inside ``root``, the project (by default the folder holding ``skills_dir``).
    With ``parsed``, files whose text it has seen are not parsed again."""
    parsed = parsed if parsed is not None else ParsedSources()
    docs_dir, skills_dir = Path(docs_dir), Path(skills_dir)
    root = Path(root) if root is not None else skills_dir.parent
    problems: list[Problem] = []
    refused: set[str] = set()
    options = load_options(config_file, problems) if config_file is not None else BookOptions()

    skills: dict[str, Skill] = {}
    # Skills whose file has errors: references to them are not reported again.
    invalid: set[str] = set()
    if not skills_dir.is_dir():
        problems.append(Problem(str(skills_dir), 1, "skills folder not found; create it with one <id>.yml file per skill"))
    else:
        for path in filter(is_skill_file, project_files(skills_dir, root, problems, refused)):
            text = read_source(path, problems, MAX_SKILL_BYTES)
            skill = None if text is None else parsed.parse(path, text, problems, functools.partial(parse_skill, path, text), "skill")
            if skill is None:
                invalid.add(path.stem)
            elif skill.id in skills:
                problems.append(Problem(
                    skill.path, skill.lines.get("id", 1),
                    f"duplicate skill id '{skill.id}', also in {skills[skill.id].path}; keep one of the two files",
                ))
            else:
                skills[skill.id] = skill

    chapters: list[Chapter] = []
    documents: dict[str, Document] = {}
    docs_files = project_files(docs_dir, root, problems, refused)
    for path in docs_files:
        if path.suffix != ".md":
            continue
        text = read_source(path, problems, markdown=True)
        if text is None:
            refused.add(str(path))
            continue
        src_uri = path.relative_to(docs_dir).as_posix()
        if src_uri != path.name or chapter_key(path.name) is None:
            if LOOKS_LIKE_CHAPTER.match(path.name):
                problems.append(Problem(
                    str(path), 1,
                    "this looks like a chapter or an appendix, but only docs/chapter-<number>-<slug>.md and "
                    f"docs/appendix-<letter>-<slug>.md files are (lower-case slug); rename it to docs/{_page_name(path.name)}, "
                    "or its prompts stay plain code",
                    Severity.WARNING,
                ))
            documents[src_uri] = parsed.parse(
                path, text, problems, lambda found: parse_document(src_uri, str(path), text, found), f"page {src_uri}",
            )
            if documents[src_uri].refused:
                refused.add(str(path))
            continue
        chapter = parsed.parse(path, text, problems, lambda found: parse_chapter(path.name, str(path), text, found), "chapter")
        if chapter.refused:
            refused.add(str(path))
        other = next((c for c in chapters if c.key == chapter.key), None)
        if other is not None:
            problems.append(Problem(str(path), 1, f"{chapter.name} is also {other.path}; give each its own {'letter' if chapter.is_appendix else 'number'}"))
            continue
        chapters.append(chapter)
    chapters.sort(key=lambda c: c.sort_key)

    collection = load_collection(options.collection) if options.collection is not None else None
    book = Book(skills, chapters, problems, documents, refused, options, invalid, collection)
    book.files = {path.relative_to(docs_dir).as_posix() for path in docs_files if str(path) not in refused}
    _validate(book)
    lock = read_lock(root / LOCK_FILE, problems)
    if lock is not None:
        problems.extend(check_published(lock, chapters, skills, str(root / LOCK_FILE)))
    book.problems.sort(key=lambda p: (p.path, p.line))
    return book


def _page_name(name: str) -> str:
    """The chapter or appendix file name meant by a name that is almost one."""
    match = re.match(r"^(chapter|appendix)[-_ ]?(\d+|[a-z])(?:[-_ .]+(.*?))?\.md$", name, re.IGNORECASE)
    if match is None:
        return "chapter-<number>-<slug>.md"
    kind, key, rest = match.group(1).lower(), match.group(2).lower(), match.group(3) or ""
    return f"{kind}-{int(key) if key.isdigit() else key}-{prompt_slug(rest) or 'title'}.md"


def _title_line(chapter: Chapter, prompt: Prompt) -> int:
    """The line of the prompt's heading, where it has one, else of its fence."""
    return chapter.body_offset + prompt.start + 1 if prompt.heading_level else prompt.line


def _did_you_mean(name: str, known: list[str], prefix: str = "@", renamed: dict[str, Skill] | None = None) -> str:
    """A fix for an unknown skill, written as it is written where it is used. A name
    that a skill file is named after but whose ``id:`` says otherwise was most
    likely changed there: the fix is in that file, not in every chapter."""
    if renamed and name in renamed:
        skill = renamed[name]
        return (f"{skill.path} now says 'id: {skill.id}'; set it back to 'id: {name}', or rename the skill "
                "everywhere the book uses it")
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"did you mean '{prefix}{close[0]}'?" if close else f"add skills/{name}.yml or fix the name"


def _renamed(book: Book) -> dict[str, Skill]:
    """Skills whose file is named after another id, by that name."""
    return {Path(s.path).stem: s for s in book.skills.values() if Path(s.path).stem != s.id}


def _validate(book: Book) -> None:
    exists = set(book.skills) | set(book.invalid_skills)
    for skill in book.skills.values():
        _validate_skill(book, skill, exists)
    seen: dict[str, tuple[Chapter, Prompt]] = {}
    for chapter in book.chapters:
        _validate_chapter(book, chapter, exists, seen)
        for directive in chapter.directives:
            _validate_directive(book, chapter.path, directive, exists, in_chapter=True)
    for document in book.documents.values():
        for directive in document.directives:
            _validate_directive(book, document.path, directive, exists, in_chapter=False)
    _validate_parts(book)
    _validate_former_ids(book)
    _validate_links(book)


def _page_anchors(page: Document) -> set[str]:
    """Every anchor a page of docs/ has once built: its Markdown's, and in a chapter
    its prompt cards' and skill introductions'."""
    if not isinstance(page, Chapter):
        return page.anchors
    return page.anchors | {p.id for p in page.prompts} | {a for p in page.prompts for a in p.former_ids} | {
        f"introducing-{d.args[0]}" for d in page.directives if d.name == "skill-introduction" and d.args}


def _skill_mentions(chapter: Chapter, skills: dict[str, Skill]) -> list[tuple[int, str]]:
    """Each ``@skill-id`` of the book's skills in a chapter, as (file line, id),
    outside code blocks other than prompts, and outside the skill's own prompts."""
    prompt_of_line = {line: prompt for prompt in chapter.prompts for line in range(prompt.start, prompt.end)}
    found = []
    for index, text in enumerate(chapter.body.split("\n")):
        if "@" not in text:
            continue
        prompt = prompt_of_line.get(index)
        if index in chapter.code_lines and prompt is None:
            continue
        for match in SKILL_MENTION.finditer(text):
            skill_id = match.group("id")
            if skill_id in skills and (prompt is None or prompt.skill_id != skill_id):
                found.append((chapter.body_offset + index + 1, skill_id))
    return found


def _validate_links(book: Book) -> None:
    """A relative link must lead to a file of docs/ or a page the book generates,
    and its anchor to one the page has: MkDocs warns of these without a line (and
    --strict fails), so they are warnings here too, at their line."""
    pages: dict[str, Document] = {**book.documents, **{c.src_uri: c for c in book.chapters}}
    generated = {SKILLS_CATALOG, PROMPT_LIBRARY} | {skill_uri(i) for i in book.invalid_skills} | {
        skill_uri(i) for s in book.skills.values() for i in (s.id, *s.former_ids)} | {
        prompt_uri(i) for p in book.prompts.values() for i in (p.id, *p.former_ids)}
    for src_uri, page in pages.items():
        for link in page.page_links:
            target_uri = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), link.path)) if link.path else src_uri
            if target_uri == ".." or target_uri.startswith("../"):
                book.problems.append(Problem(
                    page.path, link.line,
                    f"link to '{link.path}' leads out of docs/, which the site does not publish; link to the file's "
                    "address on the repository (https://...), or copy it into docs/",
                    Severity.WARNING,
                ))
                continue
            if chapter_key(posixpath.basename(target_uri)) is not None and target_uri not in pages:
                continue  # a chapter not written yet ("coming soon") or named wrongly: reported as such
            known = target_uri in book.files or target_uri in generated
            if not known:
                close = difflib.get_close_matches(target_uri, sorted(book.files | generated), n=1, cutoff=0.6)
                fix = f"did you mean '{posixpath.relpath(close[0], posixpath.dirname(src_uri) or '.')}'?" if close \
                    else "fix the link, or add the file to docs/"
                book.problems.append(Problem(page.path, link.line, f"link to '{link.path}', which is not a file of docs/ "
                                                                   f"nor a page the book makes; {fix}", Severity.WARNING))
                continue
            target = pages.get(target_uri)
            if not link.anchor or target is None or target.refused:
                continue  # the anchors of generated pages are the book's own
            anchors = _page_anchors(target)
            if link.anchor in anchors:
                continue
            close = difflib.get_close_matches(link.anchor, sorted(anchors), n=1, cutoff=0.6)
            fix = f"did you mean '#{close[0]}'?" if close else "link to a heading of that page, or pin an anchor with '{#" + link.anchor + "}'"
            where = "this page" if target is page else target_uri
            book.problems.append(Problem(page.path, link.line, f"link to '#{link.anchor}', but {where} has no such anchor; {fix}",
                                         Severity.WARNING))


def _validate_former_ids(book: Book) -> None:
    """A former id keeps an old address working, so it must be a valid id that no
    current skill (or prompt) has, and be listed once."""
    skills = [(s.id, s.former_ids, s.path, s.lines.get("former_ids", 1)) for s in book.skills.values()]
    prompts = [(p.id, p.former_ids, c.path, _title_line(c, p)) for c in book.chapters for p in c.prompts]
    for kind, owners, current in (("skill", skills, set(book.skills)), ("prompt", prompts, set(book.prompts))):
        listed: dict[str, str] = {}
        for owner, former_ids, path, line in owners:
            for former in former_ids:
                if not PROMPT_ID.match(former):
                    book.problems.append(Problem(path, line, f"former id '{former}' is not an id: use lower-case letters, digits and hyphens"))
                elif former in current:
                    book.problems.append(Problem(
                        path, line,
                        f"former id '{former}' of {kind} '{owner}' is the id of a current {kind}, whose page must keep "
                        "its address; remove it from the former ids",
                    ))
                elif former in listed:
                    book.problems.append(Problem(path, line, f"former id '{former}' is already listed by {kind} '{listed[former]}'; list it once"))
                listed.setdefault(former, owner)


def _validate_parts(book: Book) -> None:
    """Parts name chapters of the book, and every chapter has a part once there are parts."""
    parts = book.options.parts
    for part in parts:
        for number in part.chapters:
            if book.chapter(number) is None:
                book.problems.append(Problem(
                    book.options.path, part.line,
                    f"part '{part.title}' lists chapter {number}, which the book does not have "
                    f"(no docs/chapter-{number}-*.md); remove it from the part",
                    Severity.WARNING,
                ))
    placed = {n for part in parts for n in part.chapters}
    for chapter in book.chapters:
        if parts and not chapter.is_appendix and chapter.number not in placed:
            book.problems.append(Problem(
                chapter.path, 1,
                f"chapter {chapter.number} is in no part; add {chapter.number} to the 'chapters:' of a part "
                f"under 'extra: skillbook: parts:' in {Path(book.options.path).name}",
                Severity.WARNING,
            ))


def _validate_skill(book: Book, skill: Skill, exists: set[str]) -> None:
    problems = book.problems
    if skill.id in RESERVED_IDS:
        problems.append(Problem(skill.path, skill.lines.get("id", 1), f"'{skill.id}' is reserved for the skills catalog; choose another id"))
    for other in skill.related:
        if other == skill.id:
            problems.append(Problem(skill.path, skill.lines.get("related", 1), f"skill '{skill.id}' lists itself as related; remove it"))
        elif other not in exists:
            close = difflib.get_close_matches(other, sorted(exists), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "remove it or add its skill file"
            problems.append(Problem(skill.path, skill.lines.get("related", 1), f"related skill '{other}' does not exist; {hint}"))
    missing = [key for key in skill.chapters if book.chapter(key) is None]
    for key in missing:
        file = f"appendix-{key.lower()}" if isinstance(key, str) else f"chapter-{key}"
        problems.append(Problem(
            skill.path, skill.lines.get("chapters", 1),
            f"{'appendix' if isinstance(key, str) else 'chapter'} {key} is not in the book yet (no docs/{file}-*.md); "
            "the skill is listed once it is",
            Severity.WARNING,
        ))
    if not book.chapters_of(skill) and not missing:
        problems.append(Problem(
            skill.path, skill.lines.get("chapters", 1),
            f"no chapter uses skill '{skill.id}'; list a chapter under 'chapters:' or delete the file",
            Severity.WARNING,
        ))


def _validate_chapter(book: Book, chapter: Chapter, exists: set[str], seen: dict[str, tuple[Chapter, Prompt]]) -> None:
    problems = book.problems
    anchors = {h.slug: h.line for h in chapter.headings}
    for directive in chapter.directives:
        if directive.name != "skill-introduction" or not directive.args:
            continue
        anchor = f"introducing-{directive.args[0]}"
        if anchor in anchors:
            problems.append(Problem(
                chapter.path, directive.line,
                f"@{directive.args[0]} is introduced twice in this chapter (or a heading's anchor is '{anchor}', "
                f"line {anchors[anchor]}); keep one introduction",
            ))
        anchors[anchor] = directive.line
    for prompt in chapter.prompts:
        where = (chapter.path, _title_line(chapter, prompt))
        if prompt.skill_id is not None and prompt.skill_id not in exists:
            problems.append(Problem(
                chapter.path, prompt.line + 1,  # the prompt's first line, which names the skill
                f"prompt '{prompt.plain_title}' uses unknown skill '@{prompt.skill_id}'; "
                f"{_did_you_mean(prompt.skill_id, sorted(exists), renamed=_renamed(book))}",
            ))
        _check_mentions(book, chapter, prompt, exists)
        if prompt.id in RESERVED_IDS or not PROMPT_ID.match(prompt.id):
            problems.append(Problem(
                *where,
                f"prompt '{prompt.plain_title}' has the id '{prompt.id}', which cannot be a page name; pin one made of "
                "lower-case letters, digits and hyphens by ending its heading with '{#my-prompt-id}'",
            ))
        if prompt.id in seen:
            first_chapter, first = seen[prompt.id]
            problems.append(Problem(
                *where,
                f"prompt id '{prompt.id}' is already used by '{first.plain_title}' ({first_chapter.path}:{_title_line(first_chapter, first)}); "
                "pin a unique id by ending this prompt's heading with '{#a-new-id}'",
            ))
        else:
            seen[prompt.id] = (chapter, prompt)
        if prompt.id in anchors:
            problems.append(Problem(
                *where,
                f"prompt id '{prompt.id}' is also the anchor of the heading on line {anchors[prompt.id]}, "
                "so links to that heading would land on this card; pin another id with '{#a-new-id}'",
            ))
    for link in chapter.chapter_links:
        target = book.chapter(chapter_key(link.href))
        if target is not None and target.src_uri != link.href:
            problems.append(Problem(chapter.path, link.line, f"link to '{link.href}', but {target.name} is '{target.src_uri}'; fix the link"))
    for mention in chapter.code_mentions:
        if mention.skill_id in book.skills:
            problems.append(Problem(
                chapter.path, mention.line,
                f"this {mention.language} block starts with @{mention.skill_id} but is not a prompt card; "
                "if it is a prompt, fence it as ```text",
                Severity.WARNING,
            ))


def _check_mentions(book: Book, chapter: Chapter, prompt: Prompt, exists: set[str]) -> None:
    """An ``@skill`` later in a prompt that no skill file defines is left as written
    by the assistant switch; a warning names the closest skill."""
    for mention in list(MENTION.finditer(prompt.text))[1:]:
        name = mention.group("id").rstrip("-")
        if name in exists or names_no_skill(name):
            continue
        close = difflib.get_close_matches(name, sorted(exists), n=1, cutoff=0.8)
        if "-" not in name and not close:
            continue  # a handle such as @team, not a skill id
        fix = _did_you_mean(name, sorted(exists), renamed=_renamed(book)) if close or name in _renamed(book) \
            else f"add skills/{name}.yml, fix the name, or write it without '@'"
        book.problems.append(Problem(
            chapter.path, prompt.line + 1 + prompt.text.count("\n", 0, mention.start()),
            f"prompt '{prompt.plain_title}' mentions unknown skill '@{name}', which no assistant can invoke; {fix}",
            Severity.WARNING,
        ))


def _validate_directive(book: Book, path: str, directive: Directive, exists: set[str], in_chapter: bool) -> None:
    problems = book.problems
    spec = DIRECTIVES.get(directive.name)
    if spec is None:
        problems.append(Problem(path, directive.line, f"unknown directive 'skillbook: {directive.name}'; known: {', '.join(DIRECTIVES)}"))
    elif spec.chapters_only and not in_chapter:
        problems.append(Problem(path, directive.line, f"'{directive.name}' renders a chapter's content, so it can only stand in a chapter file"))
    elif len(directive.args) != spec.arguments:
        usage = f"<!-- skillbook: {directive.name}{' <skill-id>' * spec.arguments} -->"
        problems.append(Problem(
            path, directive.line,
            f"directive '{directive.name}' takes {count(spec.arguments, 'argument')}, got {len(directive.args)}; write '{usage}'",
        ))
    elif directive.name == "skill-introduction":
        skill_id = directive.args[0]
        skill = book.skills.get(skill_id)
        if skill_id not in exists:
            problems.append(Problem(path, directive.line, f"skill-introduction names unknown skill '{skill_id}'; "
                                                          f"{_did_you_mean(skill_id, sorted(exists), prefix='', renamed=_renamed(book))}"))
        elif skill is not None and not skill.introduction:
            problems.append(Problem(path, directive.line, f"skill '{skill.id}' has no 'introduction:' in {skill.path}; add one"))
