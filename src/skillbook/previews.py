"""Link preview cards: the 1200x630 PNG image a chat or a social site shows
beside a link to a page of the book (``og:image``), made at build time with
Pillow from the page's title, its kind and the site's name.

A card is drawn on one 8-bit channel (0 the background, 255 the text, the
antialiased edges between) which a palette running from the background colour
to the text colour turns into a PNG of at most 256 colours: one byte a pixel
to draw, and long runs of one value for zlib. The text colour is black or
white, whichever reads better on the background: one of them is always at
least 4.58:1 (the square root of 21), above the 4.5:1 WCAG asks of text.

Authors' text is drawn as text: a title is never read as markup, and a
character the font lacks is drawn as its box. Images are kept in a cache
folder under names that hash everything drawn on them (``PreviewCache``), so
that a build makes only the images whose text changed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from typing import TYPE_CHECKING

from skillbook.book import Book
from skillbook.model import PROMPT_LIBRARY, SKILLS_CATALOG, prompt_uri, skill_uri

# Pillow is imported when a card is drawn: a build whose cards are all cached
# does without it (4 MiB of memory).
if TYPE_CHECKING:
    from PIL import Image, ImageFont

WIDTH, HEIGHT = 1200, 630
# Changes with anything the drawing does, so that cached images of an older
# design are made again.
FORMAT_VERSION = 1
MARGIN = 80
# The title's sizes in pixels, largest first, each with the lines it may take.
TITLE_SIZES = ((76, 3), (64, 4), (52, 5))
LINE_HEIGHT = 1.18
KIND_SIZE = 40
SITE_SIZE = 34
ELLIPSIS = "…"
# A title is cut to this many characters before it is measured: no card holds more.
TITLE_LIMIT = 400

RGB = tuple[int, int, int]
# Material for MkDocs' primary colours (``--md-primary-fg-color`` of its
# palette stylesheet), by the name ``theme: palette: primary:`` takes.
MATERIAL_PRIMARY: dict[str, RGB] = {
    "red": (0xEF, 0x55, 0x52), "pink": (0xE9, 0x20, 0x63), "purple": (0xAB, 0x47, 0xBD),
    "deep purple": (0x7E, 0x56, 0xC2), "indigo": (0x40, 0x51, 0xB5), "blue": (0x20, 0x94, 0xF3),
    "light blue": (0x02, 0xA6, 0xF2), "cyan": (0x00, 0xBD, 0xD6), "teal": (0x00, 0x94, 0x85),
    "green": (0x4C, 0xAE, 0x4F), "light green": (0x8B, 0xC3, 0x4B), "lime": (0xCB, 0xDC, 0x38),
    "yellow": (0xFF, 0xEC, 0x3D), "amber": (0xFF, 0xC1, 0x05), "orange": (0xFF, 0xA7, 0x24),
    "deep orange": (0xFF, 0x6E, 0x42), "brown": (0x79, 0x56, 0x49), "grey": (0x75, 0x75, 0x75),
    "blue grey": (0x54, 0x6D, 0x78), "black": (0x00, 0x00, 0x00), "white": (0xFF, 0xFF, 0xFF),
}
# Material's own default, and the card's colour when the palette names none
# Skillbook can read (``custom``, set in the book's CSS).
DEFAULT_PRIMARY = "indigo"
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)


@dataclass(frozen=True)
class Card:
    """Everything drawn on a page's preview image."""

    title: str
    kind: str  # "Chapter 3", "Prompt", "Skill"...
    site_name: str
    background: RGB

    @property
    def key(self) -> str:
        """The hash the cached image is named by: every input of the drawing and its version."""
        inputs = json.dumps([FORMAT_VERSION, self.title, self.kind, self.site_name, self.background], ensure_ascii=False)
        return hashlib.sha256(inputs.encode("utf-8")).hexdigest()[:32]

    @property
    def alt(self) -> str:
        """The image's text alternative: what it shows, in reading order."""
        return f"{self.kind}: {self.title} ({self.site_name})"


