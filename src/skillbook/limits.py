"""Limits on what a page may ask of the Markdown renderer, checked on the page's
block tokens before MkDocs renders it.

Python-Markdown (which MkDocs renders with) is slow on two shapes measured here:
- an unclosed ``[`` (or a ``](`` never closed) makes it scan to the end of its
  block, once per bracket: 8,000 ``[`` in a row take 8.5 s, 32,000 over 20 s;
- deep nesting recurses: 800 nested list levels take 8 s and then exceed
  Python's recursion limit.
Real chapters come nowhere near either, so a page past them is refused with its
line instead of stalling a build or `mkdocs serve`."""

from __future__ import annotations

import re

from markdown_it.token import Token

from skillbook.problems import Problem

# Lists and block quotes inside one another; the book nests three at most.
MAX_NESTING = 8
# Characters Python-Markdown may scan for unclosed brackets over a whole page
# (about 0.3 s): an unclosed bracket costs the length of its block.
MAX_BRACKET_SCAN = 1_000_000
_BRACKET = re.compile(r"[\[\]]")
_CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}
_CONTAINERS_CLOSE = {"bullet_list_close", "ordered_list_close", "blockquote_close"}


def token_lines(token: Token) -> tuple[int, int]:
    """The source lines of a block token (0-based, end exclusive); every block token has them."""
    assert token.map is not None, f"{token.type} has no source lines"
    return token.map[0], token.map[1]


def within_limits(tokens: list[Token], lines: list[str], path: str, offset: int, problems: list[Problem]) -> bool:
    """Whether the page stays within the limits; otherwise its problem is reported."""
    return _nesting_ok(tokens, path, offset, problems) and _brackets_ok(tokens, lines, path, offset, problems)


def _nesting_ok(tokens: list[Token], path: str, offset: int, problems: list[Problem]) -> bool:
    depth = 0
    for token in tokens:
        if token.type in _CONTAINERS:
            depth += 1
            if depth > MAX_NESTING:
                problems.append(Problem(
                    path, offset + token_lines(token)[0] + 1,
                    f"lists or quotes nested more than {MAX_NESTING} levels deep here, more than the renderer "
                    "handles in good time; flatten them",
                ))
                return False
        elif token.type in _CONTAINERS_CLOSE:
            depth -= 1
    return True


def _brackets_ok(tokens: list[Token], lines: list[str], path: str, offset: int, problems: list[Problem]) -> bool:
    total = 0
    worst: tuple[int, int, int] = (0, 0, 0)  # cost, first line, unclosed brackets
    for token in tokens:
        if token.level != 0 or token.map is None or token.nesting == -1 or token.type in ("fence", "code_block", "html_block"):
            continue
        start, end = token.map
        block = "\n".join(lines[start:end])
        unclosed = _unclosed_brackets(block)
        cost = unclosed * len(block)
        total += cost
        worst = max(worst, (cost, start, unclosed))
    if total <= MAX_BRACKET_SCAN:
        return True
    _, start, unclosed = worst
    problems.append(Problem(
        path, offset + start + 1,
        f"{unclosed} '[' or '](' left unclosed in this block make the page too slow to render; "
        "close each link, or write a literal bracket as \\[",
    ))
    return False


def _unclosed_brackets(block: str) -> int:
    """Brackets ``[`` with no ``]`` after them, and link targets ``](`` with no ``)``."""
    open_brackets = 0
    for char in _BRACKET.findall(block):
        if char == "[":
            open_brackets += 1
        elif open_brackets:
            open_brackets -= 1
    last_paren = block.rfind(")")
    return open_brackets + block.count("](", last_paren + 1)
