"""The search index of the built site: the titles the page loads, the whole index
the worker loads, what it finds and how it weighs pages."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.support.pages import norm
from tests.support.seed import PROMPTS


# --------------------------------------------------------------------------------------
# Search index
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def search_docs(site) -> list[dict]:
    """The whole index, which the search worker loads (the page loads the titles)."""
    index = json.loads((site / "search" / "search_index.full.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    assert len(docs) > 20
    return docs


def test_pages_load_an_index_of_the_pages_titles_only(site, search_docs):
    """Material loads search/search_index.json in the page's thread: it holds
    every page (no section) with its title, kind and boost, and no text."""
    titles = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = [doc for doc in search_docs if "#" not in doc["location"]]
    assert titles["docs"] == [{**doc, "text": ""} for doc in pages]
    assert titles["config"] == json.loads((site / "search" / "search_index.full.json").read_text(encoding="utf-8"))["config"]
    assert len(pages) < len(search_docs)


def test_skills_without_a_prompt_weigh_less_in_search(site, search_docs):
    """Search lists a skill with no prompt yet (a page of a few lines) after the
    pages with content, which it knows by the page's boost below 1."""
    skills = json.loads((site / "api" / "skills.json").read_text(encoding="utf-8"))["skills"]
    boosts = {doc["location"]: doc.get("boost") for doc in search_docs if "#" not in doc["location"]}
    expected = {f"skills/{skill['id']}/": 2 if skill["prompts"] else 0.5 for skill in skills}
    assert {location: boosts[location] for location in expected} == expected
    assert 0.5 in expected.values() and 2 in expected.values()


def _entry_text(entry: dict) -> str:
    return norm(html.unescape(re.sub(r"<[^>]+>", " ", entry["title"] + " " + entry["text"])))


def _location_page(location: str) -> str:
    return location.split("#")[0]


@pytest.mark.parametrize(("word", "pages"), [
    ("OOMKilled", {"prompts/debugging-container-issues/"}),
    ("canary", {"prompts/implementing-istio-traffic-management/", "skills/service-mesh-expert/"}),
    ("docker-expert", {"skills/docker-expert/", "prompts/writing-production-ready-dockerfiles/",
                       "prompts/debugging-container-issues/", "prompts/docker-compose-for-development/"}),
])
def test_search_finds_prompt_and_skill_pages(search_docs, word, pages):
    hits = {_location_page(e["location"]) for e in search_docs if word.lower() in _entry_text(e).lower()}
    missing = pages - hits
    assert not missing, f"search for {word!r} misses {missing}; hits: {sorted(hits)}"


@pytest.mark.parametrize("number", range(8))
def test_prompt_code_is_indexed_once_on_its_page(search_docs, number):
    prompt = PROMPTS[number]
    first_line = norm(prompt.text.split("\n")[0])
    holders = [e["location"] for e in search_docs if first_line in _entry_text(e)]
    assert holders == [f"prompts/{prompt.id}/"], (
        f"the code of '{prompt.title}' should be indexed once, on its page; it is in {holders}"
    )
    entry = next(e for e in search_docs if e["location"] == f"prompts/{prompt.id}/")
    assert norm(prompt.text) in _entry_text(entry)
    # No other line of the prompt's body leaks into the chapter or skill page entries.
    distinctive = [norm(l) for l in prompt.text.split("\n") if len(l) > 30]
    assert distinctive
    leaks = [
        (e["location"], line) for e in search_docs if e["location"] != f"prompts/{prompt.id}/"
        for line in distinctive if line in _entry_text(e)
    ]
    assert not leaks, leaks
