"""Problems found in the book's sources, each pinned to a file and a line."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = Severity.ERROR

    def relative_to(self, root: Path | str) -> Problem:
        """The problem with its path, and the paths its message names, relative to
        ``root`` where they lie inside it."""
        path, root = Path(os.path.abspath(self.path)), Path(os.path.abspath(root))
        message = self.message.replace(f"{root}{os.sep}", "")
        return replace(self, path=os.path.relpath(path, root) if path.is_relative_to(root) else self.path, message=message)

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"
