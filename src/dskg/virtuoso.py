"""What OpenLink Virtuoso needs that the SPARQL standards do not say, kept in this one place.

endpoint.py speaks the W3C protocols and asks this module only three things: is the server a
Virtuoso, where are its Graph Store and update endpoints, and what does its error mean. A
Virtuoso is recognised by its own answer (every response carries `Server: Virtuoso/...`), never
by port or path: Oxigraph also serves `/sparql` at the root, and 8890 is just a default.

Measured on Virtuoso 7.2.5 (Debian's virtuoso-opensource):
- Endpoints: `/sparql` answers anyone (reads; writes only if the SPARQL account may),
  `/sparql-auth` queries and updates with HTTP Digest auth, `/sparql-graph-crud` and
  `/sparql-graph-crud-auth` are the Graph Store Protocol, the latter with Digest auth.
- Its GSP takes a whole PUT (250 MB, 1.4 million triples in one request), so push uses it.
- Its SPARQL compiler, not the protocol, limits updates: one request of more than about 5,000
  triple lines stops with "SP030 ... memory exhausted", its generated SQL is capped at 10,000
  lines ("SP031", about 1,300 triples when constants are compiled into SQL), a request body at
  10 MB ("HT057"), and it refuses blank nodes in INSERT DATA ("SP031 ... constant clause";
  endpoint.py sends those triples as INSERT ... WHERE {}, which is standard everywhere).
- Where [SPARQL] MaxQueryCostEstimationTime is set (Debian's virtuoso.ini sets 400), its
  endpoint estimates each query's cost first and refuses those over the limit ("The estimated
  execution time ... exceeds the limit"), and prefixes every request with
  `define sql:big-data-const 0` (libsrc/Wi/sparql_io.sql), which is what caps INSERT DATA at
  about 1,300 triples (0.25-0.35 s a request of 1,000; without the setting, 0.04 s and 4,900
  triples). `define sql:big-data-const 1` in our requests would lift that cap, but then an
  account without write permission gets "SP031 ... not translated to an accurate SQL text"
  instead of the permission error, so we send batches of 1,000 and no pragma. The estimates
  are far off (574 to 1,140 s for canned queries that run in milliseconds on 15,000 triples,
  once a parameter's VALUES block is in), and OpenLink advises commenting the setting out: it
  is for debugging (openlink/virtuoso-opensource#1395, #535). explain() says so.
- It answers in the format the request's `format`/`output` parameter names, whatever the Accept
  header says (SPARQLWrapper sends `format=xml` with every request: HTTP 406); endpoint.py sends
  only the protocol's `query` and `default-graph-uri`.
- Its Turtle writer writes a whole xsd:decimal as a bare number ("10"^^xsd:decimal reads back as an
  xsd:integer 10); its N-Triples keeps the datatype, so endpoint.py asks for N-Triples first.
- A SELECT answer is cut at [SPARQL] ResultSetMaxRows of its virtuoso.ini (10,000 by default),
  marked only by an `X-SPARQL-MaxRows` header.
- Accounts: dba may do anything; another account needs the SPARQL_UPDATE role to write, and,
  where graph-level security is on, write permission (DB.DBA.RDF_DEFAULT_USER_PERMS_SET, run in
  isql as dba). Its Graph Store Protocol does not check that permission; its SPARQL Update does.
- A query POSTed as `application/sparql-query` gets no answer at all (7.2.5); endpoint.py sends
  the protocol's form encoding.
- Without `CaseMode = 2` in virtuoso.ini (Debian's and OpenLink's value), ASK is answered as a
  SELECT of one `__ASK_RETVAL` column.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class UpdateLimits:
    """How much one SPARQL Update request may carry, and what starts it, on one kind of server."""

    data_triples: int
    """Triples in one INSERT DATA request."""
    template_triples: int
    """Triples in one INSERT { ... } WHERE {} request (blank nodes)."""
    max_bytes: int
    """Bytes of triples in one request."""


STANDARD_LIMITS = UpdateLimits(data_triples=50_000, template_triples=50_000, max_bytes=16_000_000)
"""For servers without known limits: batches small enough for common request-size defaults."""

LIMITS = UpdateLimits(data_triples=1_000, template_triples=1_000, max_bytes=8_000_000)
"""Virtuoso's (see the module docstring for the measurements behind each number)."""


