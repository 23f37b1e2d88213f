"""A docsify book of the real book's shape, for benchmarks: 57 chapters grouped
into 10 parts, 5 appendices (a skill index, prompt templates, attribution, two
learning-path pages), about 550 skills and 300 prompts, with every shape of the
test fixture book (tables, introductions, templates, diagrams, links by number,
encoding damage, CRLF, byte-order marks, prompts holding code blocks written
with three backticks, templates whose placeholder names repeat, a centred home
page with remote badges and links out of the book).

Each chapter is one of the fixture's chapters, renumbered, with its skills and
prompt titles made its own, so that prose, prompt counts and tables vary from
chapter to chapter as in the real book."""

from __future__ import annotations

import re
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "docsify-book"
# The fixture's chapters with skill tables, used in turn; 1 and 2 are introductions.
BODIES = ["03-prompt-engineering.md", "05-testing-strategies.md", "16-ci-cd.md", "17-cloud.md"]
INTRODUCTIONS = ["01-getting-started.md", "02-anatomy-of-a-skill.md"]
SKILL_ROW = re.compile(r"^\|\s*`@([a-z0-9-]+)`", re.MULTILINE)


def _fixture(name: str) -> str:
    return (FIXTURE / "chapters" / name).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def _skills_of(text: str) -> list[str]:
    return list(dict.fromkeys(SKILL_ROW.findall(text)))


def _chapter(number: int, extra_skills: int) -> tuple[str, list[tuple[str, str]]]:
    """Chapter ``number`` and its skills as (id, purpose); ``extra_skills`` more
    rows are added to its table, as real chapters list 6 to 14 skills."""
    source = INTRODUCTIONS[number - 1] if number <= len(INTRODUCTIONS) else BODIES[number % len(BODIES)]
    text = _fixture(source)
    text = re.sub(r"^# Chapter \d+:", f"# Chapter {number}:", text, count=1, flags=re.MULTILINE)
    skills = _skills_of(text)
    if skills:
        mention = re.compile(r"@(" + "|".join(map(re.escape, sorted(skills, key=len, reverse=True))) + r")(?![a-z0-9-])")
        text = mention.sub(lambda m: f"@{m.group(1)}-{number}", text)
        text = re.sub(r"skill-introduction ([a-z0-9-]+)", lambda m: f"skill-introduction {m.group(1)}-{number}", text)
        # Prompt titles (and so their pages) of their own.
        text = re.sub(r"^(#{2,4} (?!Skill Introduction|Skills Covered).+)$", lambda m: f"{m.group(1)} ({number})", text, flags=re.MULTILINE)
        rows = "".join(f"| `@topic-{number}-{i}` | Topic {i} of chapter {number} | Tasks of topic {i} |\n" for i in range(extra_skills))
        text = re.sub(r"(\| Skill \| Purpose \| Best For \|\n\|[-| ]+\|\n(?:\|.*\|\n)+)", lambda m: m.group(1) + rows, text, count=1)
    table = [(skill_id, purpose) for skill_id, purpose in re.findall(r"^\| `@([a-z0-9-]+)` \| ([^|]+?) \|", text, re.MULTILINE)]
    if table:  # one prompt more than the fixture's chapter, for the real book's count
        text += (f"\n## More Prompts\n\n#### Reviewing Chapter {number} Work\n\n**Context:** A review before release.\n\n"
                 f"```text\n@{table[0][0]} Review this change for the practices of chapter {number}:\n\n- correctness\n"
                 f"- maintainability\n```\n\n**Expected Output:** A review with findings by severity.\n")
    return text, table


def write_docsify_book(root: Path, chapters: int = 57, extra_skills: int = 6) -> dict[str, int]:
    """Write the book under ``root``; returns its counts."""
    (root / "chapters").mkdir(parents=True)
    (root / "appendices").mkdir()
    index: list[tuple[str, int, str]] = []
    prompts = 0
    for number in range(1, chapters + 1):
        text, table = _chapter(number, extra_skills if number > len(INTRODUCTIONS) else 0)
        prompts += len(re.findall(r"^```text\n@", text, re.MULTILINE))
        index.extend((skill_id, number, purpose) for skill_id, purpose in table)
        data = text.encode("utf-8")
        if number % 19 == 0:  # some copies of the real book carry CRLF line ends and byte-order marks
            data = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
        (root / "chapters" / f"{number:02d}-chapter-{number}.md").write_bytes(data)

    rows = "".join(f"| `@{skill_id}` | {number} | {purpose} |\n" for skill_id, number, purpose in index)
    (root / "appendices" / "a-skill-index.md").write_text(
        f"# Appendix A: Skill Index\n\nEvery skill of the book.\n\n| Skill | Chapter | Purpose |\n|---|---|---|\n{rows}", encoding="utf-8")
    templates = (FIXTURE / "appendices" / "b-prompt-templates.md").read_text(encoding="utf-8")
    prompts += len(re.findall(r"^```text\n@", templates, re.MULTILINE))
    (root / "appendices" / "b-prompt-templates.md").write_text(templates, encoding="utf-8")
    credits = "".join(f"| `@{skill_id}` | Community | Author {i % 37} |\n" for i, (skill_id, _, _) in enumerate(index))
    (root / "appendices" / "c-attribution.md").write_text(
        f"# Appendix C: Attribution\n\n| Skill | Source | Original Author |\n|---|---|---|\n{credits}", encoding="utf-8")
    paths = (FIXTURE / "appendices" / "d-learning-paths.md").read_text(encoding="utf-8")
    (root / "appendices" / "d-learning-paths.md").write_text(paths, encoding="utf-8")
    (root / "appendices" / "e-more-paths.md").write_text(paths.replace("# Appendix D:", "# Appendix E:"), encoding="utf-8")

    parts = [list(range(start, min(start + 6, chapters + 1))) for start in range(1, chapters + 1, 6)]
    sidebar = ["- [Home](/)"]
    for i, numbers in enumerate(parts, start=1):
        sidebar.append(f"- **Part {i} & More**")
        sidebar.extend(f"  - [{n}. Chapter {n}](chapters/{n:02d}-chapter-{n}.md)" for n in numbers)
    (root / "_sidebar.md").write_text("\n".join(sidebar) + "\n", encoding="utf-8")
    # The real book's home page opens centred, with badges from another host, and
    # links to files of its repository and to an anchor it does not have.
    home = ['<div align="center">', "", "# The Benchmark Book", "",
            "[![Stars](https://img.shields.io/github/stars/bench/book)](https://github.com/bench/book)", "", "</div>", "",
            *(f"- [Chapter {n}](chapters/{n:02d}-chapter-{n}.md)" for n in range(1, chapters + 1)), "",
            "Read the [contributing guide](CONTRIBUTING.md), [open an issue](../../issues).", "", "[Back to Top](#top)"]
    (root / "README.md").write_text("\n".join(home) + "\n", encoding="utf-8")
    return {"chapters": chapters, "appendices": 5, "parts": len(parts), "skills": len({s for s, _, _ in index}), "prompts": prompts}
