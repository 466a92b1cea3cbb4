"""The text of a source work, normalised so quotes can be checked verbatim against it.

Two kinds of text ship. The paper's (`text_file:` of a curated work) is a PDF extraction: running
headers interrupt sentences and line breaks fall anywhere, so its header lines are dropped. A later
work's text (`<data folder>/sources/<work id>.txt`, shipped with an entry that gives its licence)
is taken as it is. Either way a quote counts as verbatim when, with all whitespace removed, it is
a substring of the text with all whitespace removed.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from .errors import UnreadableInputError

RUNNING_HEADER = re.compile(r"^\s*(王锦泽|Open Access|https?://\S+|DOI: 10\.12677/ssem\.2025\.143042 \d+ 服务科学和管理)\s*$")
"""Lines of the paper's extraction that are page furniture, not the paper's sentences."""

SHIPPED = "sources"
"""The folder of a data folder that holds later works' texts, one `<work id>.txt` each."""

MAX_BYTES = 20_000_000
"""Texts larger than this are refused: a work's text is some hundred kilobytes; more means a wrong file."""


def squeeze(text: str) -> str:
    """Remove every whitespace character."""
    return "".join(text.split())


def shipped_name(work_id: str) -> str:
    """Where a later work's text ships, relative to the data folder (what dskg:textFile says)."""
    return f"{SHIPPED}/{work_id}.txt"


class ShippedTexts:
    """Later works' texts in the `sources/` of data folders (the user's first), each listed once."""

    def __init__(self, *folders: Path | None) -> None:
        self.folders = [folder for folder in folders if folder is not None]
        self.listings: dict[Path, set[str]] = {}

    def path(self, work_id: str) -> Path | None:
        """The text of work `work_id`, or None when none ships."""
        for folder in self.folders:
            if folder not in self.listings:
                shipped = folder / SHIPPED
                self.listings[folder] = set(os.listdir(shipped)) if shipped.is_dir() else set()
            if f"{work_id}.txt" in self.listings[folder]:
                return folder / shipped_name(work_id)
        return None


def _version(path: Path) -> tuple[int, int]:
    """What tells one state of a text from another (a library caller may edit it between builds)."""
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, -1)  # _read says why
    return (stat.st_mtime_ns, stat.st_size)


def _read(path: Path) -> str:
    """The text of `path`. Raises UnreadableInputError for a file too large or not UTF-8."""
    return _read_version(path, _version(path))


@lru_cache(maxsize=256)  # each text is read once per state: the loader's checks and SHACL's share it
def _read_version(path: Path, version: tuple[int, int]) -> str:
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise UnreadableInputError(
                f"{path}: {size / 1e6:.1f} MB is too large for a work's text (limit {MAX_BYTES / 1e6:.0f} MB). "
                "Fix: ship the work's plain text only."
            )
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableInputError(f"{path}: not UTF-8 text (byte {exc.start}). Fix: save the text as UTF-8.") from None
    except OSError as exc:
        raise UnreadableInputError(f"{path}: cannot read the work's text ({exc.strerror}). Fix: check the file.") from None
    return text


def normalised_text(path: Path) -> str:
    """The text of `path` without whitespace (and, for the paper's, without running headers)."""
    return _normalised(path, _version(path))


@lru_cache(maxsize=256)
def _normalised(path: Path, version: tuple[int, int]) -> str:
    lines = _read_version(path, version).splitlines()
    if path.parent.name == SHIPPED:  # a later work's text: no page furniture known to drop
        return "".join(squeeze(line) for line in lines)
    return "".join(squeeze(line) for line in lines if not RUNNING_HEADER.match(line))


def whole_text(path: Path) -> str:
    """The text of `path` without whitespace, running headers kept: a paper's DOI, journal and licence are in them."""
    return _whole(path, _version(path))


@lru_cache(maxsize=256)
def _whole(path: Path, version: tuple[int, int]) -> str:
    return squeeze(_read_version(path, version))


def contains(path: Path, quote: str) -> bool:
    """True when `quote` occurs verbatim in the text (whitespace, and the paper's headers, ignored)."""
    needle = squeeze(quote)
    return bool(needle) and needle in normalised_text(path)
