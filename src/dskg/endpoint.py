"""Remote SPARQL endpoints: push the graph (Graph Store Protocol, or SPARQL Update), query it.

Speaks only the W3C standards (SPARQL 1.1 Protocol, Graph Store HTTP Protocol, Update), so any
server works (Oxigraph, Fuseki, GraphDB, Virtuoso...); what one server needs beyond them lives
in a module of its own (virtuoso.py), asked from the few places marked "server seam" below.
Store and update URLs are derived for servers whose layout is known and can always be given.
Credentials come from DSKG_ENDPOINT_USER / DSKG_ENDPOINT_PASSWORD or ~/.netrc, are sent only
when the server asks (HTTP Basic or Digest, whichever it challenges with), and are never
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
from dataclasses import dataclass, replace
from typing import Any

from rdflib.query import Result

from . import DEFAULT_GRAPH, virtuoso
from .errors import EndpointError
from .graph import KnowledgeGraph
from .publish import serialize
from .queries import ensure_read_only, with_values
from .sparql_update import update_in_batches

READ_RETRIES = 3
_TRANSIENT = (502, 503, 504)
"""Statuses a read is retried on: a proxy or an overloaded server, not the query itself."""


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL server's URLs and how long to wait for it; `query` is what users give."""

    query: str
    store: str | None = None
    update: str | None = None
    timeout: float = 30.0
    given: frozenset[str] = frozenset()
    """Which of store/update the user gave; the others are guesses from the path that the server's own answer may correct."""

    @classmethod
    def from_url(cls, query: str, *, store: str | None = None, update: str | None = None, timeout: float = 30.0) -> Endpoint:
        """Derive the Graph Store and update URLs for known layouts.

        Oxigraph serves `/query` (or `/sparql`), `/update`, `/store` at the root; Fuseki serves
        `/<dataset>/query` (or `/sparql`), `/<dataset>/update`, `/<dataset>/data`. Virtuoso
        also serves `/sparql` at the root, so its URLs cannot be told from the path: `push`
        recognises it by its answer and uses its own endpoints (see virtuoso.py).
        """
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
        return cls(query, store or derived_store, update or derived_update, timeout, given)


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
            f"Fix: give the URL without `user:password@` and set {_CREDENTIALS}"
        )
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{url}: not an http(s) URL. Fix: give the server's SPARQL query URL, e.g. http://127.0.0.1:7878/query")
    return parts


def _credentials(url: str) -> tuple[str, str] | None:
    user, password = os.environ.get("DSKG_ENDPOINT_USER"), os.environ.get("DSKG_ENDPOINT_PASSWORD")
    if user:
        return user, password or ""
    try:
        found = netrc.netrc().authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None
    return (found[0], found[2] or "") if found else None


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """urllib's Digest handler, remembering the last challenge so a large body can go once, signed."""

    challenge: str | None = None

    def retry_http_digest_auth(self, req, auth):
        self.challenge = auth
        return super().retry_http_digest_auth(req, auth)

    def sign(self, request: urllib.request.Request) -> None:
        params = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(self.challenge.split(" ", 1)[1])))
        authorization = self.get_authorization(request, params)
        if authorization:
            request.add_unredirected_header("Authorization", f"Digest {authorization}")


class _Basic(urllib.request.HTTPBasicAuthHandler):
    """urllib's Basic handler, remembering that the server asked for Basic."""

    asked = False

    def retry_http_basic_auth(self, host, req, realm):
        self.asked = True
        return super().retry_http_basic_auth(host, req, realm)


def _where(url: str) -> str:
    return urllib.parse.urlsplit(url)._replace(query="").geturl()


