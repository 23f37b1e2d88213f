"""Each skill and each prompt of the real book has its page, showing what its
skill file and the seed chapter say, and linked both ways."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from tests.conftest import SKILLS, build_site, make_site_project, skill_yaml, write_book
from tests.support.pages import (
    CHAPTER_PAGE, CHAPTER_TITLE, Node, chapter_cards, code_text, element_ids, headings, link_target, main_content, page,
    resolve,
    section_after, skill_page, visible,
)
from tests.support.seed import INTRODUCTIONS, PROMPTS, PROMPTS_BY_SKILL, SKILL_IDS, TABLE, seed_table


# --------------------------------------------------------------------------------------
# Skill pages
# --------------------------------------------------------------------------------------


def yaml_related() -> dict[str, set[str]]:
    related: dict[str, set[str]] = defaultdict(set)
    for path in sorted(SKILLS.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for other in data.get("related", []) or []:
            related[data["id"]].add(other)
            related[other].add(data["id"])
    return related


def test_exactly_the_seed_skills_have_pages(site):
    pages = sorted(p.parent.name for p in (site / "skills").glob("*/index.html"))
    assert len(pages) == 14
    assert pages == sorted(SKILL_IDS)


def _field_table(article: Node) -> dict[str, Node]:
    """The skill's facts: a definition list of labels and values."""
    facts = article.find("dl")
    assert facts is not None
    labels, values = facts.find_all("dt"), facts.find_all("dd")
    assert len(labels) == len(values) > 0
    return {visible(dt): dd for dt, dd in zip(labels, values)}


def _section_heading(article: Node, title: str) -> Node | None:
    return next((h for h in headings(article) if h.tag == "h2" and visible(h) == title), None)


def _section(article: Node, title: str) -> list[Node] | None:
    heading = next((h for h in headings(article) if h.tag == "h2" and visible(h) == title), None)
    return section_after(heading) if heading is not None else None


@pytest.mark.parametrize("skill", [s.id for s in seed_table()])
def test_skill_page(site, skill):
    rel = skill_page(skill)
    article = main_content(site, rel)
    seed = next(s for s in TABLE if s.id == skill)
    assert visible(headings(article)[0]) == f"@{skill}"
    fields = _field_table(article)
    assert visible(fields["Purpose"]) == seed.purpose
    assert visible(fields["Best for"]) == seed.best_for
    chapter_links = fields["Chapters"].find_all("a")
    assert [visible(a) for a in chapter_links] == [CHAPTER_TITLE]
    assert link_target(site, rel, chapter_links[0].attrs["href"]) == CHAPTER_PAGE

    # Its prompts, as cards.
    expected = PROMPTS_BY_SKILL.get(skill, [])
    assert "Prompts" not in fields
    prompts_heading = _section_heading(article, f"Prompts ({len(expected)})")
    note = article.find("div", cls="admonition")
    if expected:
        assert prompts_heading is not None and note is None
    else:
        # Said once, in a note, with no empty Prompts section.
        assert prompts_heading is None and _section_heading(article, "Prompts (0)") is None
        assert note is not None and visible(note).count("no prompt") == 1
    cards = article.find_all("article", cls="sb-prompt")
    assert len(cards) == len(expected)
    assert [code_text(c) for c in cards] == [p.text for p in expected]
    for card, prompt in zip(cards, expected):
        assert [visible(h) for h in headings(card)] == [prompt.title]
        # No badge: it would link to the page the card is on.
        assert card.find("a", cls="sb-badge") is None
        page_link = card.find("a", cls="sb-prompt__page")
        assert page_link is not None
        assert link_target(site, rel, page_link.attrs["href"]) == f"prompts/{prompt.id}/index.html"

    # Introduction, when to use, key strengths: only for the skills the seed introduces.
    intro = next((i for i in INTRODUCTIONS if i.skill == skill), None)
    if intro is None:
        for title in ("Introduction", "When to use this skill", "Key strengths"):
            assert _section(article, title) is None, f"@{skill} has an empty '{title}' section"
    else:
        introduction = _section(article, "Introduction")
        assert introduction and visible(introduction[0]) == intro.paragraph
        for title, items in (("When to use this skill", intro.when_to_use), ("Key strengths", intro.key_strengths)):
            section = _section(article, title)
            assert section and section[0].tag == "ul", f"'{title}' of @{skill} is not a list"
            assert [visible(li) for li in section[0].find_all("li")] == items

    # Related skills, linked both ways.
    expected_related = yaml_related()[skill]
    assert expected_related, f"@{skill} has no related skill in skills/*.yml"
    related = _section(article, "Related skills")
    assert related, f"@{skill} has no 'Related skills' section"
    targets = {link_target(site, rel, a.attrs["href"]) for n in related for a in n.find_all("a")}
    assert targets == {skill_page(o) for o in expected_related}


