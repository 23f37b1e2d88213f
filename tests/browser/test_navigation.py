"""Wayfinding in the imported fixture book's parts: a part opens in place, in the
phone's drawer and in the desktop's sidebar, without loading a page the reader
did not ask for. The drawer opens at the page's own part (where it sits); from
Chapter 2 to Chapter 16 is four taps: the menu, the parts, Part III, Chapter 16."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_page

DRAWER_BUTTON = "label.md-header__button[for=__drawer]"
PRIMARY = "nav.md-nav--primary"


@pytest.fixture
def phone(chromium):
    """A page in a phone's browser (390 px, touch)."""
    context = chromium.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    yield context.new_page()
    context.close()


def _part_label(page, title: str):
    return page.locator(f"{PRIMARY} label.md-nav__link", has_text=title).first


def _chapter_link(page, title: str):
    return page.locator(f"{PRIMARY} a.md-nav__link", has_text=title).first


def test_on_a_phone_a_part_opens_in_the_drawer_and_its_chapter_is_one_tap_away(phone, book_server):
    server, _ = book_server
    page = phone
    page.goto(server.url("/chapter-2-anatomy-of-a-skill/"))
    wait_for_page(page, "Chapter 2: Anatomy of a Skill")
    page.locator(DRAWER_BUTTON).tap()  # 1: the menu, open at the page's own part
    # The page's own entry, marked (on a phone, the label that opens its contents).
    expect(page.locator(f"{PRIMARY} .md-nav__link--active:visible", has_text="Chapter 2: Anatomy of a Skill")).to_be_in_viewport()
    _back_to_parts(page, "Part I: Foundations")  # 2: the list of parts
    part = _part_label(page, "Part III: DevOps & Infrastructure")
    expect(part).to_be_in_viewport()
    part.tap()  # 3: the part opens in place
    chapter = _chapter_link(page, "Chapter 16: CI/CD Pipelines")
    expect(chapter).to_be_in_viewport()
    expect(_chapter_link(page, "Chapter 17: Cloud Platforms")).to_be_in_viewport()
    # Still the page the reader was on, with the menu open.
    assert page.locator("article h1").first.inner_text().startswith("Chapter 2: Anatomy of a Skill")
    assert page.locator("#__drawer").is_checked()
    chapter.tap()  # 4: the chapter
    wait_for_page(page, "Chapter 16: CI/CD Pipelines")


def test_on_a_phone_a_closed_part_leads_back_to_the_parts(phone, book_server):
    server, _ = book_server
    page = phone
    page.goto(server.url("/chapter-1-getting-started/"))
    wait_for_page(page, "Chapter 1: Getting Started")
    page.locator(DRAWER_BUTTON).tap()
    _back_to_parts(page, "Part I: Foundations")
    _part_label(page, "Part II: Prompt Craft & Quality").tap()
    expect(_chapter_link(page, "Chapter 5: Testing Strategies")).to_be_in_viewport()
    # The opened part's title goes back to the list of parts.
    _back_to_parts(page, "Part II: Prompt Craft & Quality")
    expect(_part_label(page, "Part III: DevOps & Infrastructure")).to_be_in_viewport()
    expect(_chapter_link(page, "Chapter 5: Testing Strategies")).not_to_be_in_viewport()


def _back_to_parts(page, part: str) -> None:
    """Tap the title of the part the drawer shows: it leads back to the parts."""
    toggle = _part_label(page, part).get_attribute("for")
    page.locator(f'{PRIMARY} label.md-nav__title[for="{toggle}"]').tap()


@pytest.mark.parametrize("start, title", [
    ("/chapter-1-getting-started/", "Chapter 1: Getting Started"),
    ("/prompts/", "Prompt library"),
])
def test_on_a_desktop_a_part_unfolds_in_the_sidebar(chromium, book_server, start, title):
    server, _ = book_server
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url(start))
        wait_for_page(page, title)
        chapter = _chapter_link(page, "Chapter 17: Cloud Platforms")
        expect(chapter).to_be_hidden()
        _part_label(page, "Part III: DevOps & Infrastructure").click()
        expect(chapter).to_be_visible()
        assert page.locator("article h1").first.inner_text().startswith(title)
        chapter.click()
        wait_for_page(page, "Chapter 17: Cloud Platforms")
    finally:
        context.close()
