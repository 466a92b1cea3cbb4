"""The canned query catalogue and running SPARQL (canned or ad hoc) read-only on a graph.

A query file is plain SPARQL that starts with a `#+` YAML header (title, description, params,
tags). Parameter NAME binds ?NAME (or the `var:` it names) through a VALUES block opening the WHERE
clause: values are RDF terms serialized by rdflib (escaped), never pasted into the query as text.

Why a VALUES block rather than rdflib's initBindings: over Oxigraph, initBindings become
"substitutions", which only accept projected variables and put the constant into OPTIONAL
patterns too (rows change meaning); against a remote store rdflib appends VALUES after the
query, which joins after GROUP BY. One VALUES block at the start of WHERE means the same thing
on every store, so each query returns the same rows wherever it runs.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from typing import Literal as Literal_

from pydantic import BaseModel, ConfigDict, ValidationError
from rdflib import Literal, URIRef
from rdflib.query import Result
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from . import DEFAULT_GRAPH, querylimits, resources
from .errors import UnreadableInputError, UsageError
from .fast import oxigraph_results
from .graph import KnowledgeGraph
from .vocab import DSKG, ID

if TYPE_CHECKING:
    from .endpoint import Endpoint


class Param(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    type: Literal_["id", "string", "integer", "year"] = "string"
    var: str | None = None  # the variable it binds, where ?NAME is a result column
    kind: str | None = None
    choices: list[str] | None = None
    default: Any = None
    required: bool = False
    description: str | None = None
    example: Any = None

    @property
    def variable(self) -> str:
        return self.var or self.name


class Header(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: dict[str, str]
    description: dict[str, str]
    params: list[Param] = []
    tags: list[str] = []


@dataclass(frozen=True)
class CannedQuery:
    """One query file of the catalogue."""

    name: str
    path: Path
    header: Header
    text: str = field(repr=False)

    def title(self, lang: str = "en") -> str:
        return self.header.title.get(lang) or self.header.title.get("en", self.name)


def read_query_text(path: Path) -> str:
    """The text of a query file; UnreadableInputError when it cannot be read.

    Only a regular file is opened (a named pipe would wait for a writer forever), and at most
    querylimits.MAX_QUERY_BYTES of it are read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a named pipe opens without waiting, then is refused
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fh.fileno()).st_mode
            if not stat.S_ISREG(mode):
                what = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"
                raise UnreadableInputError(f"{path}: this is {what}, not a regular file. Fix: give the path of a query file (.rq).")
            data = fh.read(querylimits.MAX_QUERY_BYTES + 1)
        if len(data) > (most := querylimits.MAX_QUERY_BYTES):
            raise UnreadableInputError(f"{path}: a query file may hold at most {most:,} bytes. Fix: shorten the query.")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableInputError(f"{path}: cannot read the query file ({exc}). Fix: check the path and that it is UTF-8 text.") from None


@contextmanager
def naming(source: Path | None) -> Iterator[None]:
    """A UsageError about a query (syntax, an update, SERVICE, its timeout) names the file it came from, if any."""
    try:
        yield
    except UsageError as exc:
        if source is None:
            raise
        raise type(exc)(f"{source}: {exc}") from None


def parse_query_file(path: Path) -> CannedQuery:
    """Read a query file and its `#+` header. Raises UnreadableInputError on a malformed header."""
    text = read_query_text(path)
    header_lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip():
            break
    if not header_lines:
        raise UnreadableInputError(f"{path}:1: no `#+` header. Fix: start the file with `#+ title:` and `#+ description:` (en and zh).")
    try:
        raw = YAML(typ="safe").load("\n".join(header_lines))
        header = Header.model_validate(raw)
    except (YAMLError, ValidationError) as exc:
        raise UnreadableInputError(f"{path}: malformed `#+` header: {exc}. Fix: see queries/README.md for the header fields.") from None
    return CannedQuery(path.stem, path, header, text)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, CannedQuery]:
    """Every canned query shipped with dskg, by name."""
    return {p.stem: parse_query_file(p) for p in sorted(resources.queries_dir().glob("*.rq"))}


