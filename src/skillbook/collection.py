"""The public collection of skills the book is written about: a Git repository
of ``<id>/SKILL.md`` folders in the Agent Skills format (YAML front matter with
``name:`` and ``description:``), some in category folders, perhaps with an
aliases file mapping old names to new. Read from its local copy (a clone or a
submodule) with the same bounds as the book's own sources, since it is a
stranger's repository: every problem in it is a warning, never a crash.

The collection tells, for each skill of the book, whether a reader can install
it, from where, and by which command; ``skillbook collection`` reports the
book against it."""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from skillbook.options import CollectionOptions
from skillbook.problems import Problem, Resave, Severity
from skillbook.skill_ids import SKILL_ID
from skillbook.sources import MAX_PAGE_BYTES, decode, project_files, read_bytes, read_source
from skillbook.text import YAML_FRONT_MATTER
from skillbook.yaml_source import load_yaml

SKILL_FILE = "SKILL.md"
# The Agent Skills rules (agentskills.io/specification): a name of 1 to 64
# lower-case letters, digits and single hyphens, not at either end (the rule of
# the book's skill ids), equal to its folder's name; a description of 1 to
# 1,024 characters.
NAME = SKILL_ID
MAX_NAME = 64
MAX_DESCRIPTION = 1024
# A folder's path goes into a shell command: only names that need no quoting.
PLAIN_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
ALIAS_FILES = ("aliases.json", "aliases.yml", "aliases.yaml")
# The collection's descriptions as last reported, beside mkdocs.yml.
LOCK_FILE = "collection.lock"
MAX_LOCK_BYTES = 4 * 1024 * 1024
SUGGESTIONS = 3


@dataclass(frozen=True)
class CollectionSkill:
    """A skill of the collection, known by its folder's name (what an install creates)."""

    id: str
    description: str | None
    folder: str  # its folder in the repository, such as 'skills/devops/docker-expert'
    category: str | None  # the folders above it, less a leading 'skills/' ('devops'); None at the top


@dataclass
class Collection:
    repository: str  # owner/name on GitHub
    branch: str | None
    skills: dict[str, CollectionSkill] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # old name -> new
    problems: list[Problem] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repository}"

    @property
    def ref(self) -> str:
        """The branch links name; HEAD is the repository's default branch."""
        return self.branch or "HEAD"

    def skill_md_url(self, skill: CollectionSkill) -> str:
        return f"{self.url}/blob/{self.ref}/{skill.folder}/{SKILL_FILE}"

    def entry(self, skill_id: str) -> dict[str, Any] | None:
        """What the book's data says of a skill: where it is in the collection, or None."""
        skill = self.skills.get(skill_id)
        if skill is None:
            return None
        return {"path": skill.folder, "skill_md": self.skill_md_url(skill), "description": skill.description}

    def suggestions(self, skill_id: str) -> list[str]:
        """The collection's skills closest to a skill it lacks: the one an alias
        names first, then the nearest names."""
        found = []
        renamed = self.aliases.get(skill_id)
        if renamed in self.skills:
            found.append(renamed)
        for name in difflib.get_close_matches(skill_id, sorted(self.skills), n=SUGGESTIONS + 1, cutoff=0.6):
            if name not in found:
                found.append(name)
        return found[:SUGGESTIONS]

    def install_command(self, skill: CollectionSkill, skills_folder: str) -> str:
        """A command, for a POSIX shell with git, that fetches the skill's folder
        alone (a shallow, sparse clone without other files' contents) into
        ``skills_folder`` of the project it runs in. Run again, it replaces the
        installed folder with the collection's (``mv`` would move it inside),
        and a download an interrupted run left behind is cleared first."""
        download = f"{skills_folder}/.{skill.id}-download"
        installed = f"{skills_folder}/{skill.id}"
        branch = f" --branch {self.branch}" if self.branch else ""
        return (f"rm -rf {download} && git clone --depth 1 --filter=blob:none --sparse{branch} {self.url}.git {download}"
                f" && git -C {download} sparse-checkout set {skill.folder}"
                f" && rm -rf {installed} && mv {download}/{skill.folder} {installed} && rm -rf {download}")


def load_collection(options: CollectionOptions) -> Collection:
    """Every ``SKILL.md`` under the collection's folder (hidden folders such as
    .git left out), and its aliases. Problems are warnings on ``problems``."""
    collection = Collection(options.repository, options.branch)
    problems: list[Problem] = []
    root = options.folder
    files = project_files(root, root, problems, set(), hidden=False)
    for path in files:
        if path.name == SKILL_FILE:
            _add_skill(collection, root, path, problems)
    if not any(path.name == SKILL_FILE for path in files):
        # Read as is, the site would say that no skill can be installed.
        problems.append(Problem(str(root), 1, f"no {SKILL_FILE} in this folder or the folders under it (those whose name "
                                              "starts with '.' are not read): is 'path:' the collection's clone?"))
    for name in ("", "skills"):
        for alias_file in ALIAS_FILES:
            path = root / name / alias_file
            if path.is_file():
                _read_aliases(collection, path, problems)
    collection.problems = sorted((replace(p, severity=Severity.WARNING) for p in problems), key=lambda p: (p.path, p.line))
    return collection


