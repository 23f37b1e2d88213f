"""Links and images in an author's Markdown, read one way for every reader of
them: the chapter reader (links to chapters, links to files of docs/), the
safety pass (targets that could run script, images from other hosts), the
renderer (links made to work from another page, links reduced to their text)
and the importer (links to the source book's files).

A target is what CommonMark reads: ``<written in angle brackets>`` (spaces
allowed), or a run without spaces whose parentheses balance, so that
``guide_(v2).md`` and ``javascript:alert(1)`` are read whole. A link inside a
code span (:mod:`skillbook.code_spans`) is code, not a link."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from skillbook.code_spans import in_code_span

# A link's target: in angle brackets, or bare with balanced parentheses. A bare
# one may follow a lone "<" (Python-Markdown reads "](<javascript:x)" as a link).
_TARGET = r"(?:<(?P<angled>[^<>\n]*)>|<?(?P<bare>(?:[^\s()>]|\([^\s()>]*\))+))"
# Where an inline link's or image's target starts, and the target.
TARGET = re.compile(rf"\]\(\s*(?P<target>{_TARGET})")
# A link reference definition: "[label]: target".
REFERENCE_DEFINITION = re.compile(rf"^\s{{0,3}}\[[^\]]+\]:\s*(?P<target>{_TARGET})")
# A whole inline link or image: [text](target "title"). Its text holds no bracket:
# in "[![badge](image)](page)", the image is the one read.
INLINE_LINK = re.compile(
    rf"(?P<image>!?)\[(?P<text>[^\[\]\n]*)\]\(\s*(?P<target>{_TARGET})?"
    r"(?P<title>\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)
# A reference-style link or image: [text][label].
REFERENCE_LINK = re.compile(r"!?\[(?P<text>[^\]\n]*)\]\[[^\]\n]*\]")
# A target that names its scheme ("https:", "mailto:"), or the site's root.
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# A link to a chapter or appendix file of docs/, with an optional anchor.
CHAPTER_FILE_TARGET = re.compile(r"^(?:\./)?(?P<href>(?:chapter-\d+|appendix-[a-z])-[a-z0-9-]+\.md)(?:#[^)\s>]*)?$")


def _target(match: re.Match[str]) -> str:
    angled = match.group("angled")
    return angled if angled is not None else match.group("bare") or ""


@dataclass(frozen=True)
class TargetAt:
    """A link's target and where it is written (angle brackets included)."""

    target: str
    start: int
    end: int
    angled: bool  # written in angle brackets, which may hold spaces


@dataclass(frozen=True)
class Link:
    """An inline link or image: where it starts and ends, its text (an image's
    alt text), its target and its title as written (with the space before it)."""

    start: int
    end: int
    image: bool
    text: str
    target: str
    title: str


def target_positions(text: str) -> list[TargetAt]:
    """The targets of inline links and images of ``text``, outside code spans,
    whether or not the link is closed."""
    return [
        TargetAt(_target(m), m.start("target"), m.end("target"), m.group("angled") is not None)
        for m in TARGET.finditer(text) if not in_code_span(text, m.start())
    ]


def link_targets(line: str) -> list[str]:
    """The targets of a line's links, images and reference definitions, outside code spans."""
    found = [at.target for at in target_positions(line)] if "](" in line else []
    definition = REFERENCE_DEFINITION.match(line) if "]:" in line else None
    if definition is not None:
        found.insert(0, _target(definition))
    return [target for target in found if target]


def links(text: str) -> list[Link]:
    """The inline links and images of ``text`` outside code spans."""
    if "](" not in text:
        return []
    return [
        Link(m.start(), m.end(), bool(m.group("image")), m.group("text"), _target(m) if m.group("target") else "",
             m.group("title") or "")
        for m in INLINE_LINK.finditer(text) if not in_code_span(text, m.start())
    ]


def replace_links(text: str, replace: Callable[[Link], str | None]) -> str:
    """``text`` with each link or image outside code spans replaced by what
    ``replace`` returns for it (None keeps it)."""
    out, last = [], 0
    for link in links(text):
        new = replace(link)
        if new is not None:
            out += [text[last:link.start], new]
            last = link.end
    return "".join(out) + text[last:] if out else text


def remote_images(line: str) -> list[Link]:
    """Images on other hosts, which a page would load as it opens."""
    return [link for link in links(line) if link.image and re.match(r"https?://", link.target, re.IGNORECASE)]


# A reference-style image: ![text][label], ![label][] or ![label].
REFERENCE_IMAGE = re.compile(r"!\[(?P<text>[^\[\]\n]*)\](?:\[(?P<label>[^\[\]\n]*)\])?")


def remote_reference_images(lines: list[str], code: set[int] | frozenset[int] = frozenset()) -> list[tuple[int, Link]]:
    """Reference-style images (``![badge][label]`` with ``[label]: https://...``
    anywhere on the page) on other hosts, as (line index, the image with the
    target its label names); lines in ``code`` are code. Labels match regardless
    of case, as in CommonMark."""
    definitions: dict[str, str] = {}
    for index, line in enumerate(lines):
        definition = REFERENCE_DEFINITION.match(line) if index not in code and "]:" in line else None
        if definition is not None and re.match(r"https?://", _target(definition), re.IGNORECASE):
            label = " ".join(line.strip()[1:line.strip().index("]")].split()).lower()
            definitions.setdefault(label, _target(definition))
    found = []
    for index, line in enumerate(lines):
        if not definitions or index in code or "![" not in line:
            continue
        for match in REFERENCE_IMAGE.finditer(line):
            label = " ".join((match.group("label") or match.group("text")).split()).lower()
            if label in definitions and not in_code_span(line, match.start()) and line[match.end():match.end() + 1] != "(":
                found.append((index, Link(match.start(), match.end(), True, match.group("text"), definitions[label], "")))
    return found


def chapter_links(line: str) -> list[tuple[Link, str]]:
    """Links (not images) to chapter or appendix files, with the file each names."""
    found = []
    for link in links(line):
        match = CHAPTER_FILE_TARGET.match(link.target)
        if match is not None and link.text and not link.image:
            found.append((link, match.group("href")))
    return found


def unlinked(markdown: str) -> str:
    """Markdown with each link and image, inline or reference-style, reduced to its text."""
    markdown = replace_links(markdown, lambda link: link.text)
    return REFERENCE_LINK.sub(lambda m: m.group(0) if in_code_span(markdown, m.start()) else m.group("text"), markdown)
