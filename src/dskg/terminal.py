"""What the `dskg` command prints: results on stdout, progress and messages on stderr, tables drawn by rich (a query's as a human view)."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.cells import cell_len
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from .queries import CannedQuery, Stats

out = Console(soft_wrap=False)
if not out.is_terminal and "COLUMNS" not in os.environ:  # piped or captured: do not squeeze tables into 80 columns
    out.width = 200
err = Console(stderr=True)

# The `query` and `sparql` options of the human view (below): both languages unless one is asked for.
ViewLangOption = Annotated[
    Literal["zh", "en"] | None,
    typer.Option("--lang", help="Label language; a table shows zh and en unless one is given, md shows en.", show_default=False),
]
FullOption = Annotated[bool, typer.Option("--full", "--wide", help="Table: every column, each value whole (no cut text).")]


def print_stats(st: Stats) -> None:
    """Entities per class, qualified links by kind and basis, triples per graph: a table each."""
    for title, columns, counts in (
        ("entities", ["class"], st.entities),
        ("qualified links", ["kind", "basis"], st.links),
        ("triples", ["graph"], st.triples),
    ):
        table = Table(title=title)
        for col in columns:
            table.add_column(col)
        table.add_column("count", justify="right")
        for key, count in counts.items():
            table.add_row(*(key if isinstance(key, tuple) else (key,)), str(count))
        out.print(table)


def print_catalogue(queries: list[CannedQuery], lang: str | None, fmt: str = "table") -> None:
    """The canned queries: name, title in `lang`, and each parameter with its type and an example.

    json gives each query whole (titles and descriptions in both languages, parameters as objects)
    for scripts; csv, tsv and md the table's three columns."""
    import csv
    import io
    import json

    lang = lang or "en"
    if fmt == "json":
        doc = [{"name": q.name, **q.header.model_dump(exclude_none=True)} for q in queries]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    rows = [(q.name, q.title(lang), ", ".join(f"{p.name} ({p.type}, e.g. {p.example})" for p in q.header.params)) for q in queries]
    header = ("name", "title", "parameters")
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n" if fmt == "csv" else "\n", delimiter="," if fmt == "csv" else "\t").writerows([header, *rows])
        sys.stdout.write(buf.getvalue())
    elif fmt == "md":
        lines = ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        sys.stdout.write("\n".join(["| name | title | parameters |", "|---|---|---|", *lines]) + "\n")
    else:
        table = Table()
        table.add_column("name", no_wrap=True)  # whole, to be copied into `dskg query NAME` at any width
        for col in header[1:]:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*row)
        out.print(table)


def print_result(result, fmt: str, lang: str | None, full: bool = False) -> None:
    """A query's answer: the human view on the terminal (the row count on stderr), else the text of `results.render`.

    Without --lang a table shows both languages; md keeps its English default."""
    from . import results

    if fmt == "table" and result.type == "SELECT":
        names = results.columns_for([str(v) for v in result.vars], lang)
        rows = [{str(v): None if row[i] is None else str(row[i]) for i, v in enumerate(result.vars)} for row in result]
        print_rows(out, names, rows, full)
        err.print(f"{len(result)} rows")
    else:
        sys.stdout.write(results.render(result, fmt, lang or "en"))


def print_report(report, fmt: str) -> None:
    """A validation report as text (one line per finding), a table, JSON or the raw SHACL Turtle."""
    if fmt == "json":
        sys.stdout.write(report.to_json())
    elif fmt == "turtle":
        sys.stdout.write(report.to_turtle())
    elif fmt == "table":
        table = Table(show_lines=False)
        for col in ("severity", "where", "entity", "path", "value", "message"):
            table.add_column(col, overflow="fold")
        for f in report.findings:
            table.add_row(
                f.severity,
                f"{f.file}:{f.line}" if f.file else "",
                f"{f.entity} ({f.label})" if f.label else f.entity,
                f.path,
                f.value,
                f.message,
            )
        out.print(table)
        out.print(report.summary())
    else:
        sys.stdout.write(report.to_text())


# The human view of a SELECT result in a terminal: labels first, long text cut to the width, ids last.
#
# Which column is what is read from its name, so every query (canned or the user's own) gets the same
# view: `x_zh`/`x_en` are the two labels of record `x` (shown together in one cell), `id`, `x_id`,
# `x_ids` and a bare `x` beside `x_zh`/`x_en` are ids, and a name that says evidence, quote, text,
# rationale, claim or description is long text. A result whose first column is a record's id that
# repeats is grouped: the record once as a heading, its rows under it.

# the last word of the name, or the one before _zh/_en: evidence_zh, quotes, claim_en (not quote_checked)
LONG_TEXT = re.compile(r"(^|_)(evidence|quotes?|text|rationale|claim|description|abstract|notes?)(_zh|_en)?$")
PLAIN_MAX = 40  # a value of a plain column longer than this is long text (a title, a label): cut, not kept whole
LIST_SEPARATOR = " | "  # GROUP_CONCAT's, in the canned queries: a list column shows one item per line
GAP = 2  # cells between two columns
LABEL_MIN = 20  # a label column is never squeezed below this, nor below its widest word (it wraps at spaces)
LONG_MIN = 12  # nor a long-text one (it is cut with an ellipsis)


