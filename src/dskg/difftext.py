"""A Diff written out: plain text for a terminal, Markdown for a pull-request comment, JSON for
programs (its schema: schemas/diff.schema.json)."""

from __future__ import annotations

import json

from .diffdomain import Change, Diff

FORMATS = ("text", "md", "json")
SCHEMA_ID = "https://w3id.org/dskg/schemas/diff.schema.json"
SIGNS = {"added": "+", "removed": "-", "changed": "~"}


def as_json(diff: Diff) -> dict:
    """The diff as plain values, as schemas/diff.schema.json describes them."""
    return {
        "$schema": SCHEMA_ID,
        "old": diff.old,
        "new": diff.new,
        "equal": diff.equal,
        "summary": diff.summary(),
        "changes": [
            {
                "change": c.change,
                "kind": c.kind,
                "id": c.id,
                "iri": c.iri,
                "label": c.label,
                **({"link": c.link} if c.link else {}),
                "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
                "parts": c.parts,
            }
            for c in diff.changes
        ],
    }


def render(diff: Diff, fmt: str) -> str:
    """text, md or json."""
    if fmt == "json":
        return json.dumps(as_json(diff), ensure_ascii=False, indent=2) + "\n"
    return _markdown(diff) if fmt == "md" else _text(diff)


def _counts(diff: Diff) -> str:
    parts = []
    for change, kinds in diff.summary().items():
        if kinds:
            parts.append(f"{change} " + ", ".join(f"{n} {_plural(kind) if n != 1 else kind}" for kind, n in sorted(kinds.items())))
    return "; ".join(parts) or "no change"


def _title(c: Change) -> str:
    zh, en = c.label.get("zh"), c.label.get("en")
    names = " / ".join(label for label in (zh, en) if label)
    return f"{c.kind} {c.id}" + (f"  {names}" if names else "")


def _parts(c: Change) -> str:
    counts: dict[str, int] = {}
    for part in c.parts:
        counts[part["kind"]] = counts.get(part["kind"], 0) + 1
    return ", ".join(f"{n} {_plural(kind) if n != 1 else kind}" for kind, n in sorted(counts.items()))


def _changes(n: int) -> str:
    return "no change" if n == 0 else f"{n} change{'s' if n != 1 else ''}"


def _plural(kind: str) -> str:
    return kind + ("es" if kind.endswith(("ch", "s", "x")) else "s")


def _values(values: list[str]) -> str:
    return " | ".join(values) if values else "(none)"


def _size(side: dict) -> str:
    if side["triples"] is None:
        return f"{side['kind']}; only its {side['entry_files_read']} changed entry file(s) read, the others are the same on both sides"
    return f"{side['kind']}, {side['triples']:,} triples"


def _text(diff: Diff) -> str:
    lines = [f"old: {diff.old['source']} ({_size(diff.old)})", f"new: {diff.new['source']} ({_size(diff.new)})"]
    lines.append(f"{_changes(len(diff.changes))}: {_counts(diff)}" if diff.changes else "no change")
    for c in diff.changes:
        lines.append(f"{SIGNS[c.change]} {c.change} {_title(c)}")
        if c.parts:
            lines.append(f"    with {_parts(c)}")
        for f in c.fields:
            if c.change == "changed":
                lines.append(f"    {f.field}: {_values(f.old)} -> {_values(f.new)}")
            else:
                lines.append(f"    {f.field}: {_values(f.new or f.old)}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(diff: Diff) -> str:
    lines = [f"### dskg diff: {_changes(len(diff.changes))}", ""]
    lines.append(f"`{_cell(diff.old['source'])}` ({_size(diff.old)}) → `{_cell(diff.new['source'])}` ({_size(diff.new)})")
    lines.append("")
    if diff.equal:
        lines.append("No change in the asserted data.")
        return "\n".join(lines) + "\n"
    lines += ["| change | kind | count |", "|---|---|---|"]
    for change, kinds in diff.summary().items():
        lines += [f"| {change} | {kind} | {n} |" for kind, n in sorted(kinds.items())]
    for change in ("added", "removed", "changed"):
        items = [c for c in diff.changes if c.change == change]
        if not items:
            continue
        lines += ["", f"#### {change.capitalize()}", ""]
        for c in items:
            label = " / ".join(_cell(v) for v in (c.label.get("zh"), c.label.get("en")) if v)
            lines.append(f"- **{c.kind}** `{c.id}`" + (f" {label}" if label else "") + (f" (with {_parts(c)})" if c.parts else ""))
            if change == "changed":
                lines += [f"  - `{f.field}`: {_cell(_values(f.old))} → {_cell(_values(f.new))}" for f in c.fields]
    return "\n".join(lines) + "\n"
