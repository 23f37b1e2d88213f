"""Search as readers use it, in Chromium: the exact skill id or prompt title they
were told about comes first, "@" lists skills first, and every result says what
kind of page it leads to; typed key by key, pasted or edited, faster than search
answers, the results shown answer what is in the box. Checked on the seed site
and on the fixture book moved in with `skillbook import` (18 skills, 28 prompts,
chapters and appendices); `make bench-search` types every id of a book of the
real book's size.

Each query waits for its own results: the box is emptied first and Material's
placeholder awaited, then the query is typed, and the page is watched until its
results answer it (TYPING_RECORDER reads the words each list answers from
Material's highlight in its links)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import (SEARCH_BOX, TYPING_RECORDER, TYPING_SETTLED, clear_search,
                                    lists_after_last_key)
from tests.support.axe import BLOCKING, describe

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
    assert len(skills) == 18 and len(prompts) == 28
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


def test_without_at_the_same_words_rank_by_relevance(page, page_log, server):
    """The "@" is what asks for skills first: the words alone keep Material's order
    once the whole index has answered (the answer from titles alone, shown first,
    may start with a skill whose title holds the word)."""
    open_typing(page, server.url("/"), "revolutionized")  # a word of the chapter's prose
    type_and_settle(page, "docker", None, "docker", REALISTIC_KEY_MS)
    paths = [result["path"] for result in whole_index_answer(page)]
    assert not paths[0].startswith("/skills/"), paths
    type_and_settle(page, "@docker", None, "docker", REALISTIC_KEY_MS)
    paths = [result["path"] for result in whole_index_answer(page)]
    assert paths[0].startswith("/skills/"), paths
    page_log.assert_clean()


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


# --------------------------------------------------------------------------- typing

# A fast typist's pace: about 100 words a minute.
REALISTIC_KEY_MS = 120


def sorted_words(query: str) -> str:
    """The words of a skill id (letters, digits and "-") as the index splits them:
    at "-" and "@" (the separator in mkdocs.yml), sorted as TYPING_RECORDER sorts
    a link's words."""
    return " ".join(sorted(word for word in query.lower().replace("@", "-").split("-") if word))


def type_and_settle(page, query: str, target: str, words: str | None, delay: int | None) -> list[dict]:
    """Types ``query`` (key by key, ``delay`` ms apart; None: pasted with Ctrl+V),
    waits until a list shown after the last key has ``target`` first and answers
    ``words``, and returns every list shown after the last key."""
    clear_search(page)
    box = page.locator(SEARCH_BOX)
    if delay is None:
        page.evaluate("text => navigator.clipboard.writeText(text)", query)
        box.press("Control+V")
    else:
        box.press_sequentially(query, delay=delay)
    page.wait_for_function(TYPING_SETTLED, arg=[target, words, 0, 60_000], polling=20)
    return lists_after_last_key(page)


def open_typing(page, url: str, word: str) -> None:
    """The page at ``url``, its search box open, recording keys and lists, with its
    whole index loaded: ``word``, in the text of the site's sections, finds one."""
    page.goto(url)
    page.evaluate(TYPING_RECORDER)
    box = page.locator(SEARCH_BOX)
    box.click()
    box.press_sequentially(word)
    page.wait_for_function("() => window.__search.lists.some(list => list.sections > 0)", polling=20)


def test_ids_typed_key_by_key_show_only_results_of_the_whole_id(book_page, book_server):
    """At a realistic pace, once the last key is up, every list shown answers the
    whole id, with the skill's page first; lists of what was typed so far never
    come after it."""
    (page, log), (server, site) = book_page, book_server
    skills, _ = book_data(site)
    open_typing(page, server.url("/"), "pipelines")
    sample = [skill["id"] for skill in skills[::3]]
    assert len(sample) == 6
    for index, skill_id in enumerate(sample):
        query = "@" + skill_id if index % 2 else skill_id
        target, words = f"/skills/{skill_id}/", sorted_words(skill_id)
        lists = type_and_settle(page, query, target, words, REALISTIC_KEY_MS)
        assert [(shown["first"], shown["words"]) for shown in lists] == [(target, words)] * len(lists), \
            f"{query!r}: a list after the last key answers another query or puts another page first: {lists}"
    assert not log.errors, log.errors


def test_typing_faster_than_search_answers_shows_the_last_query(book_page, book_server):
    """Keys a millisecond or two apart, far faster than a search of the whole index
    answers: fewer of its answers are shown than keys were typed, yet every list
    after the last key answers the whole query, with the skill's page first."""
    (page, log), (server, site) = book_page, book_server
    skills, _ = book_data(site)
    open_typing(page, server.url("/"), "pipelines")
    keys = answers = 0  # keys typed, and lists answered by the whole index (with sections)
    for skill in skills[1::4]:
        target, words = f"/skills/{skill['id']}/", sorted_words(skill["id"])
        typed = "@" + skill["id"] + " "  # the space sends one more query, the same words
        lists = type_and_settle(page, typed, target, words, 0)
        assert [(shown["first"], shown["words"]) for shown in lists] == [(target, words)] * len(lists), \
            f"{typed!r}: {lists}"
        record = page.evaluate("() => window.__search")
        keys += len(record["keys"])
        answers += sum(1 for shown in record["lists"] if shown["sections"])
    assert answers < keys, f"the whole index answered {answers} times for {keys} keys: typing did not outpace it"
    assert not log.errors, log.errors


