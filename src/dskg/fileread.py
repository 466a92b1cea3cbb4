"""An entry file as read from disk, within bounds: a regular file, its size, UTF-8 text without
control characters and, for YAML, the fast reader's data, or why it cannot be read; and how a
refusal is worded.

Only the standard library and the fast YAML reader are imported: the worker process that reads
files on a second core (fast/prefetch.py) runs this, and must start in milliseconds.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Any

from .fast import yaml as fast_yaml

MAX_BYTES = 2_000_000
"""Bibliographic exports (BibTeX, RIS, EndNote text, CSL-JSON) larger than this are refused (a few thousand works)."""
EXPORT_SUFFIXES = (".bib", ".ris", ".enw", ".json")
MAX_TEXT_BYTES = 500_000
"""YAML and Turtle entry files larger than this are refused: an entry is a few kilobytes, and
their readers (ruamel, rdflib) take about a second for half a megabyte, in a command that checks
every byte of a new entry's file (`dskg validate FILE`, `dskg add`)."""
YAML_SUFFIXES = (".yaml", ".yml")

_SPECIAL = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a named pipe", stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a device"}


@dataclass(frozen=True)
class FileRead:
    """One file as read: its text and, if `parsed`, the fast reader's plain data (a YAML file the
    fast reader reads, when parsing was asked for); its bytes when asked for (`raw`, to copy the
    file as it is); or, for a file that cannot be read, why."""

    text: str | None = None
    parsed: bool = False
    plain: Any = None
    error: tuple[str, Any] | None = None
    """('too-large', size) | ('not-utf8', byte offset) | ('os', strerror) | ('special', what it is)
    | ('control', (line, column, code point))"""
    raw: bytes | None = None

    def fields(self) -> tuple:
        """The fields as a plain tuple (`FileRead(*fields)` makes it again): what a worker sends."""
        return (self.text, self.parsed, self.plain, self.error, self.raw)


def _kind(mode: int) -> str:
    return next((name for test, name in _SPECIAL.items() if test(mode)), "not a regular file")


def limit(path: str) -> int:
    """The most bytes an entry file of this kind may hold."""
    return MAX_BYTES if path.lower().endswith(EXPORT_SUFFIXES) else MAX_TEXT_BYTES


def _read_bytes(path: str) -> bytes | tuple[str, Any]:
    """The file's bytes, or why not: only a regular file is opened (a named pipe or a device
    could block forever or never end), and no more than its limit + 1 bytes are read."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        return ("special", _kind(mode))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # should it have become a pipe since: no wait
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fh.fileno()).st_mode
        if not stat.S_ISREG(mode):
            return ("special", _kind(mode))
        data = fh.read(limit(path) + 1)
    return ("too-large", os.stat(path).st_size) if len(data) > limit(path) else data


def control_character(text: str) -> tuple[int, int, int] | None:
    """(line, column, code point) of the first character no entry may hold, or None."""
    # What YAML refuses is refused in every entry format alike: C0 and C1 controls but tab, line
    # feed, carriage return and next line; DEL; U+FFFE and U+FFFF.
    if fast_yaml.printable(text):
        return None
    found = fast_yaml.NOT_PRINTABLE.search(text)
    start = text.rfind("\n", 0, found.start()) + 1
    return text.count("\n", 0, found.start()) + 1, found.start() - start + 1, ord(found.group())


def read_one(path: str, parse: bool, raw: bool = False) -> FileRead:
    """Read one file. `parse`: a YAML file through the fast reader too; `raw`: keep its bytes."""
    try:
        data = _read_bytes(path)
        if isinstance(data, tuple):
            return FileRead(error=data)
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return FileRead(error=("not-utf8", exc.start))
    except OSError as exc:
        return FileRead(error=("os", exc.strerror))
    if "\r" in text:  # line ends as text mode reads them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = control_character(text)
    if control is not None:
        return FileRead(error=("control", control))
    kept = data if raw else None
    if parse and path.lower().endswith(YAML_SUFFIXES):
        try:
            return FileRead(text, True, fast_yaml.load(text), raw=kept)
        except fast_yaml.NotFast:
            pass
    return FileRead(text=text, raw=kept)


def refusal(display: str, error: tuple[str, Any]) -> str:
    """Why a file cannot be read (a FileRead's `error`), and the fix, in words."""
    kind, detail = error
    if kind == "too-large":
        most = limit(display)
        return (
            f"{display}: the file is too large: {detail:,} bytes, where an entry file holds at most {most:,} ({most / 1e6:g} MB). "
            "Fix: keep one work per entry file; a work's full text goes in sources/<work id>.txt of the data folder, not in its entry."
        )
    if kind == "not-utf8":
        return f"{display}: not UTF-8 text (byte {detail}). Fix: save the file as UTF-8."
    if kind == "special":
        kinds = ".yaml, .ttl, .bib, .ris, .enw or .json"
        return f"{display}: this is {detail}, not a regular file. Fix: give the path of an entry file ({kinds})."
    if kind == "control":
        line, column, code = detail
        return (
            f"{display}:{line}: column {column} holds the control character U+{code:04X}, which is not text. "
            f"Fix: remove the control character U+{code:04X} at line {line}, column {column}."
        )
    return f"{display}: cannot read the file ({detail}). Fix: check the path."
