"""The real book's chapter, built with --strict (the session fixture ``site``),
reads like the user's seed chapter: its headings, skills table, introductions,
summaries, every word of its text, and its prompt cards holding the seed's
prompts byte for byte.

The seed is read line by line on its own (``tests/support/seed.py``), and
rendered with markdown-it, as a CommonMark viewer shows it, for the
whole-text comparison."""

from __future__ import annotations

import difflib

import pytest
from markdown_it import MarkdownIt

from tests.conftest import seed_prompts
from tests.support.pages import (
    CHAPTER_PAGE, Node, chapter_cards, code_text, headings, html_pages, is_headerlink, link_target, main_content,
    page, parse_html, section_after, visible,
)
from tests.support.seed import (
    INTRODUCTIONS, PROMPTS, PROMPTS_BY_SKILL, TABLE, diff_words, repaired_seed, seed_headings, seed_section_items,
)

MOJIBAKE = ("â†’", "â€")


def test_seed_reading_is_complete():
    """The expectations below are drawn from the seed: make sure they are all there."""
    assert len(PROMPTS) == 8
    assert [p.id for p in PROMPTS] == [
        "writing-production-ready-dockerfiles", "debugging-container-issues",
        "docker-compose-for-development", "designing-a-production-deployment",
        "implementing-zero-downtime-deployments", "kubernetes-troubleshooting-guide",
        "creating-a-reusable-helm-chart", "implementing-istio-traffic-management",
    ]
    assert len(TABLE) == 14
    assert [i.skill for i in INTRODUCTIONS] == ["docker-expert", "kubernetes-expert", "helm-expert", "service-mesh-expert"]
    assert {k: len(v) for k, v in PROMPTS_BY_SKILL.items()} == {
        "docker-expert": 3, "kubernetes-expert": 3, "helm-expert": 1, "service-mesh-expert": 1,
    }
    assert all(p.context and p.expected and p.title for p in PROMPTS)


# --------------------------------------------------------------------------------------
# The chapter reads like the seed
# --------------------------------------------------------------------------------------


def test_chapter_headings_equal_the_seed(site):
    expected = seed_headings()
    assert len(expected) == 28
    actual = [(int(h.tag[1]), visible(h)) for h in headings(main_content(site, CHAPTER_PAGE))]
    assert actual == expected, "\n".join(difflib.unified_diff(
        [f"{'#' * l} {t}" for l, t in expected], [f"{'#' * l} {t}" for l, t in actual],
        "seed", "site", lineterm="",
    ))


def test_chapter_skills_table_equals_the_seed(site):
    article = main_content(site, CHAPTER_PAGE)
    tables = article.find_all("table")
    assert len(tables) == 1, f"the chapter should have one table, found {len(tables)}"
    assert [visible(th) for th in tables[0].find_all("th")] == ["Skill", "Purpose", "Best For"]
    rows = [[visible(td) for td in tr.find_all("td")] for tr in tables[0].find_all("tr") if tr.find("td")]
    assert rows == [[f"@{s.id}", s.purpose, s.best_for] for s in TABLE]
    # Each skill of the table leads to its page.
    links = [tr.find("a") for tr in tables[0].find_all("tr") if tr.find("td")]
    assert [a and link_target(site, CHAPTER_PAGE, a.attrs.get("href", "")) for a in links] == [
        f"skills/{s.id}/index.html" for s in TABLE
    ]


def _introduction_sections(site) -> list[list[Node]]:
    article = main_content(site, CHAPTER_PAGE)
    intro_headings = [h for h in headings(article) if visible(h) == "Skill Introduction"]
    assert len(intro_headings) == 4
    sections = []
    for heading in intro_headings:
        # The introduction stands in a block whose id the skill page links to.
        (block, *rest) = section_after(heading)
        assert block.tag == "div" and block.attrs.get("id", "").startswith("introducing-"), block.tag
        sections.append([child for child in block.children if isinstance(child, Node)] + rest)
    return sections


def _list_after_label(section: list[Node], label: str) -> list[str]:
    """Items of the list that follows the paragraph reading ``label``."""
    for index, node in enumerate(section):
        text = visible(node)
        if text == label:
            following = section[index + 1] if index + 1 < len(section) else None
            assert following is not None and following.tag in ("ul", "ol"), (
                f"'{label}' is not followed by a list but by "
                f"{following.tag if following is not None else 'nothing'}"
            )
            return [visible(li) for li in following.elements() if li.tag == "li"]
        if text.startswith(label):
            pytest.fail(f"'{label}' items do not show as a list; the reader sees one run-on paragraph: {text!r}")
    pytest.fail(f"no '{label}' in the section: {[visible(n) for n in section]}")


@pytest.mark.parametrize("number", range(4))
def test_chapter_skill_introductions_read_like_the_seed(site, number):
    intro = INTRODUCTIONS[number]
    section = _introduction_sections(site)[number]
    assert section, f"the Skill Introduction of @{intro.skill} is empty"
    assert section[0].tag == "p" and visible(section[0]) == intro.paragraph
    assert _list_after_label(section, "When to use this skill:") == intro.when_to_use
    assert _list_after_label(section, "Key strengths:") == intro.key_strengths


def test_chapter_skill_introduction_words_are_all_shown(site):
    """Word for word, whatever the layout: the introductions' text in order."""
    sections = _introduction_sections(site)
    for intro, section in zip(INTRODUCTIONS, sections, strict=True):
        shown = " ".join(visible(n) for n in section).replace(" - ", " ")
        expected = " ".join([
            intro.paragraph, "When to use this skill:", *intro.when_to_use, "Key strengths:", *intro.key_strengths,
        ])
        assert shown == expected, f"@{intro.skill}:\nseed {expected!r}\nsite {shown!r}"


