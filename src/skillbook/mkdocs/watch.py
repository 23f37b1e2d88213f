"""How `mkdocs serve` sees a save: from the system's file events where it has
them (inotify on Linux), so that a save is seen at once, or by looking at the
files every so often where it has not.

MkDocs' server looks at every watched file every half second. The system's
events arrive as the editor writes; they are asked for saves only (a file
written, created, moved or deleted), since the build's own reads of the book
would otherwise count as changes and start it again. A watched file rather than
a folder (mkdocs.yml) is watched through its folder, because an editor that
saves by writing a new file and renaming it over the old one leaves a watch on
the file itself behind. Set ``SKILLBOOK_WATCH=poll`` to look at the files
instead (folders mounted from another machine send no events)."""

from __future__ import annotations

import logging
import os

from watchdog.events import (
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent, EventsLostEvent, FileClosedEvent, FileCreatedEvent,
    FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileSystemEvent, FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("mkdocs.plugins.skillbook")

# What an editor's save, a new file, a rename or a deletion gives; not the opening
# or closing of a file read. A lost queue of events is a change of anything.
SAVES: list[type[FileSystemEvent]] = [
    FileModifiedEvent, FileClosedEvent, FileCreatedEvent, FileMovedEvent, FileDeletedEvent,
    DirCreatedEvent, DirMovedEvent, DirDeletedEvent, EventsLostEvent,
]
# Where the system tells when a file written is closed (inotify), a save is that
# event, once, rather than each of the writes before it: the server rebuilds as
# soon as it sees one (live.SETTLE), with the file whole.
CLOSED_ON_SAVE = getattr(Observer, "__name__", "") == "InotifyObserver"  # named: the others do not import everywhere
SAVES_SEEN = [event for event in SAVES if not (CLOSED_ON_SAVE and event is FileModifiedEvent)]
FORCE_POLLING = "SKILLBOOK_WATCH"


class _OneFile(FileSystemEventHandler):
    """Hands on the events of one file of a watched folder."""

    def __init__(self, handler: FileSystemEventHandler, path: str) -> None:
        self._handler, self._path = handler, path

    def dispatch(self, event: FileSystemEvent) -> None:
        if isinstance(event, EventsLostEvent) or self._path in (os.fsdecode(event.src_path), os.fsdecode(event.dest_path)):
            self._handler.dispatch(event)


class SaveObserver(Observer):  # type: ignore[misc, valid-type]  # the platform's observer
    """The system's file events, saves only; a file is watched through its folder."""

    def schedule(
        self, event_handler: FileSystemEventHandler, path: str | os.PathLike[str], *, recursive: bool = False,
        event_filter: list[type[FileSystemEvent]] | None = None, follow_symlink: bool = False,
    ) -> ObservedWatch:
        path = os.fspath(path)
        if os.path.isfile(path):
            event_handler, path, recursive = _OneFile(event_handler, path), os.path.dirname(path), False
        watch: ObservedWatch = super().schedule(
            event_handler, path, recursive=recursive, event_filter=event_filter or SAVES_SEEN, follow_symlink=follow_symlink)
        return watch


def save_observer(paths: list[str], poll_interval: float) -> BaseObserver:
    """An observer of ``paths`` for the server: the system's events when they can
    be had for every path, else a look at the files every ``poll_interval`` seconds."""
    reason = "SKILLBOOK_WATCH=poll" if os.environ.get(FORCE_POLLING, "").lower() == "poll" else _events_refused(paths)
    if reason is None:
        return SaveObserver()
    log.info(f"Saves are looked for every {poll_interval} s ({reason})")
    return PollingObserver(timeout=poll_interval)


def _events_refused(paths: list[str]) -> str | None:
    """Why the system gives no file events for ``paths`` (such as its limit on
    watches reached), or None when it does."""
    probe = SaveObserver()
    try:
        for path in paths:
            probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except OSError as error:
        return f"no file events here: {error}"
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    return None
