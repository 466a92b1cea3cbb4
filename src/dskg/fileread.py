"""An entry file as read from disk: its text (size-limited, UTF-8) and, for YAML, the fast
reader's data, or why it cannot be read.

Only the standard library and the fast YAML reader are imported: the worker process that reads
files on a second core (fast/prefetch.py) runs this, and must start in milliseconds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .fast import yaml as fast_yaml

MAX_BYTES = 2_000_000
"""Entry files larger than this are refused: an entry is a few kilobytes; megabytes mean a wrong file."""

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FileRead:
    """One file as read: its text and, if `parsed`, the fast reader's plain data (a YAML file the
    fast reader reads, when parsing was asked for); its bytes when asked for (`raw`, to copy the
    file as it is); or, for a file that cannot be read, why."""

    text: str | None = None
    parsed: bool = False
    plain: Any = None
    error: tuple[str, Any] | None = None
    """('too-large', size) | ('not-utf8', byte offset) | ('os', strerror)"""
    raw: bytes | None = None

    def fields(self) -> tuple:
        """The fields as a plain tuple (`FileRead(*fields)` makes it again): what a worker sends."""
        return (self.text, self.parsed, self.plain, self.error, self.raw)


def read_one(path: str, parse: bool, raw: bool = False) -> FileRead:
    """Read one file. `parse`: a YAML file through the fast reader too; `raw`: keep its bytes."""
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            return FileRead(error=("too-large", size))
        with open(path, "rb") as fh:
            data = fh.read()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return FileRead(error=("not-utf8", exc.start))
    except OSError as exc:
        return FileRead(error=("os", exc.strerror))
    if "\r" in text:  # line ends as text mode reads them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = data if raw else None
    if parse and path.lower().endswith(YAML_SUFFIXES):
        try:
            return FileRead(text, True, fast_yaml.load(text), raw=kept)
        except fast_yaml.NotFast:
            pass
    return FileRead(text=text, raw=kept)
