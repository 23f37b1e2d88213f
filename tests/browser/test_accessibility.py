"""axe-core, injected into the real pages: no serious or critical violation.

axe-core comes from npm into the git-ignored node_modules/, installed by
`make test` before the suite runs; the tests install nothing themselves."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PAGE_TYPES, ROOT, unavailable

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

PAGES = {**PAGE_TYPES, "prompt-library": "/prompts/"}
BLOCKING = ("serious", "critical")
# Material's palettes, chosen through the colour scheme the reader's system prefers.
PALETTES = {"light": ("light", "default"), "dark": ("dark", "slate")}
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        unavailable(f"axe-core not found at {AXE}: `make test` installs it with npm (is npm installed?)")
    return AXE.read_text(encoding="utf-8")


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            html = " ".join(node["html"].split())[:160]
            why = " ".join(node.get("failureSummary", "").split())[:240]
            lines.append(f"    {' '.join(map(str, node['target']))}: {html}\n      {why}")
    return "\n".join(lines)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_accessibility_violations(page, page_log, server, axe_source, kind, palette, size):
    """Every rule, colour contrast included, in both palettes at both sizes."""
    media, scheme = PALETTES[palette]
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.emulate_media(color_scheme=media)
    page.goto(server.url(PAGES[kind]))
    assert page.locator("body").get_attribute("data-md-color-scheme") == scheme
    # Material adds copy buttons and other controls from script: audit the page as readers get it.
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=axe_source)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    # axe checking zero rules would pass vacuously.
    assert len(results["passes"]) + len(results["violations"]) > 10, "axe ran almost no rules"
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    if blocking:
        pytest.fail(f"{len(blocking)} serious/critical axe violations on {page.url}:\n{describe(blocking)}",
                    pytrace=False)
    page_log.assert_clean()
