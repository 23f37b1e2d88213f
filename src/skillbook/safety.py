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

ALLOWED_TAGS = frozenset({
    "b", "i", "em", "strong", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "kbd", "abbr", "br", "hr",
    "p", "div", "span", "section", "details", "summary", "figure", "figcaption", "blockquote", "ul", "ol", "li",
})
ALLOWED_ATTRIBUTES = frozenset({"class", "markdown"})
TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>"
)
ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
# Targets of inline links and images, and of reference definitions.
# A link's target, with its balanced parentheses, as CommonMark reads it: "(1)" of
# "javascript:alert(1)" is the target's, not the link's end.
LINK_TARGET = re.compile(r"(?:\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?)(?P<target>(?:[^\s()>]|\([^\s()>]*\))+)")
SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


def _allowed(match: re.Match) -> bool:
    names = {m.group(1).lower() for m in ATTRIBUTE.finditer(match.group("attrs"))}
    return match.group("name").lower() in ALLOWED_TAGS and names <= ALLOWED_ATTRIBUTES


def _outside_code(line: str, position: int) -> bool:
    return line[:position].count("`") % 2 == 0


def unsafe_links(line: str) -> list[str]:
    """Link targets of a line of Markdown with a scheme that could run script."""
    return [m.group("target") for m in LINK_TARGET.finditer(line)
            if _outside_code(line, m.start()) and not SAFE_SCHEME.match(m.group("target"))]


def neutralise(line: str) -> str:
    """The line with its disallowed tags written as text."""
    if "<" not in line:
        return line

    def replace(match: re.Match) -> str:
        if not _outside_code(line, match.start()) or _allowed(match):
            return match.group(0)
        return "&lt;" + match.group(0)[1:]
    return TAG.sub(replace, line)
