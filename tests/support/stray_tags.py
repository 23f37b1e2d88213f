"""A book full of tags its authors left unpaired, everywhere an author writes:
the home page, a chapter's prose, headings, a prompt's context and expected
output, lists, tables, a skill's metadata. Each tag would close the theme's
layout, or open an element that swallows it, if it reached the page as markup."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import skill_yaml, write_book

STRAY_HOME = """<div align="center">

# Stray Tags

</div>

<!-- skillbook: book-stats -->

Closers </div></main></article> and openers <section><table><tr><td> in prose.
<p align="center">centred</p> <details><summary>Open</summary>

<!-- skillbook: chapter-list -->
"""
STRAY_CHAPTER = """# Chapter 1: Testing </div>

<!-- skillbook: skills-table -->

<!-- skillbook: skill-introduction tester -->

## 1.1 Prompts <span>

#### Write a Test </article>

**Context:** A parser with no tests <div> yet.

```text
@tester Write a test for the parser. </div></main>
```

**Expected Output:** A test in a <div class="note"> and a <section>.

- a list item </li></ul> that closes early
- <div class="tip" markdown>a kept pair</div>

| Cell | Other |
|---|---|
| </td></tr></table> | <table><tr> |

</div></div></section>
</details></main>
"""


def write_stray_tags_book(root: Path) -> Path:
    """The book, in a project made by ``make_site_project``."""
    skills = {"tester.yml": skill_yaml(
        "tester", purpose='"Testing </div>"', best_for='"<section> fixtures"',
        introduction='"Opens <div> and never closes it. </main>"', when_to_use='["a case </li></ul>", "<details> open"]')}
    return write_book(root, skills, {"chapter-1-testing.md": STRAY_CHAPTER, "index.md": STRAY_HOME})
