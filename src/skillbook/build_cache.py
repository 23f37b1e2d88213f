"""What a build made that the next build, or the next `mkdocs serve`, can take
again rather than make again: parsed skill and chapter files, pages' HTML,
their search entries.

Every entry is found by a key computed from all of its inputs (:func:`key`), so
that an entry is never taken for a changed input: a changed input is a new key.
The whole cache is also marked with its *environment*: Skillbook's own code,
the installed packages and Python; a cache made in another environment is
emptied as it is opened, so that a new Skillbook or MkDocs never reads an old
one. The cache is one SQLite file (``.cache/skillbook/build.sqlite`` beside
mkdocs.yml, git-ignored), safe to delete at any time: the next build makes it
again. A `mkdocs build` drops the entries it did not use, so that the cache
holds one book's worth of entries, not the history of every save.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import json
import pickle
import sqlite3
import sys
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


# The layout of the file and of its entries; a cache of another format is emptied.
FORMAT = 2
CACHE_FILE = Path(".cache", "skillbook", "build.sqlite")
# Entries are written in batches of this many, or of this many bytes.
BATCH_ENTRIES, BATCH_BYTES = 100, 2 * 2**20
# An entry: its kind and its key.
Entry = tuple[str, str]
# Seconds an entry waits for another process writing the file, before it is left unwritten.
BUSY_TIMEOUT = 2.0


class Unkeyable(ValueError):
    """A value whose meaning cannot be written down stably (an object shown by its address)."""


def key(*parts: object) -> str:
    """A key for an entry made from these inputs: equal inputs give equal keys,
    across runs and machines. Text is taken as it is (a page's Markdown or HTML),
    anything else as :func:`fingerprint` writes it down."""
    digest = hashlib.sha256()
    for part in parts:
        text, tag = (part, b"t") if isinstance(part, str) else (fingerprint(part), b"f")
        data = text.encode("utf-8", "surrogatepass")
        digest.update(tag + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def fingerprint(value: object) -> str:
    """``value`` written down stably: mappings in key order, functions and classes by
    their qualified names (the Markdown extensions' options hold some). Raises
    :class:`Unkeyable` for an object that can only be told by its address."""
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain(value: object) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, Path):
        return str(value)
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    shown = repr(value)
    if " at 0x" in shown:
        raise Unkeyable(f"{type(value).__qualname__} cannot be written down stably: {shown}")
    return f"{type(value).__module__}.{type(value).__qualname__}:{shown}"


def environment() -> str:
    """What every entry depends on besides its own inputs: this Skillbook's code
    (its files' bytes, so that an edited checkout counts as a new version), every
    installed package's version, and Python's."""
    code = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".md", ".html", ".json"} and "__pycache__" not in path.parts:
            code.update(path.relative_to(package).as_posix().encode())
            code.update(path.read_bytes())
    packages = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions())
    return key(FORMAT, sys.version, code.hexdigest(), packages)


class BuildCache:
    """The entries of one project's cache file (see the module's description).
    Safe to use from several threads; two processes may share the file."""

    def __init__(self, path: Path, environment: str) -> None:
        self.path = path
        self.reused: Counter[str] = Counter()
        self.made: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._used: set[Entry] = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = _open(path)
        try:
            self._start(environment)
        except sqlite3.DatabaseError:
            # Not a cache this code can read (damaged, or another program's file): made again.
            self._db.close()
            path.unlink(missing_ok=True)
            self._db = _open(path)
            self._start(environment)
        # The entries the file holds: a key it does not hold (every key, in a clean
        # build) is answered without asking the file.
        self._held: set[Entry] = set(self._db.execute("SELECT kind, key FROM entries"))
        # Entries put and not yet written: written a batch at a time, in one
        # transaction each (a thread writing beside the build slowed it more, by
        # taking turns at the interpreter, than the writing costs).
        self._pending: dict[Entry, bytes] = {}
        self._pending_bytes = 0

    def _start(self, environment: str) -> None:
        with _transaction(self._db):
            self._db.execute("CREATE TABLE IF NOT EXISTS environment (name TEXT NOT NULL)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
                " PRIMARY KEY (kind, key)) WITHOUT ROWID"
            )
            found = self._db.execute("SELECT name FROM environment").fetchall()
            if found != [(environment,)]:
                self._db.execute("DELETE FROM entries")
                self._db.execute("DELETE FROM environment")
                self._db.execute("INSERT INTO environment VALUES (?)", (environment,))

    def get(self, kind: str, entry_key: str) -> bytes | None:
        """The entry of this kind kept under this key, or None."""
        entry = (kind, entry_key)
        with self._lock:
            value = self._pending.get(entry)
            if value is None and entry in self._held:
                row = self._db.execute("SELECT value FROM entries WHERE kind = ? AND key = ?", entry).fetchone()
                value = _decompressed(row[0]) if row is not None else None
            if value is None:
                return None
            self._used.add(entry)
            self.reused[kind] += 1
        return value

    def put(self, kind: str, entry_key: str, value: bytes) -> None:
        """Keep ``value`` under this key (written with the next batch)."""
        entry = (kind, entry_key)
        with self._lock:
            self._pending[entry] = value
            self._pending_bytes += len(value)
            self._held.add(entry)
            self._used.add(entry)
            self.made[kind] += 1
            if self._pending_bytes > BATCH_BYTES or len(self._pending) >= BATCH_ENTRIES:
                self._write()

    def flush(self) -> None:
        """Write every entry put."""
        with self._lock:
            self._write()

    def _write(self) -> None:
        """The pending entries written, compressed, in one transaction (under the lock)."""
        rows = [(kind, entry_key, zlib.compress(value, 1)) for (kind, entry_key), value in self._pending.items()]
        self._pending.clear()
        self._pending_bytes = 0
        try:
            with _transaction(self._db):
                self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
        except sqlite3.OperationalError:
            pass  # another build holds the file for longer than BUSY_TIMEOUT: made again next time

    def get_data(self, kind: str, entry_key: str) -> Any:
        """An entry kept with :meth:`put_data`, or None."""
        value = self.get(kind, entry_key)
        try:
            return json.loads(value) if value is not None else None
        except ValueError:
            return None  # damaged: made again

    def put_data(self, kind: str, entry_key: str, value: object) -> None:
        """Keep ``value``, made of JSON's types."""
        self.put(kind, entry_key, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))

    def get_model(self, kind: str, entry_key: str) -> Any:
        """An entry kept with :meth:`put_model`, or None."""
        value = self.get(kind, entry_key)
        try:
            return _ModelUnpickler(io.BytesIO(value)).load() if value is not None else None
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
            return None  # damaged, or naming what is not the model: made again

    def put_model(self, kind: str, entry_key: str, value: object) -> None:
        """Keep ``value``, made of the book's model (skillbook.model, skillbook.problems)
        and Python's built-in types."""
        self.put(kind, entry_key, pickle.dumps(value, protocol=5))

    def drop_unused(self, kinds: Iterable[str] | None = None) -> None:
        """Drop the entries this run did not use, of these kinds (by default all):
        at the end of a whole build, so that the file holds the book as it is,
        not every version saved before."""
        with self._lock:
            self._write()
        with self._lock, _transaction(self._db):
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (kind TEXT, key TEXT, PRIMARY KEY (kind, key))")
            self._db.execute("DELETE FROM used")
            self._db.executemany("INSERT INTO used VALUES (?, ?)", self._used)
            dropped = "DELETE FROM entries WHERE (kind, key) NOT IN (SELECT kind, key FROM used)"
            if kinds is None:
                self._db.execute(dropped)
            else:
                self._db.executemany(dropped + " AND kind = ?", ((kind,) for kind in kinds))

    def close(self) -> None:
        """Write what was put, and close the file."""
        with self._lock:
            self._write()
            self._db.close()

    def summary(self) -> str:
        """What this run took from the cache, and what it made, by kind."""
        kinds = sorted(self.reused.keys() | self.made.keys())
        return ", ".join(f"{kind}: {self.reused[kind]} reused, {self.made[kind]} made" for kind in kinds) or "nothing"


def _decompressed(value: bytes) -> bytes | None:
    try:
        return zlib.decompress(value)
    except zlib.error:
        return None  # damaged: made again


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class _ModelUnpickler(pickle.Unpickler):
    """Reads back the book's model and nothing else: an entry naming any other
    class or function (a damaged or planted file) is refused, never called."""

    MODULES = frozenset({"skillbook.model", "skillbook.problems"})

    def find_class(self, module: str, name: str) -> Any:
        found = super().find_class(module, name) if module in self.MODULES else None
        if not isinstance(found, type):
            raise pickle.UnpicklingError(f"{module}.{name} is not part of the book's model")
        return found


def _open(path: Path) -> sqlite3.Connection:
    # Each entry is written as it is made (no transaction left open), so that a
    # build and a server sharing the file wait for each other briefly at most.
    db = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT, isolation_level=None)
    with contextlib.suppress(sqlite3.DatabaseError):  # a damaged file is found by the first statement
        db.execute("PRAGMA journal_mode = WAL")  # a build and a server may share the file
        db.execute("PRAGMA synchronous = NORMAL")  # a cache: a crash may lose the last entries, never damage them
    return db
