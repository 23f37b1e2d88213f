"""What a reader does on the built site, in a real browser: copy prompts and
links, search, follow anchors, switch the palette, read on a phone, use the
keyboard. Every test also checks that the page logged no error and fetched
nothing from any host but the local server."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHAPTER, COPY_BUTTON, PAGE_TYPES, PROMPT_IDS, copy_via, wait_for_page

CARD = "article.sb-prompt"
COPY_LINK = "a.sb-prompt__share[data-sb-copy]"


def prompt_url(server, prompt_id: str) -> str:
    return server.url(f"/prompts/{prompt_id}/")


def passes(assertion) -> bool:
    """Whether a Playwright ``expect`` (which waits) holds; lets a test fail with
    its own evidence instead of Playwright's page-wide accessibility snapshot."""
    try:
        assertion()
    except AssertionError:
        return False
    return True


def check_copy_link(page, page_log, card, expected_url: str) -> None:
    """The card's "Copy link" puts ``expected_url`` on the clipboard and stays on the page."""
    link = card.locator(COPY_LINK)
    expect(link).to_have_count(1)
    path_before = urlsplit(page.url).path
    # A full reload would drop this flag; an instant navigation would change the path.
    page.evaluate("() => { window.__sbStayed = true }")
    seen = len(page_log.requests)
    copied = copy_via(page, link.click)
    assert copied == expected_url
    # Only the path counts: navigation.tracking legitimately rewrites the #hash on scroll.
    assert urlsplit(page.url).path == path_before, f"Copy link navigated to {page.url}"
    assert page.evaluate("() => window.__sbStayed === true"), "Copy link reloaded the page"
    assert expected_url not in page_log.requests[seen:], f"Copy link fetched {expected_url}"


# --------------------------------------------------------------------------- 1, 2, 4: prompt cards


def test_chapter_copy_buttons_copy_each_seed_prompt(page, page_log, server, prompts):
    page.goto(server.url(CHAPTER))
    cards = page.locator(CARD)
    expect(cards).to_have_count(len(prompts))
    for index, expected in enumerate(prompts):
        button = cards.nth(index).locator(COPY_BUTTON)
        expect(button).to_have_count(1)
        copied = copy_via(page, button.click)
        # Cards follow the seed's order, so card N holds seed prompt N.
        assert copied == expected, f"card {index + 1} ({PROMPT_IDS[index]}) copied the wrong text"
    page_log.assert_clean()


def test_chapter_copy_links_copy_each_prompt_page_url(page, page_log, server):
    page.goto(server.url(CHAPTER))
    cards = page.locator(CARD)
    expect(cards).to_have_count(len(PROMPT_IDS))
    for index, prompt_id in enumerate(PROMPT_IDS):
        check_copy_link(page, page_log, cards.nth(index), prompt_url(server, prompt_id))
    page_log.assert_clean()


@pytest.mark.parametrize("index", range(len(PROMPT_IDS)), ids=PROMPT_IDS)
def test_prompt_page_shows_its_card_and_copies(page, page_log, server, prompts, index):
    url = prompt_url(server, PROMPT_IDS[index])
    page.goto(url)  # opened directly, not through the site's navigation
    card = page.locator(CARD)
    expect(card).to_have_count(1)
    expect(card).to_be_visible()
    button = card.locator(COPY_BUTTON)
    expect(button).to_have_count(1)
    assert copy_via(page, button.click) == prompts[index]
    check_copy_link(page, page_log, card, url)
    page_log.assert_clean()


def test_anchor_scrolls_card_into_view(page, page_log, server):
    anchor = "kubernetes-troubleshooting-guide"
    page.goto(server.url(f"{CHAPTER}#{anchor}"))
    card = page.locator(CARD).filter(has=page.locator(f"#{anchor}"))
    expect(card).to_have_count(1)
    heading = page.locator(f"#{anchor}")
    # The scroll to the fragment may land after "load": these expectations wait for it.
    expect(heading).to_be_in_viewport(ratio=1)
    expect(card).to_be_in_viewport()
    box = card.bounding_box()
    viewport = page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"], f"card at {box}, viewport {viewport}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"card at {box}, viewport {viewport}"
    # The card's heading must be readable, not hidden under Material's sticky header.
    uncovered = page.evaluate(
        """id => {
            const heading = document.getElementById(id)
            const r = heading.getBoundingClientRect()
            const hit = document.elementFromPoint(r.left + 10, r.top + r.height / 2)
            return hit !== null && heading.contains(hit)
        }""", anchor)
    assert uncovered, "the card's heading is covered by another element (the sticky header?)"
    page_log.assert_clean()


