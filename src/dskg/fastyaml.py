"""A fast YAML reader for the common case: libyaml through PyYAML, with YAML 1.2 scalars.

ruamel.yaml's round-trip reader keeps the line of every key, which error messages need, but it
is pure Python: at a million triples it spent 16 of the build's 26 s parsing entry files.
libyaml parses the same files ~14x faster. Two differences would change results and are
closed here: PyYAML resolves scalars by YAML 1.1 (`no` -> False, `010` -> 8, `1:20` -> 80), so
this loader resolves only YAML 1.2 core forms; and PyYAML keeps the last of duplicate keys,
which ruamel rejects. Anything unusual (duplicate or merge keys, 0x/0o/0b numbers, underscores
in numbers, a syntax error) raises `NotFast`, and the caller reads that file with ruamel, which
then reports any problem with its line. Lines of records read here are looked up lazily, from
the ruamel tree of the same file, only when a message needs them (see sources.Record.line).
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

try:  # libyaml's C parser; the pure-Python one gives the same results, only slower
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class NotFast(Exception):
    """The text needs the round-trip reader (ruamel) to be read exactly as before."""


_SLOW_TAG = "tag:dskg,2026:not-fast"


class _Loader(_BaseLoader):
    """YAML 1.2 core schema scalars; refuses what it would read differently from ruamel."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = []
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                raise NotFast("merge or complex key")
            keys.append(key_node.value)
        if len(keys) != len(set(keys)):
            raise NotFast("duplicate key")
        return super().construct_mapping(node, deep=deep)

    def construct_int12(self, node: yaml.ScalarNode) -> int:
        return int(node.value, 10)

    def construct_float12(self, node: yaml.ScalarNode) -> float:
        text = node.value.lower()
        if text.endswith(".inf"):
            return -math.inf if text.startswith("-") else math.inf
        if text.endswith(".nan"):
            return math.nan
        return float(text)

    def construct_not_fast(self, node: yaml.ScalarNode) -> Any:
        raise NotFast(f"scalar {node.value!r}")


_Loader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+|\.[0-9]+(?:[eE][-+]?[0-9]+)?)"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
    # numbers YAML 1.1 and 1.2 read differently, or ruamel keeps with their format: not on the fast path
    (_SLOW_TAG, r"^(?:[-+]?0[xob][0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?:_[0-9_]*|(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)|=|<<)$", list("-+0123456789=<")),
]
for _tag, _pattern, _first in _RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        re.X,
    ),
    list("0123456789"),
)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_int12)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_float12)
_Loader.add_constructor(_SLOW_TAG, _Loader.construct_not_fast)


def load(text: str | bytes) -> Any:
    """Plain Python data of one YAML document; NotFast when ruamel must read it instead."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise NotFast(str(exc)) from None