def _read(path: Path, problems: list[Problem]) -> str | None:
    """A file of the collection, bounded as the book's own are. The collection is
    another project's: a file that is not UTF-8 is for its authors to save again
    (`skillbook check --fix` saves the book's own files only)."""
    found: list[Problem] = []
    text = read_source(path, found, MAX_PAGE_BYTES)
    for problem in found:
        if isinstance(problem.fix, Resave):
            problem = replace(problem, fix=(), message=problem.message.split("; ", 1)[0] +
                              "; it is left out until the collection saves it as UTF-8: tell its authors")
        problems.append(problem)
    return text


def _add_skill(collection: Collection, root: Path, path: Path, problems: list[Problem]) -> None:
    where = str(path)
    folder = path.parent.relative_to(root)
    parts = folder.parts
    if not parts:
        return  # a SKILL.md beside the collection's README describes no skill folder
    if not all(PLAIN_NAME.match(part) for part in parts):
        problems.append(Problem(where, 1, f"the folder '{folder.as_posix()}' holds characters other than letters, digits, "
                                          "'.', '_' and '-', which an install command would have to quote; it is left out"))
        return
    text = _read(path, problems)
    if text is None:
        return
    match = YAML_FRONT_MATTER.match(text)
    if match is None:
        problems.append(Problem(where, 1, "no YAML front matter: a SKILL.md starts with '---', 'name:' and 'description:' "
                                          "lines, then '---'; the skill is left out"))
        return
    loaded = load_yaml(match.group(1), where, problems, first_line=2)
    if loaded is None:
        return
    node, data = loaded
    if not isinstance(data, dict):
        problems.append(Problem(where, 2, "the front matter must be a mapping of 'name:' and 'description:'; the skill is left out"))
        return
    lines = {key.value: key.start_mark.line + 2 for key, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    skill_id = parts[-1]
    if not NAME.match(skill_id) or len(skill_id) > MAX_NAME:
        problems.append(Problem(where, 1, f"the folder '{skill_id}' is not a skill name (1 to {MAX_NAME} lower-case letters, "
                                          "digits and single hyphens), which the folder an install creates must be; "
                                          "the skill is left out"))
        return
    name = data.get("name")
    if name is None or name == "":
        problems.append(Problem(where, lines.get("name", 2), f"missing 'name:'; write 'name: {skill_id}', its folder's name"))
    elif not isinstance(name, str):
        problems.append(Problem(where, lines["name"], f"'name:' must be text; write 'name: {skill_id}', its folder's name"))
    elif len(name) > MAX_NAME or not NAME.match(name):
        problems.append(Problem(where, lines["name"], f"name '{name}' is not 1 to {MAX_NAME} lower-case letters, digits and "
                                                     f"single hyphens; write 'name: {skill_id}', its folder's name"))
    elif name != skill_id:
        problems.append(Problem(where, lines["name"], f"name '{name}' differs from its folder '{skill_id}'; assistants expect "
                                                     f"them equal: write 'name: {skill_id}' or rename the folder (listed as '{skill_id}')"))
    description = data.get("description")
    if description is None or (isinstance(description, str) and not description.strip()):
        problems.append(Problem(where, lines.get("description", 2), "missing 'description:': say what the skill does and when to use it"))
        description = None
    elif not isinstance(description, str):
        problems.append(Problem(where, lines["description"], "'description:' must be text; put it in quotes"))
        description = str(description)
    elif len(description) > MAX_DESCRIPTION:
        problems.append(Problem(where, lines["description"], f"the description is {len(description)} characters long, over the "
                                                            f"{MAX_DESCRIPTION} the Agent Skills format allows; shorten it"))
    category = "/".join(parts[1:-1] if parts[0] == "skills" else parts[:-1]) or None
    other = collection.skills.get(skill_id)
    if other is not None:
        problems.append(Problem(where, 1, f"a skill '{skill_id}' is also in {other.folder}; the first is kept"))
        return
    collection.skills[skill_id] = CollectionSkill(skill_id, description, folder.as_posix(), category)


def _read_aliases(collection: Collection, path: Path, problems: list[Problem]) -> None:
    """A map of old name to new, in JSON or YAML."""
    where = str(path)
    text = _read(path, problems)
    if text is None:
        return
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError as error:
            problems.append(Problem(where, getattr(error, "lineno", 1), f"JSON syntax error: {getattr(error, 'msg', error)}; the aliases are not read"))
            return
        lines: dict[str, int] = {}
    else:
        loaded = load_yaml(text, where, problems)
        if loaded is None:
            return
        node, data = loaded
        lines = {key.value: key.start_mark.line + 1 for key, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    if not isinstance(data, dict):
        problems.append(Problem(where, 1, "aliases must be a map of old name to new, such as {\"docker-pro\": \"docker-expert\"}"))
        return
    for old, new in data.items():
        if not (isinstance(old, str) and isinstance(new, str) and NAME.match(old) and NAME.match(new)):
            problems.append(Problem(where, lines.get(str(old), 1), f"alias '{old}': '{new}' is not a map of one skill name to another; it is not read"))
            continue
        collection.aliases.setdefault(old, new)


# -- the report -------------------------------------------------------------------------------


@dataclass
class CollectionReport:
    found: list[str]
    missing: list[tuple[str, list[str]]]  # a book's skill and the collection's closest skills
    uncovered: list[tuple[str, str | None]]  # a collection skill no chapter uses, and its category
    changed: list[str]  # collection skills whose description changed since the last report
    added: list[tuple[str, str | None]]  # collection skills new since the last report, and their category
    removed: list[str]  # skills of the last report the collection no longer has

    def as_json(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "missing": [{"id": skill_id, "suggestions": suggestions} for skill_id, suggestions in self.missing],
            "uncovered": [{"id": skill_id, "category": category} for skill_id, category in self.uncovered],
        }

    def lines(self, collection: Collection) -> list[str]:
        out = [f"Found in {collection.repository} ({len(self.found)}):"]
        out += [f"  @{skill_id}" for skill_id in self.found] or ["  none"]
        out += ["", f"Missing from {collection.repository} ({len(self.missing)}):"]
        for skill_id, suggestions in self.missing:
            hint = f": closest {', '.join(_named(collection, skill_id, s) for s in suggestions)}" if suggestions else ""
            out.append(f"  @{skill_id}{hint}")
        if not self.missing:
            out.append("  none")
        out += ["", f"In the collection, used by no chapter ({len(self.uncovered)}), by category:"]
        by_category: dict[str, list[str]] = {}
        for skill_id, category in self.uncovered:
            by_category.setdefault(category or "(no category)", []).append(skill_id)
        for category in sorted(by_category):
            out.append(f"  {category}: {', '.join(by_category[category])}")
        if not self.uncovered:
            out.append("  none")
        # What changed since the last report comes last: the weekly issue quotes it from
        # its first heading on (.github/scripts/collection-issue.sh).
        out += ["", f"New in the collection since the last report ({len(self.added)}):"]
        out += [f"  {skill_id} ({category or 'no category'})" for skill_id, category in self.added] or ["  none"]
        out += ["", f"Gone from the collection since the last report ({len(self.removed)}):"]
        out += [f"  {skill_id}" for skill_id in self.removed] or ["  none"]
        out += ["", f"Descriptions changed since the last report ({len(self.changed)}):"]
        out += [f"  {skill_id}: {collection.skills[skill_id].description}" for skill_id in self.changed] or ["  none"]
        return out


def _named(collection: Collection, old: str, name: str) -> str:
    return f"{name} (its new name)" if collection.aliases.get(old) == name else name


def collection_report(book_skills: list[str], collection: Collection, last: dict[str, str | None]) -> CollectionReport:
    """The book's skills against the collection; ``last`` holds the descriptions
    of the last report (an empty map the first time, when nothing has changed,
    nor been added or removed)."""
    found = sorted(s for s in book_skills if s in collection.skills)
    missing = [(s, collection.suggestions(s)) for s in sorted(book_skills) if s not in collection.skills]
    used = set(book_skills)
    uncovered = sorted(((s.id, s.category) for s in collection.skills.values() if s.id not in used),
                       key=lambda item: (item[1] or "", item[0]))
    changed = sorted(s.id for s in collection.skills.values() if s.id in last and last[s.id] != s.description)
    added = sorted((s.id, s.category) for s in collection.skills.values() if last and s.id not in last)
    removed = sorted(skill_id for skill_id in last if skill_id not in collection.skills)
    return CollectionReport(found, missing, uncovered, changed, added, removed)


def read_lock(path: Path, problems: list[Problem]) -> dict[str, str | None]:
    """The descriptions of the last report, from the lock file; none before the first."""
    if not path.exists():
        return {}
    data = read_bytes(path, MAX_LOCK_BYTES, problems)
    text = decode(path, data, problems) if data is not None else None
    try:
        descriptions = json.loads(text)["descriptions"] if text is not None else {}
        if not isinstance(descriptions, dict):
            raise TypeError(descriptions)
    except (ValueError, KeyError, TypeError):
        problems.append(Problem(str(path), 1, f"{path.name} is not the file 'skillbook collection' writes, so no "
                                              "description is compared; this report writes it afresh", Severity.WARNING))
        return {}
    return {str(k): v if isinstance(v, str) or v is None else str(v) for k, v in descriptions.items()}


def write_lock(path: Path, collection: Collection) -> None:
    """The collection's descriptions now, for the next report to compare with."""
    data = {"repository": collection.repository,
            "descriptions": {s.id: s.description for s in sorted(collection.skills.values(), key=lambda s: s.id)}}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)
