"""The one YAML reader: a file's text -> its data, plus a locator of the line of every key.

The data is plain Python from the fast reader (fast/yaml.py: yaml-rs, for the texts it reads
as ruamel would) or ruamel's round-trip tree, whose mappings and sequences are dicts and lists
too, so readers of records treat both alike. Lines of a round-trip tree are its own; for a text
the fast reader read, they are found only when asked for (a problem to report, a record in a
message), from the nodes libyaml composes (PyYAML's C composer: each node knows its line, as
ruamel's do, and a whole-graph validation places thousands of findings in thousands of files,
which ruamel, pure Python, reads some hundred times slower), or from ruamel's tree of a text
libyaml refuses. `exact=True` keeps the round-trip tree itself (comments, key order), e.g. to copy it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from .errors import Problem
from .fast import yaml as fast_yaml
from .fast.yaml import MAX_DEPTH, MAX_NODES
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


class OutOfBounds(Exception):
    """A document nests deeper or holds more than a reader should build (`line`: 1-based)."""

    def __init__(self, line: int, message: str, fix: str) -> None:
        super().__init__(message)
        self.line, self.message, self.fix = line, message, fix


class BoundedComposer(Composer):
    """ruamel's composer, refusing a document nested deeper than MAX_DEPTH (its recursion would
    overflow the stack a few hundred levels down) or holding more than MAX_NODES values, each
    alias counted as the values it repeats (nine aliases of nine aliases ... are a billion values
    once a reader walks them), before anything is built from it."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.expanded: dict[int, tuple[int, int]] = {}
        """id of each node composed -> (values it stands for, its nesting depth)"""
        self.nesting = self.total = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        alias = isinstance(event, AliasEvent)
        if not alias and self.nesting >= MAX_DEPTH:
            raise _too_deep(event)
        step = 0 if alias else 1  # an alias adds no level here: what it repeats is measured below
        self.nesting += step
        try:
            node = super().compose_node(parent, index)
        finally:
            self.nesting -= step
        size, height = self.expanded.get(id(node), (0, 0)) if alias else self._measure(node)
        if alias and not size:
            raise OutOfBounds(
                event.start_mark.line + 1,
                f"the alias *{event.anchor} repeats the value it is part of, without end",
                "write the value out instead of the alias",
            )
        if alias and self.nesting + height > MAX_DEPTH:
            raise _too_deep(event)
        self.total += size if alias else 1
        if self.total > MAX_NODES:
            raise OutOfBounds(
                event.start_mark.line + 1,
                f"the YAML holds more than {MAX_NODES:,} values by here (an alias counts as the values it repeats)",
                "split the file (one work per entry file), and write values out instead of aliases (*name) that repeat large ones",
            )
        return node

    def _measure(self, node: Any) -> tuple[int, int]:
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [item for pair in node.value for item in pair]
        else:
            children = []
        measures = [self.expanded[id(child)] for child in children]
        self.expanded[id(node)] = found = (1 + sum(m[0] for m in measures), 1 + max((m[1] for m in measures), default=0))
        return found


def _too_deep(event: Any) -> OutOfBounds:
    return OutOfBounds(
        event.start_mark.line + 1,
        f"the YAML nests mappings and lists more than {MAX_DEPTH} deep here (an alias counts as the value it repeats)",
        "write each record as a mapping of its fields, as in the README's example: no field needs more than a few levels",
    )


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Composer = BoundedComposer
    return yaml


def _syntax_problem(exc: Exception, text: str, file: str) -> Problem:
    """A ruamel error (or a bound) as a Problem: where it is and the fix."""
    if isinstance(exc, OutOfBounds):
        return Problem(file, exc.line, "", "", exc.message, exc.fix)
    if isinstance(exc, ReaderError) and isinstance(exc.character, int) and 0 <= exc.position <= len(text):
        line = text.count("\n", 0, exc.position) + 1
        column, code = exc.position - text.rfind("\n", 0, exc.position), exc.character
        message = f"column {column} holds the control character U+{code:04X}, which is not text"
        return Problem(file, line, "", "", message, f"remove the control character U+{code:04X} at line {line}, column {column}")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return Problem(
        file,
        mark.line + 1 if mark else 0,
        "",
        "",
        f"YAML syntax error: {getattr(exc, 'problem', None) or exc}",
        "correct the YAML syntax at that line",
    )


def round_trip(text: str, file: str) -> Any:
    """ruamel's round-trip tree of `text` (None for an empty document). Raises BadSyntax."""
    try:
        return _yaml().load(text)
    except (YAMLError, OutOfBounds) as exc:
        raise BadSyntax(_syntax_problem(exc, text, file)) from None


