"""Code fences as CommonMark reads them, and the mistake authors make with them
most: a code block pasted inside a prompt's fence.

Authors paste code into prompts::

    ```text
    @database-expert Review this query:

    ```sql
    SELECT * FROM users;
    ```

    Then suggest indexes.
    ```

CommonMark closes the outer block at the inner block's closing line, so the
prompt is cut in half and the rest reads as prose. Read as the author meant it,
each fence line with a language opens a block inside the prompt and each bare
fence line closes the innermost one; the outer block needs a fence longer than
any inside it. :func:`nested_fence` finds that reading, and its fix."""

from __future__ import annotations

import re
from dataclasses import dataclass

from skillbook.problems import LineEdit

# A fence line: up to three spaces, three or more backticks or tildes, then the
# info string (a backtick fence's info holds no backtick).
FENCE_LINE = re.compile(r"^(?P<indent> {0,3})(?P<markup>`{3,}|~{3,})(?P<info>[^`]*|(?<=~).*)$")
# What ends a prompt's text for certain: a heading or its "Expected Output" label.
PROSE_AFTER_PROMPT = re.compile(r"^ {0,3}(?:#{1,6}(?:\s|$)|\*\*expected output(?::\*\*|\*\*:))", re.IGNORECASE)


@dataclass(frozen=True)
class Fence:
    """A fence line: ``indent``, ``markup`` (the run of backticks or tildes) and ``info``."""

    indent: str
    markup: str
    info: str

    @property
    def char(self) -> str:
        return self.markup[0]

    def closes(self, opening: Fence) -> bool:
        """Whether this line closes a block opened by ``opening``."""
        return self.char == opening.char and len(self.markup) >= len(opening.markup) and not self.info.strip()


def fence_line(line: str) -> Fence | None:
    """The fence on a line, or None."""
    match = FENCE_LINE.match(line)
    return Fence(match.group("indent"), match.group("markup"), match.group("info")) if match else None


def longest_run(text: str, char: str = "`") -> str:
    """The longest run of ``char`` in ``text`` ("" when there is none)."""
    return max(re.findall(re.escape(char) + "+", text), key=len, default="")


def fence_for(text: str, char: str = "`") -> str:
    """A fence that can hold ``text``: longer than any run of ``char`` in it, and at least three."""
    return char * max(3, len(longest_run(text, char)) + 1)


@dataclass(frozen=True)
class NestedFence:
    """A fenced block that holds other fenced blocks as its author meant it, with
    lines counted from 0 in the text read."""

    opening: int
    inner: int  # the first block inside it
    closing: int  # the line meant to close it
    fence: Fence
    inner_fence: Fence
    longer: str  # the markup that lets it hold the blocks inside it

    def edits(self, lines: list[str], offset: int = 0) -> tuple[LineEdit, LineEdit]:
        """The fix: the opening and the closing fence made longer. ``offset`` is
        the number of lines before the text read (front matter)."""
        opening, closing = lines[self.opening], lines[self.closing]
        close = fence_line(closing)
        assert close is not None
        return (
            LineEdit(offset + self.opening + 1, opening, f"{self.fence.indent}{self.longer}{self.fence.info}"),
            LineEdit(offset + self.closing + 1, closing, f"{close.indent}{self.longer}{close.info}"),
        )


def nested_fence(lines: list[str], opening: int) -> NestedFence | None:
    """The reading of the block opened on line ``opening`` as one that holds
    other fenced blocks, when its lines allow no other: every block opened inside
    it closes, a bare fence line then closes it, and no heading or "Expected
    Output" label stands between. None when it holds no block or is simply left open."""
    outer = fence_line(lines[opening])
    if outer is None:
        return None
    depth, first_inner, longest = 1, None, len(outer.markup)
    inner_fence: Fence | None = None
    for index in range(opening + 1, len(lines)):
        fence = fence_line(lines[index])
        if fence is None or fence.char != outer.char or len(fence.markup) < len(outer.markup):
            if depth == 1 and PROSE_AFTER_PROMPT.match(lines[index]):
                return None
            continue
        longest = max(longest, len(fence.markup))
        if fence.info.strip():
            depth += 1
            if first_inner is None:
                first_inner, inner_fence = index, fence
        else:
            depth -= 1
            if depth == 0:
                if first_inner is None or inner_fence is None:
                    return None
                return NestedFence(opening, first_inner, index, outer, inner_fence, outer.char * (longest + 1))
    return None


def code_pasted_after(lines: list[str], opening: int) -> tuple[int, int] | None:
    """For a block opened on line ``opening`` whose text ends with a colon and is
    closed by a bare fence line, the reading in which that line opened a code
    block pasted into it without a language: what follows is text, then two bare
    fence lines (the pasted block's closing line and the block's own), before any
    heading or "Expected Output" label and with no fence naming a language
    between. Returns (the line that closed the block, the line meant to close
    it), or None when the lines allow no such reading."""
    outer = fence_line(lines[opening])
    closing = next((index for index in range(opening + 1, len(lines))
                    if (fence := fence_line(lines[index])) is not None and outer is not None and fence.closes(outer)), None)
    if outer is None or closing is None:
        return None
    text = [line for line in lines[opening + 1:closing] if line.strip()]
    if not text or not text[-1].rstrip().endswith(":"):
        return None
    bare: list[int] = []
    for index in range(closing + 1, len(lines)):
        if PROSE_AFTER_PROMPT.match(lines[index]):
            break
        fence = fence_line(lines[index])
        if fence is None or fence.char != outer.char or len(fence.markup) < len(outer.markup):
            continue
        if fence.info.strip():
            return None
        bare.append(index)
        if len(bare) == 2:
            break
    if len(bare) < 2 or not any(line.strip() for line in lines[closing + 1:bare[0]]):
        return None
    return closing, bare[1]