def ensure_read_only(sparql: str) -> None:
    """Refuse SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP...): query commands never write.

    rdflib's update grammar decides: whatever parses as an update request is refused.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(sparql)
    except (ParseException, Exception):
        return
    if update.get("request"):
        verb = update["request"][0].name
        raise UsageError(
            f"refused: this is SPARQL Update ({verb}); dskg's query commands are read-only. Use SELECT, ASK, CONSTRUCT or DESCRIBE."
        )


def _bind(query: CannedQuery, param: Param, value: Any) -> Any:
    where = f"query {query.name!r}, parameter {param.name!r}"
    if param.choices is not None and str(value) not in param.choices:
        raise UsageError(f"{where}: {value!r} is not one of {', '.join(param.choices)}.")
    if param.type == "integer":
        try:
            return Literal(int(value))
        except (TypeError, ValueError):
            raise UsageError(f"{where}: {value!r} is not an integer.") from None
    if param.type == "year":
        if not re.fullmatch(r"\d{4}", str(value)):
            raise UsageError(f"{where}: {value!r} is not a year like 2024.")
        return Literal(int(value))
    return Literal(str(value))  # strings, and ids (queries compare them with the text of a record's IRI)


KIND_CLASSES = {
    "works": DSKG.Work,
    "advantages": DSKG.Advantage,
    "barriers": DSKG.Barrier,
    "countermeasures": DSKG.Countermeasure,
    "themes": DSKG.Theme,
    "statistics": DSKG.Statistic,
    "documents": DSKG.Document,
    "cases": DSKG.Case,
    "actors": DSKG.Actor,
    "sectors": DSKG.ServiceSector,
    "areas": DSKG.DSTRIArea,
    "problems": DSKG.Problem,
}
"""The class of the records of each kind a data file may list (sources.KINDS): an id parameter
of that kind takes the id of an instance of it; of kind `any`, of any of them or of a claim."""

_IRI_SAFE = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
"""What may follow the id namespace inside an IRI in SPARQL (its IRIREF production)."""


def _classes_of(kind: str) -> str:
    classes = [*KIND_CLASSES.values(), DSKG.Claim] if kind == "any" else [KIND_CLASSES[kind]] if kind in KIND_CLASSES else []
    return " ".join(c.n3() for c in classes) or "<urn:dskg:no-such-kind>"


def ids_of_kind(kind: str, target: KnowledgeGraph | Endpoint, *, graph: str | None = DEFAULT_GRAPH) -> list[str]:
    """The ids, sorted, that an id parameter of `kind` may take on `target` (the embedded graph or an
    endpoint): the records of that kind (`any`: of every kind, claims included) that it holds."""
    sparql = f"SELECT DISTINCT ?x WHERE {{ VALUES ?class {{ {_classes_of(kind)} }} ?x a ?class }}"
    iris = [str(row["x"]) for row in rows(_run_trusted(sparql, target, graph=graph))]
    # a record's IRI is the id namespace and its id; ids of other nodes (links, authors) hold a "/"
    return sorted({iri[len(ID) :] for iri in iris if iri.startswith(ID) and "/" not in iri[len(ID) :]})


def _check_id(query: CannedQuery, param: Param, value: str, target: KnowledgeGraph | Endpoint, graph: str | None) -> None:
    """A UsageError listing the valid ids when `target` holds no record of `param.kind` with id `value`.

    One ASK of the record's IRI, the same text on the embedded graph and on an endpoint; the
    list of the valid ids only when it fails."""
    if "/" not in value and _IRI_SAFE.fullmatch(value):  # a "/": another node's IRI (see ids_of_kind)
        sparql = f"ASK WHERE {{ VALUES ?class {{ {_classes_of(param.kind)} }} ?x a ?class }}"
        if _run_trusted(sparql, target, {"x": URIRef(str(ID) + value)}, graph=graph).askAnswer:
            return
    valid = ids_of_kind(param.kind, target, graph=graph)
    kind = "records" if param.kind == "any" else param.kind
    raise UsageError(
        f"query {query.name!r}, parameter {param.name!r}: unknown id {value!r} ({len(valid)} {kind} are known). "
        f"Fix: {_id_hint(value, valid)}"
    )


def _id_hint(value: str, valid: list[str]) -> str:
    """The ids to offer for an unknown one: all when they are few, else those of its kind (its prefix) or close to it."""
    if len(valid) <= 20:
        return f"give one of {', '.join(valid)}."
    same = [v for v in valid if v.startswith(value.split("-")[0] + "-")]
    offered = same if 0 < len(same) <= 20 else difflib.get_close_matches(value, same or valid, n=8, cutoff=0.5)
    return f"did you mean one of {', '.join(offered)}?" if offered else f"give a known id, e.g. {', '.join(valid[:5])}."


def bindings_for(
    query: CannedQuery, params: dict[str, Any], target: KnowledgeGraph | Endpoint | None = None, *, graph: str | None = DEFAULT_GRAPH
) -> dict[str, Any]:
    """Typed, checked SPARQL bindings for the user's parameters (defaults applied).

    With a `target` (the embedded graph or an endpoint, where `graph` is the named graph it
    answers from), each id of a kind is also checked to name a record of that kind there."""
    declared = {p.name: p for p in query.header.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise UsageError(f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {known}.")
    bindings: dict[str, Any] = {}
    for param in query.header.params:
        value = params.get(param.name, param.default)
        if value is None:
            if param.required:
                raise UsageError(f"query {query.name!r} needs parameter {param.name!r}, e.g. -p {param.name}={param.example}.")
            continue
        bindings[param.variable] = _bind(query, param, value)
        if target is not None and param.type == "id" and param.kind is not None:
            _check_id(query, param, str(value), target, graph)
    return bindings


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(sparql: str, bindings: dict[str, Any]) -> str:
    """The query with `VALUES (?a ?b) { (term term) }` opening its top-level WHERE group.

    Terms are written by rdflib's `n3()`, which escapes quotes, backslashes and newlines, so a
    value can never end the literal and add SPARQL of its own.
    """
    if not bindings:
        return sparql
    # blank out comment lines (same length, so offsets still match) before looking for WHERE
    code = "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in sparql.split("\n"))
    match = _WHERE.search(code)
    if match is None:
        raise UsageError("a query with parameters needs a `WHERE {` clause to bind them in.")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({terms}) }}\n"
    return sparql[: match.end()] + block + sparql[match.end() :]


def run_sparql(
    sparql: str,
    target: KnowledgeGraph | Endpoint,
    bindings: dict[str, Any] | None = None,
    *,
    graph: str | None = DEFAULT_GRAPH,
    timeout: float | None = None,
    allow_service: Iterable[str] = (),
) -> Result:
    """Run a read-only SPARQL query, `bindings` bound by VALUES, on the embedded graph (asserted +
    inferred triples) or on a SPARQL endpoint, where `graph` is the named graph it answers from
    (None: the server's default graph).

    On the embedded graph the query makes no request to another server: a SERVICE clause is
    refused (ServiceRefusedError) unless `allow_service` names its host; and it runs for at most
    `timeout` seconds (None: no limit; QueryTimeoutError past it), Ctrl-C stopping the wait at
    once (querylimits says what goes on after). An endpoint's timeout is its own, and SERVICE
    there is that server's request, not this machine's.

    Read-only by construction: the store is asked through its query grammar, which has no
    INSERT or DELETE; only when a text fails it does rdflib's update grammar (slow to load and
    run) tell whether it was an update, for the message. An endpoint is never sent an update.
    """
    if not isinstance(target, KnowledgeGraph):
        return _run_trusted(sparql, target, bindings, graph=graph)
    sparql = with_values(sparql, bindings or {})
    if querylimits.mentions_service(sparql):
        querylimits.ensure_service_allowed(sparql, allow_service, target.prefixes())
    return _on_graph(target, sparql, timeout)


def _run_trusted(
    sparql: str,
    target: KnowledgeGraph | Endpoint,
    bindings: dict[str, Any] | None = None,
    *,
    graph: str | None,
    timeout: float | None = None,
) -> Result:
    """run_sparql for dskg's own text (canned queries, the checks here): it holds no SERVICE (a test
    reads every canned query), so it is not parsed for one."""
    if not isinstance(target, KnowledgeGraph):
        from .endpoint import remote_query

        return remote_query(sparql, target, bindings, graph=graph)
    return _on_graph(target, with_values(sparql, bindings or {}), timeout)


def _answer(kg: KnowledgeGraph, sparql: str, stop: threading.Event) -> Result:
    result = oxigraph_results.query(kg, sparql, stop)
    if result.type == "SELECT" and not isinstance(result, oxigraph_results.StoreResult):
        result.bindings  # noqa: B018 - rdflib evaluates as rows are first read: here, inside the time limit
    return result


def _on_graph(kg: KnowledgeGraph, sparql: str, timeout: float | None) -> Result:
    try:
        return querylimits.run_bounded(lambda stop: _answer(kg, sparql, stop), timeout)
    except SyntaxError as exc:
        ensure_read_only(sparql)
        raise UsageError(f"SPARQL syntax error: {exc}") from None
    except Exception as exc:  # Oxigraph raises its own error types for bad queries
        if type(exc).__module__.startswith(("pyoxigraph", "builtins")):
            ensure_read_only(sparql)
            raise UsageError(f"the query failed: {exc}") from None
        raise


def get_query(name: str) -> CannedQuery:
    queries = catalogue()
    if name not in queries:
        raise UsageError(f"no canned query {name!r}. Available: {', '.join(queries)}.")
    return queries[name]


def run(
    name: str,
    target: KnowledgeGraph | Endpoint,
    params: dict[str, Any] | None = None,
    *,
    graph: str | None = DEFAULT_GRAPH,
    timeout: float | None = None,
) -> Result:
    """Run canned query `name` with typed parameters on the embedded graph or on a SPARQL endpoint.

    The same text, the same checks and the same errors on both (an unknown query, parameter or
    id is a UsageError naming what exists there). `graph` is the named graph an endpoint answers
    from (None: the server's default graph); `timeout` bounds a query on the embedded graph, as in
    run_sparql.
    """
    query = get_query(name)
    return _run_trusted(query.text, target, bindings_for(query, params or {}, target, graph=graph), graph=graph, timeout=timeout)


def run_query(name: str, kg: KnowledgeGraph, params: dict[str, Any] | None = None) -> Result:
    """Run a canned query by name with typed parameters on the embedded graph (`dskg.run_query`)."""
    return run(name, kg, params)


def rows(result: Result) -> list[dict[str, Any]]:
    """SELECT results as plain dicts of Python values (None where unbound), as rdflib's toPython gives them."""
    return oxigraph_results.rows(result)


_STATS = {
    "entities": """
        SELECT ?class (COUNT(DISTINCT ?x) AS ?count) WHERE {
          VALUES ?class { dskg:Advantage dskg:Barrier dskg:DomesticBarrier dskg:InternationalBarrier
                          dskg:Countermeasure dskg:Work dskg:Claim dskg:Statistic dskg:Document dskg:Case
                          dskg:Actor dskg:ServiceSector dskg:Theme dskg:DSTRIArea dskg:Section dskg:QualifiedLink dskg:Problem }
          ?x a ?class } GROUP BY ?class ORDER BY ?class""",
    "links": """
        SELECT ?kind ?basis (COUNT(?link) AS ?count) WHERE {
          ?link a dskg:QualifiedLink ; a ?kind ; dskg:basis ?basis .
          FILTER(?kind != dskg:QualifiedLink && STRSTARTS(STR(?kind), STR(dskg:)))
        } GROUP BY ?kind ?basis ORDER BY ?kind ?basis""",
}


@dataclass
class Stats:
    """What a graph holds: entities per class, qualified links by kind and basis, triple counts."""

    entities: dict[str, int]
    links: dict[tuple[str, str], int]
    triples: dict[str, int]


def stats(kg: KnowledgeGraph) -> Stats:
    def local(term: URIRef) -> str:
        return str(term).rsplit("#", 1)[-1]

    entities = {local(r[0]): int(r[1]) for r in _on_graph(kg, _STATS["entities"], None)}
    links = {(local(r[0]), local(r[1])): int(r[2]) for r in _on_graph(kg, _STATS["links"], None)}
    triples = {
        "ontology": len(kg.ontology),
        "asserted": len(kg.data),
        "inferred": len(kg.inferred),
    }
    return Stats(entities, links, triples)
