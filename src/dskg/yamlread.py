"""The one YAML reader: a file's text -> its data, plus a locator of the line of every key.

The data is plain Python from the fast reader (fast/yaml.py: yaml-rs, for the texts it reads
as ruamel would) or ruamel's round-trip tree, whose mappings and sequences are dicts and lists
too, so readers of records treat both alike. Lines come from ruamel's tree: for a text the fast
reader read, that tree is made only when a line is asked for (a problem to report, a record in
a message). `exact=True` keeps the round-trip tree itself (comments, key order), e.g. to copy it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from .errors import Problem
from .fast import yaml as fast_yaml
from .records import Origin

UNPARSED = object()
"""`read`'s `plain` when the fast reader has not seen the text yet."""
NOT_FAST = object()
"""`read`'s `plain` when the fast reader saw the text and left it to ruamel."""


class BadSyntax(Exception):
    """The text is not YAML; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def round_trip(text: str, file: str) -> Any:
    """ruamel's round-trip tree of `text` (None for an empty document). Raises BadSyntax."""
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = Problem(
            file, mark.line + 1 if mark else 0, "", "", f"YAML syntax error: {exc.problem or exc}", "correct the YAML syntax at that line"
        )
        raise BadSyntax(problem) from None


def fast_parse(text: str) -> tuple[bool, Any]:
    """(True, data) from the fast reader, or (False, None) for a text only ruamel reads as it should."""
    try:
        return True, fast_yaml.load(text)
    except fast_yaml.NotFast:
        return False, None


def _line_at(node: Any, keys: tuple[Any, ...]) -> int:
    """1-based line of the deepest node of `keys` that exists in the tree."""
    line = getattr(getattr(node, "lc", None), "line", 0) + 1
    for key in keys:
        try:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line = node.lc.item(key)[0] + 1
            else:
                break
            node = node[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def _lines(tree: Any, keys: tuple[Any, ...]) -> tuple[int, dict[str, int]] | None:
    """The line of the mapping at `keys`, of each of its keys, and of each item of its lists (`key[i]`)."""
    node = tree
    try:
        for key in keys:
            node = node[key]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(node, CommentedMap):
        return None
    fields: dict[str, int] = {}
    for key, value in node.items():
        fields[key] = node.lc.key(key)[0] + 1
        if isinstance(value, CommentedSeq):
            for index in range(len(value)):
                fields[f"{key}[{index}]"] = value.lc.item(index)[0] + 1
    return node.lc.line + 1, fields


@dataclass(frozen=True)
class TreeLines:
    """Lines from a round-trip tree in hand: records read from it get theirs at once."""

    tree: Any

    def line_at(self, keys: tuple[Any, ...]) -> int:
        return _line_at(self.tree, keys)

    def origin(self, file: str, keys: tuple[Any, ...]) -> Origin:
        found = _lines(self.tree, keys)
        return Origin(file, *found) if found else Origin(file)


@functools.lru_cache(maxsize=8)
def _file_tree(path: Path, mtime_ns: int, size: int) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class FileLines:
    """Lines of a file read by the fast reader, from ruamel's tree of the file when first asked
    for (the file is read again then: records keep no text, a big build holds 60 MB of it)."""

    path: Path

    def lines(self, keys: tuple[Any, ...]) -> tuple[int, dict[str, int]] | None:
        try:
            stat = self.path.stat()
            tree = _file_tree(self.path, stat.st_mtime_ns, stat.st_size)
        except (OSError, UnicodeDecodeError, MarkedYAMLError):
            return None
        return _lines(tree, keys)


class TextLines:
    """Lines of a text the fast reader read: its tree is made for the first problem to place; the
    records read from it find theirs later, from the file (FileLines)."""

    def __init__(self, text: str, file: str, path: Path) -> None:
        self.text, self.file, self.later = text, file, FileLines(path)
        self._tree: Any = None

    def line_at(self, keys: tuple[Any, ...]) -> int:
        if self._tree is None:
            try:
                self._tree = round_trip(self.text, self.file)
            except BadSyntax:  # not for a text the fast reader read (its screen sees to that): no line rather than a crash
                return 0
        return _line_at(self._tree, keys)

    def origin(self, file: str, keys: tuple[Any, ...]) -> Origin:
        return Origin.later(file, self.later, keys)


@dataclass(frozen=True)
class Document:
    """A YAML file's data (None when empty) and the lines of its keys."""

    data: Any
    locator: TreeLines | TextLines


def read(text: str, file: str, path: Path, *, exact: bool = False, plain: Any = UNPARSED) -> Document:
    """Read a YAML text (`file`: its name in messages; `path`: where it is, for lines asked later).

    `plain`: the fast reader's data of `text` when it was parsed already (fileread.read_one), or
    NOT_FAST. `exact`: the round-trip tree, always. Raises BadSyntax."""
    if not exact and plain is not NOT_FAST:
        parsed, data = (True, plain) if plain is not UNPARSED else fast_parse(text)
        if parsed:
            return Document(data, TextLines(text, file, path))
    return Document((tree := round_trip(text, file)), TreeLines(tree))
