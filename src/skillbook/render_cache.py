"""Reuse of rendered pages under ``mkdocs serve``: after a save, a page whose
inputs are what they were is not rendered again.

A page's inputs are not listed by hand. A page is rendered by a function of the
book and of arguments (the skill, the prompt, the chapter); the book reaches the
templates as :class:`BookReads`, which records every attribute read and method
call with its answer. A page rendered before is reused when its arguments are
equal and every read gives an equal answer on the new book: whatever a template
or a helper comes to read is an input, without anyone adding it to a list."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from skillbook.book import Book

_MISSING = object()


class ReadKind(StrEnum):
    """How a page read a part of the book."""

    VALUE = "value"  # an attribute: book.options
    CALL = "call"  # a method: book.prompts_for(skill)
    GET = "get"  # a key of a mapping attribute: book.skills.get(id), book.skills[id]
    CONTAINS = "contains"  # id in book.skills
    KEYS = "keys"  # for id in book.skills
    LENGTH = "length"  # book.skills|length
    WHOLE = "whole"  # book.skills.values(), .items()


@dataclass(frozen=True)
class Read:
    """One read of the book by a page, with the answer it got."""

    kind: ReadKind
    name: str
    args: tuple[Any, ...]
    answer: Any

    def holds_for(self, book: Book, compared: dict[tuple[int, int], tuple[bool, Any]] | None = None) -> bool:
        """Whether ``book`` gives the same answer to the same read. ``compared``
        remembers the answers compared already (by identity), so that an answer
        many pages read (the options, the collection) is compared once a save."""
        target = getattr(book, self.name)
        if self.kind is ReadKind.CALL:
            now = target(*self.args)
        elif self.kind is ReadKind.GET:
            now = target.get(self.args[0], _MISSING)
        elif self.kind is ReadKind.CONTAINS:
            now = self.args[0] in target
        elif self.kind is ReadKind.KEYS:
            now = tuple(target)
        elif self.kind is ReadKind.LENGTH:
            now = len(target)
        else:  # VALUE, WHOLE
            now = target
        if compared is None:
            return bool(now == self.answer)
        key = (id(now), id(self.answer))
        if key not in compared:
            # The answer now is kept with the result, so that its identity is not another's later.
            compared[key] = (bool(now == self.answer), now)
        return compared[key][0]


class BookReads:
    """A book that records what is read of it (see the module's description)."""

    def __init__(self, book: Book) -> None:
        self._book = book
        self.reads: list[Read] = []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._book, name)
        if callable(value):
            def call(*args: Any) -> Any:
                answer = value(*args)
                self.reads.append(Read(ReadKind.CALL, name, args, answer))
                return answer
            return call
        if isinstance(value, Mapping):
            return _MappingReads(name, value, self.reads)
        self.reads.append(Read(ReadKind.VALUE, name, (), value))
        return value


class _MappingReads(Mapping[Any, Any]):
    """A mapping attribute of the book (``skills``, ``prompts``) that records
    each key asked for, rather than the whole mapping, where it can."""

    def __init__(self, name: str, mapping: Mapping[Any, Any], reads: list[Read]) -> None:
        self._name, self._mapping, self._reads = name, mapping, reads

    def _record(self, kind: ReadKind, args: tuple[Any, ...], answer: Any) -> Any:
        self._reads.append(Read(kind, self._name, args, answer))
        return answer

    def __getitem__(self, key: Any) -> Any:
        value = self._record(ReadKind.GET, (key,), self._mapping.get(key, _MISSING))
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._record(ReadKind.GET, (key,), self._mapping.get(key, _MISSING))
        return default if value is _MISSING else value

    def __contains__(self, key: object) -> bool:
        return cast(bool, self._record(ReadKind.CONTAINS, (key,), key in self._mapping))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._record(ReadKind.KEYS, (), tuple(self._mapping)))

    def __len__(self) -> int:
        return cast(int, self._record(ReadKind.LENGTH, (), len(self._mapping)))

    def values(self) -> Any:
        return self._record(ReadKind.WHOLE, (), dict(self._mapping)).values()

    def items(self) -> Any:
        return self._record(ReadKind.WHOLE, (), dict(self._mapping)).items()


@dataclass(frozen=True)
class RenderedPage:
    """A page's Markdown with what it was rendered from."""

    args: tuple[Any, ...]
    reads: tuple[Read, ...]
    markdown: str


class RenderCache:
    """With ``keep``, it keeps each page's Markdown with its inputs; given as
    ``previous`` to the cache of the book after a save, it lends those pages
    whose inputs hold. ``templates`` stands for the templates as saved: pages
    rendered with other templates are never lent."""

    def __init__(self, templates: object, previous: RenderCache | None = None, keep: bool = False) -> None:
        self.templates = templates
        self._keep = keep
        self._kept: dict[str, RenderedPage] = {}
        self._previous = previous._kept if previous is not None and previous.templates == templates else {}
        # Answers compared by this cache, by the identities of the two (the old answer
        # is kept by the page that read it, the new one with the result).
        self._compared: dict[tuple[int, int], tuple[bool, Any]] = {}

    def page(self, src_uri: str, book: Book, render: Callable[..., str], *args: Any) -> str:
        """``render(book, *args)``: the page's Markdown, as rendered before when its inputs hold."""
        if not self._keep and not self._previous:
            return render(book, *args)
        kept = self._previous.get(src_uri)
        if kept is None or kept.args != args or not all(read.holds_for(book, self._compared) for read in kept.reads):
            reads = BookReads(book)
            markdown = render(cast("Book", reads), *args)
            kept = RenderedPage(args, tuple(reads.reads), markdown)
        if self._keep:
            self._kept[src_uri] = kept
        return kept.markdown