@dataclass
class Column:
    """One column of the view: a result column, or a record's zh and en labels together."""

    name: str
    sources: list[str]
    kind: str  # label, long, id, list or plain

    def cell(self, row: dict) -> str:
        text = "\n".join(v for v in (row.get(s) or "" for s in self.sources) if v)
        return text.replace(LIST_SEPARATOR, "\n") if self.kind == "list" else text


def _stem(name: str) -> str | None:
    """The record a label column names (`barrier` of `barrier_zh`), None for any other column."""
    for suffix in ("_zh", "_en"):
        if name.endswith(suffix) and not LONG_TEXT.search(name):
            return name[: -len(suffix)]
    return None


def _is_id(name: str, names: list[str]) -> bool:
    return name == "id" or name.endswith(("_id", "_ids")) or (f"{name}_zh" in names or f"{name}_en" in names)


def _id_record(name: str) -> str:
    """The record an id column identifies: `barrier` for barrier_id, the row's own (`label`) for `id`."""
    return "label" if name == "id" else name.removesuffix("_ids").removesuffix("_id")


def _kind(name: str, names: list[str]) -> str:
    if _stem(name) is not None:
        return "label"
    if _is_id(name, names):
        return "id"
    return "long" if LONG_TEXT.search(name) else "plain"


def _plain_kind(values: list[str]) -> str:
    """plain, list (items joined by " | ", wrapped at spaces), or long (a value longer than a short phrase, or a list
    with a word too long to wrap, such as a URL)."""
    if any(LIST_SEPARATOR in v for v in values):
        words = [w for v in values for w in v.split()]
        return "long" if any(cell_len(w) > PLAIN_MAX for w in words) else "list"
    return "long" if any(cell_len(v) > PLAIN_MAX for v in values) else "plain"


def columns(names: list[str], rows: list[dict] = ()) -> list[Column]:
    """The view's columns: labels first (one per record), then plain columns and lists, long text, and ids last.

    An id is dropped when its record's label is shown (`--full` shows it). Any other column is plain,
    a list (one item per line) or long text, by its values (_plain_kind)."""
    stems = [s for s in dict.fromkeys(_stem(n) for n in names) if s is not None]
    shown = set(stems) | ({"label"} if {"label", "title", "measure", "name"} & set(stems) else set())
    kinds = {n: _kind(n, names) for n in names}
    for n in names:
        if kinds[n] == "plain":
            kinds[n] = _plain_kind([r.get(n) or "" for r in rows])
    cols = [Column(s, [n for n in names if _stem(n) == s], "label") for s in stems]
    for group in (("plain", "list"), ("long",), ("id",)):
        cols += [Column(n, [n], kinds[n]) for n in names if kinds[n] in group and not (kinds[n] == "id" and _id_record(n) in shown)]
    return cols


def _header(name: str, width: int) -> str:
    """A column's name, broken after its underscores when its values are narrower than it."""
    return name if cell_len(name) <= width else name.replace("_", "_\n")


def _natural(col: Column, rows: list[dict]) -> int:
    lines = [line for r in rows for line in col.cell(r).split("\n")]
    values = max(map(cell_len, lines), default=0)
    return max(values, max(map(cell_len, _header(col.name, values).split("\n"))))


def _shrink(cols: list[Column], sizes: list[int], floor: list[int], excess: int) -> int:
    """Take up to `excess` cells from long text (down to LONG_MIN), then lists and labels (to their widest word), widest first."""
    for kind in ("long", "list", "label"):
        while excess > 0:
            room = [i for i, c in enumerate(cols) if c.kind == kind and sizes[i] > floor[i]]
            if not room:
                break
            sizes[max(room, key=lambda i: sizes[i])] -= 1
            excess -= 1
    return excess


def _unbroken(col: Column, rows: list[dict]) -> int:
    """The widest run a label column may not break: an English word, or a whole Chinese name (it has no spaces to wrap at)."""
    return max((cell_len(word) for r in rows for word in col.cell(r).split()), default=0)


def _layout(cols: list[Column], rows: list[dict], width: int) -> list[int] | None:
    """The columns' widths within `width` (long text cut, labels wrapped at spaces), None when they cannot fit."""
    natural = [_natural(c, rows) for c in cols]
    least = {"long": lambda c: LONG_MIN, "label": lambda c: max(LABEL_MIN, _unbroken(c, rows)), "list": lambda c: _unbroken(c, rows)}
    floor = [min(n, least[c.kind](c)) if c.kind in least else n for c, n in zip(cols, natural, strict=True)]
    excess = sum(natural) + GAP * (len(cols) - 1) - width
    if cols[0].kind == "label" and natural[0] <= width * 0.7:  # the row's own record: its labels stay whole while the rest fits
        sizes = list(natural)
        if _shrink(cols, sizes, [natural[0], *floor[1:]], excess) <= 0:
            return sizes
    sizes = list(natural)
    return sizes if _shrink(cols, sizes, floor, excess) <= 0 else None


