"""Remote SPARQL endpoints: push the graph (Graph Store Protocol, or SPARQL Update), query it.

Speaks only the W3C standards, so any server works (Oxigraph, Fuseki, GraphDB, Virtuoso...).
Store and update URLs are derived for servers whose layout is known and can always be given.
Credentials come from DSKG_ENDPOINT_USER / DSKG_ENDPOINT_PASSWORD or ~/.netrc, and are never
printed. Every fault becomes one EndpointError line naming the endpoint and the cause.
"""

from __future__ import annotations

import base64
import io
import netrc
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from rdflib.query import Result

from .errors import DskgError
from .graph import KnowledgeGraph
from .publish import serialize
from .queries import ensure_read_only, with_values

DEFAULT_GRAPH = "https://w3id.org/dskg/graph/dskg"
"""The named graph `push` replaces unless told another."""

READ_RETRIES = 3


class EndpointError(DskgError):
    """The endpoint cannot be reached, refuses, or does not answer as a SPARQL server."""

    exit_code = 2


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server's URLs and how to authenticate; `query` is what users give."""

    query: str
    store: str | None = None
    update: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_url(cls, query: str, *, store: str | None = None, update: str | None = None, timeout: float = 30.0) -> Endpoint:
        """Derive the Graph Store and update URLs for known layouts.

        Oxigraph serves `/query`, `/update`, `/store` at the root; Fuseki serves
        `/<dataset>/query` (or `/sparql`), `/<dataset>/update`, `/<dataset>/data`.
        """
        parts = urllib.parse.urlsplit(query)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise EndpointError(f"{query}: not an http(s) URL. Fix: give the server's SPARQL query URL, e.g. http://127.0.0.1:7878/query")
        segments = [s for s in parts.path.split("/") if s]
        derived_store = derived_update = None
        if segments and segments[-1] in ("query", "sparql"):
            base = "/".join(segments[:-1])
            prefix = f"{parts.scheme}://{parts.netloc}/{base + '/' if base else ''}"
            derived_update = prefix + "update"
            derived_store = prefix + ("store" if not base else "data")
        return cls(query, store or derived_store, update or derived_update, timeout)


def _credentials(url: str) -> tuple[str, str] | None:
    user, password = os.environ.get("DSKG_ENDPOINT_USER"), os.environ.get("DSKG_ENDPOINT_PASSWORD")
    if user:
        return user, password or ""
    try:
        found = netrc.netrc().authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None
    return (found[0], found[2] or "") if found else None


def _send(url: str, *, method: str, data: bytes, headers: dict[str, str], timeout: float) -> bytes:
    """One write request (never retried: a write must not be repeated blindly); returns the body."""
    headers = dict(headers)
    creds = _credentials(url)
    if creds:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
    where = urllib.parse.urlsplit(url)._replace(query="").geturl()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method), timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            hint = "set DSKG_ENDPOINT_USER and DSKG_ENDPOINT_PASSWORD (or ~/.netrc)" if exc.code == 401 else "the account may not write there"
            raise EndpointError(f"{where}: credentials refused (HTTP {exc.code}); {hint}") from None
        body = " ".join(exc.read()[:200].decode("utf-8", "replace").split())
        raise EndpointError(f"{where}: the server answered HTTP {exc.code} {exc.reason}: {body}") from None
    except TimeoutError:
        raise EndpointError(f"{where}: no answer within {timeout:g} s (raise --timeout if the server is slow)") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise EndpointError(f"{where}: no answer within {timeout:g} s (raise --timeout if the server is slow)") from None
        raise EndpointError(f"{where}: cannot reach the endpoint ({getattr(exc.reason, 'strerror', None) or exc.reason})") from None
    except OSError as exc:
        raise EndpointError(f"{where}: the connection failed ({exc})") from None


@dataclass
class PushResult:
    graph: str
    triples: int
    method: str  # "graph-store" or "update"


def push(kg: KnowledgeGraph, endpoint: Endpoint, *, graph: str = DEFAULT_GRAPH, inferred: bool = True) -> PushResult:
    """Replace one named graph on the server with the graph (ontology + data, + inferred).

    Uses the Graph Store Protocol (PUT replaces the graph whole, so a failed upload leaves the old
    graph); where the server has no Graph Store endpoint, one SPARQL Update request
    (DROP SILENT GRAPH + INSERT DATA).
    """
    body = serialize(kg, "nt", inferred=inferred)
    count = body.count(b"\n")
    if endpoint.store:
        url = f"{endpoint.store}?{urllib.parse.urlencode({'graph': graph})}"
        try:
            _send(url, method="PUT", data=body, headers={"Content-Type": "application/n-triples"}, timeout=endpoint.timeout)
            return PushResult(graph, count, "graph-store")
        except EndpointError as exc:
            if not endpoint.update or not any(code in str(exc) for code in ("HTTP 404", "HTTP 405", "HTTP 501")):
                raise
    if not endpoint.update:
        raise EndpointError(f"{endpoint.query}: no Graph Store or update URL known for this server. Fix: give --store URL or --update URL")
    update = f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body.decode('utf-8')}}} }}"
    _send(endpoint.update, method="POST", data=update.encode("utf-8"), headers={"Content-Type": "application/sparql-update"}, timeout=endpoint.timeout)
    return PushResult(graph, count, "update")


