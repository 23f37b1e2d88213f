"""Search as readers use it, in Chromium: the exact skill id or prompt title they
were told about comes first, "@" lists skills first, and every result says what
kind of page it leads to. Checked on the seed site and on the fixture book moved
in with `skillbook import` (18 skills, 23 prompts, chapters and appendices).

Each query waits for its own results: the box is emptied first and Material's
placeholder awaited, then the query is typed once, so the results shown can only
be this query's."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.test_accessibility import BLOCKING, axe_source, describe  # noqa: F401 (a fixture)

BOX = "input.md-search__input"
META = ".md-search-result__meta"
RESULTS = ".md-search-result__list > .md-search-result__item"
PLACEHOLDER = "Type to start searching"


def search(page, query: str) -> list[dict]:
    """Type ``query`` into the open search box and return its results, page rows
    in order: the path each leads to and the label it carries."""
    box = page.locator(BOX)
    box.fill("")
    box.press("End")  # Material reads the box on keyup
    page.wait_for_function("([meta, text]) => document.querySelector(meta).textContent.trim() === text",
                           arg=[META, PLACEHOLDER], polling=20)
    box.fill(query)
    box.press("End")
    page.wait_for_function("([meta, text]) => document.querySelector(meta).textContent.trim() !== text",
                           arg=[META, PLACEHOLDER], polling=20)
    return page.evaluate("""selector => [...document.querySelectorAll(selector)].map(item => {
        const row = item.querySelector(":scope > a.md-search-result__link")
        return {path: new URL(row.href).pathname, label: row.querySelector("h1 .md-tag")?.textContent.trim() ?? null}
    })""", RESULTS)


def open_search(page, url: str) -> None:
    page.goto(url)
    page.locator(BOX).click()


def book_data(site: Path) -> tuple[list[dict], list[dict]]:
    """The book's skills and prompts, from its data files."""
    skills = json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))["skills"]
    prompts = json.loads((site / "api" / "prompts.json").read_text(encoding="utf-8"))["prompts"]
    return skills, prompts


def exact_queries(skills: list[dict], prompts: list[dict]) -> list[tuple[str, set[str]]]:
    """Every skill id (bare and with its "@") and every prompt title, with the
    page it must put first (any of them, for a title that two prompts share)."""
    queries = [(query, {urlsplit(skill["url"]).path}) for skill in skills
               for query in (skill["id"], "@" + skill["id"])]
    for prompt in prompts:
        pages = {urlsplit(p["url"]).path for p in prompts if p["title"] == prompt["title"]}
        queries.append((prompt["title"], pages))
    return queries


def misplaced(page, queries: list[tuple[str, set[str]]]) -> list[str]:
    failures = []
    for query, pages in queries:
        results = search(page, query)
        first = results[0]["path"] if results else None
        if first not in pages:
            failures.append(f"{query!r}: first result {first}, expected {sorted(pages)}")
    return failures


def test_seed_exact_skill_ids_and_prompt_titles_come_first(page, page_log, server, site):
    skills, prompts = book_data(site)
    assert len(skills) == 14 and len(prompts) == 8
    open_search(page, server.url("/"))
    failures = misplaced(page, exact_queries(skills, prompts))
    assert not failures, "\n".join(failures)
    page_log.assert_clean()


def test_book_exact_skill_ids_and_prompt_titles_come_first(book_page, book_server):
    (page, log), (server, site) = book_page, book_server
    skills, prompts = book_data(site)
    assert len(skills) == 18 and len(prompts) == 23
    open_search(page, server.url("/"))
    failures = misplaced(page, exact_queries(skills, prompts))
    assert not failures, "\n".join(failures)
    assert not log.errors, log.errors


@pytest.mark.parametrize("query", ["@dock", "@kube", "@HELM"])
def test_at_lists_skills_before_anything_else(page, page_log, server, site, query):
    """Skills whose id starts with what was typed come first, by id ("@dock"
    offers @docker-expert among them), then the other skills found, then the rest."""
    skills, _ = book_data(site)
    typed = query[1:].lower()
    offered = sorted(urlsplit(skill["url"]).path for skill in skills if skill["id"].startswith(typed))
    assert offered, f"the seed has no skill starting with {typed!r}"
    open_search(page, server.url("/chapter-16-container-orchestration/"))
    results = search(page, query)
    labels = [result["label"] for result in results]
    assert [result["path"] for result in results[:len(offered)]] == offered, f"{query!r} offers {results[:len(offered) + 1]}"
    others = next((i for i, label in enumerate(labels) if label != "Skill"), len(labels))
    assert "Skill" not in labels[others:], f"{query!r}: a skill comes after another page: {labels}"
    page_log.assert_clean()


