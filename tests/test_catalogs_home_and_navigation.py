"""The skills catalog, the prompt library, the home page and the navigation of
the real book's site: what each lists, and nothing the reader did not write."""

from __future__ import annotations

import re

from tests.support.pages import (
    CHAPTER_PAGE, CHAPTER_TITLE, html_pages, link_target, main_content, page, skill_page, visible,
)
from tests.support.seed import PROMPTS, PROMPTS_BY_SKILL, TABLE


# --------------------------------------------------------------------------------------
# Skills catalog and prompt library
# --------------------------------------------------------------------------------------


def test_skills_catalog(site):
    rel = "skills/index.html"
    article = main_content(site, rel)
    tables = article.find_all("table")
    assert len(tables) == 1
    # The seed has one chapter: a Chapter column would repeat it in every row.
    assert [visible(th) for th in tables[0].find_all("th")] == ["Skill", "Purpose", "Best For", "Prompts"]
    rows = [tr.find_all("td") for tr in tables[0].find_all("tr") if tr.find("td")]
    assert len(rows) == 14
    seen = {}
    for cells in rows:
        assert len(cells) == 4
        skill = visible(cells[0]).lstrip("@")
        assert link_target(site, rel, cells[0].find("a").attrs["href"]) == skill_page(skill)
        seen[skill] = (visible(cells[1]), visible(cells[2]), visible(cells[3]))
    assert seen == {s.id: (s.purpose, s.best_for, str(len(PROMPTS_BY_SKILL.get(s.id, [])))) for s in TABLE}


def test_prompt_library_groups_prompts_by_chapter_each_naming_its_skill(site):
    rel = "prompts/index.html"
    article = main_content(site, rel)
    h2 = None
    found: list[tuple[str | None, str, str]] = []
    for node in article.iter():
        if node.tag == "h2":
            h2 = visible(node)
        elif node.tag == "li":
            link = next((a for a in node.find_all("a") if a.find("strong")), None)
            target = link and link_target(site, rel, link.attrs["href"])
            if target and re.fullmatch(r"prompts/[^/]+/index\.html", target):
                skill = next(visible(code) for code in node.find_all("code"))
                found.append((h2, skill, target.split("/")[1]))
    assert len(found) == 8, found
    # By chapter, then by skill id, each card naming its skill.
    assert found == [(CHAPTER_TITLE, f"@{skill}", p.id) for skill in sorted(PROMPTS_BY_SKILL) for p in PROMPTS_BY_SKILL[skill]]
    # Each prompt's title is the link text.
    titles = {visible(a) for a in article.find_all("a") if a.find("strong")}
    assert titles == {p.title for p in PROMPTS}


# --------------------------------------------------------------------------------------
# Home page
# --------------------------------------------------------------------------------------


def test_home_page_lists_chapters_and_counts(site):
    rel = "index.html"
    article = main_content(site, rel)
    strong = [visible(s) for s in article.find_all("strong")]
    for count in ("1 chapter", "14 skills", "8 prompts"):
        assert count in strong, f"home page does not show '{count}': {strong}"
    count_links = {visible(a): link_target(site, rel, a.attrs["href"]) for a in article.find_all("a") if "href" in a.attrs}
    assert count_links.get("1 chapter") == CHAPTER_PAGE
    assert count_links.get("14 skills") == "skills/index.html"
    assert count_links.get("8 prompts") == "prompts/index.html"
    chapter_items = [
        li for li in article.find_all("li")
        if "1 chapter" not in visible(li)
        and any(link_target(site, rel, a.attrs.get("href", "")) == CHAPTER_PAGE for a in li.find_all("a"))
    ]
    assert len(chapter_items) == 1
    assert visible(chapter_items[0]) == f"{CHAPTER_TITLE}: 14 skills, 8 prompts"


# --------------------------------------------------------------------------------------
# Navigation
# --------------------------------------------------------------------------------------


def test_navigation_lists_only_the_book_not_generated_pages(site):
    pages = html_pages(site)
    assert len(pages) == 1 + 1 + 1 + 14 + 1 + 8 + 1  # home, chapter, catalog, skills, library, prompts, 404
    expected = {
        "index.html": "Home",
        CHAPTER_PAGE: CHAPTER_TITLE,
        "skills/index.html": "Skills catalog",
        "prompts/index.html": "Prompt library",
    }
    problems = []
    for rel in pages:
        navs = page(site, rel).find_all("nav", cls="md-nav--primary")
        if len(navs) != 1:
            problems.append(f"{rel}: {len(navs)} primary navigations")
            continue
        links = [
            a for a in navs[0].find_all("a")
            if not any("md-nav--secondary" in n.classes for n in a.ancestors())  # the page's own TOC
        ]
        items = {}
        for a in links:
            target = link_target(site, rel, a.attrs.get("href", ""))
            if "md-nav__link" in a.classes:
                items[target] = visible(a)
            elif target != "index.html":  # the logo links home
                problems.append(f"{rel}: unexpected navigation link {a.attrs.get('href')}")
        # The chapter's group opens in place off its pages too: its chapter is
        # linked inside it on every page, by its title.
        if items != {**expected, CHAPTER_PAGE: CHAPTER_TITLE}:
            problems.append(f"{rel}: navigation is {items}")
        if len(links) > 6:
            problems.append(f"{rel}: {len(links)} navigation links")
    assert not problems, "\n".join(problems)
