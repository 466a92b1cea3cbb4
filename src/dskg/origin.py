"""Where a record was written: the file as messages name it, and the lines of the record and its fields.

An `Origin` may find its lines only when first asked for (`Lines`): most records never appear in
a message, and finding lines costs a second parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Lines(Protocol):
    """Finds the lines of a record from the keys that lead to it in its document."""

    def lines(self, keys: tuple[Any, ...]) -> tuple[int, dict[str, int]] | None:
        """(line of the record, {field or `field[i]`: line}), or None when the document no longer holds it."""


class Origin:
    """Where a record was written: the file as messages name it, the line of the record and of
    each field (1-based; 0 when unknown). The lines may come from `Lines` only when first asked
    for: most records never appear in a message, and finding lines costs a second parse."""

    __slots__ = ("file", "_found", "_pending")

    def __init__(self, file: str = "", line: int = 0, field_lines: Mapping[str, int] | None = None) -> None:
        self.file = file
        self._found: tuple[int, Mapping[str, int]] | None = (line, field_lines or {})
        self._pending: tuple[Lines, tuple[Any, ...]] | None = None

    @classmethod
    def later(cls, file: str, lines: Lines, keys: tuple[Any, ...]) -> Origin:
        """An origin whose lines `lines` finds from `keys` when they are first asked for."""
        origin = cls.__new__(cls)  # not __init__: one per record of a big build
        origin.file, origin._found, origin._pending = file, None, (lines, keys)
        return origin

    @property
    def line(self) -> int:
        return self._lines()[0]

    def line_of(self, name: str) -> int:
        """Line of a field's key (`name`, or `name[i]` for an item of a list), or of the record when the field is absent."""
        line, fields = self._lines()
        return fields.get(name, line)

    def _lines(self) -> tuple[int, Mapping[str, int]]:
        if self._found is None:
            lines, keys = self._pending
            self._found, self._pending = lines.lines(keys) or (0, {}), None  # the file changed or went: no line rather than a wrong one
        return self._found

    def __eq__(self, other: object) -> bool:  # records compare their private attributes: the same place is the same origin
        if not isinstance(other, Origin):
            return NotImplemented
        return (self.file, self._found, self._pending) == (other.file, other._found, other._pending)

    def __hash__(self) -> int:
        return hash(self.file)

    def __repr__(self) -> str:  # not the lines themselves: finding them may read the file again
        return f"Origin({self.file!r}, {'lines pending' if self._found is None else f'line {self._found[0]}'})"


NOWHERE = Origin()
"""The origin of a record made in code rather than read from a file."""
