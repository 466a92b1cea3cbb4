"""What the `dskg` commands share: their options (--data, --engine, --endpoint ...), the graph or
endpoint those options name, and the usage errors for a bad --format or -p before anything is built.

Commands live in cli.py and in cli<name>.py modules beside it; each imports library modules
inside its body, so `dskg --help` loads none of rdflib, pyoxigraph or pyshacl.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from .errors import UsageError
from .terminal import err

if TYPE_CHECKING:
    from .endpoint import Endpoint
    from .graph import KnowledgeGraph

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", envvar="DSKG_DATA", help="Your data folder (from `dskg init`), layered on the shipped graph.", show_default=False
    ),
]
BaseOption = Annotated[
    Path | None,
    typer.Option("--base", help="Curated base folder to build from instead of the shipped data (for curators).", show_default=False),
]
EngineOption = Annotated[
    str, typer.Option("--engine", help="OWL-RL engine: rules (fast, gives owlrl's entailments), owlrl (the reference) or reasonable.")
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        envvar="DSKG_ENDPOINT",
        help="Query a remote SPARQL endpoint (its query URL) instead of the embedded graph.",
        show_default=False,
    ),
]
GraphOption = Annotated[str, typer.Option("--graph", help="Named graph on the server (the one `dskg push` writes).")]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds one request to the server may take in all (retries included).")]
MaxBytesOption = Annotated[int, typer.Option("--max-bytes", help="Largest answer to read from the server, in bytes.")]
QueryTimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds a query may run (on the embedded graph or the server).")]
AllowServiceOption = Annotated[
    list[str] | None,
    typer.Option("--allow-service", metavar="HOST", help="Let SERVICE clauses send requests to this host (repeatable); none by default."),
]
LangOption = Annotated[Literal["zh", "en"], typer.Option("--lang", help="Label language (report and diagram show the other one too).")]


def build_graph(data: Path | None, engine: str = "rules", reason: bool = True, base: Path | None = None) -> KnowledgeGraph:
    from .cache import cached_build

    with err.status("building the graph...", spinner="dots"):
        return cached_build(data, base=base, reason=reason, engine=engine)


def query_target(endpoint: str | None, timeout: float, max_bytes: int, data: Path | None, engine: str) -> KnowledgeGraph | Endpoint:
    """Where `query` and `sparql` run: the server at --endpoint, else the embedded graph."""
    if endpoint:
        from .endpoint import Endpoint

        return Endpoint.from_url(endpoint, timeout=timeout, max_bytes=max_bytes)
    return build_graph(data, engine)


def check_format(fmt: str, formats: tuple[str, ...]) -> None:
    """Before anything is built: the usage error for a --format the command does not write."""
    if fmt not in formats:
        raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(formats)}")


def parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"parameter {pair!r} is not key=value, e.g. -p barrier=bar-legal-framework")
        params[key.strip()] = value
    return params
