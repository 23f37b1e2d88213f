"""``skillbook check --fix``: applies the fixes the check is sure of, and nothing else.

A problem carries a fix only where one reading of the source is possible: a code
block pasted inside a prompt (the prompt's fence made longer) and a file that is
not UTF-8 but reads one way only (saved again as UTF-8). Every other byte of a
file stays as it was, line ends included."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from skillbook.problems import LineEdit, Problem, Resave


def apply_fixes(problems: list[Problem]) -> list[str]:
    """Apply the fixes of ``problems`` to their files; returns a line per change,
    as ``path:line: what changed``. A file that changed since it was read is left alone."""
    resaves: dict[str, Resave] = {}
    edits: dict[str, list[LineEdit]] = defaultdict(list)
    for problem in problems:
        if isinstance(problem.fix, Resave):
            resaves[problem.path] = problem.fix
        elif problem.fix:
            edits[problem.path].extend(problem.fix)
    done: list[str] = []
    for path, resave in resaves.items():
        file = Path(path)
        file.write_bytes(file.read_bytes().decode(resave.encoding).encode("utf-8"))
        done.append(f"{path}:1: saved as UTF-8 (it was {resave.encoding})")
    for path, changes in edits.items():
        done.extend(_edit(Path(path), changes))
    return done


def _edit(file: Path, changes: list[LineEdit]) -> list[str]:
    data = file.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines(keepends=True)
    for change in changes:
        index = change.line - 1
        if index >= len(lines) or _strip_end(lines[index]) != change.old:
            return [f"{file}:{change.line}: not fixed: the file changed since it was checked; run the check again"]
    done = []
    for change in sorted(changes, key=lambda c: c.line):
        index = change.line - 1
        ending = lines[index][len(_strip_end(lines[index])):]
        lines[index] = change.new + ending
        done.append(f"{file}:{change.line}: {change.old.strip()!r} -> {change.new.strip()!r}")
    file.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode("utf-8"))
    return done


def _strip_end(line: str) -> str:
    return line.rstrip("\r\n")
