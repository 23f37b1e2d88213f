"""Every colour of highlighted code reaches 4.5:1 on its background, in both
palettes, computed from the built site's style sheets.

The colours are read from the CSS the pages link, in their order: Material's
custom properties on the root and on each palette (`[data-md-color-scheme=...]`,
set on the body), resolved as a browser does, and the rules that colour the
syntax highlighter's tokens (`.highlight .c` ...) and line numbers. Code sits
on the code background, or on a highlighted line's tint (`hl_lines`), or, a
diff's lines, on the red or green of a deletion or insertion. Contrast is
WCAG 2's, on the colour as accessibility tools read it: a browser gives a
colour's alpha to two decimals (#0000008a is read as 0.54), and axe-core,
Lighthouse and the browsers' own tools blend that value. The browser tests
check the same pages with axe-core (test_accessibility.py)."""

from __future__ import annotations

import colorsys
import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

AA_NORMAL_TEXT = 4.5
SCHEMES = ("default", "slate")


# --------------------------------------------------------------------------- reading the CSS


@dataclass(frozen=True)
class Rule:
    selectors: tuple[str, ...]
    declarations: dict[str, str]


def screen_rules(css: str) -> list[Rule]:
    """The style rules a screen applies whatever its size: those outside at-rules
    and inside `@media screen` (where Material's dark palette is), comments
    dropped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    rules: list[Rule] = []
    depth, start, prelude, body_start = 0, 0, "", 0
    for match in re.finditer(r"[{}]", css):
        if match.group() == "{":
            if depth == 0:
                prelude, body_start = css[start:match.start()].strip(), match.end()
            depth += 1
            continue
        depth -= 1
        if depth:
            continue
        body = css[body_start:match.start()]
        if prelude == "@media screen":
            rules += screen_rules(body)
        elif not prelude.startswith("@"):
            declarations = {}
            for declaration in body.split(";"):
                name, colon, value = declaration.partition(":")
                if colon:
                    declarations[name.strip()] = value.strip()
            selectors = tuple(re.sub(r"\s+", " ", s.strip()).replace('"', "") for s in prelude.split(","))
            rules.append(Rule(selectors, declarations))
        start = match.end()
    return rules


class _Stylesheets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "stylesheet":
            self.hrefs.append(values["href"])


def linked_css(site: Path) -> list[Rule]:
    """The rules of every local style sheet the home page links, in its order."""
    parser = _Stylesheets()
    parser.feed((site / "index.html").read_text(encoding="utf-8"))
    local = [href.split("?")[0] for href in parser.hrefs if "://" not in href]
    assert any("main" in href for href in local) and any("palette" in href for href in local), local
    return [rule for href in local for rule in screen_rules((site / href).read_text(encoding="utf-8"))]


# --------------------------------------------------------------------------- custom properties


def resolve(value: str, properties: dict[str, str]) -> str:
    """``value`` with every var() replaced, as computed on an element whose custom
    properties are ``properties``."""
    for _ in range(20):
        match = re.search(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)", value)
        if not match:
            return value
        name, fallback = match.groups()
        value = value[:match.start()] + properties.get(name, fallback or "") + value[match.end():]
    raise AssertionError(f"var() nested too deep in {value}")


def computed(rules: list[Rule], matches, inherited: dict[str, str]) -> dict[str, str]:
    """Custom properties of an element the selectors ``matches`` picks, inheriting
    the computed ``inherited``. All these selectors weigh the same (one class or
    attribute), so the last declaration wins."""
    declared: dict[str, str] = {}
    for rule in rules:
        if any(matches(selector) for selector in rule.selectors):
            declared.update({k: v for k, v in rule.declarations.items() if k.startswith("--")})
    properties = {**inherited, **declared}
    return {**inherited, **{name: resolve(value, properties) for name, value in declared.items()}}


def palette(rules: list[Rule], scheme: str) -> dict[str, str]:
    """The custom properties of the body, which carries the palette's scheme."""
    root = computed(rules, lambda s: s == ":root", {})
    return computed(rules, lambda s: s == f"[data-md-color-scheme={scheme}]", root)


# --------------------------------------------------------------------------- colours


def parse_colour(text: str) -> tuple[float, float, float, float]:
    """sRGB channels 0-255 and alpha 0-1, alpha given to two decimals as the
    browser serialises it."""
    text = text.strip().lower()
    if match := re.fullmatch(r"#([0-9a-f]{3,8})", text):
        digits = match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(d * 2 for d in digits)
        channels = [int(digits[i:i + 2], 16) for i in range(0, len(digits), 2)]
        red, green, blue = channels[:3]
        alpha = channels[3] / 255 if len(channels) == 4 else 1.0
    elif match := re.fullmatch(r"hsla?\(\s*([\d.]+)(?:deg)?\s*,\s*([\d.]+)%\s*,\s*([\d.]+)%\s*(?:,\s*([\d.]+))?\s*\)", text):
        hue, saturation, lightness, alpha_text = match.groups()
        rgb = colorsys.hls_to_rgb(float(hue) / 360, float(lightness) / 100, float(saturation) / 100)
        red, green, blue = (channel * 255 for channel in rgb)
        alpha = float(alpha_text) if alpha_text else 1.0
    elif match := re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+))?\s*\)", text):
        red, green, blue = (float(group) for group in match.groups()[:3])
        alpha = float(match.group(4)) if match.group(4) else 1.0
    else:
        raise AssertionError(f"a colour this test cannot read: {text!r}")
    return red, green, blue, round(alpha, 2)