# --------------------------------------------------------------------------- 3: search

SEARCHES = [
    # (query, page that must be among the results, its title, how the reader opens search)
    ("OOMKilled", "/prompts/debugging-container-issues/", "Debugging Container Issues", "slash-key"),
    ("helm-expert", "/skills/helm-expert/", "@helm-expert", "click-search-box"),
    ("canary", "/prompts/implementing-istio-traffic-management/", "Implementing Istio Traffic Management",
     "phone-search-button"),
]


@pytest.mark.parametrize("query,target,title,opener", SEARCHES, ids=[s[0] for s in SEARCHES])
def test_search_finds_and_opens_the_right_page(page, page_log, server, query, target, title, opener):
    if opener == "phone-search-button":
        page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url("/"))
    box = page.locator("input.md-search__input")
    if opener == "slash-key":
        page.keyboard.press("/")
    elif opener == "click-search-box":
        # On a desktop the magnifier (label.md-search__icon) lets clicks through to the box.
        box.click()
    else:
        # On a phone the box is folded into the header's search button.
        page.locator("label.md-header__button[for=__search]").click()
    expect(box).to_be_focused()
    box.press_sequentially(query, delay=20)
    # The search worker answers asynchronously: wait for the expected result to appear.
    results = page.locator(".md-search-result__item a.md-search-result__link")
    hit = results.filter(visible=True).and_(page.locator(f"a[href^='{server.url(target)}']")).first
    if not passes(lambda: expect(hit).to_be_visible()):
        shown = results.evaluate_all("links => links.map(a => a.href)")
        pytest.fail(f"searching {query!r} shows no result leading to {target}; results: {shown}")
    hit.click()
    wait_for_page(page, title)
    assert urlsplit(page.url).path == target
    page_log.assert_clean()


# --------------------------------------------------------------------------- 5: palette

SYSTEM, LIGHT, DARK = "(prefers-color-scheme)", "(prefers-color-scheme: light)", "(prefers-color-scheme: dark)"


def test_palette_toggle_switches_scheme_and_survives_reload(page, page_log, server):
    # A dark system preference makes "system" and "light" tell apart on <body>.
    page.emulate_media(color_scheme="dark")
    page.goto(server.url("/"))
    body = page.locator("body")
    toggle = page.locator("form[data-md-component=palette] label").filter(visible=True)

    def expect_state(media: str, scheme: str) -> None:
        # Material mirrors the chosen palette entry on <body>: its media query and scheme.
        expect(body).to_have_attribute("data-md-color-media", media)
        expect(body).to_have_attribute("data-md-color-scheme", scheme)

    def click_toggle() -> None:
        expect(toggle).to_have_count(1)  # Material shows the label of the next state only
        toggle.click()

    expect_state(SYSTEM, "slate")  # no choice yet: the system's (dark) preference
    # system -> light -> dark -> system, each choice kept across a reload.
    for media, scheme in [(LIGHT, "default"), (DARK, "slate"), (SYSTEM, "slate")]:
        click_toggle()
        expect_state(media, scheme)
        page.reload()
        expect_state(media, scheme)
    page_log.assert_clean()


# --------------------------------------------------------------------------- 6: phone