def fast_parse(text: str) -> tuple[bool, Any]:
    """(True, data) from the fast reader, or (False, None) for a text only ruamel reads as it should
    (or one beyond the bounds, which ruamel refuses with its line)."""
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


YAML11_BREAKS = ("\x85", "\u2028", "\u2029")
"""Line breaks to libyaml (YAML 1.1), text to ruamel (YAML 1.2): a text holding one has its lines from ruamel."""


def _composed(text: str) -> Any:
    """libyaml's node tree of `text` (None for an empty document), or ruamel's round-trip tree
    when libyaml would count lines otherwise (YAML11_BREAKS) or refuses the text (it nests past
    libyaml's bound, or is YAML 1.2 that YAML 1.1 reads otherwise). Raises what ruamel raises
    for a text neither reads."""
    if not any(brk in text for brk in YAML11_BREAKS):
        try:
            return pyyaml.compose(text, Loader=pyyaml.CBaseLoader)  # no tags resolved: only the lines are wanted
        except pyyaml.YAMLError:
            pass
    return _yaml().load(text)


def _child(node: pyyaml.Node, key: Any) -> tuple[int, pyyaml.Node] | None:
    """(0-based line, node) of `key` in a composed mapping (the key's line) or sequence (the item's)."""
    if isinstance(node, pyyaml.MappingNode) and isinstance(key, (str, int)) and not isinstance(key, bool):
        wanted = key if isinstance(key, str) else str(key)
        for key_node, value in node.value:  # a plain `2020:` is the int key ruamel makes of it; a str key matches any style
            if isinstance(key_node, pyyaml.ScalarNode) and key_node.value == wanted and (isinstance(key, str) or not key_node.style):
                return key_node.start_mark.line, value
    elif isinstance(node, pyyaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key].start_mark.line, node.value[key]
    return None


def _node_line_at(root: pyyaml.Node | None, keys: tuple[Any, ...]) -> int:
    """`_line_at` for a composed tree."""
    node, line = root, (root.start_mark.line + 1 if isinstance(root, pyyaml.CollectionNode) else 1)
    for key in keys:
        found = _child(node, key)
        if found is None:
            break
        line, node = found[0] + 1, found[1]
    return line


def _node_lines(root: pyyaml.Node | None, keys: tuple[Any, ...]) -> tuple[int, dict[str, int]] | None:
    """`_lines` for a composed tree."""
    node = root
    for key in keys:
        found = _child(node, key)
        if found is None:
            return None
        node = found[1]
    if not isinstance(node, pyyaml.MappingNode):
        return None
    fields: dict[str, int] = {}
    for key_node, value in node.value:
        key = str(key_node.value)
        fields[key] = key_node.start_mark.line + 1
        if isinstance(value, pyyaml.SequenceNode):
            for index, item in enumerate(value.value):
                fields[f"{key}[{index}]"] = item.start_mark.line + 1
    return node.start_mark.line + 1, fields


@functools.lru_cache(maxsize=8)
def _file_tree(path: Path, mtime_ns: int, size: int) -> Any:
    return _composed(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class FileLines:
    """Lines of a file read by the fast reader, from ruamel's tree of the file when first asked
    for (the file is read again then: records keep no text, a big build holds 60 MB of it)."""

    path: Path

    def lines(self, keys: tuple[Any, ...]) -> tuple[int, dict[str, int]] | None:
        try:
            stat = self.path.stat()
            tree = _file_tree(self.path, stat.st_mtime_ns, stat.st_size)
        except (OSError, UnicodeDecodeError, YAMLError, OutOfBounds):
            return None
        return _node_lines(tree, keys) if tree is None or isinstance(tree, pyyaml.Node) else _lines(tree, keys)


class TextLines:
    """Lines of a text the fast reader read: its tree is made for the first problem to place; the
    records read from it find theirs later, from the file (FileLines)."""

    def __init__(self, text: str, file: str, path: Path) -> None:
        self.text, self.file, self.later = text, file, FileLines(path)
        self._tree: Any = UNPARSED

    def line_at(self, keys: tuple[Any, ...]) -> int:
        if self._tree is UNPARSED:
            try:
                self._tree = _composed(self.text)
            except (YAMLError, OutOfBounds):  # not for a text the fast reader read (its screen sees to that): no line rather than a crash
                return 0
        return _node_line_at(self._tree, keys) if self._tree is None or isinstance(self._tree, pyyaml.Node) else _line_at(self._tree, keys)

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
