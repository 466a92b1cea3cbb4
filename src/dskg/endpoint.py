"""Remote SPARQL endpoints: push the graph (Graph Store Protocol, or SPARQL Update), query it.

Speaks only the W3C standards (SPARQL 1.1 Protocol, Graph Store HTTP Protocol, Update), so any
server works (Oxigraph, Fuseki, GraphDB, Virtuoso...); what one server needs beyond them lives
in a module of its own (virtuoso.py), asked from the few places marked "server seam" below.
Store and update URLs are derived for servers whose layout is known and can always be given.
HTTP itself (credentials, the deadline of each request, the cap on an answer's size) is
httpclient.py's. Every fault becomes one EndpointError line naming the endpoint and the cause,
and push reports success only once the server's own count of the graph matches what was sent.
"""

from __future__ import annotations

import io
import math
import re
import urllib.parse
from dataclasses import dataclass, replace
from typing import Any

from rdflib.query import Result

from . import DEFAULT_GRAPH, virtuoso
from .errors import EndpointError
from .graph import KnowledgeGraph
from .httpclient import CREDENTIALS, Answer, Http, where
from .publish import serialize
from .queries import ensure_read_only, with_values
from .sparql_update import update_in_batches

MAX_BYTES = 256_000_000
"""The largest answer read by default (--max-bytes): a runaway query's answer stops there, not in swap."""


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server's URLs, how long one request may take in all and how large an answer may be; `query` is what users give."""

    query: str
    store: str | None = None
    update: str | None = None
    timeout: float = 30.0
    given: frozenset[str] = frozenset()
    """Which of store/update the user gave; the others are guesses from the path that the server's own answer may correct."""
    max_bytes: int = MAX_BYTES

    @classmethod
    def from_url(
        cls, query: str, *, store: str | None = None, update: str | None = None, timeout: float = 30.0, max_bytes: int = MAX_BYTES
    ) -> Endpoint:
        """Derive the Graph Store and update URLs for known layouts.

        Oxigraph serves `/query` (or `/sparql`), `/update`, `/store` at the root; Fuseki serves
        `/<dataset>/query` (or `/sparql`), `/<dataset>/update`, `/<dataset>/data`. Virtuoso
        also serves `/sparql` at the root, so its URLs cannot be told from the path: `push`
        recognises it by its answer and uses its own endpoints (see virtuoso.py).
        """
        _check_limits(timeout, max_bytes)
        parts = _checked_url(query)
        for url in (store, update):
            if url:
                _checked_url(url)
        segments = [s for s in parts.path.split("/") if s]
        derived_store = derived_update = None
        if segments and segments[-1] in ("query", "sparql"):
            base = "/".join(segments[:-1])
            prefix = f"{parts.scheme}://{parts.netloc}/{base + '/' if base else ''}"
            derived_update = prefix + "update"
            derived_store = prefix + ("store" if not base else "data")
        given = frozenset(name for name, url in (("store", store), ("update", update)) if url)
        return cls(query, store or derived_store, update or derived_update, timeout, given, max_bytes)


def _check_limits(timeout: float, max_bytes: int) -> None:
    if not (math.isfinite(timeout) and timeout > 0):
        raise EndpointError(f"--timeout must be a number of seconds above 0, not {timeout:g}; e.g. --timeout 30")
    if max_bytes <= 0:
        raise EndpointError(f"--max-bytes must be above 0, not {max_bytes}; e.g. --max-bytes {MAX_BYTES}")


def _checked_url(url: str) -> urllib.parse.SplitResult:
    """An http(s) URL without credentials in it: a malformed one is refused in one line, and a
    password in the URL is never printed (nor sent: dskg takes credentials from the environment)."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as exc:
        raise EndpointError(
            f"{url}: not a valid URL ({exc}). Fix: give the server's SPARQL query URL, e.g. http://127.0.0.1:7878/query"
        ) from None
    if parts.username is not None or parts.password is not None:
        shown = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
        raise EndpointError(
            f"{shown}: the URL carries credentials (shown here without them). "
            f"Fix: give the URL without `user:password@` and set {CREDENTIALS}"
        )
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{url}: not an http(s) URL. Fix: give the server's SPARQL query URL, e.g. http://127.0.0.1:7878/query")
    return parts


@dataclass
class PushResult:
    graph: str
    triples: int
    method: str  # "graph-store" or "update"


def push(kg: KnowledgeGraph, endpoint: Endpoint, *, graph: str = DEFAULT_GRAPH, inferred: bool = True) -> PushResult:
    """Replace one named graph on the server with the graph (ontology + data, + inferred).

    Uses the Graph Store Protocol (PUT replaces the graph whole, so a failed upload leaves the old
    graph); where the server has no Graph Store endpoint, SPARQL Update into a fresh staging graph,
    in batches the server takes, then one MOVE onto the graph (again, a failure leaves the old one).
    Then the server counts the graph through its query URL: a success status alone is no proof
    (a page that is no SPARQL server answers 200 with HTML), so a count other than the triples sent
    is an EndpointError naming what the server answered.
    """
    if not _IRI.fullmatch(graph):
        raise EndpointError(f"--graph {graph!r} is not an absolute IRI. Fix: give one such as {DEFAULT_GRAPH}")
    body = serialize(kg, "nt", inferred=inferred)
    count = body.count(b"\n")
    http = Http(endpoint.query, endpoint.timeout, endpoint.max_bytes)
    http.identify(endpoint.query)
    is_virtuoso = virtuoso.recognises(http.server)  # server seam: its own endpoint paths and update limits
    if is_virtuoso:
        store, update = virtuoso.endpoints(endpoint.query, authenticated=http.credentials is not None)
        endpoint = replace(endpoint, **{name: url for name, url in (("store", store), ("update", update)) if name not in endpoint.given})
    answer = _put(http, endpoint, graph, body) if endpoint.store else None
    if answer is not None:
        _confirm(endpoint, graph, count, f"{where(endpoint.store)} answered the upload with {answer}")
        return PushResult(graph, count, "graph-store")
    if not endpoint.update:
        raise EndpointError(f"{endpoint.query}: no Graph Store or update URL known for this server. Fix: give --store URL or --update URL")
    answer = update_in_batches(http, endpoint.update, graph, body, virtuoso.LIMITS if is_virtuoso else virtuoso.STANDARD_LIMITS)
    _confirm(endpoint, graph, count, f"{where(endpoint.update)} answered the update's MOVE with {answer}")
    return PushResult(graph, count, "update")


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


def _put(http: Http, endpoint: Endpoint, graph: str, body: bytes) -> Answer | None:
    """The Graph Store's answer to the PUT, or None where the server has none there and an update URL is known."""
    url = f"{endpoint.store}?{urllib.parse.urlencode({'graph': graph})}"
    try:
        return http.write(url, method="PUT", data=body, headers={"Content-Type": "application/n-triples"})
    except EndpointError as exc:
        if not endpoint.update or exc.status not in (404, 405, 501):
            raise
    return None


