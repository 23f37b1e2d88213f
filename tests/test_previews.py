"""Link preview images: every page's 1200x630 PNG card, the meta tags that name
it, authors' titles drawn as text, the cache between builds, and the option
that turns them off. Meta tags are read with the standard library's HTML parser
(tests/support/pages.py), images opened with Pillow."""

from __future__ import annotations

import io
import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageFont

from skillbook.options import load_options
from skillbook.previews import MATERIAL_PRIMARY, Card, card_title, render, title_lines
from skillbook.problems import Problem
from tests.conftest import CHAPTER_1, ROOT, build_site, make_site_project, skill_yaml, write_book
from tests.support.pages import parse_file, parse_html

ADDRESS = "https://books.example.org/skillbook/"
SITE_NAME = "The Skillbook"  # mkdocs.yml's site_name
INDIGO = (0x40, 0x51, 0xB5)  # Material's indigo (--md-primary-fg-color), the book's palette primary


def meta(site: Path, page: str) -> dict[str, str]:
    """The page's <meta> values by property or name, as an HTML parser reads them."""
    head = parse_file(site / page)
    return {m.attrs.get("property") or m.attrs.get("name", ""): m.attrs.get("content", "") for m in head.find_all("meta")}


def image_of(site: Path, tags: dict[str, str], address: str = ADDRESS) -> Path:
    """The file the page's og:image names, which must be an address of the site."""
    url = tags["og:image"]
    assert url.startswith(address), url
    return site / url[len(address):]


def luminance(colour: tuple[int, ...]) -> float:
    """WCAG 2.x relative luminance, written out from the definition."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colours(path_or_bytes: Path | bytes) -> tuple[tuple[int, ...], tuple[int, ...], Image.Image]:
    """(background, text colour, image): the corner's colour, and the colour of
    the card farthest from it (fully inked text)."""
    image = Image.open(path_or_bytes if isinstance(path_or_bytes, Path) else io.BytesIO(path_or_bytes))
    rgb = image.convert("RGB")
    background = rgb.getpixel((0, 0))
    used = [colour for _, colour in rgb.getcolors(maxcolors=1 << 16)]
    ink = max(used, key=lambda c: sum(abs(x - y) for x, y in zip(c, background)))
    return background, ink, image


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real book, built for a published address."""
    site_dir = tmp_path_factory.mktemp("previews")
    result = build_site(ROOT, site_dir, site_url=ADDRESS)
    assert result.returncode == 0, result.stderr
    return site_dir


@pytest.mark.parametrize("page, kind, title", [
    ("chapter-16-container-orchestration/index.html", "Chapter 16", "Container Orchestration"),
    ("prompts/debugging-container-issues/index.html", "Prompt", "Debugging Container Issues"),
    ("skills/helm-expert/index.html", "Skill", "@helm-expert"),
    ("skills/index.html", "Catalog", "Skills catalog"),
    ("prompts/index.html", "Catalog", "Prompt library"),
    ("index.html", "Home", SITE_NAME),
])
def test_every_kind_of_page_names_its_card_image(site, page, kind, title):
    tags = meta(site, page)
    image = image_of(site, tags)
    assert image.is_file(), tags["og:image"]
    with Image.open(image) as card:
        assert (card.format, card.size) == ("PNG", (1200, 630))
    assert (tags["og:image:type"], tags["og:image:width"], tags["og:image:height"]) == ("image/png", "1200", "630")
    assert kind in tags["og:image:alt"] and title in tags["og:image:alt"], tags["og:image:alt"]
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]
    # Nothing is asked of another host: the image is the site's own.
    assert urlsplit(tags["og:image"]).netloc == urlsplit(ADDRESS).netloc


def test_every_page_of_the_site_has_its_own_card(site):
    pages = [p for p in site.rglob("index.html") if "Redirecting" not in p.read_text(encoding="utf-8")[:2000]]
    images = {meta(site, p.relative_to(site).as_posix())["og:image"] for p in pages}
    assert len(images) == len(pages)
    for url in images:
        assert image_of(site, {"og:image": url}).is_file(), url


def test_the_card_is_in_the_books_primary_colour_with_readable_text(site):
    background, ink, _ = colours(image_of(site, meta(site, "prompts/debugging-container-issues/index.html")))
    assert background == INDIGO
    assert contrast(background, ink) >= 4.5


@pytest.mark.parametrize("primary", sorted(MATERIAL_PRIMARY))
def test_text_reads_on_every_primary_colour_of_material(primary):
    background, ink, _ = colours(render(Card("Debugging Container Issues", "Prompt", SITE_NAME, MATERIAL_PRIMARY[primary])))
    assert contrast(background, ink) >= 4.5, (primary, background, ink)


