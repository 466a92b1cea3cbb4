"""A path as messages show it, relative to a folder, by text.

pathlib's relative_to costs microseconds a call, which shows once per entry over thousands of
entries (benchmarks/README.md); a path under the folder starts with the folder's text, so the
prefix is cut off instead. Forms the text test misses (e.g. '.' as the folder) go to pathlib.

Reference path (DSKG_REFERENCE_PATH=1): pathlib's is_relative_to and relative_to.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import enabled


def shown(path: Path, root: Path | None) -> str:
    """`path` relative to `root` when inside it, else as it is."""
    if root is None:
        return str(path)
    if enabled():
        text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
        if text.startswith(prefix):
            return text[len(prefix) :]
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
