"""A failed `mkdocs build` never leaves a half-written site.

MkDocs empties the site folder and then writes page after page, and a strict
build fails only after every page is written. ``AtomicSite`` makes `mkdocs
build` write into a staging folder beside the site folder, which replaces the
site folder only when the build succeeds; otherwise the previous site stays as
it was. `mkdocs serve` builds into a temporary folder of its own and is left
alone. The Skillbook plugin calls it from its events.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.plugins.skillbook")


class _WarningCounter(logging.Handler):
    """Counts warnings as MkDocs does for --strict, so that a strict build about
    to fail is never moved into place."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class AtomicSite:
    """The site folder of one `mkdocs build`, replaced only when the build succeeds."""

    def __init__(self) -> None:
        self._building = False
        self._site_dir: Path | None = None  # the real site folder while a build writes to staging
        self._warnings: _WarningCounter | None = None

    def startup(self, command: str) -> None:
        self._building = command == "build"

    def stage(self, config: MkDocsConfig) -> None:
        """Point the build at a staging folder beside the site folder."""
        if not self._building:
            return
        self._site_dir = Path(config.site_dir).resolve()
        self._site_dir.parent.mkdir(parents=True, exist_ok=True)
        config.site_dir = tempfile.mkdtemp(prefix=f".{self._site_dir.name}-building-", dir=self._site_dir.parent)
        # mkdtemp makes a folder only its owner can read; a site is for everyone.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(config.site_dir, 0o777 & ~umask)
        self._warnings = _WarningCounter()
        logging.getLogger("mkdocs").addHandler(self._warnings)

    def publish(self, config: MkDocsConfig) -> None:
        """The finished staging folder takes the site folder's place."""
        site_dir = self._site_dir
        if site_dir is None or (config.strict and self._warnings is not None and self._warnings.count):
            return  # a strict build with warnings fails next, and discard() removes the staging folder
        staging = Path(config.site_dir)
        if site_dir.exists():
            # Hidden entries (a gh-pages worktree's .git, .nojekyll) survive MkDocs' own
            # cleaning; they survive this swap too.
            for entry in site_dir.iterdir():
                if entry.name.startswith(".") and not (staging / entry.name).exists():
                    entry.rename(staging / entry.name)
            previous = site_dir.with_name(staging.name.replace("-building-", "-previous-"))
            try:
                site_dir.rename(previous)
            except OSError:  # the site folder is a mount point: replace what it holds instead
                _replace_contents(site_dir, staging)
            else:
                staging.rename(site_dir)
                shutil.rmtree(previous, ignore_errors=True)
        else:
            staging.rename(site_dir)
        config.site_dir = str(site_dir)
        log.info(f"Site written to {site_dir}")

    def discard(self) -> None:
        """A failed build's staging folder goes; the site folder stays as it was."""
        if self._site_dir is not None:
            for leftover in self._site_dir.parent.glob(f".{self._site_dir.name}-building-*"):
                shutil.rmtree(leftover, ignore_errors=True)

    def shutdown(self) -> None:
        if self._warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self._warnings)


def _replace_contents(folder: Path, source: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in source.iterdir():
        shutil.move(entry, folder / entry.name)
    source.rmdir()
