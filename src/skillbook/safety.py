"""Raw HTML and link targets in an author's Markdown: chapters arrive in pull
requests from strangers, so what they write must never run in a reader's browser.

- HTML tags are shown as text, except a few that only format text or group
  Markdown (``<br>``, ``<kbd>``, ``<sub>``, ``<details>``, ``<div markdown>``...)
  with no attribute but ``class`` and ``markdown``; HTML comments are kept (they
  hold directives and never render).
- A link whose target has a scheme other than http(s) or mailto
  (``javascript:``, ``data:``) is refused.

Code blocks and code spans are text already and are left alone."""

from __future__ import annotations

import re

from skillbook.code_spans import in_code_span
from skillbook.links import link_targets

ALLOWED_TAGS = frozenset({
    "b", "i", "em", "strong", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "kbd", "abbr", "br", "hr",
    "p", "div", "span", "section", "details", "summary", "figure", "figcaption", "blockquote", "ul", "ol", "li",
})
ALLOWED_ATTRIBUTES = frozenset({"class", "markdown"})
TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>"
)
ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


def _allowed(match: re.Match[str]) -> bool:
    names = {m.group(1).lower() for m in ATTRIBUTE.finditer(match.group("attrs"))}
    return match.group("name").lower() in ALLOWED_TAGS and names <= ALLOWED_ATTRIBUTES


def unsafe_links(line: str) -> list[str]:
    """Link targets of a line of Markdown with a scheme that could run script."""
    return [target for target in link_targets(line) if not SAFE_SCHEME.match(target)]


# Elements that have no closing tag.
VOID_TAGS = frozenset({"br", "hr"})


def neutralise(lines: list[str], code: set[int] | frozenset[int] = frozenset()) -> list[str]:
    """The lines of a page (lines in ``code`` are code, left alone) with every tag
    that is not allowed written as text. An allowed tag is kept only with its pair:
    a closing tag whose opening tag was shown as text (``</div>`` after
    ``<div align="center">``), or an opening tag never closed, would close or
    swallow the theme's own layout, so it is shown as text too."""
    found: list[tuple[int, re.Match[str], bool]] = []  # (line, tag, kept)
    open_tags: list[int] = []  # indexes in ``found`` of allowed opening tags not closed yet
    unclosed: set[int] = set()
    for index, line in enumerate(lines):
        if index in code or "<" not in line:
            continue
        for match in TAG.finditer(line):
            if in_code_span(line, match.start()):
                continue
            name = match.group("name").lower()
            kept = _allowed(match)
            if kept and name not in VOID_TAGS and not match.group(0).endswith("/>"):
                if not match.group("close"):
                    open_tags.append(len(found))
                else:
                    opener = next((at for at in reversed(open_tags) if found[at][1].group("name").lower() == name), None)
                    if opener is None:
                        kept = False
                    else:
                        # Tags opened inside it and not closed before it are left open: text.
                        unclosed.update(open_tags[open_tags.index(opener) + 1:])
                        del open_tags[open_tags.index(opener):]
            found.append((index, match, kept))
    unclosed.update(open_tags)
    shown_as_text: dict[int, list[re.Match[str]]] = {}
    for at, (index, match, kept) in enumerate(found):
        if not kept or at in unclosed:
            shown_as_text.setdefault(index, []).append(match)
    out = list(lines)
    for index, matches in shown_as_text.items():
        line = out[index]
        for match in reversed(matches):
            line = line[:match.start()] + "&lt;" + line[match.start() + 1:]
        out[index] = line
    return out
