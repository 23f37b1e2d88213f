"""Reads a chapter's Markdown into a :class:`Chapter`: its title, prompts,
directives, headings and links to other chapters.

Authors write plain Markdown that reads well on GitHub; a prompt is a fenced
``text`` block (or one with no language) whose first word is ``@skill-id``.
When the fence follows a heading (and an optional ``**Context:**`` paragraph)
it takes that heading as its title and the card replaces the whole run, from
the heading to the ``**Expected Output:**`` paragraph.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from skillbook.fences import NestedFence, code_pasted_after, fence_for, nested_fence
from skillbook.limits import MAX_NESTING, token_lines, within_limits
from skillbook.links import SCHEME, chapter_links, link_targets, remote_images, remote_reference_images
from skillbook.model import Chapter, ChapterLink, CodeMention, Directive, Document, Heading, PageLink, Prompt, Reference
from skillbook.placeholders import names_no_skill, placeholders
from skillbook.problems import Problem, Severity
from skillbook.safety import neutralise, unsafe_links
from skillbook.skill_ids import FIRST_WORD_MENTION
from skillbook.sources import check_encoding_damage
from skillbook.text import line_count, prompt_slug, slugify, split_front_matter

CHAPTER_FILE = re.compile(r"^chapter-(\d+)-[a-z0-9-]+\.md$")
APPENDIX_FILE = re.compile(r"^appendix-([a-z])-[a-z0-9-]+\.md$")
SKILL_MENTION = re.compile(r"@([^\s]+)")
# Fence languages of a prompt: none, or plain text.
PROMPT_LANGUAGES = {"", "text", "txt", "plaintext", "prompt"}
# An attribute list closing a heading, as attr_list reads it: "{#my-id}", "{: #my-id .class }".
ATTR_LIST = re.compile(r"\s*\{:?(?P<attrs>[^{}]*)\}\s*$")
PINNED_ID = re.compile(r"(?:^|\s)#([^\s}]+)")
FORMER_IDS = re.compile(r"(?:^|\s)former=(?:\"([^\"]*)\"|'([^']*)'|([^\s}]+))")
DIRECTIVE = re.compile(r"^\s*<!--\s*skillbook:\s*(?P<body>.*?)\s*-->\s*$", re.DOTALL)
# Any HTML comment that mentions skillbook: a directive, or a directive mistyped.
SKILLBOOK_COMMENT = re.compile(r"<!--(?:(?!-->).)*skillbook(?:(?!-->).)*-->", re.IGNORECASE | re.DOTALL)
# The labels of a prompt's context and expected output, as authors write them:
# "**Context:**", "**Context**:", "**Expected output:**"...
CONTEXT = "**Context:**"
EXPECTED = "**Expected Output:**"
LABEL = re.compile(r"^\s{0,3}\*\*(?P<name>context|expected output)(?::\*\*|\*\*:)[ \t]*", re.IGNORECASE)

_parser = MarkdownIt("commonmark").enable("table")
# Pages are read for their blocks only; inline Markdown is parsed where it is needed.
# Nesting past the limit must reach the limits check rather than be cut off unseen.
_block_parser = MarkdownIt("commonmark", {"maxNesting": 4 * MAX_NESTING}).enable("table").disable("inline")
# Control characters (Unicode's Cc) other than tab and line feed.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class BlockKind(StrEnum):
    """What a top-level block of Markdown is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    FENCE = "fence"  # a fenced code block
    LIST = "list"
    TABLE = "table"
    RULE = "rule"  # a thematic break, "---"
    HTML = "html"  # a block of raw HTML, directives' comments included
    OTHER = "other"  # a quote, an indented code block...


@dataclass
class Block:
    """A top-level Markdown block with its source lines (0-based, end exclusive)."""

    kind: BlockKind
    start: int
    end: int
    content: str = ""
    level: int = 0
    info: str = ""


