"""The seed chapter (tests/fixtures/seed-chapter-16.md) read line by line, on its
own: what the built chapter, its cards and its pages are checked against."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from tests.conftest import seed_prompts, seed_text
from tests.support.pages import norm


def diff_words(expected: list[str], actual: list[str]) -> str:
    """The first 15 differences between the seed's words and the site's, with five words around each."""
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    lines = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            lines.append(f"{op}: seed {' '.join(expected[max(a0 - 5, 0):a1 + 5])!r}\n"
                         f"      site {' '.join(actual[max(b0 - 5, 0):b1 + 5])!r}")
    return "\n".join(lines[:15])


def repaired_seed() -> str:
    """The seed with its one damaged arrow repaired, as the chapter should read."""
    text = seed_text()
    assert text.count("â†’") == 1, "the seed should hold exactly one damaged arrow"
    return text.replace("â†’", "→")


def inline_plain(markdown: str) -> str:
    """Visible text of a line of inline Markdown (code spans, emphasis, links)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = text.replace("`", "").replace("**", "")
    return norm(text)


def seed_lines_outside_code() -> list[str]:
    """The repaired seed's lines, without fences and what they hold."""
    lines, in_fence = [], False
    for line in repaired_seed().split("\n"):
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence:
            lines.append(line)
    return lines


def seed_headings() -> list[tuple[int, str]]:
    """(level, visible text) of every heading of the seed."""
    found = []
    for line in seed_lines_outside_code():
        match = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if match:
            found.append((len(match.group(1)), inline_plain(match.group(2))))
    return found


@dataclass
class SeedSkill:
    id: str
    purpose: str
    best_for: str


def seed_table() -> list[SeedSkill]:
    """The rows of the seed's skills table."""
    rows = []
    for line in seed_lines_outside_code():
        if line.startswith("| `@"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 3, line
            rows.append(SeedSkill(cells[0].strip("`").lstrip("@"), cells[1], cells[2]))
    return rows


@dataclass
class SeedIntroduction:
    skill: str
    paragraph: str
    when_to_use: list[str]
    key_strengths: list[str]


def seed_introductions() -> list[SeedIntroduction]:
    """Each Skill Introduction of the seed: its paragraph and its two lists."""
    lines = seed_lines_outside_code()
    intros = []
    skill = None
    for index, line in enumerate(lines):
        if line.startswith("## "):
            match = re.search(r"@([a-z0-9-]+)\s*$", line)
            skill = match.group(1) if match else None
        if line.strip() != "### Skill Introduction":
            continue
        block = []
        for following in lines[index + 1:]:
            if following.strip() == "---":
                break
            block.append(following)
        paragraphs = [b for b in block if b.strip()]
        items: dict[str, list[str]] = {}
        current = None
        for entry in paragraphs[1:]:
            if entry.startswith("**") and entry.endswith(":**"):
                current = inline_plain(entry)
                items[current] = []
            else:
                assert entry.startswith("- ") and current, entry
                items[current].append(inline_plain(entry[2:]))
        intros.append(SeedIntroduction(
            skill, inline_plain(paragraphs[0]),
            items["When to use this skill:"], items["Key strengths:"],
        ))
    return intros


def seed_section_items(title: str) -> list[str]:
    """Visible text of the ordered-list items of a ``##`` section of the seed."""
    lines = seed_lines_outside_code()
    start = lines.index(f"## {title}")
    items = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        match = re.match(r"^\d+\.\s+(.*)$", line)
        if match:
            items.append(inline_plain(match.group(1)))
    return items


@dataclass
class SeedPrompt:
    title: str
    skill: str
    text: str
    context: str
    expected: str

    @property
    def id(self) -> str:
        return slug(self.title)


def slug(title: str) -> str:
    """A prompt's id from its title, as the seed's authors link to it."""
    value = re.sub(r"[^\w\s-]", "", title).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def seed_prompt_records() -> list[SeedPrompt]:
    """Each seed prompt with the heading, context and expected output around it."""
    texts = seed_prompts()
    lines = repaired_seed().split("\n")
    records: list[SeedPrompt] = []
    title = context = None
    in_fence = False
    for number, line in enumerate(lines):
        if line.startswith("```"):
            if not in_fence and line == "```text" and lines[number + 1].startswith("@"):
                expected = next(l for l in lines[number + 1:] if l.startswith("**Expected Output:**"))
                text = texts[len(records)]
                records.append(SeedPrompt(
                    title, text.split()[0].lstrip("@"), text, inline_plain(context), inline_plain(expected),
                ))
            in_fence = not in_fence
        elif in_fence:
            continue
        elif line.startswith("#### "):
            title = line[5:].strip()
        elif line.startswith("**Context:**"):
            context = line
    assert len(records) == len(texts)
    return records


# One reading of the seed for the whole module.
PROMPTS = seed_prompt_records()
TABLE = seed_table()
INTRODUCTIONS = seed_introductions()
SKILL_IDS = [s.id for s in TABLE]
PROMPTS_BY_SKILL: dict[str, list[SeedPrompt]] = defaultdict(list)
for _prompt in PROMPTS:
    PROMPTS_BY_SKILL[_prompt.skill].append(_prompt)