def test_related_skills_are_linked_both_ways(site):
    links: dict[str, set[str]] = {}
    for skill in SKILL_IDS:
        related = _section(main_content(site, skill_page(skill)), "Related skills") or []
        links[skill] = {
            Path(link_target(site, skill_page(skill), a.attrs["href"]) or "?").parent.name
            for n in related for a in n.find_all("a")
        }
    assert sum(len(v) for v in links.values()) > 0
    one_way = [f"@{a} -> @{b}" for a, others in links.items() for b in others if a not in links.get(b, set())]
    assert not one_way, one_way


def test_a_skill_page_without_prompts_shows_where_it_sits_and_what_is_near(site):
    # docker-best-practices (order 2 of Chapter 16's table, between docker-expert
    # and dockerfile-optimization) has no prompt; docker-expert names it as
    # related, and has the chapter's first three prompts.
    article = main_content(site, skill_page("docker-best-practices"))
    crumbs = article.find("nav", cls="sb-breadcrumb")
    assert crumbs is not None and crumbs.attrs["aria-label"] == "Breadcrumb"
    assert " ".join(visible(crumbs).split()) == "Chapter 16: Container Orchestration › @docker-best-practices"
    neighbours = _field_table(article)["Next to it in Chapter 16"]
    assert visible(neighbours) == "← @docker-expert · @dockerfile-optimization →"
    assert [Path(link_target(site, skill_page("docker-best-practices"), a.attrs["href"])).parent.name
            for a in neighbours.find_all("a")] == ["docker-expert", "dockerfile-optimization"]
    nearby = _section(article, "Prompts of related skills") or []
    assert [visible(a) for n in nearby for a in n.find_all("a")] == [
        "Writing Production-Ready Dockerfiles", "Debugging Container Issues", "Docker Compose for Development"]


MENTIONS_CHAPTER = """# Chapter 1: Builds

Before any section, @linter is the first skill a team adds.

<!-- skillbook: skills-table -->

## 1.1 Why @linter first

Write to me@linter for help (an address, not a skill); @formatter comes later.

```python
import lint
@linter
def check(): ...
```

## 1.2 Pipelines

#### Gate the Build

```text
@builder Fail the build when @linter reports an error.
```

#### Lint Everything

```text
@linter Lint every file.
```

## 1.3 Later

| Step | Skill |
|------|-------|
| Lint | @linter |
| Build | @builder |
"""