@pytest.mark.parametrize("title", [
    "",
    "🚀🐳 Emoji only",
    "容器编排与 Kubernetes",
    "עברית ومن العربية",
    "Null \x00 and controls \x07\x1b[31m and\nnew\tlines",
    "<script>alert(1)</script> & \"quotes\" 'single'",
    "x" * 5000,
    "word " * 2000,
    "\ud800 lone surrogate",
])
def test_any_title_draws_a_card(title):
    data = render(Card(title, "Prompt", SITE_NAME, INDIGO))
    with Image.open(io.BytesIO(data)) as card:
        card.load()
        assert (card.format, card.size) == ("PNG", (1200, 630))


def test_a_long_title_is_wrapped_within_the_card_and_cut_with_an_ellipsis():
    size, lines = title_lines("A very long title about containers " * 20)
    assert lines[-1].endswith("…")
    font = ImageFont.load_default(size=size)
    assert all(font.getlength(line) <= 1200 - 2 * 80 for line in lines)
    assert size * 1.18 * len(lines) <= 630 - 175 - 104  # between the title's top and the site's name
    assert "A very long title about containers" in " ".join(lines)


def test_a_title_that_fits_is_drawn_whole():
    size, lines = title_lines("Debugging Container Issues")
    assert lines == ["Debugging Container Issues"]


def test_different_titles_draw_different_cards():
    first = render(Card("Debugging Container Issues", "Prompt", SITE_NAME, INDIGO))
    second = render(Card("Debugging Container Issuer", "Prompt", SITE_NAME, INDIGO))
    assert first != second


# -- authors' titles, the cache, the option, site_url (small books) ------------------------------


HOSTILE_TITLE = 'Fix <div> "quotes" & 🚀 emoji'
LONG_TITLE = "Migrate " + " ".join(f"service{n}" for n in range(120))


def small_book(root: Path, chapter: str = CHAPTER_1) -> Path:
    root = make_site_project(root)
    chapter += f"\n#### {HOSTILE_TITLE} {{#hostile}}\n\n```text\n@tester Fix it.\n```\n"
    chapter += f"\n#### {LONG_TITLE} {{#long}}\n\n```text\n@tester Migrate them.\n```\n"
    write_book(root, {"tester.yml": skill_yaml("tester")}, {"chapter-1-testing.md": chapter})
    return root


def images(site: Path) -> dict[str, int]:
    """Every image of the site's previews folder, with its modification time."""
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in (site / "assets" / "previews").rglob("*.png")}


def test_authors_titles_are_drawn_and_described_as_text(tmp_path):
    root = small_book(tmp_path / "book")
    result = build_site(root, root / "site", site_url=ADDRESS)
    assert result.returncode == 0, result.stderr
    for page in ("prompts/hostile/index.html", "prompts/long/index.html"):
        tags = meta(root / "site", page)
        # The card's text is the page's title as <title> and og:title give it.
        title = tags["og:title"].removesuffix(f" - {SITE_NAME}")
        assert tags["og:image:alt"] == f"Prompt: {title} ({SITE_NAME})"
        with Image.open(image_of(root / "site", tags)) as card:
            assert card.size == (1200, 630)
    # Quotes, ampersands and emoji reach the attribute escaped, and read back whole.
    assert '"quotes" & 🚀 emoji' in meta(root / "site", "prompts/hostile/index.html")["og:image:alt"]
    assert LONG_TITLE in meta(root / "site", "prompts/long/index.html")["og:image:alt"]


def test_a_second_build_makes_no_image_and_a_changed_title_makes_one(tmp_path):
    root = small_book(tmp_path / "book")
    assert build_site(root, root / "site", site_url=ADDRESS).returncode == 0
    first = images(root / "site")
    cache = root / ".cache" / "skillbook" / "previews"
    cached = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    # The chapter, the two catalogs, the skill's page and the three prompts' pages.
    assert len(first) == len(cached) == 7
    assert build_site(root, root / "site", site_url=ADDRESS).returncode == 0
    assert images(root / "site") == first
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == cached

    chapter = root / "docs" / "chapter-1-testing.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("# Chapter 1: Testing", "# Chapter 1: Testing Well"), encoding="utf-8")
    before = (root / "site" / "assets" / "previews" / "chapter-1-testing.png").read_bytes()
    assert build_site(root, root / "site", site_url=ADDRESS).returncode == 0
    third = images(root / "site")
    changed = {path for path in third if third[path] != first.get(path)}
    assert changed == {"assets/previews/chapter-1-testing.png"}
    assert (root / "site" / "assets" / "previews" / "chapter-1-testing.png").read_bytes() != before
    # The old title's image left the cache; it holds this build's images only.
    assert len(list(cache.iterdir())) == len(third)