def recognises(server_header: str | None) -> bool:
    """Whether an answer's `Server` header names Virtuoso."""
    return bool(server_header) and server_header.strip().lower().startswith("virtuoso/")


def endpoints(query_url: str, *, authenticated: bool) -> tuple[str, str]:
    """The Graph Store and SPARQL Update URLs of the Virtuoso serving `query_url`.

    With credentials, the Digest-protected pair (the anonymous SPARQL account may not write);
    without, the open pair, which writes only where the server lets anyone.
    """
    parts = urllib.parse.urlsplit(query_url)
    root = f"{parts.scheme}://{parts.netloc}"
    if authenticated:
        return f"{root}/sparql-graph-crud-auth", f"{root}/sparql-auth"
    return f"{root}/sparql-graph-crud", f"{root}/sparql"


def rows_cut(headers) -> int | None:
    """The row limit Virtuoso cut a SELECT answer at, or None when the answer is whole."""
    value = headers.get("X-SPARQL-MaxRows")
    return int(value) if value and value.strip().isdigit() else None


def explain(text: str, *, user: str | None) -> str | None:
    """The fix for a Virtuoso error message (its SQL state codes), or None when not one of its own.

    `user` is the account dskg sent (never its password).
    """
    return _permission_fix(text, user) or _limit_fix(text)


def _permission_fix(text: str, user: str | None) -> str | None:
    """The grant an account lacks, from Virtuoso's security errors."""
    who = f'"{user}"' if user else "the account"
    if "SR619" in text or "no write permission on graph" in text:
        # push's SPARQL Update path writes a staging graph of its own first, so a grant on the
        # one target graph (RDF_GRAPH_USER_PERMS_SET) would not do
        return (
            f"Virtuoso: {who} has no write permission on the graph (graph-level security). Fix, in isql as dba: "
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{user or 'USER'}', 3) (write on every graph: push stages its upload in a graph of its own)"
        )
    if "SR186" in text or "SQ110" in text or ("SECURITY" in text and "ermission" in text):
        if not user:
            return (
                "Virtuoso: the anonymous SPARQL account may not write. Fix: set DSKG_ENDPOINT_USER and DSKG_ENDPOINT_PASSWORD "
                "(or ~/.netrc) so that push writes through /sparql-graph-crud-auth and /sparql-auth"
            )
        return f'Virtuoso: {who} may not write (no SPARQL_UPDATE role). Fix, in isql as dba: GRANT SPARQL_UPDATE TO "{user}"'
    return None


def _limit_fix(text: str) -> str | None:
    """The setting to change, from Virtuoso's errors about a query's cost, time or size."""
    estimate = re.search(r"estimated execution time (\d+) \(sec\) exceeds the limit of (\d+)", text)
    if estimate:
        return (
            f"Virtuoso refused the query on its cost estimate ({estimate.group(1)} s over its MaxQueryCostEstimationTime of "
            f"{estimate.group(2)} s; such estimates are often far off). Fix: comment out [SPARQL] MaxQueryCostEstimationTime "
            "in its virtuoso.ini (OpenLink: a debugging setting) and restart it"
        )
    if "SR171" in text:
        return (
            "Virtuoso stopped the query at its time limit. Fix: raise [SPARQL] MaxQueryExecutionTime in its virtuoso.ini, or ask for less"
        )
    if any(code in text for code in ("SP030", "SP031", "SQ199", "HT057")) and (
        "exhausted" in text or "exceeded" in text or "longer than" in text
    ):
        return (
            "Virtuoso refused a request this large (its SPARQL compiler's limits). "
            "Fix: push through its Graph Store Protocol (--store URL of /sparql-graph-crud-auth)"
        )
    return None
