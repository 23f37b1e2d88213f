"""Reads a chapter's Markdown into a :class:`Chapter`: its title, prompts,
directives, headings and links to other chapters.

Authors write plain Markdown that reads well on GitHub; a prompt is a fenced
``text`` block (or one with no language) whose first word is ``@skill-id``.
When the fence follows a heading (and an optional ``**Context:**`` paragraph)
it takes that heading as its title and the card replaces the whole run, from
the heading to the ``**Expected Output:**`` paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from skillbook.model import Chapter, ChapterLink, CodeMention, Directive, Document, Heading, Prompt
from skillbook.problems import Problem, Severity
from skillbook.text import line_count, prompt_slug, slugify, split_front_matter

CHAPTER_FILE = re.compile(r"^chapter-(\d+)-[a-z0-9-]+\.md$")
SKILL_MENTION = re.compile(r"@([^\s]+)")
SKILL_LIKE = re.compile(r"@([a-z0-9]+(?:-[a-z0-9]+)*)(?=\s|$)")
# Fence languages of a prompt: none, or plain text.
PROMPT_LANGUAGES = {"", "text", "txt", "plaintext", "prompt"}
# An attribute list closing a heading, as attr_list reads it: "{#my-id}", "{: #my-id .class }".
ATTR_LIST = re.compile(r"\s*\{:?(?P<attrs>[^{}]*)\}\s*$")
PINNED_ID = re.compile(r"(?:^|\s)#([^\s}]+)")
DIRECTIVE = re.compile(r"^\s*<!--\s*skillbook:\s*(?P<body>.*?)\s*-->\s*$", re.DOTALL)
CHAPTER_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<href>chapter-\d+-[a-z0-9-]+\.md)(?:#[^)\s]*)?\)")
CONTEXT = "**Context:**"
EXPECTED = "**Expected Output:**"

_parser = MarkdownIt("commonmark").enable("table")


@dataclass
class _Block:
    """A top-level Markdown block with its source lines (0-based, end exclusive)."""

    kind: str  # heading, paragraph, fence, list, html, other
    start: int
    end: int
    content: str = ""
    level: int = 0
    info: str = ""


def chapter_number(src_uri: str) -> int | None:
    match = CHAPTER_FILE.match(src_uri)
    return int(match.group(1)) if match else None


def plain_text(markdown: str) -> str:
    """The visible text of inline Markdown, without its markup."""
    tokens = _parser.parseInline(markdown)
    children = tokens[0].children if tokens else []
    return "".join(c.content for c in children or [] if c.type in ("text", "code_inline")).strip()


def parse_document(src_uri: str, path: str, text: str) -> Document:
    """A page that is not a chapter: its directives and its lists under paragraphs."""
    front, body = split_front_matter(text)
    offset = line_count(front)
    tokens = _parser.parse(body)
    lines = body.split("\n")
    blocks = _blocks(tokens, lines, path, offset, [])
    directives = [d for b in blocks if b.kind == "html" and (d := _directive(b, offset, path, []))]
    return Document(src_uri, path, body, directives, _lists_after_paragraph(tokens, lines))


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
        problems.append(Problem(path, offset + 1, f"chapter has no title; start it with '# Chapter {number}: Title'"))
        title = f"Chapter {number}"
    chapter = Chapter(
        src_uri=src_uri, path=path, body=body, number=number, title=title, plain_title=plain_text(title),
        body_offset=offset, lists_after_paragraph=_lists_after_paragraph(tokens, lines),
    )

    section_title: str | None = None
    heading: _Block | None = None
    titled_from: dict[str, int] = {}
    owned_headings: set[int] = set()
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            heading = block
            if block.level == 2:
                section_title = _title_and_pin(block.content)[0]
        elif block.kind == "html":
            directive = _directive(block, offset, path, problems)
            if directive:
                directive.section_title = section_title
                chapter.directives.append(directive)
        elif block.kind == "fence":
            prompt = _prompt(blocks, index, heading, section_title, chapter, lines, titled_from, problems)
            if prompt and prompt.heading_level:
                owned_headings.add(heading.start)
            if prompt:
                chapter.prompts.append(prompt)
        if block.kind in ("paragraph", "heading", "list", "other"):
            chapter.chapter_links.extend(_chapter_links(lines, block, offset))
    chapter.headings = [
        Heading(pin or slugify(plain_text(title)), offset + b.start + 1)
        for b in blocks if b.kind == "heading" and b.start not in owned_headings
        for title, pin in [_title_and_pin(b.content)]
    ]
    return chapter


def _blocks(tokens: list[Token], lines: list[str], path: str, offset: int, problems: list[Problem]) -> list[_Block]:
    blocks: list[_Block] = []
    for i, token in enumerate(tokens):
        if token.type == "fence" and token.level > 0 and _is_prompt_fence(token):
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
            blocks.append(_Block("heading", start, end, tokens[i + 1].content, int(token.tag[1])))
        elif token.type == "paragraph_open":
            blocks.append(_Block("paragraph", start, end, tokens[i + 1].content))
        elif token.type == "fence":
            if not _is_closed(token, lines):
                problems.append(Problem(
                    path, offset + start + 1,
                    f"code fence {token.markup!r} is never closed, so the rest of the file reads as code; "
                    f"add a closing {token.markup} line",
                ))
            blocks.append(_Block("fence", start, end, token.content, info=token.info.strip()))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            blocks.append(_Block("list", start, end))
        elif token.type == "html_block":
            blocks.append(_Block("html", start, end, token.content))
        else:
            blocks.append(_Block("other", start, end))
    return blocks


def _language(info: str) -> str:
    return info.split()[0].lower() if info.split() else ""


def _is_prompt_fence(token: Token) -> bool:
    return _language(token.info) in PROMPT_LANGUAGES and bool(SKILL_MENTION.match(token.content))


def _lists_after_paragraph(tokens: list[Token], lines: list[str]) -> list[int]:
    return [
        token.map[0] for token in tokens
        if token.type in ("bullet_list_open", "ordered_list_open") and token.level == 0
        and token.map[0] > 0 and lines[token.map[0] - 1].strip()
    ]


def _is_closed(fence: Token, lines: list[str]) -> bool:
    start, end = fence.map
    if end - start < 2:
        return False
    closing = lines[end - 1].strip()
    char = fence.markup[0]
    return len(closing) >= len(fence.markup) and closing == char * len(closing)


def _directive(block: _Block, offset: int, path: str, problems: list[Problem]) -> Directive | None:
    match = DIRECTIVE.match(block.content)
    if not match:
        return None
    words = match.group("body").split()
    if not words:
        problems.append(Problem(path, offset + block.start + 1, "empty directive; write '<!-- skillbook: NAME -->'"))
        return None
    return Directive(words[0], words[1:], block.start, block.end, offset + block.start + 1)


def _chapter_links(lines: list[str], block: _Block, offset: int) -> list[ChapterLink]:
    found = []
    for index in range(block.start, block.end):
        for match in CHAPTER_LINK.finditer(lines[index]):
            if not in_code_span(lines[index], match.start()):
                found.append(ChapterLink(match.group("text"), match.group("href"), index, offset + index + 1))
    return found


def in_code_span(line: str, position: int) -> bool:
    """Whether a position of a line falls inside a code span (after an odd number of backticks)."""
    return line[:position].count("`") % 2 == 1


def _prompt(
    blocks: list[_Block],
    index: int,
    heading: _Block | None,
    section_title: str | None,
    chapter: Chapter,
    lines: list[str],
    titled_from: dict[str, int],
    problems: list[Problem],
) -> Prompt | None:
    fence = blocks[index]
    line = chapter.body_offset + fence.start + 1
    language = _language(fence.info)
    if language not in PROMPT_LANGUAGES:
        mention = SKILL_LIKE.match(fence.content)
        if mention:
            chapter.code_mentions.append(CodeMention(mention.group(1), language, line))
        return None
    mention = SKILL_MENTION.match(fence.content)
    if not mention:
        return None
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
        following = blocks[last + 1] if last + 1 < len(blocks) else None
        if not expected and following and following.kind in ("list", "paragraph"):
            # The label stands alone and the expected output follows it as a list or paragraph.
            expected = "\n\n" + "\n".join(lines[following.start:following.end]).strip("\n")
            last += 1

    heading_level = None
    heading_title, pinned = _title_and_pin(heading.content) if heading else (chapter.title, None)
    # Prompts titled from the same heading are told apart by a number: "Title (2)".
    count = titled_from[heading_title] = titled_from.get(heading_title, 0) + 1
    if heading is not None and before is heading and heading.level > 1:
        # The heading right above belongs to this prompt: the card takes it in, and its id.
        title, heading_level = heading_title, heading.level
        first -= 1
        prompt_id = pinned or prompt_slug(plain_text(title))
    else:
        # Titled from the section it sits in; its id must differ from that heading's anchor.
        title = heading_title if count == 1 else f"{heading_title} ({count})"
        prompt_id = f"{prompt_slug(plain_text(heading_title))}-prompt" + (f"-{count}" if count > 1 else "")

    for number, text_line in enumerate(text.split("\n"), start=line + 1):
        control = next((c for c in text_line if unicodedata.category(c) == "Cc" and c != "\t"), None)
        if control is not None:
            problems.append(Problem(
                chapter.path, number,
                f"prompt '{title}' holds the invisible control character U+{ord(control):04X}; delete it",
            ))
    if not text[mention.end():].strip():
        problems.append(Problem(chapter.path, line, f"prompt '{title}' is empty: write the request after {mention.group(0)}"))

    return Prompt(
        id=prompt_id,
        title=title,
        plain_title=plain_text(title),
        skill_id=mention.group(1),
        text=text,
        chapter_number=chapter.number,
        section_title=section_title,
        context=context,
        expected_output=expected,
        heading_level=heading_level,
        start=blocks[first].start,
        end=blocks[last].end,
        line=line,
    )


def _title_and_pin(content: str) -> tuple[str, str | None]:
    """A heading's text and the id pinned by an attribute list at its end, such as
    ``{#my-id}`` or ``{: #my-id .class }``."""
    match = ATTR_LIST.search(content)
    if not match:
        return content.strip(), None
    pin = PINNED_ID.search(match.group("attrs"))
    return content[: match.start()].strip(), pin.group(1) if pin else None