def test_previews_can_be_turned_off(tmp_path):
    root = small_book(tmp_path / "book")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("extra:\n  skillbook:\n    previews: false\n")
    result = build_site(root, root / "site", site_url=ADDRESS)
    assert result.returncode == 0, result.stderr
    tags = meta(root / "site", "prompts/write-a-test/index.html")
    assert "og:image" not in tags and "twitter:image" not in tags
    assert tags["twitter:card"] == "summary"
    assert not (root / "site" / "assets" / "previews").exists()


@pytest.mark.parametrize("value, expected", [
    ("false", []),
    ("no", []),
    ("true", []),
    ("maybe", ["mkdocs.yml:3: 'previews' must be true or false, such as 'previews: false'"]),
    ("[]", ["mkdocs.yml:3: 'previews' must be true or false, such as 'previews: false'"]),
])
def test_the_previews_option_is_checked_at_its_line(tmp_path, value, expected):
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"extra:\n  skillbook:\n    previews: {value}\n", encoding="utf-8")
    problems: list[Problem] = []
    options = load_options(config, problems)
    assert [str(p.relative_to(tmp_path)) for p in problems] == expected
    assert options.previews is (value not in ("false", "no"))


def test_without_site_url_the_images_are_made_but_not_named(tmp_path):
    # Open Graph wants an absolute address, which only site_url gives (Material's social plugin does the same).
    root = small_book(tmp_path / "book")
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"^site_url:.*\n", "", config.read_text(encoding="utf-8"), flags=re.MULTILINE), encoding="utf-8")
    result = build_site(root, root / "site")
    assert result.returncode == 0, result.stderr
    tags = meta(root / "site", "prompts/write-a-test/index.html")
    assert "og:image" not in tags and tags["twitter:card"] == "summary"
    assert (root / "site" / "assets" / "previews" / "prompts" / "write-a-test.png").is_file()
    assert json.dumps(tags)  # the other tags are there
    assert tags["og:title"] == f"Write a Test - {SITE_NAME}"


def test_under_serve_an_image_is_made_when_it_is_asked_for(tmp_path):
    from tests.support.serve import serving, wait_for

    root = small_book(tmp_path / "book")
    cache = root / ".cache" / "skillbook" / "previews"
    with serving(root) as (_, port, log):
        address = f"http://127.0.0.1:{port}/"
        assert not cache.exists() or not list(cache.iterdir())  # none made at the start
        with urllib.request.urlopen(address + "prompts/hostile/", timeout=30) as response:
            tags = {m.attrs.get("property") or m.attrs.get("name", ""): m.attrs.get("content", "")
                    for m in parse_html(response.read().decode("utf-8")).find_all("meta")}
        assert tags["og:image"].startswith(address)
        with urllib.request.urlopen(tags["og:image"], timeout=30) as response:
            first = response.read()
            card = Image.open(io.BytesIO(first))
            assert (response.headers["Content-Type"], card.format, card.size) == ("image/png", "PNG", (1200, 630))
        assert len(list(cache.iterdir())) == 1

        # A save that changes the title: the image asked for again, before its page, shows the new title.
        reloads = log.read_text().count("Reloading browsers")
        chapter = root / "docs" / "chapter-1-testing.md"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace(HOSTILE_TITLE, "Fixed it"), encoding="utf-8")
        wait_for(lambda: log.read_text().count("Reloading browsers") > reloads, timeout=120)
        with urllib.request.urlopen(tags["og:image"], timeout=30) as response:
            second = response.read()
        assert second != first
        assert second == render(Card("Fixed it", "Prompt", SITE_NAME, INDIGO))


@pytest.mark.parametrize("title, kind, drawn", [
    ("Chapter 3: Containers", "Chapter 3", "Containers"),
    ("Chapter 3:", "Chapter 3", "Chapter 3:"),
    ("Chapter 30: Clouds", "Chapter 3", "Chapter 30: Clouds"),
    ("  Two\tlines\nhere\u200b ", "Prompt", "Two lines here"),
])
def test_the_title_drawn_is_one_line_without_the_kind_it_repeats(title, kind, drawn):
    assert card_title(title, kind) == drawn
