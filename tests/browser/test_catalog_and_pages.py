"""The skills catalog on a phone, skill pages that lead with their prompts, the
prompt library's cards and the home page's counts, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COPY_BUTTON, SKILL_PAGE, wait_for_page

CATALOG = "/skills/"


@pytest.mark.parametrize("width", [320, 390])
def test_catalog_fits_a_phone_with_no_cell_cut_off(page, page_log, server, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(server.url(CATALOG))
    table = page.locator("article table")
    expect(table).to_have_count(1)
    expect(table.locator("th[role=columnheader]").first).to_be_visible()  # tablesort set it up
    cut = table.evaluate("""table => {
        const width = document.documentElement.clientWidth
        const cut = []
        for (const cell of table.querySelectorAll('th, td')) {
            if (!cell.getClientRects().length) continue  // a column a phone does not show
            const box = cell.getBoundingClientRect()
            if (box.left < 0 || box.right > width || cell.scrollWidth > cell.clientWidth + 1)
                cut.push(cell.innerText.trim().slice(0, 40))
        }
        return cut
    }""")
    assert not cut, f"cells cut off at {width} px: {cut}"
    # Neither the table nor Material's scrolling wrapper around it scrolls sideways.
    assert table.evaluate("""t => [t, t.closest('.md-typeset__scrollwrap')].every(
        box => box.scrollWidth <= box.clientWidth + 1)"""), "the table scrolls sideways"
    shown = table.locator("th").evaluate_all("ths => ths.filter(th => th.getClientRects().length).map(th => th.innerText.trim())")
    assert shown == ["Skill", "Purpose", "Prompts"]
    # A heading is one line high: its sort icon does not wrap under it.
    heights = table.locator("th").evaluate_all(
        "ths => ths.filter(th => th.getClientRects().length).map(th => th.getBoundingClientRect().height)")
    body_line = table.locator("th").first.evaluate("th => parseFloat(getComputedStyle(th).lineHeight)")
    assert max(heights) < 2 * body_line + 2 * 12, f"a heading wraps: heights {heights}"
    page_log.assert_clean()


def test_catalog_sorts_prompts_most_first_and_mutes_skills_without(page, page_log, server):
    page.goto(server.url(CATALOG))
    table = page.locator("article table")
    headers = table.locator("th")
    expect(headers).to_have_text(["Skill", "Purpose", "Best For", "Prompts"])
    headers.nth(3).click()
    counts = table.locator("tbody tr td:last-child").all_inner_texts()
    numbers = [int(c) for c in counts]
    assert numbers == sorted(numbers, reverse=True) and numbers[0] > 0, f"first click sorted {numbers}"
    # A skill with no prompt is muted; one with prompts is not.
    colours = table.locator("tbody tr").evaluate_all("""rows => rows.map(row => [
        row.lastElementChild.innerText.trim(), getComputedStyle(row.cells[1]).color])""")
    with_prompts = {colour for count, colour in colours if count != "0"}
    without = {colour for count, colour in colours if count == "0"}
    assert with_prompts and without and not with_prompts & without, colours
    page_log.assert_clean()


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_skill_page_leads_with_its_prompts(page, page_log, server, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server.url(SKILL_PAGE))
    first = page.locator("article.sb-prompt").first
    expect(first.locator(COPY_BUTTON)).to_be_visible()
    top = first.evaluate("card => card.getBoundingClientRect().top + scrollY")
    # The first prompt starts on the first screen.
    assert top < height, f"the first prompt starts {top:.0f} px down at {width} px"
    page_log.assert_clean()


def test_skill_without_prompts_says_so_once(page, page_log, server):
    page.goto(server.url("/skills/coolify/"))
    expect(page.locator("article.md-content__inner")).to_contain_text("no prompt for @coolify yet")
    text = page.locator("article.md-content__inner").inner_text()
    assert text.count("none yet") + text.count("no prompt") == 1, text
    expect(page.locator("article.sb-prompt")).to_have_count(0)
    page_log.assert_clean()


def test_library_card_is_a_link_as_a_whole(page, page_log, server):
    page.goto(server.url("/prompts/"))
    card = page.locator(".grid.cards li").first
    expect(card).to_be_visible()
    title = card.locator("a").first.inner_text()
    box = card.bounding_box()
    # A click in the card's lower part, away from its title, opens the prompt.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 8)
    wait_for_page(page, title)
    expect(page.locator("article.sb-prompt")).to_have_count(1)
    page_log.assert_clean()


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_home_counts_are_links_in_one_row_and_hints_fit_the_device(page, page_log, server, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server.url("/"))
    cards = page.locator(".sb-stats li")
    expect(cards).to_have_count(3)
    for index in range(3):
        expect(cards.nth(index).locator("a").first).to_be_visible()
    tops = cards.evaluate_all("cards => cards.map(c => Math.round(c.getBoundingClientRect().top))")
    lefts = cards.evaluate_all("cards => cards.map(c => Math.round(c.getBoundingClientRect().left))")
    if width >= 600:
        assert len(set(tops)) == 1, f"the counts are not in one row: tops {tops}"
    else:
        assert len(set(lefts)) == 1, f"the counts are not one above the other: lefts {lefts}"
    hint = page.locator(".sb-keyboard-hint")
    expect(hint).to_have_count(1)
    (expect(hint).to_be_visible if width >= 600 else expect(hint).to_be_hidden)()
    page_log.assert_clean()
