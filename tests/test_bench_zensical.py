"""`bench/zensical.py` runs at a tiny scale and prints every measure, with no
timing asserted. Zensical is installed by the bench itself from PyPI into
`.cache/bench/zensical/`, which CI does not do: the test skips without it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, mkdocs_env

INSTALLED = ROOT / ".cache" / "bench" / "zensical" / "installed"


def test_zensical_benchmark_runs_at_a_tiny_scale():
    if not INSTALLED.is_file():
        pytest.skip(f"Zensical is not installed in {INSTALLED.parent} "
                    "(`python bench/zensical.py` installs it from PyPI)")
    result = subprocess.run(
        [sys.executable, "bench/zensical.py", "--chapters", "3", "--repeat", "1", "--rounds", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=mkdocs_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    markdown = re.match(r"^zensical \d+\.\d+\.\d+; (\d+) Markdown pages in ", lines[0])
    assert markdown, result.stdout
    # Every Markdown page of the plain book is a page of Zensical's site.
    assert f"zensical's site: {markdown.group(1)} pages" in lines, result.stdout
    for name in ("mkdocs build (Material, for reference)", "zensical build, cold (no cache)",
                 "zensical build, warm (its cache)", "zensical serve ready (its cache)",
                 "save: chapter prose", "save: prompt page", "save: every save"):
        row = rf"^{re.escape(name)} +\d+\.\d\ds +\d+\.\d\ds  \d+\.\d\d"
        assert any(re.match(row, line) for line in lines), result.stdout
