"""The `dskg` command: each command parses options, makes one library call and renders it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from . import DEFAULT_GRAPH, clicite, clidiff
from .cliopts import (
    AllowServiceOption,
    BaseOption,
    DataOption,
    EndpointOption,
    EngineOption,
    GraphOption,
    LangOption,
    MaxBytesOption,
    QueryTimeoutOption,
    TimeoutOption,
    build_graph,
    check_format,
    parse_params,
    query_target,
)
from .errors import DskgError, UsageError
from .terminal import FullOption, ViewLangOption, err, out, print_catalogue, print_report, print_result, print_stats

# Each command imports the library modules it uses inside its body: `dskg --help` (README target
# <= 0.5 s) then loads none of rdflib, pydantic, pyoxigraph or pyshacl.


class _Commands(TyperGroup):
    """The one place library errors become exit codes: one red line on stderr, no traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DskgError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:  # a query stops waiting at once (querylimits): 130, as a shell reports SIGINT
            err.print("stopped (Ctrl-C)")
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=_Commands,
    help="dskg: the knowledge graph of digital services trade (advantages, barriers, countermeasures, literature).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"dskg {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """dskg: the knowledge graph of digital services trade.

    Example: dskg query countermeasures-by-barrier
    """


@app.command()
def build(data: DataOption = None, base: BaseOption = None, engine: EngineOption = "rules") -> None:
    """Build the graph from the curated data, check it and reason over it; print what it holds.

    Exit 0 when the data holds together, 1 with every problem (file:line, field, fix) when not.

    Example: dskg build --base ./data
    """
    from .queries import stats

    st = stats(build_graph(data, engine, base=base))
    out.print(f"built: {st.triples['asserted']} asserted, {st.triples['inferred']} inferred, {st.triples['ontology']} ontology triples")


@app.command()
def stats(data: DataOption = None, engine: EngineOption = "rules") -> None:
    """Entities per class, qualified links by kind and basis, and triple counts.

    Example: dskg stats
    """
    from . import queries

    print_stats(queries.stats(build_graph(data, engine)))


@app.command()
def export(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")] = None,
    fmt: Annotated[str, typer.Option("-f", "--format", help="turtle, nt, jsonld, xml or trig (TriG keeps the named graphs).")] = "turtle",
    inferred: Annotated[bool, typer.Option("--inferred", help="Include the OWL-RL inferred triples.")] = False,
    no_ontology: Annotated[bool, typer.Option("--no-ontology", help="Leave out the ontology's triples.")] = False,
    data: DataOption = None,
) -> None:
    """Export the graph as RDF for Protégé, GraphDB, Jena or Oxigraph (asserted triples by default).

    Example: dskg export -f turtle -o dskg.ttl
    """
    from . import publish

    check_format(fmt, publish.FORMATS)
    kg = build_graph(data, reason=inferred)
    if output is None:
        sys.stdout.buffer.write(publish.serialize(kg, fmt, inferred=inferred, include_ontology=not no_ontology))
    else:
        publish.export(kg, output, fmt, inferred=inferred, include_ontology=not no_ontology)
        err.print(f"wrote {output}")


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="Name of a canned query (see --list).")] = None,
    param: Annotated[list[str] | None, typer.Option("-p", "--param", help="Parameter as key=value; repeatable.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, md, json, csv or tsv.")] = "table",
    lang: ViewLangOption = None,
    full: FullOption = False,
    list_: Annotated[bool, typer.Option("--list", help="List the canned queries and their parameters.")] = False,
    data: DataOption = None,
    engine: EngineOption = "rules",
    endpoint: EndpointOption = None,
    graph: GraphOption = DEFAULT_GRAPH,
    timeout: QueryTimeoutOption = 30.0,
    max_bytes: MaxBytesOption = 256_000_000,
) -> None:
    """Run a canned query on the graph (asserted + inferred triples), or on a remote endpoint.

    Example: dskg query countermeasures-by-barrier -p basis=explicit --format csv
    """
    from . import queries, results

    check_format(fmt, results.FORMATS)
    if list_:
        print_catalogue(list(queries.catalogue().values()), lang, fmt)
        return
    if name is None:
        raise UsageError("give a query name, e.g. dskg query countermeasures-by-barrier (see dskg query --list)")
    params = parse_params(param or [])
    queries.bindings_for(queries.get_query(name), params)  # an unknown name or parameter fails before the graph is built
    result = queries.run(name, query_target(endpoint, timeout, max_bytes, data, engine), params, graph=graph or None, timeout=timeout)
    print_result(result, fmt, lang, full)


