"""Full-page screenshots of the five page types and the prompt library at desktop
and phone size, in both palettes, for a human to look over. They land in the
git-ignored test-artifacts/screenshots/."""

from __future__ import annotations

import struct

import pytest

from tests.browser.conftest import PAGE_TYPES

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
PALETTES = {"light": "light", "dark": "dark"}  # name: the colour scheme that selects it
PAGES = {**PAGE_TYPES, "prompt-library": "/prompts/"}
MIN_BYTES = 10_000  # a blank or half-rendered page compresses far below this


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])  # width, height from the IHDR chunk


@pytest.fixture(scope="session")
def screenshots_dir(artifacts_dir):
    folder = artifacts_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", PAGES)
def test_screenshot(page, page_log, server, screenshots_dir, record_property, kind, size, palette):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(color_scheme=PALETTES[palette])
    page.goto(server.url(PAGES[kind]))
    # Material decorates the page from script (copy buttons, sortable tables): wait until settled.
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    # On a phone the library's chapters away from the screen are painted only as
    # they come near it (content-visibility: auto); a full-page capture is one
    # paint, which would show them blank. Painted all, the page looks as a reader
    # scrolling it sees it.
    page.add_style_tag(content=".md-typeset .sb-library .grid.cards { content-visibility: visible !important; }")
    path = screenshots_dir / f"{kind}-{size}-{palette}.png"
    path.unlink(missing_ok=True)  # never judge a file left by an earlier run
    page.screenshot(path=str(path), full_page=True)
    record_property("screenshot", str(path))
    print(f"screenshot {kind} at {size} in {palette}: {path}  (folder: {screenshots_dir})")

    assert path.is_file(), f"no screenshot written at {path}"
    data = path.read_bytes()
    assert len(data) > MIN_BYTES, f"{path} is only {len(data)} bytes"
    shot_width, shot_height = png_size(data)
    assert shot_width >= width and shot_height >= height, f"{path} is {shot_width}x{shot_height}"
    page_log.assert_clean()