def chapter_key(src_uri: str) -> int | str | None:
    """A chapter file's number, an appendix file's letter (upper case), or None."""
    if match := CHAPTER_FILE.match(src_uri):
        return int(match.group(1))
    if match := APPENDIX_FILE.match(src_uri):
        return match.group(1).upper()
    return None


@functools.lru_cache(maxsize=16384)  # titles are read again for every page that shows them
def plain_text(markdown: str) -> str:
    """The visible text of inline Markdown, without its markup."""
    tokens = _parser.parseInline(markdown)
    children = tokens[0].children if tokens else []
    return "".join(c.content for c in children or [] if c.type in ("text", "code_inline")).strip()


# A description fits a link preview: longer ones are cut at a word.
DESCRIPTION_LENGTH = 300
# Shorter paragraphs are a chapter's metadata ("**Last Updated:** ..."), not its summary.
DESCRIPTION_MINIMUM = 60


# Asked of every chapter each time `mkdocs serve` updates the site after a save:
# a chapter's body is read once, not at every save.
@functools.lru_cache(maxsize=4096)
def description(body: str) -> str | None:
    """A page's summary for link previews: the plain text of its first paragraph
    (outside lists and quotes) of at least 60 characters, cut at a word within
    300 characters."""
    for token in _block_parser.parse(body):
        if token.type != "inline" or token.level != 1:
            continue
        text = " ".join(plain_text(token.content).split())
        if len(text) < DESCRIPTION_MINIMUM:
            continue
        if len(text) > DESCRIPTION_LENGTH:
            text = text[:DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return text
    return None


def parse_document(src_uri: str, path: str, text: str, problems: list[Problem]) -> Document:
    """A page that is not a chapter: its directives, chapter links and lists under text."""
    document = Document(src_uri, path, "")
    _read_page(document, text, problems)
    return document


def parse_chapter(src_uri: str, path: str, text: str, problems: list[Problem]) -> Chapter:
    """Read one chapter file. Problems are appended to ``problems``; the chapter
    returned is as complete as the source allows."""
    key = chapter_key(src_uri)
    assert key is not None, f"{src_uri} is not a chapter or appendix file"
    chapter = Chapter(src_uri, path, "", **({"letter": key} if isinstance(key, str) else {"number": key}))
    blocks = _read_page(chapter, text, problems)
    if chapter.refused:
        chapter.title = chapter.plain_title = chapter.label
        return chapter
    offset = chapter.body_offset
    lines = chapter.body.split("\n")

    title = next((b.content for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
    if title is None:
        problems.append(Problem(path, offset + 1, f"{chapter.name} has no title; start it with '# {chapter.label}: Title'"))
        title = chapter.label
    chapter.title, chapter.plain_title = title, plain_text(title)

    section_title: str | None = None
    section_id: str | None = None
    heading: Block | None = None
    titled_from: dict[str, int] = {}
    owned_headings: set[int] = set()
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING:
            heading = block
            if block.level == 2:
                section_title = _title_and_pin(block.content)[0]
                section_id = heading_anchor(block.content)
        elif block.kind is BlockKind.FENCE:
            prompt = _prompt(blocks, index, heading, section_title, chapter, lines, titled_from, problems)
            if prompt:
                prompt.section_id = section_id
            if prompt and prompt.heading_level:
                assert heading is not None, "a prompt takes its heading level from a heading"
                owned_headings.add(heading.start)
            if prompt:
                chapter.prompts.append(prompt)
    for directive in chapter.directives:
        directive.section_title = next(
            (_title_and_pin(b.content)[0] for b in reversed(blocks) if b.kind is BlockKind.HEADING and b.level == 2 and b.start < directive.start),
            None,
        )
    chapter.headings = [
        Heading(heading_anchor(b.content), offset + b.start + 1, b.level, plain_text(_title_and_pin(b.content)[0]))
        for b in blocks if b.kind is BlockKind.HEADING and b.start not in owned_headings
    ]
    return chapter


def _read_page(document: Document, text: str, problems: list[Problem]) -> list[Block]:
    """What every page has: its body, directives, chapter links and references."""
    front, body = split_front_matter(text, document.path, problems)
    offset = line_count(front)
    lines = body.split("\n")
    env: dict[str, Any] = {}
    tokens = _block_parser.parse(body, env)
    document.body = body
    if not within_limits(tokens, lines, document.path, offset, problems):
        document.refused = True
        return []
    blocks = _blocks(tokens, lines, document.path, offset, problems)
    document.code_lines = _code_lines(tokens)
    check_encoding_damage(document.path, text, problems, {offset + i for i in document.code_lines})
    _check_links(lines, document.code_lines, document.path, offset, problems)
    if isinstance(document, Chapter):
        document.body_offset = offset
    document.lists_after_paragraph = _lists_after_paragraph(tokens, lines)
    document.anchors = _anchors(blocks, lines, document.code_lines)
    document.page_links = _page_links(lines, document.code_lines, offset)
    document.directives = [d for b in blocks if b.kind is BlockKind.HTML and (d := _directive(b, offset, document.path, problems))]
    for block in blocks:
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST, BlockKind.TABLE, BlockKind.OTHER):
            document.chapter_links.extend(_chapter_links(lines, block, offset))
    document.references = {
        label: Reference(reference["href"], reference.get("title")) for label, reference in env.get("references", {}).items()
    }
    _check_skillbook_comments(body, blocks, document.path, offset, problems)
    return blocks


def _check_links(lines: list[str], code: set[int], path: str, offset: int, problems: list[Problem]) -> None:
    """Links that could run script in a reader's browser are refused; images from
    other hosts, which a page would load as it opens, are a warning."""
    remote = [(index, image.target) for index, line in enumerate(lines) if index not in code and ":" in line
              for image in remote_images(line)]
    by_reference = [(index, image.target) for index, image in remote_reference_images(lines, code)]
    for index, target in sorted(remote + by_reference):
        problems.append(Problem(
            path, offset + index + 1,
            f"the image {target} is loaded from another host whenever the page opens, which tells that host "
            "who reads the book; download it into docs/assets/ and link it from there",
            Severity.WARNING,
        ))
    for index, line in enumerate(lines):
        if index in code or ":" not in line:
            continue
        for target in unsafe_links(line):
            problems.append(Problem(
                path, offset + index + 1,
                f"link to '{target}' is not allowed: links may go to pages of the book, http(s) or mailto addresses; "
                "change or remove it",
            ))


# An id set by an attribute list, on a heading or any other block: "{#id}", "{: #id .class }".
ATTRIBUTE_ID = re.compile(r"\{:?[^{}\n]*?(?<![\w-])#([^\s}]+)[^{}\n]*\}")


def _anchors(blocks: list[Block], lines: list[str], code: set[int]) -> set[str]:
    """The anchors a page's Markdown gives: its headings' (numbered ``_1``, ``_2``
    when repeated, as the ``toc`` extension numbers them) and ids set by attribute lists."""
    anchors: set[str] = set()
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            slug = heading_anchor(block.content)
            unique, number = slug, 0
            while unique in anchors:
                number += 1
                unique = f"{slug}_{number}"
            anchors.add(unique)
    anchors.update(m.group(1) for index, line in enumerate(lines) if index not in code for m in ATTRIBUTE_ID.finditer(line))
    return anchors


def _page_links(lines: list[str], code: set[int], offset: int) -> list[PageLink]:
    """Relative links and images: to this page's anchors, or to files of docs/."""
    found = []
    for index, line in enumerate(lines):
        if index in code or ("](" not in line and "]:" not in line):
            continue
        for target in link_targets(line):
            if SCHEME.match(target) or target.startswith("/"):
                continue
            path, _, anchor = target.partition("#")
            if anchor.startswith(("fn:", "fnref:")):
                anchor = ""  # a footnote's, which the footnotes extension makes
            if path or anchor:
                found.append(PageLink(unquote(path), anchor, offset + index + 1))
    return found


def _check_skillbook_comments(body: str, blocks: list[Block], path: str, offset: int, problems: list[Problem]) -> None:
    """A comment that mentions skillbook but is not a directive on a line of its own renders
    nothing; say so rather than leave the author wondering."""
    directive_lines = {b.start for b in blocks if b.kind is BlockKind.HTML and DIRECTIVE.match(b.content)}
    code = [(b.start, b.end) for b in blocks if b.kind is BlockKind.FENCE]
    for match in SKILLBOOK_COMMENT.finditer(body):
        index = body.count("\n", 0, match.start())
        if index in directive_lines or any(start <= index < end for start, end in code):
            continue
        problems.append(Problem(
            path, offset + index + 1,
            "this comment mentions skillbook but is not a directive, so it renders nothing; write "
            "'<!-- skillbook: NAME -->' on a line of its own",
            Severity.WARNING,
        ))


def _nested_fences(tokens: list[Token], lines: list[str]) -> list[NestedFence]:
    """Every top-level block closed early by a code block inside it. Past one, the
    rest of the page is read again from the line meant to close it, as the author
    meant it: one mistake must not hide the next."""
    found: list[NestedFence] = []
    start = 0
    while True:
        for token in tokens:
            if token.type == "fence" and token.level == 0 and token.map is not None:
                nested = nested_fence(lines, start + token.map[0])
                if nested is not None and nested.inner < start + token.map[1]:
                    found.append(nested)
                    start = nested.closing + 1
                    tokens = _block_parser.parse("\n".join(lines[start:]))
                    break
        else:
            return found


def _blocks(tokens: list[Token], lines: list[str], path: str, offset: int, problems: list[Problem]) -> list[Block]:
    blocks: list[Block] = []
    # A block closed early by a code block inside it is reported once, with the fix;
    # the fences up to the line meant to close it are pieces of the same mistake.
    inside_nested: set[int] = set()
    for nested in _nested_fences(tokens, lines):
        problems.append(_nested_problem(nested, lines, path, offset))
        inside_nested.update(range(nested.opening, nested.closing + 1))
    for i, token in enumerate(tokens):
        if token.type == "fence" and token.level > 0 and _is_prompt(token.info, token.content):
            problems.append(Problem(
                path, offset + token_lines(token)[0] + 1,
                "this prompt sits inside a list or quote, so it shows as plain code without a card; "
                "move its fenced block out to the left margin",
                Severity.WARNING,
            ))
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        if token.type == "heading_open":
            blocks.append(Block(BlockKind.HEADING, start, end, tokens[i + 1].content, int(token.tag[1])))
        elif token.type == "paragraph_open":
            blocks.append(Block(BlockKind.PARAGRAPH, start, end, tokens[i + 1].content))
        elif token.type == "fence":
            if start in inside_nested:
                pass
            elif not _is_closed(token, lines):
                problems.append(Problem(
                    path, offset + start + 1,
                    f"code fence {token.markup!r} is never closed, so the rest of the file reads as code; "
                    f"add a closing {token.markup} line",
                ))
            else:
                _check_swallowed(token, path, offset, problems)
                _check_pasted_after(token, lines, path, offset, problems)
            blocks.append(Block(BlockKind.FENCE, start, end, token.content, info=token.info.strip()))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            blocks.append(Block(BlockKind.LIST, start, end))
        elif token.type == "hr":
            blocks.append(Block(BlockKind.RULE, start, end))
        elif token.type == "table_open":
            blocks.append(Block(BlockKind.TABLE, start, end))
        elif token.type == "html_block":
            blocks.append(Block(BlockKind.HTML, start, end, token.content))
        else:
            blocks.append(Block(BlockKind.OTHER, start, end))
    return blocks


_NUMBERS = {4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def _nested_problem(nested: NestedFence, lines: list[str], path: str, offset: int) -> Problem:
    """The code block inside a fenced block, with the fix: a longer outer fence."""
    outer, inner, longer = nested.fence, nested.inner_fence, nested.longer
    kind = "prompt" if _is_prompt(outer.info, "\n".join(lines[nested.opening + 1:nested.closing])) else "block"
    return Problem(
        path, offset + nested.opening + 1,
        f"the {outer.markup}{outer.info.strip()} block at line {offset + nested.opening + 1} holds a "
        f"{inner.markup}{inner.info.strip()} block (line {offset + nested.inner + 1}), which closes it early; to put a code "
        f"block inside a {kind}, open the {kind} with {_NUMBERS.get(len(longer), len(longer))} {'backticks' if longer[0] == '`' else 'tildes'} "
        f"({longer}{outer.info.strip()}) and close it with {longer} (line {offset + nested.closing + 1})",
        fix=nested.edits(lines, offset),
    )


def _check_pasted_after(fence: Token, lines: list[str], path: str, offset: int, problems: list[Problem]) -> None:
    """A prompt that ends with a colon, closed by a fence line that its author
    meant to open a code block inside it (one written without a language): the
    code and the rest of the prompt read as prose and a code block. The lines
    allow both readings, so it is a warning, with the fix for the one meant."""
    assert fence.map is not None
    if not _is_prompt(fence.info, fence.content):
        return
    pasted = code_pasted_after(lines, fence.map[0])
    if pasted is None:
        return
    closing, meant = pasted
    longer = fence_for("\n".join(lines[fence.map[0]:meant + 1]), fence.markup[0])
    info = fence.info.strip()
    problems.append(Problem(
        path, offset + fence.map[0] + 1,
        f"the {fence.markup}{info} prompt at line {offset + fence.map[0] + 1} ends with a colon and closes at line "
        f"{offset + closing + 1}, and what follows up to line {offset + meant + 1} reads as prose and a code block; if it "
        f"is a code block pasted into the prompt, open the prompt with {_NUMBERS.get(len(longer), len(longer))} "
        f"{'backticks' if longer[0] == '`' else 'tildes'} ({longer}{info}) and close it with {longer} (line {offset + meant + 1})",
        Severity.WARNING,
    ))


def _check_swallowed(fence: Token, path: str, offset: int, problems: list[Problem]) -> None:
    """A fence left open runs on until the closing line of the next block: it takes
    in the next block's opening line (a fence with a language cannot close one)
    and, for a prompt, the labels written under it. Report it at the fence left open."""
    char, length = fence.markup[0], len(fence.markup)
    opening = re.compile(rf"^ {{0,3}}{re.escape(char)}{{{length},}}[ \t]*[^\s{re.escape(char)}]")
    prompt = _is_prompt(fence.info, fence.content)
    first = token_lines(fence)[0]
    for index, line in enumerate(fence.content.split("\n")):
        if opening.match(line) or (prompt and LABEL.match(line)):
            problems.append(Problem(
                path, offset + first + 1,
                f"this code fence is not closed before line {offset + first + index + 2} "
                f"({line.strip()[:40]!r}), so it swallows what lies between; add a closing {fence.markup} line "
                "where the block ends",
            ))
            return


def _language(info: str) -> str:
    return info.split()[0].lower() if info.split() else ""


def _is_prompt(info: str, content: str) -> bool:
    """Whether a fence with this info string and content is a prompt."""
    return _language(info) in PROMPT_LANGUAGES and bool(SKILL_MENTION.match(content))


def list_items(markdown: str) -> list[str]:
    """The text of each item of the list ``markdown`` opens with, its lines (and
    those of lists inside it) joined by spaces: ``- a``, ``* b``, ``1. c`` alike."""
    items: list[str] = []
    depth = 0
    for token in _block_parser.parse(markdown):
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                items.append("")
        elif token.type == "list_item_close":
            depth -= 1
        elif token.type == "inline" and depth > 0:
            text = " ".join(line.strip() for line in token.content.split("\n"))
            items[-1] = f"{items[-1]} {text}" if items[-1] else text
    return items


@dataclass(frozen=True)
class BodyReading:
    """A page body read once: its top-level blocks, the lines (0-based) of its
    code blocks, in lists and quotes too, and the problems the reading found."""

    text: str
    blocks: list[Block]
    code_lines: frozenset[int]
    problems: list[Problem]

    @property
    def heading_anchors(self) -> list[str]:
        """The anchor of each heading, in order (repeated ones unnumbered)."""
        return [heading_anchor(block.content) for block in self.blocks if block.kind is BlockKind.HEADING]


def read_body(body: str, path: str) -> BodyReading:
    """A page body's blocks, code lines and problems, from one parse."""
    tokens = _block_parser.parse(body)
    problems: list[Problem] = []
    blocks = _blocks(tokens, body.split("\n"), path, 0, problems)
    return BodyReading(body, blocks, frozenset(_code_lines(tokens)), problems)


def code_lines(body: str) -> set[int]:
    """Lines (0-based) of every code block of a page body, in lists and quotes too."""
    return _code_lines(_block_parser.parse(body))


def _code_lines(tokens: list[Token]) -> set[int]:
    return {index for token in tokens if token.type in ("fence", "code_block") and token.map for index in range(*token.map)}


def _lists_after_paragraph(tokens: list[Token], lines: list[str]) -> list[int]:
    return [
        token_lines(token)[0] for token in tokens
        if token.type in ("bullet_list_open", "ordered_list_open") and token.level == 0
        and token_lines(token)[0] > 0 and lines[token_lines(token)[0] - 1].strip()
    ]


def _is_closed(fence: Token, lines: list[str]) -> bool:
    start, end = token_lines(fence)
    if end - start < 2:
        return False
    closing = lines[end - 1].strip()
    char = fence.markup[0]
    return len(closing) >= len(fence.markup) and closing == char * len(closing)


def _directive(block: Block, offset: int, path: str, problems: list[Problem]) -> Directive | None:
    match = DIRECTIVE.match(block.content)
    if not match:
        return None
    words = match.group("body").split()
    if not words:
        problems.append(Problem(path, offset + block.start + 1, "empty directive; write '<!-- skillbook: NAME -->'"))
        return None
    return Directive(words[0], words[1:], block.start, block.end, offset + block.start + 1)


def _chapter_links(lines: list[str], block: Block, offset: int) -> list[ChapterLink]:
    return [
        ChapterLink(href, index, offset + index + 1)
        for index in range(block.start, block.end) for _, href in chapter_links(lines[index])
    ]


def _prompt(
    blocks: list[Block],
    index: int,
    heading: Block | None,
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
        mention = FIRST_WORD_MENTION.match(fence.content)
        if mention:
            chapter.code_mentions.append(CodeMention(mention.group("id"), language, line))
        return None
    mention = SKILL_MENTION.match(fence.content)
    if not mention:
        return None
    text = fence.content[:-1] if fence.content.endswith("\n") else fence.content
    invocation = mention.group(1)

    context, first = _context(blocks, index, lines)
    expected, last = _expected_output(blocks, index, lines)
    before = blocks[first - 1] if first > 0 else None

    heading_level = None
    former_ids: list[str] = []
    heading_title, pinned = _title_and_pin(heading.content) if heading else (chapter.title, None)
    # Prompts titled from the same heading are told apart by a number: "Title (2)".
    count = titled_from[heading_title] = titled_from.get(heading_title, 0) + 1
    if heading is not None and before is heading and heading.level > 1:
        # The heading right above belongs to this prompt: the card takes it in, and its id.
        title, heading_level = heading_title, heading.level
        first -= 1
        prompt_id = pinned or prompt_slug(plain_text(title))
        former_ids = _former_ids(heading.content)
    else:
        # Titled from the section it sits in; its id must differ from that heading's anchor.
        title = heading_title if count == 1 else f"{heading_title} ({count})"
        prompt_id = f"{prompt_slug(plain_text(heading_title))}-prompt" + (f"-{count}" if count > 1 else "")

    for number, text_line in enumerate(text.split("\n"), start=line + 1):
        control = CONTROL.search(text_line)
        if control is not None:
            problems.append(Problem(
                chapter.path, number,
                f"prompt '{title}' holds the invisible control character U+{ord(control.group()):04X}; delete it",
            ))
    if not text[mention.end():].strip():
        problems.append(Problem(chapter.path, line, f"prompt '{title}' is empty: write the request after {mention.group(0)}"))

    return Prompt(
        id=prompt_id,
        title=title,
        plain_title=plain_text(title),
        skill_id=None if names_no_skill(invocation) else invocation,
        text=text,
        chapter_key=chapter.key,
        section_title=section_title,
        context=context,
        expected_output=expected,
        heading_level=heading_level,
        start=blocks[first].start,
        end=blocks[last].end,
        line=line,
        placeholders=placeholders(text),
        former_ids=former_ids,
    )


def _label(block: Block, name: str) -> bool:
    """Whether the block is a paragraph opening with the label ``name``."""
    match = LABEL.match(block.content) if block.kind is BlockKind.PARAGRAPH else None
    return match is not None and match.group("name").lower() == name


def _source(blocks: list[Block], lines: list[str]) -> str:
    """The Markdown of consecutive blocks, one blank line apart, without the label opening the first."""
    parts = ["\n".join(lines[b.start:b.end]).strip("\n") for b in blocks]
    parts[0] = LABEL.sub("", parts[0].lstrip(), count=1)
    return "\n\n".join(parts)


def _context(blocks: list[Block], index: int, lines: list[str]) -> tuple[str | None, int]:
    """The context above the fence at ``index``: a "**Context:**" paragraph and the
    paragraphs and lists between it and the fence. Returns it and its first block."""
    for start in range(index - 1, -1, -1):
        block = blocks[start]
        if block.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST) or _label(block, "expected output"):
            break
        if _label(block, "context"):
            return _source(blocks[start:index], lines), start
    return None, index


def _expected_output(blocks: list[Block], index: int, lines: list[str]) -> tuple[str | None, int]:
    """The expected output under the fence at ``index``: a "**Expected Output:**"
    paragraph, with the lists under it, or, when the label stands alone, the blocks
    under it up to the next heading, rule, prompt or label. Returns it and its last block."""
    if index + 1 >= len(blocks) or not _label(blocks[index + 1], "expected output"):
        return None, index
    label = blocks[index + 1]
    alone = not LABEL.sub("", label.content, count=1).strip()
    taken = [label]
    for block in blocks[index + 2:]:
        if block.kind in (BlockKind.HEADING, BlockKind.RULE, BlockKind.HTML) or (block.kind is BlockKind.FENCE and _is_prompt(block.info, block.content)) or LABEL.match(block.content):
            break
        if not alone and block.kind is not BlockKind.LIST:
            break
        taken.append(block)
    text = _source(taken, lines)
    # A label on a line of its own: what follows is a block of its own.
    return ("\n\n" + text.lstrip("\n") if alone else text), index + len(taken)


def _former_ids(content: str) -> list[str]:
    """Ids listed by ``former="old-id other-id"`` in a heading's attribute list."""
    match = ATTR_LIST.search(content)
    found = FORMER_IDS.search(match.group("attrs")) if match else None
    return next((g for g in found.groups() if g is not None), "").split() if found else []


@functools.lru_cache(maxsize=16384)  # a heading's anchor is asked for by the chapter reader and the link check
def heading_anchor(content: str) -> str:
    """The anchor a heading gets: the id pinned in its attribute list, or the slug
    of its text as the page shows it (HTML the page shows as text is part of it)."""
    title, pin = _title_and_pin(content)
    return pin or slugify(plain_text(neutralise([title])[0] if "<" in title else title))


def _title_and_pin(content: str) -> tuple[str, str | None]:
    """A heading's text and the id pinned by an attribute list at its end, such as
    ``{#my-id}`` or ``{: #my-id .class }``."""
    match = ATTR_LIST.search(content)
    if not match:
        return content.strip(), None
    pin = PINNED_ID.search(match.group("attrs"))
    return content[: match.start()].strip(), pin.group(1) if pin else None