class _Http:
    """HTTP to one server, answering its Basic or Digest challenge with the configured credentials.

    urllib answers a challenge by sending the request again; a server that refuses an
    unauthenticated request may close the connection before reading a large body (Virtuoso
    does), so before writing to a URL we HEAD it, answer the challenge that brings, and send
    the body with credentials from the start.
    """

    def __init__(self, url: str, timeout: float):
        self.timeout = timeout
        self.credentials = _credentials(url)
        self.server = ""  # the last answer's Server header
        self._probed: set[str] = set()
        self._digest: _Digest | None = None
        self._basic: _Basic | None = None
        handlers: list[urllib.request.BaseHandler] = []
        if self.credentials:
            parts = urllib.parse.urlsplit(url)
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", *self.credentials)
            self._digest, self._basic = _Digest(passwords), _Basic(passwords)
            handlers = [self._digest, self._basic]
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def user(self) -> str | None:
        return self.credentials[0] if self.credentials else None

    def identify(self, url: str) -> str:
        """The server's `Server` header, from a HEAD of `url` (reachability is checked on the way)."""
        self._head(url)
        return self.server

    def _head(self, url: str) -> urllib.error.HTTPError | None:
        """HEAD `url`: None, or the error status it answered; either names the server (`self.server`)."""
        try:
            with self._opener.open(urllib.request.Request(url, method="HEAD"), timeout=self.timeout) as response:
                self.server = response.headers.get("Server", "")
        except urllib.error.HTTPError as exc:
            self.server = exc.headers.get("Server", "") if exc.headers else ""
            return exc
        except (ValueError, OSError) as exc:
            raise self._failure(url, exc) from None
        return None

    def write(self, url: str, *, method: str, data: bytes, headers: dict[str, str]) -> bytes:
        """One write request (never retried: a write must not be repeated blindly); returns the body."""
        if self.credentials and _where(url) not in self._probed:
            self._answer_challenge(url)
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        if self._digest and self._digest.challenge:
            self._digest.sign(request)
        elif self._basic and self._basic.asked:
            request.add_unredirected_header("Authorization", "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode())
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                self.server = response.headers.get("Server", "")
                return response.read()
        except (ValueError, OSError) as exc:
            if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, (ConnectionResetError, BrokenPipeError)):
                raise EndpointError(
                    f"{_where(url)}: the server closed the connection while receiving {len(data) / 1e6:.1f} MB "
                    "(it may limit request sizes, or want credentials: DSKG_ENDPOINT_USER and DSKG_ENDPOINT_PASSWORD)"
                ) from None
            raise self._failure(url, exc) from None

    def read(self, url: str, data: bytes, accept: str) -> tuple[bytes, Any]:
        """A query (POST, form-encoded), retried READ_RETRIES times on transient faults.

        By hand, not SPARQLWrapper 2.0 (tried): its exceptions drop the answer's headers (the 401's
        scheme, Virtuoso's Server), it answers Digest only through a process-wide urllib opener that
        keeps the credentials, sends no empty password, and its own query-form guess takes a commented
        SELECT for an update; what would remain of it is the form encoding above.
        """
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        for attempt in range(READ_RETRIES):
            last = attempt + 1 == READ_RETRIES
            try:
                with self._opener.open(
                    urllib.request.Request(url, data=data, headers=headers, method="POST"), timeout=self.timeout
                ) as response:
                    self.server = response.headers.get("Server", "")
                    return response.read(), response.headers
            except urllib.error.HTTPError as exc:
                if last or exc.code not in _TRANSIENT:
                    raise self._failure(url, exc, reading=True) from None
            except (ValueError, OSError) as exc:
                # a connection dropped midway is worth another try; a refusal or a timeout (the
                # user's --timeout) is not
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                if last or not isinstance(reason, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
                    raise self._failure(url, exc) from None
            time.sleep(0.3 * (attempt + 1))
        raise AssertionError("unreachable")

    def _answer_challenge(self, url: str) -> None:
        """HEAD the write URL: its challenge is answered now, and wrong credentials fail before any upload."""
        self._probed.add(_where(url))
        refused = self._head(url)
        # any other status: the server may not do HEAD here (Virtuoso's GSP answers 501); the write will tell
        if refused is not None and refused.code == 401:
            raise self._failure(url, refused)

    def _failure(self, url: str, exc: BaseException, *, reading: bool = False) -> EndpointError:
        """The one-line EndpointError for a failed request."""
        where = _where(url)
        if isinstance(exc, urllib.error.HTTPError):
            return self._refusal(where, exc, reading)
        if isinstance(exc, ValueError):  # urllib's auth handlers meet a scheme they do not speak
            return EndpointError(
                f"{where}: the server asks for an authentication dskg does not speak ({exc}); dskg answers Basic and Digest"
            )
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError):
            return EndpointError(f"{where}: no answer within {self.timeout:g} s (raise --timeout if the server is slow)")
        if isinstance(exc, urllib.error.URLError):
            return EndpointError(f"{where}: cannot reach the endpoint ({getattr(reason, 'strerror', None) or reason})")
        return EndpointError(f"{where}: the connection failed ({exc})")

    def _refusal(self, where: str, exc: urllib.error.HTTPError, reading: bool) -> EndpointError:
        """The EndpointError for an HTTP error status: its cause, and the fix where it is known."""
        try:
            text = " ".join(exc.read()[:2000].decode("utf-8", "replace").split())
        except OSError:
            text = ""
        server = exc.headers.get("Server", "") if exc.headers else ""
        # server seam: a server's own error codes, turned into the fix
        fix = virtuoso.explain(text, user=self.user) if virtuoso.recognises(server) else None
        if exc.code == 401:
            wanted = "check" if self.credentials else "the server wants an account; set"
            return EndpointError(f"{where}: credentials refused (HTTP 401){';' if self.credentials else ':'} {wanted} {_CREDENTIALS}", 401)
        if fix:
            return EndpointError(f"{where}: HTTP {exc.code}; {fix}", exc.code)
        if exc.code == 403:
            return EndpointError(f"{where}: refused (HTTP 403); the account may not {'read' if reading else 'write'} there", 403)
        if exc.code == 404 and reading:
            return EndpointError(f"{where}: no SPARQL endpoint at this URL (HTTP 404); is this the query URL?", 404)
        if exc.code == 400 and reading:
            return EndpointError(f"{where}: the server rejected the query (HTTP 400): {text[:200]}", 400)
        return EndpointError(f"{where}: the server answered HTTP {exc.code} {exc.reason}: {text[:200]}".rstrip(": "), exc.code)


