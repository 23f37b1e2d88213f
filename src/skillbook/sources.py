"""Reading source files safely. Chapters and skill files arrive in pull requests
from strangers, so every read is bounded: a file is read only when it lies in
the project (a symbolic link leading out of it is refused, so a build never
publishes a file from elsewhere on the machine), is a regular file (a FIFO
would block the build) and is no larger than its limit. Every source must be
UTF-8; encoding damage is reported."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Set as AbstractSet
from pathlib import Path

import ftfy

from skillbook.problems import Problem, Resave, Severity

# The largest page and skill file read. The longest chapter of the book is
# about 40 KiB and the longest skill file about 3 KiB.
MAX_PAGE_BYTES = 512 * 1024
MAX_SKILL_BYTES = 64 * 1024
# Folders nested deeper than this are not walked: a stranger's repository may
# nest thousands, past the recursion Python's folder walk allows.
MAX_FOLDER_DEPTH = 32


def project_files(folder: Path, root: Path, problems: list[Problem], refused: set[str], hidden: bool = True) -> list[Path]:
    """Every file under ``folder``, sorted, found as MkDocs finds them (following
    symbolic links), less the links that lead outside ``root``, which are
    reported and added to ``refused``. A folder reached twice through links is
    walked once. Without ``hidden``, folders whose name starts with '.' (such
    as a clone's .git) are not walked."""
    root = root.resolve()
    found: list[Path] = []
    walked: set[Path] = set()
    top = len(folder.parts)
    for current, folders, files in os.walk(folder, followlinks=True):
        current_path = Path(current)
        real = current_path.resolve()
        if real in walked:
            folders[:] = []
            continue
        walked.add(real)
        if not hidden:
            folders[:] = [name for name in folders if not name.startswith(".")]
        if folders and len(current_path.parts) - top >= MAX_FOLDER_DEPTH:
            problems.append(Problem(str(current_path / min(folders)), 1,
                                    f"folders nested more than {MAX_FOLDER_DEPTH} levels deep are not read; "
                                    "move the files nearer the top"))
            folders[:] = []
        for name in sorted(folders):
            if _outside(current_path / name, root, problems, refused):
                folders.remove(name)
        found.extend(path for name in files if not _outside(path := current_path / name, root, problems, refused))
    return sorted(found)


def _outside(path: Path, root: Path, problems: list[Problem], refused: set[str]) -> bool:
    """Whether a symbolic link leads outside the project (reported as an error)."""
    if not path.is_symlink():
        return False
    try:
        target = path.resolve()
    except RuntimeError:  # a link that leads back to itself
        problems.append(Problem(str(path), 1, "this symbolic link leads round in a loop, so it is not read or "
                                              "published; replace it with the file or folder it should lead to"))
        refused.add(str(path))
        return True
    if target.is_relative_to(root):
        return False
    problems.append(Problem(
        str(path), 1,
        f"this is a symbolic link to {target}, outside the project, so it is not read or published; "
        "copy the file into the project instead",
    ))
    refused.add(str(path))
    return True


def read_bytes(path: Path, limit: int, problems: list[Problem]) -> bytes | None:
    """A regular file's bytes, reading at most ``limit`` of them."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            problems.append(Problem(str(path), 1, "this is not a regular file (a pipe or a device); replace it with a text file"))
            return None
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        problems.append(Problem(str(path), 1, f"cannot read this file ({error.strerror}); check that it exists and is readable"))
        return None
    if len(data) > limit:
        problems.append(Problem(
            str(path), 1,
            f"this file is larger than {limit // 1024} KiB, the most a {_kind(limit)} may hold; "
            "split it into smaller files",
        ))
        return None
    return data


def _kind(limit: int) -> str:
    return "skill file" if limit == MAX_SKILL_BYTES else "page"


def decode(path: Path, data: bytes, problems: list[Problem]) -> str | None:
    """Decode a source file as UTF-8, or report where it is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        encoding = unambiguous_encoding(data)
        fix = (f"it reads as {ENCODING_NAMES[encoding]}: run 'skillbook check --fix' to save it as UTF-8, "
               "or save it as UTF-8 in your editor") if encoding else "save it as UTF-8 in your editor"
        problems.append(Problem(
            str(path), line, f"file is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); {fix}",
            fix=Resave(encoding) if encoding else (),
        ))
        return None


ENCODING_NAMES = {"utf-16": "UTF-16 (it starts with UTF-16's byte-order mark)", "cp1252": "Windows-1252 (Western European)"}
# The characters Windows-1252 text holds beyond ASCII where no other reading is likely:
# typographic punctuation and symbols.
TYPOGRAPHIC = frozenset("‘’‚“”„–—…•€™©®°±×÷§¶·«»\u00a0")
WORD = re.compile(r"[^\W\d_]+")


def unambiguous_encoding(data: bytes) -> str | None:
    """The encoding of text that is not UTF-8 but reads one way only: UTF-16 with
    its byte-order mark, or Windows-1252 whose every word is mostly ASCII letters
    (text in another 8-bit encoding, Cyrillic or Greek, reads as runs of accented
    letters) and which holds no control character. None when unsure."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return "utf-16"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text):
        return None
    for word in WORD.findall(text):
        foreign = sum(not c.isascii() for c in word)
        if foreign and foreign * 2 > len(word):
            return None
    if any(not c.isascii() and not c.isalpha() and c not in TYPOGRAPHIC for c in text):
        return None
    return "cp1252"


def encoding_repairs(text: str, code: AbstractSet[int] = frozenset()) -> list[tuple[int, str]]:
    """Lines with mojibake such as 'â€™' for '’' (UTF-8 text decoded as cp1252 and
    saved again), as (0-based index, repaired line). Lines of code (indices in
    ``code``) are the author's exact text and are left alone."""
    repairs = []
    for index, line in enumerate(text.split("\n")):
        if line.isascii() or index in code:  # mojibake is never plain ASCII; this skips most lines cheaply
            continue
        repaired = ftfy.fix_encoding(line)
        if repaired != line:
            repairs.append((index, repaired))
    return repairs


def check_encoding_damage(path: Path | str, text: str, problems: list[Problem], code: AbstractSet[int] = frozenset()) -> None:
    """Warn about encoding damage, with the repaired line."""
    for index, repaired in encoding_repairs(text, code):
        problems.append(Problem(
            str(path), index + 1,
            f"encoding damage (text saved as UTF-8 twice); replace the line with: {repaired.strip()}",
            Severity.WARNING,
        ))


def normalise_line_ends(text: str) -> str:
    """Windows (CRLF) and old Mac (CR) line ends read as line ends, as MkDocs reads them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_source(path: Path, problems: list[Problem], limit: int = MAX_PAGE_BYTES, markdown: bool = False) -> str | None:
    """A source file's text, bounded by ``limit`` bytes, with line ends normalised.
    Encoding damage is checked here, except in Markdown, whose reader checks it
    outside code."""
    data = read_bytes(path, limit, problems)
    text = decode(path, data, problems) if data is not None else None
    if text is not None:
        text = normalise_line_ends(text)
        if not markdown:
            check_encoding_damage(path, text, problems)
    return text
