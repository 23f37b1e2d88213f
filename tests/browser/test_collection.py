"""The collection of skills in Chromium: the catalog's filter by collection, kept in
the address, and a skill page's install command following the Assistant menu."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COPY_BUTTON, PageLog, SiteServer, serve_built
from tests.conftest import make_collection_project
from tests.support.collection import DOCKER_INSTALLS, FOUND, MISSING, install


@pytest.fixture(scope="module")
def collection_server(tmp_path_factory) -> Iterator[SiteServer]:
    project = make_collection_project(tmp_path_factory.mktemp("collection-book") / "book")
    with serve_built(project, tmp_path_factory.mktemp("collection-site")) as served:
        yield served


@pytest.fixture
def log(collection_server) -> PageLog:
    return PageLog(collection_server.origin)


@pytest.fixture
def page(chromium, collection_server, log):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=collection_server.origin)
    context.on("request", lambda request: log.requests.append(request.url))
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and log.errors.append(f"console.error at {page.url}: {msg.text}"))
    page.on("pageerror", lambda exc: log.errors.append(f"pageerror at {page.url}: {exc}"))
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shown_skills(page) -> list[str]:
    return page.locator(".sb-catalog tbody tr:visible td:first-child").all_inner_texts()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_catalog_filters_by_collection_in_the_address(page, log, collection_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(collection_server.url("/skills/"))
    status = page.locator(".sb-filter__status")
    expect(status).to_have_text("All 14 skills")
    choice = page.get_by_label("Collection")
    choice.select_option(label="Not in the collection")
    expect(status).to_have_text("8 of 14 skills match")
    assert sorted(shown_skills(page)) == sorted(f"@{s}" for s in MISSING)
    assert page.url.endswith("/skills/?collection=out")
    # Typed key by key, the words narrow the choice further.
    page.get_by_label("Filter", exact=True).press_sequentially("docker")
    expect(status).to_have_text("1 of 14 skills match")
    assert shown_skills(page) == ["@docker-best-practices"]
    # The address shared, the view comes back.
    page.goto(page.url)
    expect(status).to_have_text("1 of 14 skills match")
    expect(choice).to_have_value("out")
    page.goto(collection_server.url("/skills/?collection=in"))
    expect(status).to_have_text("6 of 14 skills match")
    assert sorted(shown_skills(page)) == [f"@{s}" for s in FOUND]
    choice.select_option(label="All skills")
    expect(status).to_have_text("All 14 skills")
    assert page.url.endswith("/skills/")
    # The catalog scrolls only downwards, on a phone too.
    assert page.evaluate("document.documentElement.scrollWidth") == width
    log.assert_clean()


def test_the_install_command_follows_the_assistant_chosen(page, log, collection_server):
    page.goto(collection_server.url("/skills/docker-expert/"))
    box = page.locator(".sb-install")
    command = box.locator(".sb-install__command code")
    expect(command).to_have_text(install(".agents/skills", "skills/containers/docker-expert"))
    for name, folder in DOCKER_INSTALLS.items():
        box.get_by_label("Assistant").select_option(label=name)
        expect(command).to_have_text(install(folder, "skills/containers/docker-expert"))
        expect(box.locator(".sb-install__folder")).to_have_text(f"{folder}/docker-expert")
    # The choice is the prompt cards' too, and follows the reader to another skill's page.
    box.get_by_label("Assistant").select_option(label="Claude Code")
    box.locator(".sb-install__command").hover()
    box.locator(COPY_BUTTON).click()
    assert page.evaluate("navigator.clipboard.readText()") == install(".claude/skills", "skills/containers/docker-expert")
    expect(page.locator("article.sb-prompt select.sb-assistant").first).to_have_value("Claude Code")
    expect(page.locator("article.sb-prompt pre code").first).to_contain_text("/docker-expert")
    page.goto(collection_server.url("/skills/helm-expert/"))
    expect(page.locator(".sb-install__command code")).to_have_text(install(".claude/skills", "skills/kubernetes/helm-expert", "helm-expert"))
    log.assert_clean()


def test_a_missing_skill_page_offers_no_command(page, log, collection_server):
    page.goto(collection_server.url("/skills/service-mesh-expert/"))
    note = page.locator(".admonition.warning")
    expect(note).to_contain_text("@service-mesh-expert is not in the collection owner/skills")
    expect(page.locator(".sb-install")).to_have_count(0)
    expect(page.locator(".sb-uninstallable").first).to_have_text("Not in the collection")
    log.assert_clean()
