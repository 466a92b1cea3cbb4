"""`dskg cite`: the works behind a query's answer, or named works, as citations to paste or import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .cliopts import DataOption, EngineOption, QueryTimeoutOption, build_graph, parse_params
from .errors import UsageError
from .terminal import err

FORMATS = ("gbt7714", "bibtex", "ris", "csl-json")  # citations.FORMATS, named here so `--help` loads no rdflib


def cite(
    ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...", help="Ids of works (dskg query literature lists them).")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Cite the works behind this canned query's rows.")] = None,
    param: Annotated[list[str] | None, typer.Option("-p", "--param", help="The query's parameter as key=value; repeatable.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="gbt7714 (GB/T 7714-2015 text), bibtex, ris or csl-json.")] = "gbt7714",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")] = None,
    data: DataOption = None,
    engine: EngineOption = "rules",
    timeout: QueryTimeoutOption = 30.0,
) -> None:
    """Cite works as GB/T 7714-2015 text, BibTeX, RIS or CSL-JSON (Zotero, EndNote, JabRef, citeproc).

    What the graph does not know (most cited works' titles) is left out, or marked in GB/T 7714 text.

    Example: dskg cite --query countermeasures-by-barrier -p basis=explicit --format bibtex -o works.bib
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown citation format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if bool(ids) == bool(query):
        raise UsageError("name the works to cite (dskg cite wang-jinze-2025) or a query whose rows name them (--query NAME), not both")
    if param and not query:
        raise UsageError("-p gives a parameter of --query; name the query too")
    from . import citations, queries
    from .publish import write_atomic

    params = parse_params(param or [])
    if query:
        queries.bindings_for(queries.get_query(query), params)  # an unknown query or parameter fails before the build
        text, cited = citations.cite_query(build_graph(data, engine), query, params, fmt, timeout=timeout)
        if not cited:
            err.print(f"the rows of {query} name no work: nothing to cite")
            return
    else:
        text = citations.cite(build_graph(data, engine), ids or [], fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text.encode("utf-8"))
        err.print(f"wrote {output}")
