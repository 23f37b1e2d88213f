"""The reader's tools, in Chromium: the assistant a prompt is written for, the
values of its placeholders, "Copy as Markdown", and the filters of the catalog
and the library. The assistant's forms are checked against an oracle written
here in Python from the book's own parts (skillbook.prompt_parts); the
templates' fields, and their copies with a field named twice, are written out
by hand from the fixture book."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillbook.options import DEFAULT_ASSISTANTS
from skillbook.prompt_parts import prompt_parts
from tests.browser.conftest import COPY_BUTTON, PROMPT_IDS, copy_via, wait_for_page
from tests.conftest import ROOT
from tests.support.axe import BLOCKING, describe
from tests.support.composition import composed

CODE = "pre[data-sb-parts] code"


def choose(page, name: str) -> None:
    page.locator("select.sb-assistant").first.select_option(name)


@pytest.fixture(scope="module")
def seed_parts(site):
    skills = {s["id"] for s in json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))["skills"]}
    prompts = json.loads((site / "api" / "prompts.json").read_text(encoding="utf-8"))["prompts"]
    return {p["id"]: prompt_parts(p["text"], skills) for p in prompts}


@pytest.mark.parametrize("assistant", DEFAULT_ASSISTANTS, ids=lambda a: a.name)
def test_after_a_switch_every_prompt_page_shows_and_copies_that_form(page, page_log, server, seed_parts, assistant):
    page.goto(server.url(f"/prompts/{PROMPT_IDS[0]}/"))
    choose(page, assistant.name)
    for prompt_id in PROMPT_IDS:
        page.goto(server.url(f"/prompts/{prompt_id}/"))
        expected = composed(seed_parts[prompt_id], assistant)
        assert page.locator("select.sb-assistant").input_value() == assistant.name
        assert page.locator(CODE).text_content() == expected, prompt_id
        copied = copy_via(page, lambda: page.locator(COPY_BUTTON).first.click())
        assert copied == expected, prompt_id
    page_log.assert_clean()


def test_the_choice_survives_instant_navigation_and_reloads(page, page_log, server, seed_parts):
    chapter = "/chapter-16-container-orchestration/"
    page.goto(server.url(chapter))
    choose(page, "Claude Code")
    codes = page.locator(CODE)
    assert codes.count() == 8 and all(text.startswith("/") for text in codes.all_text_contents())
    # Instant navigation: Material swaps the content without loading the page.
    page.evaluate("() => window.__sameDocument = true")
    page.locator(f"a.sb-prompt__page[href*='{PROMPT_IDS[1]}']").click()
    # Material changes the address before it swaps the page: wait for the prompt's
    # page itself, whose title and one code block replace the chapter's.
    wait_for_page(page, "Debugging Container Issues")
    expect(page.locator(CODE)).to_have_count(1)
    assert page.evaluate("() => window.__sameDocument === true"), "the page was loaded, not navigated instantly"
    claude = DEFAULT_ASSISTANTS[1]
    assert page.locator(CODE).text_content() == composed(seed_parts[PROMPT_IDS[1]], claude)
    page.reload()
    assert page.locator(CODE).text_content() == composed(seed_parts[PROMPT_IDS[1]], claude)
    choose(page, "As written")
    page_log.assert_clean()


def test_without_javascript_the_card_shows_the_book_text(chromium, server, prompts):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url(f"/prompts/{PROMPT_IDS[0]}/"))
        assert page.locator(CODE).text_content() == prompts[0]
        # The controls act through script: without it they are not shown.
        assert page.locator(".sb-tools").count() == 1 and not page.locator(".sb-tools").is_visible()
    finally:
        context.close()


def test_copy_as_markdown_holds_title_context_prompt_and_expected_output(page, page_log, server, seed_parts):
    page.goto(server.url(f"/prompts/{PROMPT_IDS[1]}/"))
    choose(page, "Codex")
    markdown = copy_via(page, lambda: page.locator("button.sb-copy-markdown").click())
    prompt = composed(seed_parts[PROMPT_IDS[1]], DEFAULT_ASSISTANTS[2])
    assert markdown == (
        "## Debugging Container Issues\n\n"
        "**Context:** Your container is crashing in production and you need to diagnose the issue.\n\n"
        f"```text\n{prompt}\n```\n\n"
        "**Expected Output:** Debugging guide with JVM tuning and container configuration fixes.\n")
    page.locator(".md-dialog[role=status]", has_text="Markdown copied").wait_for()
    choose(page, "As written")
    page_log.assert_clean()


# A random prompt through the page's own composition: only the invocations change.
TEXT = st.text(alphabet=st.sampled_from(list("@[]()-_/ \n\t`ab1xZ:!^\\é🙂")) | st.characters(), max_size=80)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, assistant=st.sampled_from(DEFAULT_ASSISTANTS),
       values=st.dictionaries(st.sampled_from(["language", "ab", "file name"]), st.text(max_size=8), max_size=2))
def test_composition_changes_only_invocations_and_filled_fields(page, server, text, assistant, values):
    if not page.url.startswith(server.origin):
        page.goto(server.url(f"/prompts/{PROMPT_IDS[0]}/"))
    text = "@docker-expert " + text + " [language] @[ab]-expert and @helm-expert."
    parts = prompt_parts(text, {"docker-expert", "helm-expert"})
    shown = page.evaluate("""([parts, assistant, values]) => {
        localStorage.setItem("skillbook.assistant", JSON.stringify(assistant))
        const pre = document.createElement("pre")
        pre.setAttribute("data-sb-parts", encodeURIComponent(JSON.stringify(parts)))
        return window.skillbookPrompt(pre, values)
    }""", [parts, assistant.name, values])
    assert shown == composed(parts, assistant, values)
    if assistant.name == "As written" and not any(values.values()):
        assert shown == text


COMPOSED = json.loads((ROOT / "tests" / "fixtures" / "composed-prompts.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", COMPOSED["cases"], ids=lambda case: case["about"])
def test_composition_meets_the_cases_the_python_rule_meets(page, server, case):
    """The cases skillbook.prompt_parts.composed meets too (tests/test_prompt_tools.py):
    one rule, in the browser and in Python."""
    if not page.url.startswith(server.origin):
        page.goto(server.url(f"/prompts/{PROMPT_IDS[0]}/"))
    parts = prompt_parts(case["text"], set(COMPOSED["skills"]))
    shown = page.evaluate("""([parts, assistant, values]) => {
        localStorage.setItem("skillbook.assistant", JSON.stringify(assistant))
        const pre = document.createElement("pre")
        pre.setAttribute("data-sb-parts", encodeURIComponent(JSON.stringify(parts)))
        const text = window.skillbookPrompt(pre, values)
        localStorage.clear()
        return text
    }""", [parts, case["assistant"], case["values"]])
    assert shown == case["expected"]


# --------------------------------------------------------------------------- the fixture book


@pytest.fixture(scope="module")
def book(book_server):
    """The imported fixture book's server, skill ids and prompts (from its data)."""
    server, site = book_server
    skills = json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))["skills"]
    prompts = json.loads((site / "api" / "prompts.json").read_text(encoding="utf-8"))["prompts"]
    return server, {s["id"] for s in skills}, prompts


