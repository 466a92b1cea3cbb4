"""The text of a source work, normalised so quotes can be checked verbatim against it.

The shipped text is a PDF extraction: running headers interrupt sentences and line breaks fall
anywhere. A quote counts as verbatim when, with all whitespace removed, it is a substring of the
text with its header lines dropped and all whitespace removed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

RUNNING_HEADER = re.compile(
    r"^\s*(王锦泽|Open Access|https?://\S+|DOI: 10\.12677/ssem\.2025\.143042 \d+ 服务科学和管理)\s*$"
)
"""Lines of the extraction that are page furniture, not the paper's sentences."""


def squeeze(text: str) -> str:
    """Remove every whitespace character."""
    return "".join(text.split())


@lru_cache(maxsize=16)
def normalised_text(path: Path) -> str:
    """The text of `path` without running headers and without whitespace."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "".join(squeeze(line) for line in lines if not RUNNING_HEADER.match(line))


def contains(path: Path, quote: str) -> bool:
    """True when `quote` occurs verbatim in the text (whitespace and headers ignored)."""
    needle = squeeze(quote)
    return bool(needle) and needle in normalised_text(path)
