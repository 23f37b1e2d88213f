"""A failed `mkdocs build` never leaves a half-written site.

MkDocs empties the site folder and then writes page after page, and a strict
build fails only after every page is written. This hook makes `mkdocs build`
write into a staging folder beside the site folder, which replaces the site
folder only when the build succeeds; otherwise the previous site stays as it
was. `mkdocs serve` builds into a temporary folder of its own and is left alone.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.atomic_site")

_building = False
_site_dir: Path | None = None  # the real site folder while a build writes to staging
_warnings: _WarningCounter | None = None


class _WarningCounter(logging.Handler):
    """Counts warnings as MkDocs does for --strict, so that a strict build about
    to fail is never moved into place."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def on_startup(command: str, dirty: bool) -> None:
    global _building
    _building = command == "build"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site_dir, _warnings
    if not _building:
        return config
    _site_dir = Path(config.site_dir).resolve()
    _site_dir.parent.mkdir(parents=True, exist_ok=True)
    config.site_dir = tempfile.mkdtemp(prefix=f".{_site_dir.name}-building-", dir=_site_dir.parent)
    # mkdtemp makes a folder only its owner can read; a site is for everyone.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(config.site_dir, 0o777 & ~umask)
    _warnings = _WarningCounter()
    logging.getLogger("mkdocs").addHandler(_warnings)
    return config


@event_priority(-100)  # last: the site is finished
def on_post_build(config: MkDocsConfig) -> None:
    if _site_dir is None or (config.strict and _warnings.count):
        return  # a strict build with warnings fails next, and on_build_error discards the staging folder
    staging = Path(config.site_dir)
    if _site_dir.exists():
        # Hidden entries (a gh-pages worktree's .git, .nojekyll) survive MkDocs' own
        # cleaning; they survive this swap too.
        for entry in _site_dir.iterdir():
            if entry.name.startswith(".") and not (staging / entry.name).exists():
                entry.rename(staging / entry.name)
        previous = _site_dir.with_name(staging.name.replace("-building-", "-previous-"))
        try:
            _site_dir.rename(previous)
        except OSError:  # the site folder is a mount point: replace what it holds instead
            _replace_contents(_site_dir, staging)
        else:
            staging.rename(_site_dir)
            shutil.rmtree(previous, ignore_errors=True)
    else:
        staging.rename(_site_dir)
    config.site_dir = str(_site_dir)
    log.info(f"Site written to {_site_dir}")


def _replace_contents(folder: Path, source: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in source.iterdir():
        shutil.move(entry, folder / entry.name)
    source.rmdir()


def on_build_error(error: Exception) -> None:
    if _site_dir is not None:
        for leftover in _site_dir.parent.glob(f".{_site_dir.name}-building-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def on_shutdown() -> None:
    if _warnings is not None:
        logging.getLogger("mkdocs").removeHandler(_warnings)