def primary_colour(name: object) -> RGB:
    """The colour of Material's palette name (``indigo``, ``deep-purple``,
    ``Deep Purple``); Material's default for anything else."""
    key = str(name).lower().replace("-", " ") if isinstance(name, str) else DEFAULT_PRIMARY
    return MATERIAL_PRIMARY.get(key, MATERIAL_PRIMARY[DEFAULT_PRIMARY])


def palette_primary(palette: object) -> RGB:
    """The primary colour of a ``theme: palette:`` setting as mkdocs.yml gives it:
    one mapping, or a list of them (light, dark...), whose first with a
    ``primary`` is the default."""
    entries = palette if isinstance(palette, list) else [palette]
    for entry in entries:
        if isinstance(entry, dict) and "primary" in entry:
            return primary_colour(entry["primary"])
    return primary_colour(DEFAULT_PRIMARY)


def relative_luminance(colour: RGB) -> float:
    """WCAG 2's relative luminance of an sRGB colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(linear, colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: RGB, second: RGB) -> float:
    """WCAG 2's contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: RGB) -> RGB:
    """White or black, whichever contrasts more with the background."""
    return WHITE if contrast(WHITE, background) >= contrast(BLACK, background) else BLACK


def page_kind(book: Book, src_uri: str) -> str:
    """What a page is, as its card names it: a chapter's label ("Chapter 3",
    "Appendix B"), "Prompt", "Prompt template", "Skill", "Catalog", "Home" or "Page"."""
    chapter = book.chapter_by_uri(src_uri)
    if chapter is not None:
        return chapter.label
    if src_uri == "index.md":
        return "Home"
    if src_uri in (SKILLS_CATALOG, PROMPT_LIBRARY):
        return "Catalog"
    stem = Path(src_uri).stem
    prompt = book.prompts.get(stem) if src_uri == prompt_uri(stem) else None
    if prompt is not None:
        return "Prompt template" if prompt.is_template else "Prompt"
    if src_uri == skill_uri(stem) and stem in book.skills:
        return "Skill"
    return "Page"


def image_path(src_uri: str) -> str:
    """Where a page's card is in the site: ``assets/previews/`` and the page's
    source path (``prompts/debugging.md``: ``assets/previews/prompts/debugging.png``),
    one image a page whatever ``use_directory_urls``."""
    return f"{PREVIEWS_FOLDER}/{src_uri.removesuffix('.md')}.png"


PREVIEWS_FOLDER = "assets/previews"


def one_line(text: str) -> str:
    """Text as the card draws it: one line, white space and control characters
    (which a font has no glyph for) as single spaces, at most TITLE_LIMIT long."""
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text[:TITLE_LIMIT])
    return " ".join(text.split())


def card_title(title: str, kind: str) -> str:
    """The title drawn, without a leading "Chapter 3:" that the kind above it shows."""
    text = one_line(title)
    rest = text.removeprefix(kind + ":").strip()
    return rest if rest and rest != text else text


# -- drawing ------------------------------------------------------------------------------------


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own scalable font (Aileron Regular, bundled with Pillow's
    FreeType build), loaded once a size."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _fits(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str, width: int) -> bool:
    return font.getlength(text) <= width


def wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """Lines of at most ``width`` pixels, broken between words, and inside a word
    too long for a line. Each word is measured once: a line's width is its
    words' and spaces' (measuring every candidate line took most of a card's time)."""
    space = font.getlength(" ")
    lines: list[str] = []
    line, used = "", 0.0
    for word in text.split(" "):
        length = font.getlength(word)
        if line and used + space + length <= width:
            line, used = f"{line} {word}", used + space + length
            continue
        if line:
            lines.append(line)
        while length > width:
            cut = _longest_fitting(font, word, width)
            lines.append(word[:cut])
            word = word[cut:]
            length = font.getlength(word)
        line, used = word, length
    if line:
        lines.append(line)
    return lines


