"""What the `dskg` command prints: results on stdout, progress and messages on stderr, tables drawn by rich."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from .queries import CannedQuery, Stats

out = Console(soft_wrap=False)
if not out.is_terminal:  # piped or captured: do not squeeze tables into 80 columns
    out.width = 200
err = Console(stderr=True)


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


def print_catalogue(queries: list[CannedQuery], lang: str) -> None:
    """The canned queries: name, title in `lang`, and each parameter with its type and an example."""
    table = Table()
    for col in ("name", "title", "parameters"):
        table.add_column(col, overflow="fold")
    for q in queries:
        params = ", ".join(f"{p.name} ({p.type}, e.g. {p.example})" for p in q.header.params)
        table.add_row(q.name, q.title(lang), params)
    out.print(table)


def print_result(result, fmt: str, lang: str | None) -> None:
    """A query's answer: a table on the terminal (the row count on stderr), else the text of `results.render`."""
    from . import results

    if fmt == "table" and result.type == "SELECT":
        names = results.columns_for([str(v) for v in result.vars], lang)
        index = {str(v): i for i, v in enumerate(result.vars)}
        table = Table(show_lines=True)
        for name in names:
            table.add_column(name, overflow="fold")
        for row in result:
            table.add_row(*("" if row[index[n]] is None else str(row[index[n]]) for n in names))
        out.print(table)
        err.print(f"{len(result)} rows")
    else:
        sys.stdout.write(results.render(result, fmt, lang))


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
