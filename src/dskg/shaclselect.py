"""The text of an sh:select made into a query over all focus nodes at once (shaclcompile).

SHACL-SPARQL pre-binds `$this` to one focus node at a time. Joined with a group that binds
`?this` to every focus node, a query gives the same rows when `$this` is read in its top-level
pattern and FILTERs, as in every query of shapes/; one with a subquery, OPTIONAL, a solution
modifier or `$PATH` is left to pySHACL (`joinable` says None).

A top-level `FILTER NOT EXISTS { P }` of more than one triple pattern, which Oxigraph plans anew
for each row (a minute at 100k triples), is answered otherwise where that gives the same rows
(`anti_joined`): P with UNIONs of triples (no FILTER) is taken out of the query, and the checks
sharing it (many: "a known record") run as one query less `MINUS { P }`, which Oxigraph answers
once (shaclsparql.minus_query), a row it keeps dropped when its values of the variables P shares
with the rest of the query are among P's answers; other P of triples and top-level
FILTERs becomes `OPTIONAL { P BIND(true AS ?f) } FILTER(!BOUND(?f))` (the FILTERs are the left
join's condition, so they still see the row's variables).
"""

from __future__ import annotations

import re

THIS = re.compile(r"[$?]this\b")
_HEAD = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?((?:[$?]\w+\s*)+)WHERE\s*\{", re.IGNORECASE)
_NOT_JOINABLE = re.compile(r"\b(OPTIONAL|SELECT|MINUS|VALUES|SERVICE|GRAPH|GROUP\s+BY|HAVING|ORDER\s+BY|LIMIT|OFFSET)\b", re.I)
_PATH = re.compile(r"[$?]PATH\b")  # case-sensitive, as pySHACL substitutes it
_COMMENT = re.compile(r"(^|\s)#[^\n]*")
_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{", re.I)
_SCOPED = re.compile(r"\b(EXISTS|BIND|OPTIONAL|MINUS|SELECT|VALUES|GRAPH|SERVICE)\b", re.I)
_FILTER = re.compile(r"\bFILTER\b", re.I)
_VARIABLE = re.compile(r"[?$](\w+)")


def joinable(select: str) -> tuple[tuple[str, ...], str] | None:
    """The variables an sh:select projects and its pattern (`$this` written `?this`, without the
    closing brace), or None when it cannot be joined with its targets."""
    head = _HEAD.match(select)
    body = select[head.end() :].rstrip() if head else ""
    bare = _COMMENT.sub(" ", body)
    if not head or not body.endswith("}") or _NOT_JOINABLE.search(bare) or _PATH.search(bare):
        return None
    return tuple(name[1:] for name in head.group(2).split()), THIS.sub("?this", body[:-1])


def _joins_alike(inner: str) -> bool:
    """Whether a NOT EXISTS pattern gives the same answer joined as substituted: triples, groups
    and UNIONs of triples, FILTERs only at its top level, nothing that evaluates an expression
    inside a nested group (where a joined pattern sees no outer variable)."""
    return not _SCOPED.search(inner) and all(_depth(inner, m.start()) == 0 for m in _FILTER.finditer(inner))


def anti_joined(pattern: str) -> tuple[str, list[tuple[str, tuple[str, ...]]]]:
    """`pattern` with its top-level NOT EXISTS answered as the module says: (the pattern left,
    [(P, the variables P shares with the rest)] of each P answered once)."""
    kept, moved, hoisted, at = [], [], [], 0
    for match in _NOT_EXISTS.finditer(pattern):
        if match.start() < at or _depth(pattern, match.start()) != 0:
            continue
        end = _closing(pattern, match.end())
        inner = _COMMENT.sub(" ", pattern[match.end() : end])
        if end < 0 or not _joins_alike(inner) or len(inner.strip().rstrip(".").split()) == 3:
            continue  # one triple pattern: Oxigraph looks it up for each row at once
        kept.append(pattern[at : match.start()])
        at = end + 1
        if _FILTER.search(inner) or "{" not in inner:
            flag = f"?_absent{len(moved)}"
            moved.append(f"OPTIONAL {{ {inner}\n BIND(true AS {flag}) }} FILTER(!BOUND({flag}))")
        else:
            hoisted.append(inner)
    rest = set(_VARIABLE.findall(_COMMENT.sub(" ", "".join(kept) + pattern[at:] + " ".join(moved)))) | {"this"}
    shared = [(inner, tuple(sorted(set(_VARIABLE.findall(inner)) & rest))) for inner in hoisted]
    for index, (inner, names) in enumerate(shared):
        if not names:  # P shares nothing with the row: the left join costs no more
            moved.append(f"OPTIONAL {{ {inner}\n BIND(true AS ?_absent_all{index}) }} FILTER(!BOUND(?_absent_all{index}))")
    return "".join(kept) + pattern[at:] + "\n" + "\n".join(moved), [(inner, names) for inner, names in shared if names]


def _depth(text: str, until: int) -> int:
    """How many groups are open at `until` (braces outside string literals)."""
    depth, quote = 0, ""
    for ch in text[:until]:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
    return depth


def _closing(text: str, start: int) -> int:
    """The index of the brace closing the group opened just before `start`, or -1."""
    base = _depth(text, start)
    return next((i for i in range(start, len(text)) if text[i] == "}" and _depth(text, i + 1) < base), -1)