def _longest_fitting(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str, width: int, suffix: str = "") -> int:
    """How many leading characters of ``text`` (at least one) fit, followed by ``suffix``."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(font, text[:middle] + suffix, width):
            low = middle
        else:
            high = middle - 1
    return low


def title_lines(title: str) -> tuple[int, list[str]]:
    """The title's font size and lines: the largest size it fits in, or the
    smallest with its last line cut short by an ellipsis."""
    width = WIDTH - 2 * MARGIN
    for size, most in TITLE_SIZES:
        lines = wrap(title, _font(size), width)
        if len(lines) <= most:
            return size, lines
    font = _font(size)
    last = " ".join(lines[most - 1:])
    cut = _longest_fitting(font, last, width, ELLIPSIS)
    return size, [*lines[:most - 1], last[:cut].rstrip() + ELLIPSIS]


def render(card: Card) -> bytes:
    """The card as PNG bytes."""
    from PIL import ImageDraw

    canvas = _frame(card.kind, card.site_name).copy()
    draw = ImageDraw.Draw(canvas)
    size, lines = title_lines(card_title(card.title, card.kind) or card.kind)
    font, step = _font(size), round(size * LINE_HEIGHT)
    for number, line in enumerate(lines):
        draw.text((MARGIN, TITLE_TOP + number * step), line, font=font, fill=INK)
    canvas.putpalette(_palette(card.background, text_colour(card.background)))
    out = BytesIO()
    # Level 1: the card is mostly runs of one value, which the fastest level
    # compresses nearly as well as the default (6) in a third of the time.
    canvas.save(out, "PNG", compress_level=1)
    return out.getvalue()


INK = 255  # the text's value on the canvas; the palette makes it the text colour
TITLE_TOP = 175


@lru_cache(maxsize=4)  # the kinds of most pages (Prompt, Skill); a chapter's is its own
def _frame(kind: str, site_name: str) -> Image.Image:
    """What cards of one kind share: the kind above, the site's name below, and a
    short rule under the kind (decoration, at half strength)."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(canvas)
    draw.text((MARGIN, 70), _fitted(one_line(kind), _font(KIND_SIZE)), font=_font(KIND_SIZE), fill=INK)
    draw.rectangle((MARGIN, 132, MARGIN + 96, 137), fill=128)
    site = _fitted(one_line(site_name), _font(SITE_SIZE))
    draw.text((MARGIN, HEIGHT - 70 - SITE_SIZE), site, font=_font(SITE_SIZE), fill=INK)
    return canvas


def _fitted(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    """The text on one line of the card, cut short by an ellipsis if too long."""
    width = WIDTH - 2 * MARGIN
    if not text or _fits(font, text, width):
        return text
    return text[:_longest_fitting(font, text, width, ELLIPSIS)].rstrip() + ELLIPSIS


@cache
def _palette(background: RGB, ink: RGB) -> bytes:
    """256 colours from the background (0) to the text colour (255)."""
    return bytes(round(b + (i - b) * step / 255) for step in range(256) for b, i in zip(background, ink))


# -- the cache ----------------------------------------------------------------------------------


class PreviewCache:
    """Cards already drawn, as ``<key>.png`` in one folder (by default
    ``.cache/skillbook/previews`` beside mkdocs.yml), so that a build draws only
    the cards whose text changed. Safe to delete: the next build draws them again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()

    def has(self, card: Card) -> bool:
        """Whether the card is drawn already."""
        return (self.folder / f"{card.key}.png").is_file()

    def image(self, card: Card) -> Path:
        """The card's image in the cache, drawn if it is not there yet."""
        path = self.folder / f"{card.key}.png"
        self._used.add(path.name)
        if not path.is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed, so that a build running meanwhile never reads half an image.
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(render(card))
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        return path

    def publish(self, card: Card, target: Path) -> None:
        """The card's image at ``target`` in the site: a hard link to the cached
        image (no copy of the bytes), or a copy where links cannot be made."""
        source = self.image(card)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except OSError:  # another file system, or one without hard links
            shutil.copy2(source, target)

    def prune(self) -> None:
        """Remove the images no card of this build used (the cards of pages since
        renamed or retitled), so that the folder holds one book's images."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix == ".png" and path.name not in self._used:
                path.unlink(missing_ok=True)
