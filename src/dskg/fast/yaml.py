"""A fast YAML reader for the common case: yaml-rs (Rust), which reads YAML 1.2 like ruamel.

Reference path (DSKG_REFERENCE_PATH=1): `load` sends every text to ruamel (NotFast).

ruamel.yaml's round-trip reader keeps the line of every key, which error messages need, but it
is pure Python, and at a million triples parsing entry files was most of a build
(benchmarks/README.md). yaml-rs resolves scalars by the YAML 1.2 core schema and rejects
duplicate keys, as ruamel does. What it reads differently from ruamel is sent to ruamel
(`NotFast`): tags (`!!binary`, `!foo`), merge keys `<<`, the value key `=`, unquoted dates and
times, some forms of numbers, several documents in one file, and any syntax error, which ruamel
then reports with its line. The text is screened for those forms before parsing; the screen may
send a file to ruamel needlessly, never the other way. Lines of records read here are looked up
lazily, from the ruamel tree of the same file, only when a message needs them (yamlread.py).
"""

from __future__ import annotations

import re
from typing import Any

import yaml_rs

from . import enabled

MAX_DEPTH = 50
"""Deepest nesting of mappings and lists a YAML file may hold (an entry needs 6), on both paths:
the fast one leaves a deeper text to ruamel, whose composer refuses it with its line (yamlread.py)
before recursing a few hundred levels down overflows the stack."""
MAX_NODES = 20_000
"""Most values a YAML file may hold, an alias counted as the values it repeats (an entry holds
about a hundred), on both paths as MAX_DEPTH: bounds the time and memory a file takes to read
(ruamel composes some 25,000 values a second), an alias bomb's included."""


class NotFast(Exception):
    """The text needs the round-trip reader (ruamel) to be read exactly as before."""


# What yaml-rs reads differently from ruamel, where a plain scalar starts (after a line break,
# `:`, `-`, `[`, `{` or `,`): a date or time (ruamel: a datetime; yaml-rs here: text), numbers with `_`, an upper-case
# 0X/0B/0O prefix or a leading `.` (ruamel: text in some forms), YAML 1.1's value key `=`.
# Block scalars with no content, or `|` `>` where no block scalar may start.
# And in flow collections, a `:` right after `[` `{` `,` or before `,` `]` `}`
# (yaml-rs: a mapping), `"key":value` (ruamel: an error), collections in flow collections or as keys.
# A number's run stops at `-`, itself a start (an exponent's sign): a run through `-` would be
# rescanned from each `-` of `-1-1-1...`, in time growing with the square of its length.
_SCALAR = re.compile(
    r"[\n:\[{,-][ \t]*(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t\r,\]}]|$)"
    r"|[-+]?(?:(?:[0-9.][0-9a-zA-Z.+]*)?_|0[XBO]|\.[0-9])|=[ \t\r]*(?:$|[,\]}#]))",
    re.MULTILINE,
)
_KEY_IN_FLOW = re.compile(r"[\[{,][ \t]*:")
_MAP_IN_FLOW = re.compile(r"[{,][ \t]*\{")
_COLLECTION_KEY = re.compile(r"[\]}][ \t]*:")
_QUOTED_KEY = re.compile(r"['\"]:[^ \t\r\n]")


def _flow_key(text: str) -> bool:
    """The flow-collection forms above; one simple pattern at a time (together they scan faster
    than one regex of alternatives starting with different characters)."""
    return bool(
        ":," in text
        or ":]" in text
        or ":}" in text
        or _KEY_IN_FLOW.search(text)
        or ("{" in text and _MAP_IN_FLOW.search(text))
        or (("]" in text or "}" in text) and _COLLECTION_KEY.search(text))
        or (('":' in text or "':" in text) and _QUOTED_KEY.search(text))
    )


# a block scalar header (`key: |`, `- >-`, `|` on its own line); `|` `>` in flow or not a header
_BLOCK = re.compile(r"(?:^|[:-][ \t])[ \t]*[|>]([-+0-9]*)[ \t]*(?:#[^\n]*)?(?:\n|$)", re.MULTILINE)
_NOT_BLOCK = re.compile(r"[\[{,][ \t]*[|>]|^[ \t]*[|>]|[:-][ \t]*[|>](?![-+]?[ \t]*(?:#|\r?\n|$))", re.MULTILINE)
# The last `[` or `{` of a line with no bracket after it (each opener scans only to the next
# bracket: linear, where "an opener with no closer after it" rescans the line from each opener)
_OPEN_FLOW = re.compile(r"[\[{][^\[\]{}\n]*$", re.MULTILINE)
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&\S")
_EXPLICIT_KEY = re.compile(r"(?:^|[\s\[{,])\?")
_TAG = re.compile(r"(?:^|[\s\[{,])!")
_SECOND_DOCUMENT = re.compile(r"\n(?:---|\.\.\.)(?:[ \t\r\n]|$)")