# What must fit on each page type, and how many of it the page has.
PHONE_BLOCKS = {
    "home": (".grid.cards > ul > li", 3),
    "chapter": (CARD, 8),
    "skill": (CARD, 3),  # @kubernetes-expert has three prompts
    "prompt": (CARD, 1),
    "skills-catalog": (".md-typeset__scrollwrap", 1),  # the table scrolls inside it, not the page
}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_phone_has_no_horizontal_scroll(page, page_log, server, kind):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url(PAGE_TYPES[kind]))
    selector, count = PHONE_BLOCKS[kind]
    expect(page.locator(selector)).to_have_count(count)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5
                          && getComputedStyle(el).position !== 'fixed')
            .filter(el => !el.closest('.md-typeset__scrollwrap, pre, .md-sidebar, .md-search'))
            .slice(0, 8).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                                   + ' right=' + Math.round(el.getBoundingClientRect().right))""")
    assert widths[0] <= widths[1], f"page scrolls sideways: scrollWidth {widths[0]} > {widths[1]}; wide: {overflowing}"
    boxes = page.locator(selector).evaluate_all(
        "els => els.map(el => { const r = el.getBoundingClientRect(); return [r.left, r.right] })")
    misfits = [(i, box) for i, box in enumerate(boxes) if box[0] < -0.5 or box[1] > widths[1] + 0.5]
    assert not misfits, f"{selector} wider than the {widths[1]}px viewport (index, [left, right]): {misfits}"
    page_log.assert_clean()


# --------------------------------------------------------------------------- 7: keyboard


# (page, the seed prompts its copy buttons hold, in page order)
KEYBOARD_PAGES = [(CHAPTER, list(range(8))), (f"/prompts/{PROMPT_IDS[5]}/", [5])]


@pytest.mark.parametrize("path,seed_indices", KEYBOARD_PAGES, ids=["chapter", "prompt"])
def test_copy_buttons_reachable_with_tab_and_enter_copies(page, page_log, server, prompts, path, seed_indices):
    page.goto(server.url(path))
    cards = len(seed_indices)
    expect(page.locator(COPY_BUTTON)).to_have_count(cards)
    expected = [prompts[i] for i in seed_indices]
    focused_button = page.locator(f"{COPY_BUTTON}:focus")
    reached: list[int] = []
    nameless: list[str] = []
    for _ in range(400):  # bounded: a page with a focus trap must fail, not hang
        page.keyboard.press("Tab")
        index = page.evaluate(
            "sel => [...document.querySelectorAll(sel)].indexOf(document.activeElement)", COPY_BUTTON)
        if index < 0 or index in reached:
            continue
        reached.append(index)
        assert copy_via(page, lambda: page.keyboard.press("Enter")) == expected[index], \
            f"Enter on copy button {index + 1} copied the wrong text"
        # The name is checked while the button is focused and after the copy, once any
        # focus handling has run (Material's tooltips take `title` away on focus):
        # that is when a screen reader announces it.
        expect(focused_button).to_have_count(1)
        attributes = focused_button.evaluate(
            "b => [b.getAttribute('aria-label'), b.getAttribute('title')].filter(v => v && v.trim())")
        named = passes(lambda: expect(focused_button).to_have_accessible_name(re.compile(r"\w"), timeout=1000))
        if not (named and attributes):
            nameless.append(f"button {index + 1}: {focused_button.evaluate('b => b.outerHTML')}")
        if len(reached) == cards:
            break
    assert sorted(reached) == list(range(cards)), f"Tab reached copy buttons {reached} of {cards}"
    assert reached == sorted(reached), f"Tab order skips around the cards: {reached}"
    assert not nameless, ("focused copy buttons without an accessible name (aria-label/title):\n"
                          + "\n".join(nameless))
    page_log.assert_clean()


# --------------------------------------------------------------------------- the skills catalog sorts


def test_skills_catalog_sorts_by_a_column(page, page_log, server):
    page.goto(server.url("/skills/"))
    rows = page.locator("article table tbody tr")
    expect(rows).to_have_count(14)

    def column(index: int) -> list[str]:
        return rows.evaluate_all(f"rows => rows.map(r => r.cells[{index}].innerText.trim())")

    assert column(0) == sorted(column(0)), "the catalog opens sorted by skill"
    prompts = page.locator("article table th").all_inner_texts().index("Prompts")
    before = [int(c) for c in column(prompts)]
    assert before not in (sorted(before), sorted(before, reverse=True)), "prompt counts already sorted: nothing to show"
    prompts_heading = page.locator("article table th", has_text="Prompts")
    prompts_heading.click()
    first = [int(c) for c in column(prompts)]
    prompts_heading.click()
    second = [int(c) for c in column(prompts)]
    # Most prompts first on the first click, fewest on the second.
    assert (first, second) == (sorted(before, reverse=True), sorted(before))
    page_log.assert_clean()


# --------------------------------------------------------------------------- 8: errors and traffic


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_console_errors_and_no_foreign_requests(page, page_log, server, kind):
    page.goto(server.url(PAGE_TYPES[kind]))
    expect(page.locator(".md-content__inner > h1")).to_be_visible()
    # Let late requests (search worker, index, favicon) happen before judging.
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/search/search_index.json") for url in page_log.requests), \
        "the search index was never fetched: the page's scripts did not run"
    # A request made seconds after load (a deferred script, a late font) counts too.
    page.wait_for_timeout(5_000)
    page_log.assert_clean()


def test_no_foreign_request_through_a_search_and_a_copy(page, page_log, server):
    page.goto(server.url(PAGE_TYPES["chapter"]))
    page.locator("input.md-search__input").click()
    page.keyboard.type("OOMKilled")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    page.keyboard.press("Escape")
    copy_via(page, page.locator(f"article.sb-prompt {COPY_BUTTON}").first.click)
    page.wait_for_timeout(5_000)
    page_log.assert_clean()

