"""Problems found in the book's sources, each pinned to a file and a line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class LineEdit:
    """One line of a file replaced: ``line`` counts from 1."""

    line: int
    old: str
    new: str


@dataclass(frozen=True)
class Resave:
    """A file that is not UTF-8 but reads one way only, in ``encoding``: saved again as UTF-8."""

    encoding: str


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = Severity.ERROR
    # What fixes the problem for certain, for `skillbook check --fix` and the import.
    fix: tuple[LineEdit, ...] | Resave = field(default=(), compare=False)

    def relative_to(self, root: Path | str) -> Problem:
        """The problem with its path, and the paths its message names, relative to
        ``root`` where they lie inside it."""
        path, root = Path(os.path.abspath(self.path)), Path(os.path.abspath(root))
        message = self.message.replace(f"{root}{os.sep}", "")
        return replace(self, path=os.path.relpath(path, root) if path.is_relative_to(root) else self.path, message=message)

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"