_ACCEPT = {
    "SELECT": "application/sparql-results+json",
    "ASK": "application/sparql-results+json",
    "CONSTRUCT": "application/n-triples",
    "DESCRIBE": "application/n-triples",
}


def _query_form(sparql: str) -> str:
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(sparql)
    except Exception:
        return "SELECT"  # let the server report the syntax error
    name = parsed[1].name.upper()
    for form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        if name.startswith(form):
            return form
    return "SELECT"


def remote_query(sparql: str, endpoint: Endpoint, bindings: dict[str, Any] | None = None, *, graph: str | None = DEFAULT_GRAPH) -> Result:
    """Run a read-only query on the server through SPARQLWrapper, parameters bound as locally.

    `graph` becomes the protocol's default-graph-uri (the graph `push` wrote); None queries the
    server's own default graph. Transient faults are retried READ_RETRIES times.
    """
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, EndPointNotFound, QueryBadFormed, Unauthorized

    ensure_read_only(sparql)
    text = with_values(sparql, bindings or {})
    # SPARQLWrapper guesses the query form from the text; comment lines (the #+ header) mislead it
    text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("#"))
    form = _query_form(text)
    client = SPARQLWrapper(endpoint.query)
    client.setQuery(text)
    client.setMethod(POST)
    client.setTimeout(max(1, round(endpoint.timeout)))
    client.addCustomHttpHeader("Accept", _ACCEPT[form])
    if graph:
        client.addDefaultGraph(graph)
    creds = _credentials(endpoint.query)
    if creds:
        client.setCredentials(*creds)
    where = endpoint.query
    for attempt in range(READ_RETRIES):
        try:
            response = client.query().response
            body, content_type = response.read(), response.headers.get("Content-Type", "")
            break
        except Unauthorized:
            raise EndpointError(f"{where}: credentials refused (HTTP 401); set DSKG_ENDPOINT_USER and DSKG_ENDPOINT_PASSWORD (or ~/.netrc)") from None
        except QueryBadFormed as exc:
            raise EndpointError(f"{where}: the server rejected the query (HTTP 400): {' '.join(str(exc).split())[:200]}") from None
        except EndPointNotFound:
            raise EndpointError(f"{where}: no SPARQL endpoint at this URL (HTTP 404); is this the query URL?") from None
        except EndPointInternalError as exc:
            if attempt + 1 == READ_RETRIES:
                raise EndpointError(f"{where}: the server failed (HTTP 500): {' '.join(str(exc).split())[:200]}") from None
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"{where}: the server answered HTTP {exc.code} {exc.reason}") from None
        except TimeoutError:
            if attempt + 1 == READ_RETRIES:
                raise EndpointError(f"{where}: no answer within {endpoint.timeout:g} s (raise --timeout if the server is slow)") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                if attempt + 1 == READ_RETRIES:
                    raise EndpointError(f"{where}: no answer within {endpoint.timeout:g} s (raise --timeout if the server is slow)") from None
            elif attempt + 1 == READ_RETRIES:
                raise EndpointError(f"{where}: cannot reach the endpoint ({getattr(exc.reason, 'strerror', None) or exc.reason})") from None
        except (ConnectionError, OSError) as exc:
            if attempt + 1 == READ_RETRIES:
                raise EndpointError(f"{where}: the connection failed ({exc})") from None
        time.sleep(0.3 * (attempt + 1))
    expected = "json" if form in ("SELECT", "ASK") else "n-triples"
    if expected not in content_type and not (expected == "n-triples" and "turtle" in content_type):
        raise EndpointError(f"{where}: did not answer with SPARQL results (content type {content_type or 'none'}); is this the query URL?")
    try:
        if form in ("SELECT", "ASK"):
            result = Result.parse(io.BytesIO(body), format="json")
            if result.type == "SELECT":
                result.bindings = list(result.bindings)
            return result
        from rdflib import Graph

        result = Result("CONSTRUCT")
        result.graph = Graph().parse(data=body.decode("utf-8"), format="nt")
        return result
    except Exception:
        raise EndpointError(f"{where}: the answer is not valid SPARQL results ({body[:80]!r})") from None