def templates_sharing_a_field(prompts):
    """Two prompts with a placeholder of one name, and that name."""
    by_field = {}
    for prompt in prompts:
        for name in prompt["placeholders"]:
            by_field.setdefault(name, []).append(prompt)
    name, sharing = max(by_field.items(), key=lambda item: len(item[1]))
    assert len(sharing) >= 2, by_field
    return name, sharing[0], sharing[1]


# Two templates of Appendix B sharing the field [language], and their copies
# with it filled, written out by hand from the appendix. The second names it
# twice, in its invocation and in its text: both take the value.
DOMAIN_EXPLAINER_WITH_LANGUAGE = (
    "@skill-name Explain the key concepts of [domain] to a developer who knows Rust & <Go> but has never worked in "
    "[domain].\n\nPlease provide:\n1. The ten terms I will hear most often\n2. The three mistakes newcomers make\n"
    "3. A small first project to practise on")
CODE_REVIEW_WITH_LANGUAGE = (
    "@rust-go-expert Review this Rust & <Go> code, written with [framework]:\n\n[paste code here]\n\nFocus on:\n"
    "- Correctness and error handling\n- Idiomatic use of [framework]\n- Security issues\n\nPlease provide:\n"
    "1. Problems, ordered by severity\n2. A corrected version of the worst part")


