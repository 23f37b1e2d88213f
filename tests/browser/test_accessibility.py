"""axe-core, injected into the pages as readers get them, with every rule but
those of WCAG's AAA level, in both palettes, on a desktop and a phone.

No serious or critical violation anywhere, and no moderate one but those
explained in tests/README.md (`EXPLAINED`). Where it runs:

- the site's page types (the seed chapter's book);
- a sample of each page type of the bench book (bench/docsify_book.py: the real
  book's size and mess, 57 chapters, 930 pages, moved in with `skillbook import`);
- every page of the fixture docsify book and every page of the bench book:
  `make a11y` (the `every_page` mark, left out of `make test`: it takes long).

axe-core comes from npm into the git-ignored node_modules/, installed by
`make test` and `make a11y` before the suite runs; the tests install nothing
themselves."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import PAGE_TYPES, ROOT, PageLog, SiteServer, serve_built
from tests.conftest import make_site_project
from tests.support.axe import BLOCKING, describe

PAGES = {**PAGE_TYPES, "prompt-library": "/prompts/"}
# Moderate violations that stay, each explained in tests/README.md.
EXPLAINED = {
    # An author's heading levels: a prompt's #### straight under a ## section.
    "heading-order",
}
# Material's palettes, chosen through the colour scheme the reader's system prefers.
PALETTES = {"light": ("light", "default"), "dark": ("dark", "slate")}
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
# Every rule axe-core has (experimental and best-practice ones too), but those
# of WCAG's AAA level (7:1 contrast, links of one name leading to one place,
# no timed refresh at all): the site's target is AA.
# The page drawn in its new palette or size: colour transitions (Material's links
# fade to their new colour) finished, so that axe reads the colours that stay.
SETTLED = """async () => {
  const finite = document.getAnimations().filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
  await Promise.all(finite.map(a => a.finished.catch(() => null)))
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))
}"""
# Material adds copy buttons and other controls from script, and so do Skillbook's
# scripts: audit the page as readers get it, once all of them have run on it.
# `document$` hands the page to each script as it subscribes (at the load of
# the page, in the order of the scripts), and to this late one after them. Not
# the network gone quiet: on a loaded machine the search worker's script was
# seen as still loading 20 s after the page had loaded, and the audit timed out.
SET_UP = """() => new Promise(done => document$.subscribe(() => requestAnimationFrame(() => done())))"""
RUN_AXE = """async () => {
  const rules = Object.fromEntries(axe.getRules().map(rule => [rule.ruleId, {enabled: !rule.tags.includes("wcag2aaa")}]))
  return axe.run(document, {rules, resultTypes: ["violations"]})
}"""


def failing(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING or (v["impact"] == "moderate" and v["id"] not in EXPLAINED)]


def audit(page, axe_source: str, url: str) -> list[str]:
    """Open ``url`` once, then run axe in each palette at each size; returns what
    fails, one entry per palette and size."""
    page.goto(url)
    page.evaluate(SET_UP)
    page.add_script_tag(content=axe_source)
    failures = []
    for palette, (media, scheme) in PALETTES.items():
        page.emulate_media(color_scheme=media)
        page.wait_for_function("scheme => document.body.dataset.mdColorScheme === scheme", arg=scheme)
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate(SETTLED)
            results = page.evaluate(RUN_AXE)
            # axe checking zero rules would pass vacuously.
            assert len(results["passes"]) + len(results["violations"]) > 10, "axe ran almost no rules"
            if found := failing(results["violations"]):
                failures.append(f"{url}, {palette}, {size}: {len(found)} violations\n{describe(found)}")
    return failures


@pytest.fixture
def reader(chromium):
    """A page of a fresh browser context, and a log of its traffic, for any server."""
    contexts = []

    def open_page(server: SiteServer):
        log = PageLog(server.origin)
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        context.on("request", lambda request: log.requests.append(request.url))
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and log.errors.append(f"console.error at {page.url}: {msg.text}"))
        page.on("pageerror", lambda exc: log.errors.append(f"pageerror at {page.url}: {exc}"))
        page.set_default_timeout(20_000)
        return page, log

    yield open_page
    for context in contexts:
        context.close()


def assert_accessible(reader, axe_source: str, server: SiteServer, paths: list[str]) -> None:
    page, log = reader(server)
    failures = [failure for path in paths for failure in audit(page, axe_source, server.url(path))]
    assert not failures, f"axe violations on {len(failures)} page views:\n" + "\n\n".join(failures)
    log.assert_clean()


def site_pages(site: Path) -> list[str]:
    """Every page of a built site, as paths (search and 404 have no page of their own)."""
    return sorted(
        "/" + "".join(f"{part}/" for part in index.parent.relative_to(site).parts)
        for index in site.rglob("index.html") if index.parent.name != "search"
    )


# --------------------------------------------------------------------------- the bench book


def _write_docsify_book():
    spec = importlib.util.spec_from_file_location("bench_docsify_book", ROOT / "bench" / "docsify_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_docsify_book


@pytest.fixture(scope="session")
def bench_book(tmp_path_factory) -> Iterator[tuple[SiteServer, Path]]:
    """The bench book (57 chapters, the real book's size and mess), imported as
    its authors will, built and served; with its site folder."""
    root = tmp_path_factory.mktemp("bench-book")
    _write_docsify_book()(root / "docsify", 57)
    project = make_site_project(root / "book")
    result = subprocess.run([sys.executable, "-m", "skillbook.cli", "import", str(root / "docsify"), "--project", str(project)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve_built(project, root / "site") as served:
        yield served, root / "site"


def one_of_each_page_type(site: Path) -> list[str]:
    """A page of every type the bench book has: the home page; the chapter with
    commented code in four languages and the one with a diagram; the templates
    (an appendix); both catalogs, at full size; a skill with an introduction
    and prompts, and one with neither; a template's page, and the prompt page
    after one whose title holds "&" (its footer names it). `make a11y` audits
    the rest."""
    def first(pattern: str) -> str:
        found = sorted(site.glob(pattern))
        assert found, f"no page {pattern} in the bench book"
        return "/" + found[0].relative_to(site).as_posix() + "/"

    return [
        "/", first("chapter-4-*"), first("chapter-5-*"), first("appendix-b-*"), "/skills/", "/prompts/",
        first("skills/prompt-engineer-4"), first("skills/topic-3-0"),
        first("prompts/generic-skill-request*"), first("prompts/reviewing-chapter-4-work*"),
    ]


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("kind", PAGES)
def test_the_page_types_of_the_site(reader, server, axe_source, kind):
    assert_accessible(reader, axe_source, server, [PAGES[kind]])


def test_a_page_of_each_type_of_the_bench_book(reader, bench_book, axe_source):
    server, site = bench_book
    assert_accessible(reader, axe_source, server, one_of_each_page_type(site))


@pytest.mark.every_page
def test_every_page_of_the_fixture_book(reader, book_server, axe_source):
    server, site = book_server
    paths = site_pages(site)
    assert len(paths) > 50, paths
    assert_accessible(reader, axe_source, server, paths)


@pytest.mark.every_page
def test_every_page_of_the_bench_book(reader, bench_book, axe_source):
    server, site = bench_book
    paths = site_pages(site)
    assert len(paths) > 900, len(paths)
    assert_accessible(reader, axe_source, server, paths)
