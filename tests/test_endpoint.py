"""Remote endpoints, tested against a real Oxigraph server: push, catalogue parity, serve, faults.

Small servers of our own stand in where Oxigraph cannot show a case: one fault each, and one
that wants HTTP Basic (Oxigraph has no accounts; Virtuoso's Digest is in test_virtuoso.py).
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from dskg import endpoint as remote
from dskg import publish, queries
from dskg.cli import app
from dskg.server import oxigraph_command, wait_until_listening

runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """A real `oxigraph serve` on a free loopback port, stopped by its pid."""
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [oxigraph_command(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_listening(port, process)
    yield f"http://127.0.0.1:{port}/query"
    os.kill(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def pushed(oxigraph, kg):
    result = runner.invoke(app, ["push", "--endpoint", oxigraph])
    assert result.exit_code == 0, result.output
    assert "graph-store" in result.stderr
    return oxigraph


def _normalised(result) -> Counter:
    def value(term):
        if term is None:
            return None
        python = term.toPython()
        if isinstance(python, (int, float, Decimal)) and not isinstance(python, bool):
            return Decimal(str(python))
        return " | ".join(sorted(str(python).split(" | ")))  # GROUP_CONCAT has no defined order

    return Counter(tuple(value(t) for t in row) for row in result)


def _cases():
    for query in queries.catalogue().values():
        yield query.name, {}
        for param in query.header.params:
            if param.example is not None:
                yield query.name, {param.name: param.example}


@pytest.mark.parametrize("name, params", list(_cases()), ids=lambda v: str(v))
def test_every_canned_query_gives_the_same_rows_on_the_server(pushed, kg, name, params):
    query = queries.get_query(name)
    params = {**{p.name: p.example for p in query.header.params if p.required}, **params}
    local = queries.run(name, kg, params)
    there = queries.run(name, remote.Endpoint.from_url(pushed), params)
    assert [str(v) for v in there.vars] == [str(v) for v in local.vars]
    assert _normalised(there) == _normalised(local)
    # the paper disputes nothing: contested has rows only over several works (tests/test_synthesis_queries.py)
    assert len(local) > 0 or name in ("uncovered-barriers", "contested")


def test_push_replaces_the_graph_whole(pushed):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = queries.rows(remote.remote_query(count, remote.Endpoint.from_url(pushed)))
    assert runner.invoke(app, ["push", "--endpoint", pushed]).exit_code == 0
    assert queries.rows(remote.remote_query(count, remote.Endpoint.from_url(pushed))) == before


def test_push_falls_back_to_sparql_update_without_a_graph_store(oxigraph, kg):
    graph = "https://w3id.org/dskg/graph/by-update"
    target = remote.Endpoint.from_url(oxigraph, store=oxigraph.replace("/query", "/no-such-store"))
    result = remote.push(kg, target, graph=graph, inferred=False)
    assert result.method == "update"
    there = remote.remote_query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", target, graph=graph).graph
    assert isomorphic(there, rdflib.Graph().parse(data=publish.serialize(kg, "nt", inferred=False), format="nt"))  # blank nodes too


def test_cli_query_and_sparql_against_the_server(pushed):
    result = runner.invoke(app, ["query", "countermeasures-by-barrier", "-p", "basis=explicit", "--format", "csv", "--endpoint", pushed])
    assert result.exit_code == 0, result.output
    assert "法律法规建设壁垒" in result.stdout and "cm-legal-support" in result.stdout
    result = runner.invoke(
        app, ["sparql", "ASK { ?s a <https://w3id.org/dskg/ontology#Barrier> }", "--format", "json", "--endpoint", pushed]
    )
    assert result.stdout.strip() == '{"head": {}, "boolean": true}'
    result = runner.invoke(app, ["sparql", "DROP ALL", "--endpoint", pushed])
    assert result.exit_code == 2 and "read-only" in result.stderr


@pytest.mark.parametrize(
    "args, needle",
    [
        (["query", "no-such-query"], "Available: "),
        (["query", "countermeasures-by-barrier", "-p", "colour=red"], "its parameters: "),
        (["query", "literature", "-p", "year=last"], "not a year"),
        (
            ["query", "countermeasures-by-barrier", "-p", "barrier=bar-nope"],
            "unknown id 'bar-nope' (6 barriers are known). Fix: give one of bar-",
        ),
        (
            ["query", "literature", "-p", "theme=bar-legal-framework"],
            "(3 themes are known). Fix: give one of theme-",
        ),  # a record, of another kind
        (["query", "evidence-for", "-p", "entity=author/wang-jinze"], "unknown id"),  # a node with an IRI of the id namespace, no record
        (["query", "statistics", "-p", 'entity=x" } ; DROP ALL ; #'], "unknown id"),
    ],
)
def test_a_bad_query_name_or_parameter_is_the_same_error_on_the_server_and_on_the_embedded_graph(pushed, args, needle):
    local = runner.invoke(app, args)
    there = runner.invoke(app, [*args, "--endpoint", pushed])
    assert local.exit_code == there.exit_code == 2, (local.output, there.output)
    assert needle in local.stderr and local.stderr == there.stderr


def test_derived_urls_for_known_layouts():
    ox = remote.Endpoint.from_url("http://127.0.0.1:7878/query")
    assert (ox.store, ox.update) == ("http://127.0.0.1:7878/store", "http://127.0.0.1:7878/update")
    fuseki = remote.Endpoint.from_url("http://localhost:3030/dskg/sparql")
    assert (fuseki.store, fuseki.update) == ("http://localhost:3030/dskg/data", "http://localhost:3030/dskg/update")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["query", "barriers", "--endpoint", "http://[::1"], "http://[::1: not a valid URL (Invalid IPv6 URL)"),
        (["query", "barriers", "--endpoint", "http://127.0.0.1:x/query"], "not a valid URL"),
        (["query", "barriers", "--endpoint", "ftp://127.0.0.1/query"], "not an http(s) URL"),
        (
            ["query", "barriers", "--endpoint", "http://alice:pw-secret@127.0.0.1:9/query"],
            "http://127.0.0.1:9/query: the URL carries credentials",
        ),
        (["push", "--endpoint", "http://127.0.0.1:9/query", "--store", "http://bob:pw-secret@127.0.0.1:9/store"], "DSKG_ENDPOINT_USER"),
    ],
)
def test_a_malformed_url_or_one_with_credentials_is_refused_in_one_line_before_any_request(argv, needle):
    """Issue 17: no traceback for a malformed URL, and a password in a URL is never printed."""
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output
    assert "pw-secret" not in result.output and "alice" not in result.output and "bob" not in result.output
    assert len(result.output.strip().splitlines()) == 1


class _Fault(http.server.BaseHTTPRequestHandler):
    """A server with one fault, to see each reported cleanly."""

    mode = "html"

    def do_POST(self):  # noqa: N802
        if self.mode == "slow":
            time.sleep(3)
        status, ctype, body = {
            "html": (200, "text/html", b"<html>not sparql</html>"),
            "error": (500, "text/plain", b"boom"),
            "auth": (401, "text/plain", b"no"),
            "slow": (200, "application/sparql-results+json", b'{"head":{"vars":[]},"results":{"bindings":[]}}'),
        }[self.mode]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if self.mode == "auth":
            self.send_header("WWW-Authenticate", 'Basic realm="x"')
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST

    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # the client gave up on the slow answer: expected
        pass


@pytest.fixture()
def faulty():
    servers = []

    def start(mode: str) -> str:
        handler = type("Handler", (_Fault,), {"mode": mode})
        server = _QuietServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/query"

    yield start
    for server in servers:
        server.shutdown()


@pytest.mark.parametrize(
    "mode, extra, needle",
    [
        ("html", [], "did not answer with SPARQL results"),
        ("error", [], "HTTP 500"),
        ("auth", [], "credentials refused"),
        ("slow", ["--timeout", "1"], "no answer within 1 s"),
    ],
)
def test_faults_are_one_clear_line_and_exit_2(faulty, mode, extra, needle):
    url = faulty(mode)
    result = runner.invoke(
        app, ["query", "barriers", "--endpoint", url, *extra], env={"DSKG_ENDPOINT_PASSWORD": "secret-pw", "DSKG_ENDPOINT_USER": "me"}
    )
    assert result.exit_code == 2, result.output
    assert needle in result.stderr and url in result.stderr
    assert "Traceback" not in result.output and "secret-pw" not in result.output


class _BasicAuth(http.server.BaseHTTPRequestHandler):
    """A server that wants HTTP Basic for every request, as Fuseki or GraphDB behind a proxy do;
    it records what came (method, with the right credentials, body size), and counts the triples
    of the last PUT when push asks for the count (the ASK of any other query is true)."""

    seen: list[tuple[str, bool, int]] = []
    stored = 0

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        authorised = self.headers.get("Authorization") == "Basic " + base64.b64encode(b"me:secret-pw").decode()
        self.seen.append((self.command, authorised, len(body)))
        if not authorised:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="dskg"')
            answer = b""
        elif self.command == "POST" and self.path.startswith("/query"):
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            answer = b'{"head": {}, "boolean": true}'
            if b"COUNT" in body:
                count = {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": str(type(self).stored)}
                answer = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": count}]}}).encode()
        else:
            if self.command == "PUT":
                type(self).stored = body.count(b"\n")
            self.send_response(201 if self.command == "PUT" else 200)
            answer = b""
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    do_HEAD = do_PUT = do_POST = _answer

    def log_message(self, *args):
        pass


def test_basic_auth_is_answered_and_the_graph_goes_once(kg):
    handler = type("Handler", (_BasicAuth,), {"seen": []})
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/query"
    creds = {"DSKG_ENDPOINT_USER": "me", "DSKG_ENDPOINT_PASSWORD": "secret-pw"}
    try:
        result = runner.invoke(app, ["push", "--endpoint", url], env=creds)
        assert result.exit_code == 0, result.output
        size = len(publish.serialize(kg, "nt", inferred=True))
        assert [seen for seen in handler.seen if seen[0] == "PUT"] == [("PUT", True, size)]  # sent once, with the credentials
        result = runner.invoke(app, ["sparql", "ASK { ?s ?p ?o }", "--format", "json", "--endpoint", url], env=creds)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == '{"head": {}, "boolean": true}'
        result = runner.invoke(app, ["push", "--endpoint", url], env={**creds, "DSKG_ENDPOINT_PASSWORD": "wrong-pw"})
        assert result.exit_code == 2 and "credentials refused (HTTP 401)" in result.stderr and "wrong-pw" not in result.output
    finally:
        server.shutdown()


def test_unreachable_endpoint(kg):
    url = f"http://127.0.0.1:{_free_port()}/query"
    result = runner.invoke(app, ["query", "barriers", "--endpoint", url])
    assert result.exit_code == 2 and "cannot reach the endpoint" in result.stderr
    result = runner.invoke(app, ["push", "--endpoint", url])
    assert result.exit_code == 2 and "cannot reach the endpoint" in result.stderr


def test_serve_answers_queries_refuses_writes_and_stops_on_ctrl_c(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dskg.cli", "serve", "--port", str(port), "--engine", "reasonable"], stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until_listening(port, process, timeout=60)
        url = f"http://127.0.0.1:{port}/query"
        rows = queries.rows(remote.remote_query(queries.get_query("barriers").text, remote.Endpoint.from_url(url)))
        assert len(rows) == 6
        busy = runner.invoke(app, ["serve", "--port", str(port)])
        assert busy.exit_code == 2 and "in use" in busy.stderr
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/update",
                    data=b"DROP ALL",
                    headers={"Content-Type": "application/sparql-update"},
                    method="POST",
                ),
                timeout=10,
            )
        assert refused.value.code in (403, 405)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    assert process.returncode == 0
    assert f"http://127.0.0.1:{port}/query" in process.stderr.read()