_CREDENTIALS = "DSKG_ENDPOINT_USER and DSKG_ENDPOINT_PASSWORD (or ~/.netrc)"


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
    """
    body = serialize(kg, "nt", inferred=inferred)
    count = body.count(b"\n")
    http = _Http(endpoint.query, endpoint.timeout)
    http.identify(endpoint.query)
    is_virtuoso = virtuoso.recognises(http.server)  # server seam: its own endpoint paths and update limits
    if is_virtuoso:
        store, update = virtuoso.endpoints(endpoint.query, authenticated=http.credentials is not None)
        endpoint = replace(endpoint, **{name: url for name, url in (("store", store), ("update", update)) if name not in endpoint.given})
    if endpoint.store:
        url = f"{endpoint.store}?{urllib.parse.urlencode({'graph': graph})}"
        try:
            http.write(url, method="PUT", data=body, headers={"Content-Type": "application/n-triples"})
            return PushResult(graph, count, "graph-store")
        except EndpointError as exc:
            if not endpoint.update or exc.status not in (404, 405, 501):
                raise
    if not endpoint.update:
        raise EndpointError(f"{endpoint.query}: no Graph Store or update URL known for this server. Fix: give --store URL or --update URL")
    update_in_batches(http, endpoint.update, graph, body, virtuoso.LIMITS if is_virtuoso else virtuoso.STANDARD_LIMITS)
    return PushResult(graph, count, "update")


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
    server's own default graph. Transient faults are retried READ_RETRIES times.
    """
    ensure_read_only(sparql)
    text = with_values(sparql, bindings or {})
    graph_answer = _graph_form(text)
    fields = [("query", text)] + ([("default-graph-uri", graph)] if graph else [])
    http = _Http(endpoint.query, endpoint.timeout)
    body, headers = http.read(endpoint.query, urllib.parse.urlencode(fields).encode("utf-8"), _ACCEPT[graph_answer])
    where = endpoint.query
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    reader = _FORMATS[graph_answer].get(content_type)
    if reader is None:
        raise EndpointError(f"{where}: did not answer with SPARQL results (content type {content_type or 'none'}); is this the query URL?")
    cut = virtuoso.rows_cut(headers) if virtuoso.recognises(headers.get("Server")) else None  # server seam
    if cut is not None:
        raise EndpointError(
            f"{where}: Virtuoso cut the answer at {cut} rows (its ResultSetMaxRows). "
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
        raise EndpointError(f"{where}: the answer is not valid SPARQL results ({body[:80]!r})") from None