def over(top: tuple[float, ...], below: tuple[float, ...]) -> tuple[float, float, float, float]:
    """``top`` blended over the opaque colour ``below``."""
    alpha = top[3]
    return (*(t * alpha + b * (1 - alpha) for t, b in zip(top[:3], below[:3])), 1.0)


def luminance(colour: tuple[float, ...]) -> float:
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def rules(site) -> list[Rule]:
    return linked_css(site)


def code_colours(rules: list[Rule]) -> dict[str, str]:
    """What colours code's text, by selector: the code's own colour, and every
    selector of the highlighter's that sets a colour (tokens, line numbers). A
    later rule with the same selector wins, as they weigh the same."""
    colours = {".md-typeset code": "var(--md-code-fg-color)"}
    for rule in rules:
        if "color" in rule.declarations:
            for selector in rule.selectors:
                if selector.startswith((".highlight ", ".highlighttable ")):
                    colours[selector] = rule.declarations["color"]
    return colours


def test_the_stylesheets_are_read_whole(rules):
    """The readings the contrast test rests on, against values written out from
    Material's style sheets, so that a parser that read nothing cannot pass."""
    assert palette(rules, "default")["--md-code-bg-color"] == "#f5f5f5"
    assert palette(rules, "slate")["--md-code-bg-color"] == "hsla(225deg, 15%, 18%, 1)"
    assert parse_colour("#0000008a") == (0, 0, 0, 0.54)
    assert round(contrast(parse_colour("#717171"), parse_colour("#f5f5f5")), 2) == 4.48
    assert declared(rules, ".highlight .hll", "background-color") == "var(--md-code-hl-color--light)"
    assert palette(rules, "default")["--md-code-hl-color--light"] == "#4287ff1a"
    read = code_colours(rules)
    for selector in (".highlight .c1", ".highlight .s2", ".highlight .kd", ".highlight .mi", ".highlight .nf",
                     ".highlighttable .linenodiv pre"):
        assert selector in read, f"no colour read for {selector}"


# The colours Material (9.x) gives highlighted code, written out from its style
# sheets: each palette sets all of them.
MATERIAL_CODE_COLOURS = tuple(f"--md-code-hl-{token}-color" for token in (
    "comment", "constant", "function", "generic", "keyword", "name", "number", "operator", "punctuation",
    "special", "string", "variable"))


def declared(rules: list[Rule], selector: str, name: str) -> str:
    """The last value ``name`` is given by a rule for exactly ``selector``."""
    values = [rule.declarations[name] for rule in rules if selector in rule.selectors and name in rule.declarations]
    assert values, f"no {name} for {selector} in the style sheets"
    return values[-1]


def code_backgrounds(rules: list[Rule], scheme: str) -> dict[str, tuple[tuple[float, ...], dict[str, str]]]:
    """Where code's text sits, each opaque background with the custom properties
    the text there computes: the code background, and a highlighted line's tint
    over it, inside which the palette may set other colours."""
    properties = palette(rules, scheme)
    page = parse_colour(properties["--md-default-bg-color"])
    code = over(parse_colour(properties["--md-code-bg-color"]), page)
    line = computed(rules, lambda s: s == f"[data-md-color-scheme={scheme}] .highlight .hll", properties)
    tint = over(parse_colour(resolve(declared(rules, ".highlight .hll", "background-color"), line)), code)
    return {"code background": (code, properties), "highlighted line": (tint, line)}


def reading(value: str, properties: dict[str, str], background: tuple[float, ...]) -> float:
    return contrast(over(parse_colour(resolve(value, properties)), background), background)


def floored(ratio: float) -> str:
    return f"{math.floor(ratio * 100) / 100:.2f}:1"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_code_colour_reaches_aa_contrast(rules, scheme):
    failures = []
    for where, (background, properties) in code_backgrounds(rules, scheme).items():
        for selector, value in code_colours(rules).items():
            if (ratio := reading(value, properties, background)) < AA_NORMAL_TEXT:
                failures.append(f"{selector} on a {where}: {resolve(value, properties)} reads at {floored(ratio)}")
    assert len(code_colours(rules)) >= 50
    assert not failures, f"under {AA_NORMAL_TEXT}:1 on code in the {scheme} palette:\n" + "\n".join(failures)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_highlighting_colour_of_the_palette_reaches_aa_contrast(rules, scheme):
    """Every `--md-code-hl-*-color` the palette defines, whether or not a token of
    the book uses it, on the code background and on a highlighted line."""
    backgrounds = code_backgrounds(rules, scheme)
    defined = sorted(name for name in backgrounds["code background"][1] if re.fullmatch(r"--md-code-hl-[a-z]+-color", name))
    assert defined == sorted(MATERIAL_CODE_COLOURS)
    failures = [
        f"{name} on a {where}: {resolve(f'var({name})', properties)} reads at {floored(ratio)}"
        for where, (background, properties) in backgrounds.items() for name in defined
        if (ratio := reading(f"var({name})", properties, background)) < AA_NORMAL_TEXT
    ]
    assert not failures, f"under {AA_NORMAL_TEXT}:1 in the {scheme} palette:\n" + "\n".join(failures)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_diff_reads_at_aa_contrast_on_its_deletions_and_insertions(rules, scheme):
    """A diff's changed line is one token (`.gd`, `.gi`) in the code's own colour,
    on a red or green tint."""
    code, properties = code_backgrounds(rules, scheme)["code background"]
    for token in (".highlight .gd", ".highlight .gi"):
        tint = over(parse_colour(resolve(declared(rules, token, "background-color"), properties)), code)
        ratio = reading("var(--md-code-fg-color)", properties, tint)
        assert ratio >= AA_NORMAL_TEXT, f"{token} in the {scheme} palette reads at {floored(ratio)}"
