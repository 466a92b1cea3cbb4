"""House rules as configuration: ruff's rules in pyproject.toml hold for the whole code base.

The rules (pyflakes, bugbear, pyupgrade, import order, line length 140, McCabe complexity 15 as
ruff counts it) live in pyproject.toml;
this test runs them in CI, so a change that breaks one does not land.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing_in_src_tests_and_benchmarks():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "src", "tests", "benchmarks"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"ruff check found problems (fix them, or `ruff check --fix`):\n{proc.stdout}{proc.stderr}"
