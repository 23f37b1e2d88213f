"""The ids the book has published, kept in ``skillbook.lock`` beside mkdocs.yml,
so that an address readers may have shared never disappears unnoticed.

Every prompt and skill id is an address (``/prompts/<id>/``, ``/skills/<id>/``)
and a prompt's id is also its chapter's anchor. A renamed title moves the page;
``mkdocs build`` adds each new id to the lock, and the author commits it. When an
id of the lock is no longer the id or a former id of any prompt or skill, the
check warns at the lock's line, with the ways to keep the address or let it go.

The file is JSON, one id a line, sorted, so that it merges and reviews well."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from skillbook.model import Chapter, Skill
from skillbook.problems import Problem, Severity
from skillbook.sources import MAX_PAGE_BYTES, read_source

LOCK_FILE = "skillbook.lock"
LOCK_VERSION = 1


@dataclass
class PublishedIds:
    """The ids of a lock file, each with its line there."""

    prompts: dict[str, int] = field(default_factory=dict)
    skills: dict[str, int] = field(default_factory=dict)


def read_lock(path: Path, problems: list[Problem]) -> PublishedIds | None:
    """The lock's ids; None when there is no lock yet (the first build writes it)."""
    if not path.is_file():
        return None
    text = read_source(path, problems, MAX_PAGE_BYTES)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(Problem(str(path), error.lineno, f"{LOCK_FILE} is not valid JSON ({error.msg}); "
                                                         "fix it, or delete it and build again to write it anew"))
        return None
    # The line of each id, for messages: the first line that is just that id.
    line_of: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        line_of.setdefault(line.strip().rstrip(","), number)
    ids = PublishedIds()
    for kind, found in (("prompts", ids.prompts), ("skills", ids.skills)):
        listed = data.get(kind, []) if isinstance(data, dict) else None
        if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
            problems.append(Problem(str(path), 1, f"'{kind}' in {LOCK_FILE} must be a list of ids; "
                                                  "delete the file and build again to write it anew"))
            return None
        for item in listed:
            found[item] = line_of.get(json.dumps(item), 1)
    return ids


def lock_text(prompts: set[str], skills: set[str]) -> str:
    """The lock file holding these ids."""
    body = {"version": LOCK_VERSION, "prompts": sorted(prompts), "skills": sorted(skills)}
    return json.dumps(body, indent=1, ensure_ascii=False) + "\n"


def current_ids(chapters: list[Chapter], skills: dict[str, Skill]) -> tuple[set[str], set[str]]:
    """The ids whose addresses the book keeps now: current and former ids."""
    prompts = {i for c in chapters for p in c.prompts for i in (p.id, *p.former_ids)}
    return prompts, {i for s in skills.values() for i in (s.id, *s.former_ids)}


def check_published(lock: PublishedIds, chapters: list[Chapter], skills: dict[str, Skill], path: str) -> list[Problem]:
    """A warning for every published id whose address the book no longer keeps."""
    prompts, skill_ids = current_ids(chapters, skills)
    problems = []
    for gone, line in sorted(lock.prompts.items()):
        if gone not in prompts:
            problems.append(Problem(
                path, line,
                f"prompt id '{gone}' was published (/prompts/{gone}/ and its chapter's anchor #{gone}), but no prompt "
                f"has it now; to keep both, end the prompt's heading with '{{#{gone}}}'; to send readers to its new "
                f"page, add former=\"{gone}\" to that heading's attribute list ('{{#new-id former=\"{gone}\"}}'); "
                f"to let the address go, delete \"{gone}\" from {LOCK_FILE}",
                Severity.WARNING,
            ))
    for gone, line in sorted(lock.skills.items()):
        if gone not in skill_ids:
            problems.append(Problem(
                path, line,
                f"skill id '{gone}' was published (/skills/{gone}/), but no skill file has it now; to send readers "
                f"to the skill that replaces it, add 'former_ids: [{gone}]' to that skill's file; to let the "
                f"address go, delete \"{gone}\" from {LOCK_FILE}",
                Severity.WARNING,
            ))
    return problems


def update_lock(path: Path, chapters: list[Chapter], skills: dict[str, Skill]) -> bool:
    """Add the book's ids to the lock (ids already there stay until the author
    deletes them); True when the file changed."""
    problems: list[Problem] = []
    lock = read_lock(path, problems) or PublishedIds()
    if problems:
        return False  # reported by the check; the author's file is not overwritten
    prompts, skill_ids = current_ids(chapters, skills)
    text = lock_text(set(lock.prompts) | prompts, set(lock.skills) | skill_ids)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
