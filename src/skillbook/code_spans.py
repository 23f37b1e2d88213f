"""Code spans as CommonMark pairs them: a run of backticks opens one, and the
next run of the same length closes it; a run that no later run matches is text.

Every reader of a page's inline Markdown asks here where code spans are (the
link check, the safety pass, the renderer, the importer), so that a link is in
code for all of them or for none. Counting backticks instead would read the
link after a span that holds a backtick of its own (two backticks, "a ` b",
two backticks, then the link) as code."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from skillbook.fences import longest_run

_RUN = re.compile(r"`+")


@dataclass(frozen=True)
class CodeSpan:
    """A code span of a text: ``start`` and ``end`` (exclusive) take in its
    backtick delimiters, ``delimiter`` is the number of backticks on each side."""

    start: int
    end: int
    delimiter: int

    @property
    def inner(self) -> slice:
        """Where its content lies in the text, between the delimiters."""
        return slice(self.start + self.delimiter, self.end - self.delimiter)


@functools.lru_cache(maxsize=4096)  # a line is asked about once per link on it
def code_spans(text: str) -> tuple[CodeSpan, ...]:
    """The code spans of ``text``, in order. Linear in the number of backtick
    runs (with a binary search each), whatever the text holds."""
    runs = [(match.start(), match.end()) for match in _RUN.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans: list[CodeSpan] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        at = bisect.bisect_right(same, index)
        if at == len(same):
            index += 1  # no run of its length after it: its backticks are text
            continue
        closing = same[at]
        spans.append(CodeSpan(start, runs[closing][1], end - start))
        index = closing + 1
    return tuple(spans)


def in_code_span(text: str, position: int) -> bool:
    """Whether ``position`` of ``text`` falls inside a code span, delimiters included."""
    return any(span.start <= position < span.end for span in code_spans(text))


def code_span_delimiter(text: str) -> str:
    """Backticks that can delimit a code span holding ``text``: one more than its longest run."""
    return longest_run(text) + "`"
