"""What a query may do on this machine: SERVICE requests only to the hosts the caller allows, and a bounded time.

Oxigraph answers `SERVICE <iri> { ... }` by sending that pattern to the IRI over HTTP (federation),
from the machine the query runs on. Neither pyoxigraph 0.5 nor the `oxigraph` server has a switch
to turn this off, so a query's text is read before it runs: its SERVICE clauses come from rdflib's
algebra of it (prefixes and BASE resolved, any case, SILENT, inside EXISTS or subqueries), never
from a pattern over the text, and each must name a host that was allowed.

Oxigraph cannot be stopped once it evaluates (pyoxigraph 0.5 has no cancellation), but it releases
the GIL while it does: a query runs in a worker thread that the caller waits for, up to a timeout
and interruptible by Ctrl-C. A stopped query keeps its thread busy until Oxigraph's evaluation ends
(its answer is then dropped) unless it streams rows, which the worker stops reading; the thread is a
daemon, so a process that exits does not wait for it (the CLI exits).
"""

from __future__ import annotations

import threading
import traceback
import urllib.parse
from collections.abc import Callable, Iterable
from typing import TypeVar

from .errors import UsageError
from .fast import threads

T = TypeVar("T")

MAX_QUERY_BYTES = 4_000_000
"""The largest query read from a file or a request (`dskg serve`): a query is kilobytes, and one
that mentions SERVICE is parsed by rdflib, seconds for megabytes."""


class ServiceRefusedError(UsageError):
    """A query holds a SERVICE clause (a request from this machine to another server) to a host not allowed."""


class QueryTimeoutError(UsageError):
    """A query ran past its timeout and was stopped."""


def mentions_service(sparql: str) -> bool:
    """False only when the text cannot hold a SERVICE clause: the word is nowhere in it, in any case,
    nor a \\u escape, which SPARQL expands before parsing (`\\u0053ERVICE` is the keyword). Each
    query that mentions it is parsed; the others, nearly all, cost a string search."""
    lower = sparql.lower()
    return "service" in lower or "\\u" in lower


def service_targets(sparql: str, prefixes: dict[str, str] | None = None) -> list[str]:
    """The IRI of every SERVICE clause of a query (`?name` where a variable names the server), in order.

    Read from rdflib's algebra of the query, `prefixes` being those the store declares for it; a
    text that mentions SERVICE and does not parse is a UsageError (its SERVICE cannot be checked)."""
    if not mentions_service(sparql):
        return []
    from rdflib import Variable
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = translateQuery(parseQuery(sparql), initNs=prefixes or {}).algebra
    except Exception as exc:  # pyparsing's and rdflib's errors, a RecursionError on deep nesting
        raise UsageError(
            f"the query mentions SERVICE and does not parse, so it cannot be checked: {str(exc)[:300]}. "
            "Fix: correct the query's syntax (dskg runs no SERVICE clause unless --allow-service names its host)."
        ) from None
    found: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            found.append(node.term.n3() if isinstance(node.term, Variable) else str(node.term))

    traverse(algebra, visitPre=visit)
    return found


def host_of(value: str) -> str | None:
    """The host an --allow-service value names: a host name, an IP address, host:port or a URL."""
    parts = urllib.parse.urlsplit(value if "://" in value else f"//{value}")
    try:
        parts.port  # noqa: B018 - a port that is not a number makes the value no host
    except ValueError:
        return None
    return parts.hostname


def _service_host(iri: str) -> str | None:
    """The host a SERVICE IRI sends its request to; None unless an absolute http(s) IRI without credentials."""
    parts = urllib.parse.urlsplit(iri)
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc:
        return None
    return host_of(parts.netloc)


def ensure_service_allowed(sparql: str, allow_service: Iterable[str] = (), prefixes: dict[str, str] | None = None) -> None:
    """Refuse (ServiceRefusedError) a query with a SERVICE clause whose host is not in `allow_service`.

    A SERVICE clause makes whoever runs the query send a request to another server: dskg makes none
    unless the caller named the host. A variable as the server, or a relative IRI, is refused always
    (its host is known only as the query runs)."""
    allowed = {host for host in map(host_of, allow_service) if host}
    for target in service_targets(sparql, prefixes):
        host = None if target.startswith("?") else _service_host(target)
        if host is not None and host in allowed:
            continue
        shown = target if target.startswith("?") else f"<{target}>"
        if host is None:
            fix = "name the server by an absolute http(s) IRI, and allow its host with --allow-service HOST"
        else:
            fix = f"allow that host with --allow-service {host} (library: allow_service=[{host!r}]), or remove the SERVICE clause"
        raise ServiceRefusedError(
            f"refused: SERVICE {shown} would send a request from this machine to another server; "
            f"dskg's queries make none unless --allow-service names its host. Fix: {fix}."
        )


def seconds(timeout: float | None) -> float | None:
    """A timeout checked: a number of seconds above 0, or None (no limit) for None, infinity or more than a thread can wait."""
    if timeout is not None and not timeout > 0:
        raise UsageError(f"the timeout (--timeout) must be a number of seconds above 0, not {timeout!r}.")
    return None if timeout is None or timeout >= threading.TIMEOUT_MAX else timeout


def run_bounded(work: Callable[[threading.Event], T], timeout: float | None = None) -> T:
    """`work(stop)` run in a worker thread and waited for up to `timeout` seconds (None: no limit).

    Past the timeout: QueryTimeoutError. Ctrl-C while waiting: the KeyboardInterrupt passes on at
    once. Either way `stop` is set, for `work` to check between rows; what it returns is dropped."""
    timeout = seconds(timeout)
    outcome: dict[str, object] = {}
    stop = threading.Event()

    def worker() -> None:
        try:
            outcome["value"] = work(stop)
        except BaseException as exc:  # handed to the waiting thread, which raises it
            _drop_locals(exc)
            outcome["error"] = exc

    started = threads.on_a_thread(worker)
    try:
        finished = started.wait(timeout)
    except BaseException:
        stop.set()
        raise
    if not finished:
        stop.set()
        raise QueryTimeoutError(
            f"query stopped after {timeout:g} s: a SERVICE it calls may not be answering, or it joins patterns that share "
            "no variable (a cartesian product). Fix: raise --timeout or narrow the query (more specific patterns, a LIMIT)."
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _drop_locals(exc: BaseException | None) -> None:
    """Free, in this thread, what the frames of an error's traceback hold: pyoxigraph's answers may
    only be dropped by the thread that made them (elsewhere they leak, with a warning on stderr)."""
    while exc is not None:
        if exc.__traceback__ is not None:
            traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def still_running() -> bool:
    """Whether a query that was given up on (timeout, Ctrl-C) still runs in its worker thread."""
    return threads.running()