def test_without_at_the_same_words_rank_by_relevance(page, server):
    """The "@" is what asks for skills first: the words alone keep Material's order."""
    open_search(page, server.url("/"))
    labels = [result["label"] for result in search(page, "docker")]
    assert labels[0] != "Skill", labels


@pytest.mark.parametrize("width", [1280, 390])
def test_results_say_what_kind_of_page_they_lead_to(book_page, book_server, width):
    (book_page, log), (book_server, _) = book_page, book_server
    book_page.set_viewport_size({"width": width, "height": 900})
    book_page.goto(book_server.url("/"))
    if width < 960:  # on a phone the box is folded into the header's search button
        book_page.locator("label.md-header__button[for=__search]").click()
    else:
        book_page.locator(BOX).click()
    seen: dict[str, str] = {}
    for query in ("testing", "templates", "@test", "pipeline"):
        for result in search(book_page, query):
            seen.setdefault(result["label"], result["path"])
    assert {"Skill", "Prompt", "Chapter", "Appendix"} <= set(seen), seen
    assert seen["Skill"].startswith("/skills/") and seen["Prompt"].startswith("/prompts/"), seen
    assert seen["Chapter"].startswith("/chapter-") and seen["Appendix"].startswith("/appendix-"), seen
    # The label comes first in the page's row, readable in the panel, and only there.
    label = book_page.locator(f"{RESULTS} > a:first-child h1 > .md-tag:first-child").first
    box = label.bounding_box()
    assert box and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert book_page.locator(f"{RESULTS} .md-tag").count() == book_page.locator(f"{RESULTS} > a:first-child h1 > .md-tag").count()
    assert not log.errors, log.errors


@pytest.mark.parametrize("query, target", [
    ("OOMKilled", "/prompts/debugging-container-issues/"),  # an identifier in a prompt
    ("compose", "/skills/docker-compose-patterns/"),  # words inside an id
    ("practices", "/skills/docker-best-practices/"),
])
def test_identifiers_and_words_inside_ids_are_found(page, server, query, target):
    open_search(page, server.url("/"))
    paths = [result["path"] for result in search(page, query)]
    assert target in paths, f"{query!r} does not find {target}: {paths}"


def test_a_query_at_once_after_loading_gets_full_results(page, page_log, server):
    """The first index holds titles only: a query it cannot answer waits for the
    full index instead of showing "No matching documents", and one it answers
    is answered again from the full index."""
    page.add_init_script("""window.__meta = []
        new MutationObserver(() => {
          const meta = document.querySelector(".md-search-result__meta")
          if (meta && meta.textContent !== window.__meta[window.__meta.length - 1]) window.__meta.push(meta.textContent)
        }).observe(document, {childList: true, subtree: true, characterData: true})""")
    page.goto(server.url("/?q=OOMKilled"))  # a word of a prompt's text, in no title
    results = page.locator(f"{RESULTS} a.md-search-result__link[href*='/prompts/debugging-container-issues/']")
    results.first.wait_for()
    assert "No matching documents" not in page.evaluate("() => window.__meta"), page.evaluate("() => window.__meta")

    page.goto(server.url("/?q=Helm"))  # in pages' titles, and in the chapter's sections
    page.locator(f"{RESULTS} a.md-search-result__link[href*='/chapter-16-container-orchestration/']").first.wait_for()
    page_log.assert_clean()


@pytest.mark.parametrize("media", ["light", "dark"])
def test_search_results_have_no_serious_accessibility_violation(page, page_log, server, axe_source, media):
    """Labels, highlighted words and excerpts read well in both palettes."""
    page.emulate_media(color_scheme=media)
    page.goto(server.url("/?q=docker"))
    page.locator(RESULTS).first.wait_for()
    page.add_script_tag(content=axe_source)
    results = page.evaluate("() => axe.run('.md-search', {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    page_log.assert_clean()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_result_shows_an_excerpt_around_the_word_found(page, page_log, server, width):
    """A prompt's result is a few lines around the word, not the whole prompt
    (which would fill the panel, and on a phone run off it)."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(server.url("/?q=OOMKilled"))
    result = page.locator(f"{RESULTS} a.md-search-result__link[href*='/prompts/debugging-container-issues/']").first
    result.wait_for()
    teaser = result.locator("article").evaluate("a => a.innerText")
    assert "OOMKilled" in teaser and len(teaser) < 320, teaser
    assert result.locator("mark").count() >= 1  # the words found stay marked
    assert result.locator("pre, code").count() == 0
    box = result.bounding_box()
    assert box["height"] < 300, f"the result is {box['height']} px high"
    overflow = page.locator(".md-search-result").evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 0, f"results run {overflow} px off the panel"
    page_log.assert_clean()