@pytest.mark.parametrize("title", ["Best Practices Summary", "Reflection Points"])
def test_chapter_summary_items(site, title):
    expected = seed_section_items(title)
    assert len(expected) >= 4
    article = main_content(site, CHAPTER_PAGE)
    heading = next((h for h in headings(article) if h.tag == "h2" and visible(h) == title), None)
    assert heading is not None, f"no '## {title}' in the chapter"
    siblings = heading.parent.elements()
    items = []
    for node in siblings[siblings.index(heading) + 1:]:
        if node.tag == "h2":
            break
        if node.tag in ("ol", "ul"):
            items.extend(visible(li) for li in node.find_all("li"))
    assert items == expected


def test_chapter_shows_every_context_and_expected_output(site):
    paragraphs = [visible(p) for p in main_content(site, CHAPTER_PAGE).find_all("p")]
    contexts = [p for p in paragraphs if p.startswith("Context:")]
    expected = [p for p in paragraphs if p.startswith("Expected Output:")]
    assert len(PROMPTS) == 8
    assert contexts == [p.context for p in PROMPTS]
    assert expected == [p.expected for p in PROMPTS]


def test_no_mojibake_anywhere_in_the_site(site):
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".js", ".css", ".xml", ".txt")]
    assert len(files) > 30
    damaged = [
        f"{p.relative_to(site)}: {bad!r}"
        for p in files
        for bad in MOJIBAKE
        if bad in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert not damaged, "mojibake in the built site:\n" + "\n".join(damaged)


def test_chapter_ends_with_next_chapter_coming_soon_without_a_link(site):
    article = main_content(site, CHAPTER_PAGE)
    paragraphs = [p for p in article.find_all("p") if visible(p).startswith("Next Chapter:")]
    assert len(paragraphs) == 1
    last = paragraphs[0]
    assert visible(last).startswith("Next Chapter: Chapter 17: Cloud Platforms →"), visible(last)
    assert "coming soon" in visible(last).lower(), visible(last)
    assert last.find("a") is None, "chapter 17 does not exist: the next-chapter line must not be a link"
    # Nothing in the site links to the unwritten chapter.
    offenders = [
        f"{rel}: {n.attrs['href']}"
        for rel in html_pages(site)
        for n in page(site, rel).iter()
        if "chapter-17" in n.attrs.get("href", "")
    ]
    assert not offenders, offenders
    # It is the last thing the chapter says.
    blocks = [n for n in article.elements() if visible(n)]
    assert blocks and blocks[-1] is last


def _chapter_reading_words(site) -> list[str]:
    def controls(node: Node) -> bool:
        return is_headerlink(node) or {"sb-prompt__meta", "sb-tools", "sb-fields", "sb-soon"} & set(node.classes)

    text = main_content(site, CHAPTER_PAGE).text(skip=controls)
    return [w for w in text.split() if w != "-"]


def test_chapter_text_is_the_seed_text(site):
    """The seed as a Markdown viewer shows it (CommonMark with tables), word for
    word and in order, is the chapter's content without the card controls (skill
    badge, link to the card, 'Prompt page', 'Copy link', the token estimate, the
    assistant menu, 'Copy as Markdown') and the 'coming soon' note. List bullets '-' are left out of both sides."""
    rendered = MarkdownIt("commonmark").enable("table").render(repaired_seed())
    expected = [w for w in parse_html(rendered).text().split() if w != "-"]
    assert len(expected) > 1500
    actual = _chapter_reading_words(site)
    assert actual == expected, diff_words(expected, actual)


# --------------------------------------------------------------------------------------
# Prompt cards in the chapter
# --------------------------------------------------------------------------------------


def test_chapter_cards_hold_the_seed_prompts_byte_for_byte(site):
    cards = chapter_cards(site)
    assert len(cards) == 8
    expected = seed_prompts()
    assert len(expected) == 8
    for number, (card, text) in enumerate(zip(cards, expected, strict=True)):
        actual = code_text(card)
        assert actual == text, f"card {number + 1} differs from the seed:\n" + "\n".join(
            difflib.unified_diff(text.split("\n"), actual.split("\n"), "seed", "site", lineterm="")
        )


@pytest.mark.parametrize("number", range(8))
def test_chapter_card_controls(site, number):
    cards = chapter_cards(site)
    assert len(cards) == 8
    card, prompt = cards[number], PROMPTS[number]
    # Title, with the anchor id readers link to.
    titles = headings(card)
    assert len(titles) == 1 and visible(titles[0]) == prompt.title
    assert titles[0].attrs.get("id") == prompt.id
    # One link to the card: its heading's permalink.
    anchors = [a for a in card.find_all("a") if a.attrs.get("href") == f"#{prompt.id}"]
    assert len(anchors) == 1 and "headerlink" in anchors[0].attrs.get("class", "")
    # Skill badge.
    badge = card.find("a", cls="sb-badge")
    assert badge is not None and badge.attrs.get("href") == f"../skills/{prompt.skill}/"
    assert visible(badge) == f"@{prompt.skill}"
    # Prompt page.
    page_link = card.find("a", cls="sb-prompt__page")
    assert page_link is not None and page_link.attrs.get("href") == f"../prompts/{prompt.id}/"
    assert "Prompt page" in visible(page_link)
    # Copy link: a link to the prompt's page that the script copies.
    copy = [a for a in card.find_all("a") if "data-sb-copy" in a.attrs]
    assert len(copy) == 1 and copy[0].attrs.get("href") == f"../prompts/{prompt.id}/"
    assert "Copy link" in visible(copy[0])
    # Context and expected output stay on the card.
    paragraphs = [visible(p) for p in card.find_all("p")]
    assert prompt.context in paragraphs and prompt.expected in paragraphs
