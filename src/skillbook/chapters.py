"""Reads a chapter's Markdown into a :class:`Chapter`: its title, sections,
prompts, directives and links to chapters not written yet.

Authors write plain Markdown that reads well on GitHub; a prompt is any fenced
block whose first word is ``@skill-id``. When the fence follows a heading (and
an optional ``**Context:**`` paragraph) it takes that heading as its title and
the card replaces the whole run, heading to ``**Expected Output:**``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from skillbook.model import Chapter, Directive, Document, PlannedChapterLink, Prompt
from skillbook.problems import Problem, Severity
from skillbook.text import line_count, prompt_slug, slugify, split_front_matter

CHAPTER_FILE = re.compile(r"^chapter-(\d+)-[a-z0-9-]+\.md$")
SKILL_MENTION = re.compile(r"@([^\s]+)")
PINNED_ID = re.compile(r"\s*\{:?\s*#([^\s}]+)\s*\}\s*$")
DIRECTIVE = re.compile(r"^\s*<!--\s*skillbook:\s*(?P<body>.*?)\s*-->\s*$", re.DOTALL)
CHAPTER_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<href>chapter-\d+-[a-z0-9-]+\.md)(?:#[^)\s]*)?\)")
CONTEXT = "**Context:**"
EXPECTED = "**Expected Output:**"

_parser = MarkdownIt("commonmark").enable("table")


@dataclass
class _Block:
    """A top-level Markdown block with its source lines (0-based, end exclusive)."""

    kind: str  # heading, paragraph, fence, html, other
    start: int
    end: int
    content: str = ""
    level: int = 0
    token: Token | None = None


def chapter_number(src_uri: str) -> int | None:
    match = CHAPTER_FILE.match(src_uri)
    return int(match.group(1)) if match else None


def plain_text(inline: Token) -> str:
    """The visible text of an inline token, without Markdown markup."""
    return "".join(
        child.content for child in inline.children or [] if child.type in ("text", "code_inline")
    ).strip()


def parse_chapter(src_uri: str, path: str, text: str, problems: list[Problem]) -> Chapter:
    """Read one chapter file. Problems are appended to ``problems``; the chapter
    returned is as complete as the source allows."""
    front, body = split_front_matter(text)
    offset = line_count(front)
    number = chapter_number(src_uri)
    assert number is not None, f"{src_uri} is not a chapter file"
    lines = body.split("\n")
    tokens = _parser.parse(body)
    blocks = _blocks(tokens, lines, path, offset, problems)

    title = next((b.content for b in blocks if b.kind == "heading" and b.level == 1), None)
    if title is None:
        problems.append(Problem(path, offset + 1, "chapter has no '# Chapter N: Title' heading; add one as its first line"))
        title = f"Chapter {number}"
    chapter = Chapter(number=number, title=title, src_uri=src_uri, path=path, body=body, body_offset=offset)

    chapter.lists_after_paragraph = [
        token.map[0] for token in tokens
        if token.type in ("bullet_list_open", "ordered_list_open") and token.level == 0
        and token.map[0] > 0 and lines[token.map[0] - 1].strip()
    ]
    section: tuple[str, str] | None = None
    heading: _Block | None = None
    titled_from_section: dict[str, int] = {}
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            heading = block
            if block.level == 2:
                section = (slugify(block.content), block.content)
                chapter.sections.append(section)
        elif block.kind == "html":
            directive = _directive(block, offset)
            if directive:
                directive.section = section
                chapter.directives.append(directive)
        elif block.kind == "fence":
            prompt = _prompt(blocks, index, heading, section, chapter, titled_from_section, problems)
            if prompt:
                chapter.prompts.append(prompt)
        if block.kind in ("paragraph", "heading", "other"):
            chapter.planned_links.extend(_chapter_links(lines, block))
    return chapter


def parse_document(src_uri: str, path: str, text: str) -> Document:
    """A page that is not a chapter: only its directives are read."""
    front, body = split_front_matter(text)
    offset = line_count(front)
    lines = body.split("\n")
    blocks = _blocks(_parser.parse(body), lines, path, offset, [])
    directives = [d for b in blocks if b.kind == "html" and (d := _directive(b, offset))]
    return Document(src_uri, path, body, directives)


def _blocks(tokens: list[Token], lines: list[str], path: str, offset: int, problems: list[Problem]) -> list[_Block]:
    blocks: list[_Block] = []
    for i, token in enumerate(tokens):
        if token.type == "fence" and token.level > 0 and SKILL_MENTION.match(token.content):
            problems.append(Problem(
                path, offset + token.map[0] + 1,
                "this prompt sits inside a list or quote, so it shows as plain code without a card; "
                "move its fenced block out to the left margin",
                Severity.WARNING,
            ))
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        if token.type == "heading_open":
            inline = tokens[i + 1]
            blocks.append(_Block("heading", start, end, inline.content, int(token.tag[1]), inline))
        elif token.type == "paragraph_open":
            blocks.append(_Block("paragraph", start, end, tokens[i + 1].content, token=tokens[i + 1]))
        elif token.type == "fence":
            if not _is_closed(token, lines):
                problems.append(Problem(
                    path, offset + start + 1,
                    f"code fence {token.markup!r} is never closed, so the rest of the file reads as code; "
                    f"add a closing {token.markup} line",
                ))
            blocks.append(_Block("fence", start, end, token.content, token=token))
        elif token.type == "html_block":
            blocks.append(_Block("html", start, end, token.content))
        else:
            blocks.append(_Block("other", start, end))
    return blocks


def _is_closed(fence: Token, lines: list[str]) -> bool:
    start, end = fence.map
    if end - start < 2:
        return False
    closing = lines[end - 1].strip()
    char = fence.markup[0]
    return len(closing) >= len(fence.markup) and closing == char * len(closing)


def _directive(block: _Block, offset: int) -> Directive | None:
    match = DIRECTIVE.match(block.content)
    if not match:
        return None
    name, *args = match.group("body").split()
    return Directive(name, args, block.start, block.end, offset + block.start + 1)


def _chapter_links(lines: list[str], block: _Block) -> list[PlannedChapterLink]:
    found = []
    for index in range(block.start, block.end):
        for match in CHAPTER_LINK.finditer(lines[index]):
            found.append(PlannedChapterLink(match.group("text"), index, match.group(0), match.group("href")))
    return found


def _prompt(
    blocks: list[_Block],
    index: int,
    heading: _Block | None,
    section: tuple[str, str] | None,
    chapter: Chapter,
    titled_from_section: dict[str, int],
    problems: list[Problem],
) -> Prompt | None:
    fence = blocks[index]
    mention = SKILL_MENTION.match(fence.content)
    if not mention:
        return None
    line = chapter.body_offset + fence.start + 1
    text = fence.content[:-1] if fence.content.endswith("\n") else fence.content

    first = index
    context = None
    before = blocks[index - 1] if index > 0 else None
    if before and before.kind == "paragraph" and before.content.startswith(CONTEXT):
        context = before.content[len(CONTEXT):].strip()
        first -= 1
        before = blocks[first - 1] if first > 0 else None

    expected = None
    last = index
    after = blocks[index + 1] if index + 1 < len(blocks) else None
    if after and after.kind == "paragraph" and after.content.startswith(EXPECTED):
        expected = after.content[len(EXPECTED):].strip()
        last += 1

    heading_level = None
    heading_title, pinned = _title_and_pin(heading.content) if heading else (chapter.title, None)
    # Prompts titled from the same heading are told apart by a number: "Title (2)".
    count = titled_from_section[heading_title] = titled_from_section.get(heading_title, 0) + 1
    if heading is not None and before is heading and heading.level > 1:
        # The heading right above belongs to this prompt: the card takes it in, and its id.
        title, heading_level = heading_title, heading.level
        first -= 1
        plain_title = _strip_markup(title)
        prompt_id = pinned or prompt_slug(plain_title)
    else:
        # Titled from the section it sits in; its id must differ from that heading's anchor.
        title = heading_title if count == 1 else f"{heading_title} ({count})"
        plain_title = _strip_markup(title)
        prompt_id = f"{prompt_slug(_strip_markup(heading_title))}-prompt" + (f"-{count}" if count > 1 else "")

    for offset, text_line in enumerate(text.split("\n")):
        control = next((c for c in text_line if unicodedata.category(c) == "Cc" and c != "\t"), None)
        if control is not None:
            problems.append(Problem(
                chapter.path, line + 1 + offset,
                f"prompt '{title}' holds the invisible control character U+{ord(control):04X}; delete it",
            ))
    if not text[mention.end():].strip():
        problems.append(Problem(
            chapter.path, line,
            f"prompt '{title}' is empty: write the request after {mention.group(0)}",
        ))

    return Prompt(
        id=prompt_id,
        title=title,
        plain_title=plain_title,
        skill_id=mention.group(1),
        text=text,
        chapter_number=chapter.number,
        section_id=section[0] if section else None,
        section_title=section[1] if section else None,
        context=context,
        expected_output=expected,
        heading_level=heading_level,
        start=blocks[first].start,
        end=blocks[last].end,
        line=line,
    )


def _title_and_pin(content: str) -> tuple[str, str | None]:
    match = PINNED_ID.search(content)
    if match:
        return content[: match.start()].strip(), match.group(1)
    return content.strip(), None


def _strip_markup(markdown: str) -> str:
    tokens = _parser.parseInline(markdown)
    return plain_text(tokens[0]) if tokens else markdown