@app.command()
def sparql(
    query_text: Annotated[str | None, typer.Argument(metavar="QUERY", help="A SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from this file instead.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, md, json, csv or tsv (CONSTRUCT/DESCRIBE print Turtle).")] = "table",
    lang: ViewLangOption = None,
    full: FullOption = False,
    data: DataOption = None,
    engine: EngineOption = "rules",
    endpoint: EndpointOption = None,
    graph: GraphOption = DEFAULT_GRAPH,
    timeout: QueryTimeoutOption = 30.0,
    max_bytes: MaxBytesOption = 256_000_000,
    allow_service: AllowServiceOption = None,
) -> None:
    """Run your own read-only SPARQL query on the graph (asserted + inferred triples), or remotely.

    Example: dskg sparql 'PREFIX dskg: <https://w3id.org/dskg/ontology#> SELECT ?b WHERE { ?b a dskg:Barrier }'
    """
    from . import queries, results

    check_format(fmt, results.FORMATS)
    if (query_text is None) == (file is None):
        raise UsageError("give a query or --file FILE (one of the two)")
    if file is not None:
        query_text = queries.read_query_text(file)
    with queries.naming(file):
        queries.ensure_read_only(query_text)  # an update is refused before the graph is built
    target = query_target(endpoint, timeout, max_bytes, data, engine)
    with queries.naming(file):
        result = queries.run_sparql(query_text, target, graph=graph or None, timeout=timeout, allow_service=allow_service or ())
    print_result(result, fmt, lang, full)


ReportFormat = Annotated[str, typer.Option("--format", help="text (one line per finding), table, json or turtle (the raw SHACL report).")]
FailOn = Annotated[str, typer.Option("--fail-on", help="Exit 1 on a finding at least this severe: violation or warning.")]


def _check_report_options(fmt: str, fail_on: str) -> None:
    if fmt not in ("text", "table", "json", "turtle"):
        raise UsageError(f"unknown format {fmt!r}; use text, table, json or turtle")
    if fail_on not in ("violation", "warning"):
        raise UsageError(f"--fail-on takes violation or warning, not {fail_on!r}")


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[PATH]...", help="Entry files (.yaml, .ttl, .bib, .ris, .enw, .json) to validate against the graph."),
    ] = None,
    fmt: ReportFormat = "text",
    fail_on: FailOn = "violation",
    data: DataOption = None,
    base: BaseOption = None,
    engine: EngineOption = "rules",
    shapes_engine: Annotated[
        str, typer.Option("--shapes-engine", help="Who runs the shapes over the whole graph: oxigraph (fast) or pyshacl (the reference).")
    ] = "oxigraph",
) -> None:
    """Validate the whole graph, or new literature entries in its context, and list every finding.

    Exit 0 when nothing reaches --fail-on, 1 when something does, 2 for unreadable input.

    Example: dskg validate my-entry.yaml --data ./my-data
    """
    from .intake import check

    _check_report_options(fmt, fail_on)
    if shapes_engine not in ("oxigraph", "pyshacl"):
        raise UsageError(f"--shapes-engine takes oxigraph or pyshacl, not {shapes_engine!r}")
    with err.status("validating...", spinner="dots"):
        report = check(data, base=base, entries=list(paths or []) or None, engine=engine, shapes_engine=shapes_engine)
    print_report(report, fmt)
    raise typer.Exit(1 if report.fails(fail_on) else 0)


@app.command()
def init(folder: Annotated[Path, typer.Argument(help="Folder to create for your own entries.")]) -> None:
    """Start your own data folder, which --data (or DSKG_DATA) layers on the shipped graph.

    Example: dskg init ./my-data
    """
    from .intake import init_data_dir

    init_data_dir(folder)
    err.print(f"data folder ready: {folder} (add entries with: dskg add FILE --data {folder})")