def _constant(cols: list[Column], rows: list[dict]) -> Column | None:
    """A plain column with one value in every row (said once in a note instead)."""
    return next((c for c in cols if c.kind == "plain" and len(rows) > 1 and len({c.cell(r) for r in rows}) == 1), None)


def fit(cols: list[Column], rows: list[dict], width: int) -> tuple[list[Column], list[int], list[str]]:
    """The columns that fit in `width` cells, their widths, and notes on what is not shown.

    Long text is cut first, then labels wrap at words; if that is not enough, a column with one value
    in every row becomes a note, then the last plain columns, then ids, are left out (named in a note)."""
    cols = list(cols)
    notes: list[str] = []
    hidden: list[str] = []
    while (sizes := _layout(cols, rows, width)) is None and len(cols) > 1:
        same = _constant(cols, rows)
        if same is not None:
            value = same.cell(rows[0])
            notes.append(f"every row: {same.name} = {value}" if value else f"empty in every row: {same.name}")
            cols.remove(same)
            continue
        drop = next((c for kinds in (("plain", "list"), ("id",)) for c in reversed(cols) if c.kind in kinds), cols[-1])
        hidden.insert(0, drop.name)
        cols.remove(drop)
    if sizes is None:  # one column wider than the terminal: rich wraps it
        sizes = [width]
    return cols, sizes, notes + ([f"not shown: {', '.join(hidden)} (--full shows every column)"] if hidden else [])


def _table(cols: list[Column], sizes: list[int], rows: list[dict], header: bool) -> Table:
    table = Table(box=None, show_header=header, header_style="bold", padding=(0, GAP, 0, 0), pad_edge=False, show_edge=False)
    for col, size in zip(cols, sizes, strict=True):
        cut = col.kind in ("long", "id")
        table.add_column(
            _header(col.name, size),
            width=size,
            no_wrap=cut,
            overflow="ellipsis" if cut else "fold",
            style="dim" if col.kind == "id" else None,
        )
    for row in rows:
        table.add_row(*(col.cell(row) for col in cols))
    return table


def _grouping(names: list[str], rows: list[dict]) -> tuple[str, list[str]] | None:
    """The column to group by (the first, when it is a labelled record's id that repeats) and the heading's columns."""
    if not rows or not names or not _is_id(names[0], names):
        return None
    first, record = names[0], _id_record(names[0])
    if record == "label" or len({r.get(first) for r in rows}) == len(rows):
        return None
    keys: dict = {}
    for r in rows:
        keys.setdefault(r.get(first), []).append(r)
    heading = [first]
    for name in names[1:]:  # the leading columns of the record, up to the next record's
        if _stem(name) not in (record, None) or (_is_id(name, names) and _id_record(name) != record):
            break
        if any(len({r.get(name) for r in group}) > 1 for group in keys.values()):
            break
        heading.append(name)
    return first, heading


def _heading(row: dict, heading: list[str], width: int) -> Text:
    """A group's record: its labels in bold (on one line when they fit, else one each), its other columns, its id dimmed."""
    labels = [row[n] for n in heading if _stem(n) is not None and row.get(n)]
    tail = "".join(f"  {row[n]}" for n in heading[1:] if _stem(n) is None and row.get(n))
    ident = f"  {row.get(heading[0]) or ''}"
    text = Text("  ".join(labels) if cell_len("  ".join(labels) + tail) <= width else "\n".join(labels), style="bold")
    text.append(tail)
    if cell_len(text.plain.split("\n")[-1] + ident) <= width:
        text.append(ident, style="dim")
    return text


def render_rows(names: list[str], rows: list[dict], width: int):
    """The renderable of a result's rows (dicts of strings) for a terminal `width` cells wide."""
    grouping = _grouping(names, rows)
    if grouping is None:
        cols, sizes, notes = fit(columns(names, rows), rows, width)
        parts: list = [_table(cols, sizes, rows, header=True)]
    else:
        first, heading = grouping
        cols, sizes, notes = fit(columns([n for n in names if n not in heading], rows), rows, width - 2)
        groups: dict = {}
        for r in rows:
            groups.setdefault(r.get(first), []).append(r)
        parts = [Padding(_table(cols, sizes, [], header=True), (0, 0, 0, 2))]
        for members in groups.values():
            parts += [Text(""), _heading(members[0], heading, width), Padding(_table(cols, sizes, members, header=False), (0, 0, 0, 2))]
    return Group(*parts, *(Text(n, style="dim") for n in notes))


def render_records(names: list[str], rows: list[dict]):
    """`--full`: each row as `column  value` lines, every value whole (the terminal wraps long ones)."""
    pad = max(map(len, names), default=0)
    text = Text()
    for i, row in enumerate(rows):
        text.append(f"{'' if i == 0 else chr(10)}── {i + 1} ──\n", style="dim")
        for n in names:
            text.append(f"{n:<{pad}}  ", style="bold")
            text.append(f"{row.get(n) or ''}\n")
    return text


def print_rows(console: Console, names: list[str], rows: list[dict], full: bool) -> None:
    if full:
        console.print(render_records(names, rows), soft_wrap=True)
    else:
        console.print(render_rows(names, rows, console.width))
