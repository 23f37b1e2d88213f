"""Loads the whole book (skills and chapters), links its parts together and
validates it. Everything a renderer needs is answered here."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from skillbook.chapters import chapter_number, parse_chapter, parse_document
from skillbook.model import Chapter, Directive, Document, PlannedChapterLink, Prompt, Skill
from skillbook.problems import BookError, Problem, Severity
from skillbook.skills import load_skill, skill_files
from skillbook.sources import read_source

# Ids a generated page already uses in the folders skills/ and prompts/.
RESERVED_IDS = {"index"}
PROMPT_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DIRECTIVES = {"skills-table": 0, "skill-introduction": 1, "book-stats": 0, "chapter-list": 0}


@dataclass
class Book:
    skills: dict[str, Skill]
    chapters: list[Chapter]
    problems: list[Problem] = field(default_factory=list)
    # Pages other than chapters that use directives, by their path in docs/.
    documents: dict[str, Document] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.prompts: dict[str, Prompt] = {p.id: p for c in self.chapters for p in c.prompts}
        self._chapters_by_number = {c.number: c for c in self.chapters}
        self._prompts_by_skill: dict[str, list[Prompt]] = defaultdict(list)
        for prompt in self.prompts.values():
            self._prompts_by_skill[prompt.skill_id].append(prompt)
        self._related: dict[str, set[str]] = defaultdict(set)
        for skill in self.skills.values():
            for other in skill.related:
                if other in self.skills:
                    self._related[skill.id].add(other)
                    self._related[other].add(skill.id)
        # Where a chapter introduces a skill: skill id -> (chapter, its (id, title) section).
        self.introductions: dict[str, tuple[Chapter, tuple[str, str] | None]] = {}
        for chapter in self.chapters:
            for directive in chapter.directives:
                if directive.name == "skill-introduction" and directive.args:
                    self.introductions.setdefault(directive.args[0], (chapter, directive.section))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def chapter(self, number: int) -> Chapter | None:
        return self._chapters_by_number.get(number)

    def chapter_by_uri(self, src_uri: str) -> Chapter | None:
        number = chapter_number(src_uri)
        chapter = self.chapter(number) if number is not None else None
        return chapter if chapter and chapter.src_uri == src_uri else None

    def skills_in_chapter(self, chapter: Chapter) -> list[Skill]:
        return sorted((s for s in self.skills.values() if chapter.number in s.chapters), key=lambda s: s.sort_key)

    def prompts_for(self, skill: Skill) -> list[Prompt]:
        return self._prompts_by_skill.get(skill.id, [])

    def chapters_of(self, skill: Skill) -> list[Chapter]:
        """Chapters that list the skill in their table or hold one of its prompts."""
        numbers = set(skill.chapters) | {p.chapter_number for p in self.prompts_for(skill)}
        return [c for c in self.chapters if c.number in numbers]

    def related(self, skill: Skill) -> list[Skill]:
        return [self.skills[i] for i in sorted(self._related[skill.id], key=lambda i: self.skills[i].sort_key)]

    def is_planned(self, link: PlannedChapterLink) -> bool:
        """A link to a chapter file that is not in the book yet."""
        number = chapter_number(link.href)
        chapter = self.chapter(number) if number is not None else None
        return chapter is None or chapter.src_uri != link.href

    def raise_for_errors(self) -> None:
        if self.errors:
            raise BookError(self.errors)


def load_book(docs_dir: Path | str, skills_dir: Path | str) -> Book:
    """Read every skill and chapter. Problems are collected on ``book.problems``;
    the book is as complete as the sources allow."""
    docs_dir, skills_dir = Path(docs_dir), Path(skills_dir)
    problems: list[Problem] = []

    skills: dict[str, Skill] = {}
    # Skills whose file has errors: references to them are not reported again.
    invalid: set[str] = set()
    if not skills_dir.is_dir():
        problems.append(Problem(str(skills_dir), 1, "skills folder not found; create it with one <id>.yml file per skill"))
    else:
        for path in skill_files(skills_dir):
            skill = load_skill(path, problems)
            if skill is None:
                invalid.add(path.stem)
                continue
            if skill.id in skills:
                problems.append(Problem(
                    skill.path, skill.lines.get("id", 1),
                    f"duplicate skill id '{skill.id}', also in {skills[skill.id].path}; keep one of the two files",
                ))
                continue
            skills[skill.id] = skill

    chapters: list[Chapter] = []
    documents: dict[str, Document] = {}
    for path in sorted(docs_dir.rglob("*.md")):
        text = read_source(path, problems)
        if text is None:
            continue
        if path.parent != docs_dir or chapter_number(path.name) is None:
            document = parse_document(path.relative_to(docs_dir).as_posix(), str(path), text)
            if document.directives:
                documents[document.src_uri] = document
            continue
        chapter = parse_chapter(path.name, str(path), text, problems)
        other = next((c for c in chapters if c.number == chapter.number), None)
        if other is not None:
            problems.append(Problem(str(path), 1, f"chapter {chapter.number} is also {other.path}; give each chapter its own number"))
            continue
        chapters.append(chapter)
    chapters.sort(key=lambda c: c.number)

    book = Book(skills, chapters, problems, documents)
    _validate(book, invalid)
    book.problems.sort(key=lambda p: (p.path, p.line))
    return book


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"did you mean '@{close[0]}'?" if close else f"add skills/{name}.yml or fix the name"


def _validate(book: Book, invalid: set[str]) -> None:
    problems = book.problems
    exists = set(book.skills) | invalid
    known = sorted(exists)

    for skill in book.skills.values():
        if skill.id in RESERVED_IDS:
            problems.append(Problem(skill.path, skill.lines.get("id", 1), f"'{skill.id}' is reserved for the skills catalog; choose another id"))
        for other in skill.related:
            if other not in exists:
                close = difflib.get_close_matches(other, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "remove it or add its skill file"
                problems.append(Problem(skill.path, skill.lines.get("related", 1), f"related skill '{other}' does not exist; {hint}"))
        for number in skill.chapters:
            if book.chapter(number) is None:
                problems.append(Problem(
                    skill.path, skill.lines.get("chapters", 1),
                    f"chapter {number} is not in the book yet (no docs/chapter-{number}-*.md); the skill is listed once it is",
                    Severity.WARNING,
                ))
        if not book.chapters_of(skill) and not any(n for n in skill.chapters if book.chapter(n) is None):
            problems.append(Problem(
                skill.path, skill.lines.get("chapters", 1),
                f"no chapter uses skill '{skill.id}'; list a chapter under 'chapters:' or delete the file",
                Severity.WARNING,
            ))

    seen: dict[str, Prompt] = {}
    for chapter in book.chapters:
        for prompt in chapter.prompts:
            if prompt.skill_id not in exists:
                problems.append(Problem(chapter.path, prompt.line, f"prompt '{prompt.title}' uses unknown skill '@{prompt.skill_id}'; {_did_you_mean(prompt.skill_id, known)}"))
            if prompt.id in RESERVED_IDS or not PROMPT_ID.match(prompt.id):
                problems.append(Problem(
                    chapter.path, prompt.line,
                    f"prompt '{prompt.title}' has the id '{prompt.id}', which cannot be a page name; pin one made of "
                    "lower-case letters, digits and hyphens by ending its heading with '{#my-prompt-id}'",
                ))
            if prompt.id in seen:
                first = seen[prompt.id]
                where = book.chapter(first.chapter_number)
                problems.append(Problem(
                    chapter.path, prompt.line,
                    f"prompt id '{prompt.id}' is already used by '{first.title}' ({where.path if where else '?'}:{first.line}); "
                    "pin a unique id by ending this prompt's heading with '{#a-new-id}'",
                ))
            seen.setdefault(prompt.id, prompt)
        for directive in chapter.directives:
            _validate_directive(book, chapter.path, directive, exists)
    for document in book.documents.values():
        for directive in document.directives:
            if directive.name == "skills-table":
                problems.append(Problem(document.path, directive.line, "'skills-table' lists a chapter's skills, so it can only stand in a chapter file"))
            else:
                _validate_directive(book, document.path, directive, exists)
    # The Book indexes prompts by id; with duplicates reported, keep the first.
    book.prompts = seen


def _validate_directive(book: Book, path: str, directive: Directive, exists: set[str]) -> None:
    arity = DIRECTIVES.get(directive.name)
    if arity is None:
        book.problems.append(Problem(path, directive.line, f"unknown directive 'skillbook: {directive.name}'; known: {', '.join(DIRECTIVES)}"))
    elif len(directive.args) != arity:
        book.problems.append(Problem(path, directive.line, f"directive '{directive.name}' takes {arity} argument(s), got {len(directive.args)}"))
    elif directive.name == "skill-introduction":
        skill = book.skills.get(directive.args[0])
        if directive.args[0] not in exists:
            book.problems.append(Problem(path, directive.line, f"skill-introduction names unknown skill '{directive.args[0]}'; {_did_you_mean(directive.args[0], sorted(exists))}"))
        elif skill is not None and not skill.introduction:
            book.problems.append(Problem(path, directive.line, f"skill '{skill.id}' has no 'introduction:' in {skill.path}; add one"))