@app.command()
def add(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Entry files (.yaml, .ttl, .bib, .ris, .enw, .json) to add.")],
    data: Annotated[
        Path | None, typer.Option("--data", envvar="DSKG_DATA", help="Your data folder (from `dskg init`).", show_default=False)
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and show what would be written; write nothing.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace an entry already in the folder under the same file name.")] = False,
    fmt: ReportFormat = "text",
    base: BaseOption = None,
    engine: EngineOption = "rules",
) -> None:
    """Validate literature entries and add them to your data folder; nothing is written on a Violation.

    Example: dskg add nordas-rouzet-2017.yaml --data ./my-data
    """
    from .intake import add_entries

    _check_report_options(fmt, "violation")
    if data is None:
        raise UsageError("say which data folder to add to: --data DIR (or DSKG_DATA); create one with `dskg init DIR`")
    with err.status("validating...", spinner="dots"):
        result = add_entries(list(paths), data, dry_run=dry_run, engine=engine, base=base, replace=replace)
    if result.report.findings:
        print_report(result.report, fmt)
    for name in result.unchanged:
        err.print(f"already added, nothing changed: {name}")
    if result.report.fails("violation"):
        err.print("nothing written: fix the Violations above and run again")
        raise typer.Exit(1)
    for path in result.written:
        err.print(f"added {path}")
    if dry_run:
        err.print("dry run: nothing written")


@app.command()
def push(
    endpoint: Annotated[
        str, typer.Option("--endpoint", envvar="DSKG_ENDPOINT", help="The server's SPARQL query URL, e.g. http://127.0.0.1:7878/query.")
    ],
    graph: GraphOption = DEFAULT_GRAPH,
    store: Annotated[
        str | None,
        typer.Option("--store", help="Graph Store Protocol URL, where it cannot be derived (it is for Oxigraph, Fuseki and Virtuoso)."),
    ] = None,
    update: Annotated[
        str | None,
        typer.Option("--update", help="SPARQL Update URL, where it cannot be derived (used where the server has no Graph Store)."),
    ] = None,
    inferred: Annotated[
        bool, typer.Option("--inferred/--asserted-only", help="Include the inferred triples (queries rely on them).")
    ] = True,
    data: DataOption = None,
    engine: EngineOption = "rules",
    timeout: TimeoutOption = 120.0,
    max_bytes: MaxBytesOption = 256_000_000,
) -> None:
    """Upload the graph to a writable SPARQL server, replacing one named graph as a whole; then the server counts it (exit 2 if short).

    Credentials: DSKG_ENDPOINT_USER and DSKG_ENDPOINT_PASSWORD, or ~/.netrc (sent as HTTP Basic or Digest, as the server asks).

    Virtuoso: give its /sparql URL; push finds its Graph Store (account dba, or one with the SPARQL_UPDATE role).

    Example: dskg push --endpoint http://127.0.0.1:7878/query
    """
    from . import endpoint as remote

    target = remote.Endpoint.from_url(endpoint, store=store, update=update, timeout=timeout, max_bytes=max_bytes)
    kg = build_graph(data, engine)
    with err.status(f"uploading to {endpoint}...", spinner="dots"):
        result = remote.push(kg, target, graph=graph, inferred=inferred)
    err.print(f"pushed {result.triples} triples into <{result.graph}> ({result.method}; the server counts as many)")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 7878,
    data: DataOption = None,
    engine: EngineOption = "rules",
    timeout: QueryTimeoutOption = 30.0,
    allow_service: AllowServiceOption = None,
) -> None:
    """Serve the graph read-only from a local Oxigraph server until Ctrl-C (or SIGTERM, SIGHUP).

    Example: dskg serve --port 7878
    """
    from .server import serve as serve_graph

    def ready(page: str, query_url: str) -> None:
        err.print(f"query page: {page}\nSPARQL endpoint: {query_url}\n(read-only; Ctrl-C stops it)")

    if not 0 < port < 65536:
        raise UsageError(f"--port must be 1-65535, not {port}")
    code = serve_graph(build_graph(data, engine), port, on_ready=ready, timeout=timeout, allow_service=allow_service or ())
    raise typer.Exit(0 if code in (0, -15, 143) else code)


@app.command()
def report(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder to write the site into (replaced whole if it holds an earlier report).")
    ],
    lang: LangOption = "en",
    data: DataOption = None,
    engine: EngineOption = "rules",
) -> None:
    """Write the graph as a static HTML site that opens offline: matrix, argument map, pages, statistics, literature.

    Needs Graphviz's `dot` for the argument map (Debian: apt-get install graphviz).

    Example: dskg report -o site --lang zh
    """
    from . import report as report_mod
    from .diagram import dot_program

    dot_program()  # say Graphviz is missing before building anything
    result = report_mod.write_report(build_graph(data, engine), output, lang=lang)
    err.print(f"wrote {len(result.pages)} pages into {result.folder}; open {result.folder / 'index.html'}")


@app.command()
def diagram(
    fmt: Annotated[str, typer.Option("--format", "-f", help="svg (needs Graphviz's dot), dot or mermaid.")] = "svg",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")] = None,
    lang: LangOption = "en",
    data: DataOption = None,
    engine: EngineOption = "rules",
) -> None:
    """Draw the argument map (advantages -> countermeasures -> barriers) for slides, papers or Markdown.

    Example: dskg diagram --format mermaid -o map.mmd
    """
    from . import diagram as diagram_mod
    from .publish import write_atomic

    check_format(fmt, diagram_mod.FORMATS)
    if fmt == "svg":
        diagram_mod.dot_program()  # say Graphviz is missing before building anything
    text = diagram_mod.render(build_graph(data, engine), fmt, lang)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text.encode("utf-8"))
        err.print(f"wrote {output}")


# Commands with modules of their own (cli<name>.py), registered here so `dskg --help` lists them in one place.
app.command()(clicite.cite)
app.command()(clidiff.diff)

if __name__ == "__main__":  # pragma: no cover
    app()