def test_a_skill_page_lists_the_sections_that_mention_it(tmp_path):
    # Read by hand from the chapter above: @linter is named before the first
    # section, in 1.1's heading, in @builder's prompt of 1.2 and in 1.3's table.
    # Not mentions: the address, the decorator in a Python block, and its own
    # prompt "Lint Everything"; @formatter is no skill of the book.
    project = write_book(make_site_project(tmp_path / "book"), {
        "linter.yml": skill_yaml("linter"), "builder.yml": skill_yaml("builder"),
    }, {"chapter-1-builds.md": MENTIONS_CHAPTER})
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site, rel = tmp_path / "site", skill_page("linter")
    mentions = _section(main_content(site, rel), "Where the book mentions it")
    assert mentions and mentions[0].tag == "ul"
    items = mentions[0].find_all("a")
    assert [visible(a) for a in items] == [
        "Chapter 1: Builds",
        "Chapter 1: Builds › 1.1 Why @linter first",
        "Chapter 1: Builds › 1.2 Pipelines",
        "Chapter 1: Builds › 1.3 Later",
    ]
    assert [resolve(rel, a.attrs["href"]) for a in items] == [
        ("chapter-1-builds/index.html", ""),
        ("chapter-1-builds/index.html", "11-why-linter-first"),
        ("chapter-1-builds/index.html", "12-pipelines"),
        ("chapter-1-builds/index.html", "13-later"),
    ]
    chapter = page(site, "chapter-1-builds/index.html")
    assert {"11-why-linter-first", "12-pipelines", "13-later"} <= element_ids(chapter)
    # @builder is named only in the table of 1.3 besides its own prompt.
    builder = _section(main_content(site, skill_page("builder")), "Where the book mentions it")
    assert builder and [visible(a) for a in builder[0].find_all("a")] == ["Chapter 1: Builds › 1.3 Later"]


@pytest.mark.parametrize("rel", ["skills/docker-best-practices/index.html", "prompts/debugging-container-issues/index.html"])
def test_skill_and_prompt_pages_mark_their_chapter_in_the_navigation(site, rel):
    # Neither page is in the navigation; both sit in Chapter 16, the book's only
    # chapter: its group ("Chapters") is open and the chapter marked, as on the
    # chapter's own page.
    def marked(rel: str) -> list[tuple[str, str]]:
        return [(" ".join(sorted(li.classes)), link_target(site, rel, li.find("a").attrs["href"]))
                for li in page(site, rel).find_all("li") if "md-nav__item--active" in li.classes]

    assert marked(rel) == marked(CHAPTER_PAGE) == [
        ("md-nav__item md-nav__item--active md-nav__item--nested", CHAPTER_PAGE),
        ("md-nav__item md-nav__item--active", CHAPTER_PAGE)]


# --------------------------------------------------------------------------------------
# Prompt pages
# --------------------------------------------------------------------------------------


def test_exactly_the_seed_prompts_have_pages(site):
    pages = sorted(p.parent.name for p in (site / "prompts").glob("*/index.html"))
    assert len(pages) == 8
    assert pages == sorted(p.id for p in PROMPTS)


@pytest.mark.parametrize("number", range(8))
def test_prompt_page(site, number):
    prompt = PROMPTS[number]
    rel = f"prompts/{prompt.id}/index.html"
    article = main_content(site, rel)
    assert visible(headings(article)[0]) == prompt.title
    cards = article.find_all("article", cls="sb-prompt")
    assert len(cards) == 1
    assert code_text(cards[0]) == prompt.text
    paragraphs = [visible(p) for p in cards[0].find_all("p")]
    assert prompt.context in paragraphs and prompt.expected in paragraphs

    targets = [(a, resolve(rel, a.attrs.get("href", ""))) for a in article.find_all("a")]
    assert len(targets) > 3
    # The skill link.
    badge = cards[0].find("a", cls="sb-badge")
    assert badge is not None and link_target(site, rel, badge.attrs["href"]) == skill_page(prompt.skill)
    # Back to the card in its chapter: the anchor is the card's own heading.
    back = [r for _, r in targets if r == (CHAPTER_PAGE, prompt.id)]
    assert back, f"no link back to {CHAPTER_PAGE}#{prompt.id}"
    chapter_card = next((c for c in chapter_cards(site) if c.find(id=prompt.id) is not None), None)
    assert chapter_card is not None, f"#{prompt.id} is not a card of the chapter"
    assert code_text(chapter_card) == prompt.text