def _confirm(endpoint: Endpoint, graph: str, sent: int, answered: str) -> None:
    """The server's count of the pushed graph, read back through its query URL, must be the triples sent."""
    counting = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    try:
        result = remote_query(counting, endpoint, graph=None)
        rows = list(result) if result.type == "SELECT" else []
        found = rows[0][0].toPython() if rows and rows[0][0] is not None else None
    except EndpointError as exc:
        raise EndpointError(f"{answered}, but push cannot confirm the server took the graph: counting it failed: {exc}") from None
    if found != sent:
        raise EndpointError(
            f"{answered}, but the server counts {found if isinstance(found, int) else repr(found)} triples in <{graph}>, "
            f"not the {sent} sent: it did not take the graph. Fix: check --endpoint, --store and --update are this server's URLs"
        )


# `*/*` last: a URL that is no SPARQL endpoint answers with what it has (an HTML page), which
# reads as "did not answer with SPARQL results", rather than with 406 Not Acceptable. N-Triples
# before Turtle: Virtuoso's Turtle writes a whole xsd:decimal as a bare integer (see virtuoso.py)
_ACCEPT = {
    False: "application/sparql-results+json, application/sparql-results+xml;q=0.5, */*;q=0.1",  # SELECT, ASK
    True: "application/n-triples, text/turtle;q=0.9, */*;q=0.1",  # CONSTRUCT, DESCRIBE
}
_FORMATS = {
    False: {"application/sparql-results+json": "json", "application/json": "json", "application/sparql-results+xml": "xml"},
    True: {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle"},
}
"""The answer's content type -> rdflib's format name, for results and for graphs."""


def _graph_form(sparql: str) -> bool:
    """Whether the query is a CONSTRUCT or DESCRIBE (its answer a graph); one that does not parse
    goes as a SELECT, for the server to report the syntax error."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(sparql)[1].name.upper().startswith(("CONSTRUCT", "DESCRIBE"))
    except Exception:
        return False


def remote_query(sparql: str, endpoint: Endpoint, bindings: dict[str, Any] | None = None, *, graph: str | None = DEFAULT_GRAPH) -> Result:
    """Run a read-only query on the server (SPARQL 1.1 Protocol), parameters bound as locally.

    `graph` becomes the protocol's default-graph-uri (the graph `push` wrote); None queries the
    server's own default graph. Transient faults are retried within the endpoint's timeout.
    """
    ensure_read_only(sparql)
    text = with_values(sparql, bindings or {})
    graph_answer = _graph_form(text)
    fields = [("query", text)] + ([("default-graph-uri", graph)] if graph else [])
    http = Http(endpoint.query, endpoint.timeout, endpoint.max_bytes)
    body, headers = http.read(endpoint.query, urllib.parse.urlencode(fields).encode("utf-8"), _ACCEPT[graph_answer])
    at = endpoint.query
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    reader = _FORMATS[graph_answer].get(content_type)
    if reader is None:
        raise EndpointError(f"{at}: did not answer with SPARQL results (content type {content_type or 'none'}); is this the query URL?")
    cut = virtuoso.rows_cut(headers) if virtuoso.recognises(headers.get("Server")) else None  # server seam
    if cut is not None:
        raise EndpointError(
            f"{at}: Virtuoso cut the answer at {cut} rows (its ResultSetMaxRows). "
            "Fix: raise [SPARQL] ResultSetMaxRows in its virtuoso.ini, or page with LIMIT/OFFSET"
        )
    try:
        if not graph_answer:
            result = Result.parse(io.BytesIO(body), format=reader)
            if result.type == "SELECT":
                result.bindings = list(result.bindings)
            return result
        from rdflib import Graph

        result = Result("CONSTRUCT")
        result.graph = Graph().parse(data=body.decode("utf-8"), format=reader)
        return result
    except Exception:
        raise EndpointError(f"{at}: the answer is not valid SPARQL results ({body[:80]!r})") from None