def test_placeholders_fill_copy_persist_and_clear(book_page, book):
    (page, log), (server, _, prompts) = book_page, book
    name = "language"
    first = next(p for p in prompts if p["id"] == "domain-explainer")
    second = next(p for p in prompts if p["id"] == "code-review-in-any-language")
    page.goto(server.url(urlsplit(first["url"]).path))
    field = page.locator(f"[data-sb-field='{name}']")
    field.fill("Rust & <Go>")
    expected = DOMAIN_EXPLAINER_WITH_LANGUAGE
    assert page.locator(CODE).text_content() == expected
    assert copy_via(page, lambda: page.locator(COPY_BUTTON).first.click()) == expected
    # Offered to another prompt with a slot of that key, which says where it came from.
    page.goto(server.url(urlsplit(second["url"]).path))
    field = page.locator(f"[data-sb-field='{name}']")
    assert field.input_value() == "Rust & <Go>"
    from_note = page.locator(".sb-field", has=field).locator(".sb-field__from")
    assert from_note.is_visible() and from_note.text_content().startswith("From another prompt")
    assert page.locator(CODE).text_content() == CODE_REVIEW_WITH_LANGUAGE
    assert copy_via(page, lambda: page.locator(COPY_BUTTON).first.click()) == CODE_REVIEW_WITH_LANGUAGE
    page.reload()
    assert "Rust & <Go>" in page.locator(CODE).text_content()
    # Cleared here, it stays empty here, and the first prompt keeps its value.
    from_note.get_by_role("button").click()
    assert page.locator(CODE).text_content() == second["text"]
    assert field.input_value() == "" and not from_note.is_visible()
    page.reload()
    assert page.locator(CODE).text_content() == second["text"]
    page.goto(server.url(urlsplit(first["url"]).path))
    assert page.locator(CODE).text_content() == expected
    page.get_by_role("button", name="Clear all").click()
    assert page.locator(CODE).text_content() == first["text"]
    assert page.locator(f"[data-sb-field='{name}']").input_value() == ""
    assert not log.errors, log.errors


# The fields of Appendix B's templates, one per slot, written out from the
# appendix: a name written twice is one field, and a label before a slot's
# name tells slots of one name apart. No other prompt of the book has a field.
TEMPLATE_FIELDS = {
    "generic-skill-request": ["first deliverable", "purpose", "requirement 1", "requirement 2", "second deliverable",
                              "task", "what exists today", "what is going wrong"],
    "domain-explainer": ["domain", "language"],
    "code-review-in-any-language": ["framework", "language", "paste code here"],
    "framework-migration": ["date", "framework", "language", "number of modules", "old framework"],
    "system-design": ["duration", "feature name", "framework, language, version", "language", "list", "number"],
    "tests-for-failing-code": ["dev, staging, prod", "error message", "feature name", "paste code here",
                               "unit, integration, e2e"],
    "terraform-module-scaffold": ["cloud provider", "list of outputs", "list of variables", "purpose", "resource type"],
    "project-kickoff": ["dev, staging, prod", "duration", "language", "list (In scope)", "list (Out of scope)",
                        "list (Team roles)", "project name"],
}


def test_only_real_placeholders_get_a_field(book_page, book):
    (page, log), (server, _, prompts) = book_page, book
    assert set(TEMPLATE_FIELDS) <= {prompt["id"] for prompt in prompts}
    for prompt in prompts:
        page.goto(server.url(urlsplit(prompt["url"]).path))
        fields = page.locator("[data-sb-field]").evaluate_all("inputs => inputs.map(i => i.dataset.sbField)")
        assert sorted(fields) == TEMPLATE_FIELDS.get(prompt["id"], []), prompt["id"]
    assert not log.errors, log.errors


@pytest.mark.parametrize("width", [1280, 390])
def test_filters_come_from_the_address(book_page, book, width):
    (page, log), (server, skills, prompts) = book_page, book
    page.set_viewport_size({"width": width, "height": 900})
    skill = max({p["skill"] for p in prompts if p["skill"]}, key=lambda s: sum(p["skill"] == s for p in prompts))
    word = next(w for w in re.findall(r"[a-z]{5,}", next(p for p in prompts if p["skill"] == skill)["title"].lower())
                if w != "template")
    expected = {urlsplit(p["url"]).path for p in prompts if p["skill"] == skill
                and word in (p["title"] + " " + (p["context"] or "")).lower()}
    page.goto(server.url(f"/prompts/?skill={quote(skill)}&q={word}"))
    shown = page.locator("[data-sb-item]:visible").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert expected and set(shown) == expected, (shown, expected)
    assert page.get_by_role("status").filter(has_text="prompts").text_content() == \
        f"{len(expected)} of {len(prompts)} prompts match"
    # The filter's text is the filter's: Material's search stays closed.
    assert not page.locator("#__search").is_checked()
    # Typing narrows further and the address follows, for a link to share.
    page.get_by_role("searchbox", name="Filter").fill("zzz-nothing")
    assert page.locator("[data-sb-item]:visible").count() == 0
    assert "q=zzz-nothing" in page.url and f"skill={skill}" in page.url
    page.goto(server.url("/skills/?chapter=A"))
    rows = page.locator("[data-sb-item]:visible").count()
    assert 0 < rows < len(skills)
    assert not log.errors, log.errors


