"""The speed seam: every trick dskg plays for speed lives in this package, and nowhere else.

Each module here offers a fast path and the plain reference path it must equal (a test per
trick checks that they do). Setting the environment variable DSKG_REFERENCE_PATH=1 makes every
one of them take the reference path, so a doubt about a result can be settled by running the
same command without any trick; the test suite runs the paper's graph both ways.

This is also the only place that may use private names of third-party libraries
(tests/test_architecture.py checks); pyproject.toml pins the versions those names need.
"""

from __future__ import annotations

import os

SWITCH = "DSKG_REFERENCE_PATH"


def enabled() -> bool:
    """Whether the fast paths are on: unless DSKG_REFERENCE_PATH is set to anything but '' or '0'.

    Read on every call, so a test (or a long-lived process) can switch paths without a restart."""
    return os.environ.get(SWITCH, "").strip() in ("", "0")
