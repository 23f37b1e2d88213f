"""`mkdocs serve` (or `properdocs serve`, SKILLBOOK_MKDOCS) as an author runs it, on a free port, and polling for what it
rebuilds in the background."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import MKDOCS, mkdocs_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float = 30.0):
    """Poll until condition() returns a truthy value; mkdocs serve rebuilds in the background."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {condition.__doc__}")


@contextmanager
def serving(project: Path, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, int, Path]]:
    """`mkdocs serve` of a project on a free port, logging to serve.log; stopped on
    exit, with ``env`` added to its environment. The port is free when chosen but may be taken before serve binds it, so a
    serve that could not bind is started again on another."""
    log = project / "serve.log"
    for _ in range(5):
        port = free_port()
        with log.open("w") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
                cwd=project, stdout=out, stderr=subprocess.STDOUT, env={**mkdocs_env(), **(env or {})},
            )
        if wait_for(lambda: server.poll() is not None or "Serving on" in log.read_text(), timeout=60) is True \
                and server.poll() is None:
            break
        server.wait(timeout=10)
        assert "Address already in use" in log.read_text(), log.read_text()[-3000:]
    try:
        yield server, port, log
    finally:
        server.terminate()
        server.wait(timeout=10)