def test_filters_work_from_the_keyboard(book_page, book):
    (page, log), (server, _, prompts) = book_page, book
    page.goto(server.url("/prompts/"))
    page.get_by_role("searchbox", name="Filter").focus()
    page.keyboard.type("template")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "chapter"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "skill"
    shown = page.locator("[data-sb-item]:visible").count()
    assert 0 < shown < len(prompts)
    assert page.get_by_role("status").filter(has_text="prompts").text_content() == f"{shown} of {len(prompts)} prompts match"


def test_the_library_s_last_prompt_is_found_and_opened_with_the_keyboard_on_a_phone(book_page, book):
    """On a phone the library paints only the chapters near the screen; the last
    card, far below, is found all the same by its title typed key by key, and
    Tab then Enter open it."""
    (page, log), (server, _, prompts) = book_page, book
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url("/prompts/"))
    last = page.locator("[data-sb-item]").last
    path = urlsplit(last.evaluate("a => a.href")).path
    prompt = next(p for p in prompts if urlsplit(p["url"]).path == path)
    assert last.evaluate("a => a.getBoundingClientRect().top") > 5 * 844, "the last card should be far below the screen"
    words = prompt["title"].lower().split()
    expected = {urlsplit(p["url"]).path for p in prompts if all(word in card_text(p) for word in words)}
    page.get_by_role("searchbox", name="Filter").focus()
    page.keyboard.type(prompt["title"], delay=5)
    shown = page.locator("[data-sb-item]:visible").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert path in shown and set(shown) == expected, (shown, expected)
    for _ in range(8):  # past the chapter and skill choices and the link to search the book
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('[data-sb-item]')"):
            break
    assert page.evaluate("() => new URL(document.activeElement.href).pathname") == shown[0]
    focused = page.locator("[data-sb-item]:focus")
    expect(focused).to_be_in_viewport()
    # Painted, not a blank space the size of an estimate.
    assert focused.evaluate("a => a.checkVisibility({contentVisibilityAuto: true})")
    title = focused.text_content().strip()
    page.keyboard.press("Enter")
    wait_for_page(page, title)
    assert not log.errors, log.errors


@pytest.mark.parametrize("path", ["template", "/prompts/", "/skills/"])
def test_tools_have_no_serious_accessibility_violation_on_a_phone(book_page, book, axe_source, path):
    (page, log), (server, _, prompts) = book_page, book
    # A template's page shows the placeholder form; the lists, a filter in use.
    url = urlsplit(templates_sharing_a_field(prompts)[1]["url"]).path if path == "template" else path + "?q=a"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url(url))
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=axe_source)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px on a phone"
    log.assert_clean()


def card_text(prompt) -> str:
    """What a prompt's card in the library says: its title, its skill and its context."""
    return " ".join([prompt["title"], "@" + prompt["skill"] if prompt["skill"] else "Any skill",
                     prompt["context"] or ""]).lower()


@pytest.mark.parametrize("typed", ["terraform aws", "AWS  terraform", "zzz-nothing"])
def test_a_filter_shows_what_holds_the_most_words_and_offers_search(book_page, book, typed):
    """Words in any order; when no prompt holds them all, the prompts holding the
    most of them, and the status says so; and always a link that searches the
    whole book for them, saying how many pages it finds."""
    (page, log), (server, _, prompts) = book_page, book
    words = typed.lower().split()
    held = {urlsplit(p["url"]).path: sum(word in card_text(p) for word in words) for p in prompts}
    most = max(held.values())
    expected = {path for path, count in held.items() if count == most and most}
    page.goto(server.url("/prompts/"))
    page.get_by_role("searchbox", name="Filter").fill(typed)
    shown = page.locator("[data-sb-item]:visible").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert set(shown) == expected, (typed, shown, expected)
    status = page.get_by_role("status").filter(has_text="prompts").text_content()
    if typed.startswith("zzz"):
        assert status == f"0 of {len(prompts)} prompts match"
    else:
        assert 0 < most < len(words), "the words chosen must not be found together"
        assert status == f"{len(expected)} of {len(prompts)} prompts match {most} of the {len(words)} words, none all"
    link = page.locator("a[data-sb-search]")
    query = " ".join(typed.split())
    link.filter(has_text=re.compile(r": \d+ pages?$")).wait_for()
    label = link.text_content()
    assert label.startswith(f"Search the whole book for \u201c{query}\u201d: "), label
    pages = int(re.search(r": (\d+) pages?$", label)[1])
    link.click()  # search opens here, on the words typed
    assert page.locator("input.md-search__input").input_value() == query
    meta = "No matching documents" if not pages else f"{pages} matching document" + ("s" if pages > 1 else "")
    page.locator(".md-search-result__meta").filter(has_text=meta).wait_for()
    assert not log.errors, log.errors
