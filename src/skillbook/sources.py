"""Checks every source file shares: it is UTF-8, and it carries no encoding damage."""

from __future__ import annotations

from pathlib import Path

import ftfy

from skillbook.problems import Problem, Severity


def decode(path: Path, data: bytes, problems: list[Problem]) -> str | None:
    """Decode a source file as UTF-8, or report where it is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(Problem(
            str(path), line,
            f"file is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8 in your editor",
        ))
        return None


def check_encoding_damage(path: Path, text: str, problems: list[Problem]) -> None:
    """Warn about mojibake such as 'â€™' for '’': UTF-8 text decoded as cp1252 and saved again."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.isascii():  # mojibake is never plain ASCII; this skips most lines cheaply
            continue
        repaired = ftfy.fix_encoding(line)
        if repaired != line:
            problems.append(Problem(
                str(path), number,
                f"encoding damage (text saved as UTF-8 twice); replace the line with: {repaired.strip()}",
                Severity.WARNING,
            ))


def read_source(path: Path, problems: list[Problem]) -> str | None:
    """A source file's text, with Windows (CRLF) and old Mac (CR) line ends read as
    line ends, as MkDocs reads them."""
    text = decode(path, path.read_bytes(), problems)
    if text is not None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        check_encoding_damage(path, text, problems)
    return text