def test_pasted_and_edited_queries_answer_what_is_in_the_box(book_page, book_server):
    (page, log), (server, site) = book_page, book_server
    skills, _ = book_data(site)
    open_typing(page, server.url("/"), "pipelines")
    for skill in skills[2::5]:
        skill_id = skill["id"]
        target, words = f"/skills/{skill_id}/", sorted_words(skill_id)
        lists = type_and_settle(page, skill_id, target, words, None)
        assert [(shown["first"], shown["words"]) for shown in lists] == [(target, words)] * len(lists), lists
        # Two keys taken back: the lists answer what is left...
        box = page.locator(SEARCH_BOX)
        page.evaluate("() => { window.__search.keys = []; window.__search.lists = [] }")
        box.press("End")
        box.press("Backspace", delay=REALISTIC_KEY_MS)
        box.press("Backspace")
        shorter = sorted_words(skill_id[:-2])
        page.wait_for_function(TYPING_SETTLED, arg=[None, shorter, 0, 60_000], polling=20)
        assert {shown["words"] for shown in lists_after_last_key(page)} == {shorter}
        # ...and typed again, the whole id, with its page first.
        page.evaluate("() => { window.__search.keys = []; window.__search.lists = [] }")
        box.press_sequentially(skill_id[-2:])
        page.wait_for_function(TYPING_SETTLED, arg=[target, words, 0, 60_000], polling=20)
        lists = lists_after_last_key(page)
        assert [(shown["first"], shown["words"]) for shown in lists] == [(target, words)] * len(lists), lists
        # An "@" put in front: the same skill, the same words.
        page.evaluate("() => { window.__search.keys = []; window.__search.lists = [] }")
        box.press("Home")
        box.press("@")
        page.wait_for_function(TYPING_SETTLED, arg=[target, words, 0, 60_000], polling=20)
        assert {(shown["first"], shown["words"]) for shown in lists_after_last_key(page)} == {(target, words)}
    assert not log.errors, log.errors


def whole_index_answer(page) -> list[dict]:
    """Waits for the whole index's answer to the query typed last (its list has
    sections), and returns the results shown: each page's path, whether a line
    marks words as missing, and what it marks."""
    page.wait_for_function("""() => {
      const { keys, lists } = window.__search
      return lists.some(list => list.at > keys[keys.length - 1] && list.sections > 0)
    }""", polling=20)
    # Material renders the first results, and more each time the list is scrolled
    # to its end: up and down again until all are there.
    page.wait_for_function("""selector => {
      const wrap = document.querySelector(".md-search__scrollwrap")
      wrap.scrollTop = wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 1 ? 0 : wrap.scrollHeight
      const count = document.querySelector(".md-search-result__meta").textContent.match(/\\d+/)
      return count && document.querySelectorAll(selector).length === +count[0]
    }""", arg=RESULTS, polling=50)
    return page.evaluate("""selector => [...document.querySelectorAll(selector)].map(item => ({
        path: new URL(item.querySelector(":scope > a").href).pathname,
        missing: [...item.querySelectorAll(".md-search-result__terms del")].map(del => del.textContent),
    }))""", RESULTS)


@pytest.mark.parametrize("query", ["@docker-expert", "docker-expert", "@Helm-Expert"])
def test_nothing_marks_the_exact_match_as_missing_a_word(page, page_log, server, query):
    open_typing(page, server.url("/"), "revolutionized")  # a word of the chapter's prose
    skill_id = query.lstrip("@").lower()
    type_and_settle(page, query, f"/skills/{skill_id}/", None, 0)
    results = whole_index_answer(page)
    assert results[0] == {"path": f"/skills/{skill_id}/", "missing": []}, results[0]
    marked = [word for result in results for word in result["missing"]]
    assert not [word for word in marked if "@" in word or "-" in word], marked
    page_log.assert_clean()


def test_skills_without_a_prompt_come_after_pages_with_content(page, page_log, server, site):
    """For words, a skill with no prompt yet (a page of a few lines) comes after
    every page with content; for its exact id it still comes first."""
    skills, _ = book_data(site)
    without = {urlsplit(skill["url"]).path for skill in skills if not skill["prompts"]}
    assert without, "the seed has no skill without a prompt"
    open_typing(page, server.url("/"), "revolutionized")  # a word of the chapter's prose
    for word in ("kubernetes", "docker", "practices"):
        type_and_settle(page, word, None, None, 0)
        paths = [result["path"] for result in whole_index_answer(page)]
        kinds = ["without" if path in without else "with" for path in paths]
        assert "with" in kinds and "without" in kinds, (word, paths)
        assert kinds == sorted(kinds, key=lambda kind: kind == "without"), f"{word!r}: {paths}"
    stub = sorted(without)[0]
    type_and_settle(page, stub.split("/")[2], stub, None, REALISTIC_KEY_MS)
    page_log.assert_clean()


def test_the_whole_index_is_fetched_after_the_page_has_loaded(chromium, server):
    """Readers who do not search do not wait for the whole index: the page loads
    the titles only, and the whole index comes once the page is idle."""
    context = chromium.new_context()
    events: list[str] = []
    context.on("request", lambda request: events.append(urlsplit(request.url).path))
    page = context.new_page()
    page.on("load", lambda _: events.append("load"))
    with page.expect_request(lambda request: request.url.endswith("/search/search_index.full.json")):
        page.goto(server.url("/chapter-16-container-orchestration/"))
    assert "/search/search_index.json" in events[:events.index("load")], events
    assert events.index("load") < events.index("/search/search_index.full.json"), events
    context.close()