def _empty_block_scalar(text: str) -> bool:
    """A block scalar whose next non-blank line is not indented past its key: its content is
    empty (yaml-rs: "\\n", ruamel: ""). Conservative: the key's column stands for the parent's.
    Also one with an indentation indicator, or one that may be inside a flow collection."""
    for match in _BLOCK.finditer(text):
        if any(c.isdigit() for c in match.group(1)):
            return True  # an indentation indicator: let ruamel count
        start = text.rfind("\n", 0, match.start()) + 1
        head = text[start : match.start()]
        if "[" in head or "{" in head:
            return True  # maybe inside a flow collection, where no block scalar may start
        key_column = len(head) - len(head.lstrip(" -"))
        following = _next_content_line(text, match.end())
        if following is None or len(following) - len(following.lstrip(" ")) <= key_column:
            return True
    return False


def _next_content_line(text: str, start: int) -> str | None:
    """The first line from `start` that is not blank, within 64 lines (None past them); found
    without copying the rest of the text, which a text of many block scalars would do for each."""
    for _ in range(64):
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.strip():
            return line
        if end < 0:
            return ""
        start = end + 1
    return None


_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)
# Block nesting as deep as a line's indentation and indicators allow: yaml-rs builds it by native
# recursion, and some ten thousand levels (`- - - ...` on one line) overflow its stack, killing the
# process. ruamel reads such a text instead, and refuses it past the nesting bound (yamlread.py).
_DEEP_BLOCK = re.compile(r"\n[ \t?:-]{200}")  # a literal first: the regex engine skips to each line break
_DEEP_FIRST_LINE = re.compile(r"[ \t?:-]{200}")
NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character outside YAML's printable set: ruamel refuses it, yaml-rs may not."""
_PRINTABLE_ASCII = bytes([9, 10, 13, *range(0x20, 0x7F)])


def printable(text: str) -> bool:
    """Whether `text` holds only characters YAML allows (an ASCII text is checked at C speed)."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return NOT_PRINTABLE.search(text) is None


def _needs_ruamel(text: str) -> bool:
    """True for a text yaml-rs might read differently. Comment lines can look like anything: a
    text the screen stops is screened again without them."""
    return _screen(text) and ("#" not in text or _screen(_COMMENT_LINE.sub("", text)))


def _screen(text: str) -> bool:
    """Substring tests first: `in` scans many times faster than a regex, so a regex runs only on text that holds its character."""
    return bool(
        "<<" in text  # a merge key
        or ("!" in text and _TAG.search(text))
        or ("?" in text and _EXPLICIT_KEY.search(text))  # `? key`: yaml-rs misses it in flow collections
        or ("&" in text and _ANCHOR.search(text))  # anchors: rare in entries, and yaml-rs places them differently
        or (("\n---" in text or "\n..." in text) and _SECOND_DOCUMENT.search(text))
        or _flow_key(text)
        or (("[" in text or "{" in text) and _OPEN_FLOW.search(text))  # a flow collection over several lines
        or (("|" in text or ">" in text) and (_NOT_BLOCK.search(text) or _empty_block_scalar(text)))
        or _SCALAR.search("\n" + text)  # "\n": a key on the first line starts a scalar too
    )


def load(text: str) -> Any:
    """Plain Python data of one YAML document; NotFast when ruamel must read it instead."""
    if not enabled():
        raise NotFast("the reference path reads every text with ruamel")
    if _needs_ruamel(text):
        raise NotFast("a form ruamel reads differently")
    if _DEEP_BLOCK.search(text) or _DEEP_FIRST_LINE.match(text):
        raise NotFast("maybe nested deeper than yaml-rs's stack allows")
    if not printable(text):
        raise NotFast("a character YAML does not allow: ruamel refuses it with its line")
    try:
        # parse_datetime=False: with it, yaml-rs also turns *quoted* dates and times into objects
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception as exc:  # yaml_rs.YAMLDecodeError, or a limit of its own
        raise NotFast(str(exc)) from None
    if not within_bounds(data):
        raise NotFast("beyond the nesting or size bound: ruamel refuses it with its line")
    return data


def within_bounds(data: Any) -> bool:
    """Whether plain data (dicts, lists, scalars) nests at most MAX_DEPTH deep and holds at most
    MAX_NODES values. Iterative: it measures what would overflow a recursive walk."""
    if type(data) is not dict and type(data) is not list:
        return True
    nodes, stack = 1, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += len(node) * 2 if type(node) is dict else len(node)  # a mapping's keys are values too
        if nodes > MAX_NODES:
            return False
        for value in node.values() if type(node) is dict else node:
            if type(value) is dict or type(value) is list:
                if depth >= MAX_DEPTH:
                    return False
                stack.append((value, depth + 1))
    return True
