"""Queries make no request to another server unless allowed, and every wait for them is bounded.

A SERVICE clause makes Oxigraph send an HTTP request from this machine (issue 17): a real listener
on 127.0.0.1 records every connection, and a query through `dskg sparql`, the library or
`dskg serve` must make none unless --allow-service names the host. A runaway query (a cartesian
product of the shipped graph) must stop by itself at --timeout, and within a second of Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dskg import queries, querylimits
from dskg.cache import cached_build
from dskg.cli import app
from dskg.errors import DskgError

runner = CliRunner()
NO_ROWS = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'


class Listener:
    """A TCP server on 127.0.0.1 that records each connection and answers as a SPARQL endpoint with one empty row."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(65536))
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        + f"Content-Length: {len(NO_ROWS)}\r\nConnection: close\r\n\r\n".encode()
                        + NO_ROWS
                    )
                except OSError:
                    pass

    def iri(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@pytest.fixture()
def listener():
    server = Listener()
    yield server
    server.sock.close()


def service_forms(iri: str) -> dict[str, str]:
    """SERVICE clauses as a hostile user writes them: every one must be found in the parsed query."""
    base, name = iri.rsplit("/", 1)
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{iri}> {{ ?s ?p ?o }} }}",
        "lowercase": f"select * where {{ service silent <{iri}> {{ ?s ?p ?o }} }}",
        "prefixed name": f"PREFIX x: <{base}/> SELECT * WHERE {{ SERVICE x:{name} {{ ?s ?p ?o }} }}",
        "relative to BASE": f"BASE <{base}/> SELECT * WHERE {{ SERVICE <{name}> {{ ?s ?p ?o }} }}",
        "unicode escape": f"SELECT * WHERE {{ \\u0053ERVICE <{iri}> {{ ?s ?p ?o }} }}",
        "in FILTER EXISTS": f"SELECT * WHERE {{ ?s a ?c FILTER EXISTS {{ SERVICE SILENT <{iri}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ OPTIONAL {{ SERVICE <{iri}> {{ ?s ?p ?o }} }} }} }} }}",
        "ASK": f"ASK {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}",
        "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}",
        "a variable bound to it": f"SELECT * WHERE {{ VALUES ?where {{ <{iri}> }} SERVICE ?where {{ ?s ?p ?o }} }}",
    }


@pytest.mark.fast_path_only("SERVICE is refused before the query reaches either path's evaluation")
@pytest.mark.parametrize("form", list(service_forms("http://h/x")))
def test_sparql_refuses_service_and_makes_no_request(listener, form):
    result = runner.invoke(app, ["sparql", service_forms(listener.iri())[form]])
    assert result.exit_code == 2, result.output
    shown = "?where" if form == "a variable bound to it" else f"<{listener.iri()}>"
    assert f"SERVICE {shown}" in result.stderr and "--allow-service" in result.stderr
    assert "Traceback" not in result.output
    time.sleep(0.2)
    assert listener.requests == []


@pytest.mark.fast_path_only("what the parse of the query finds does not depend on the path")
def test_service_as_a_word_in_comments_strings_and_iris_is_no_clause(listener):
    text = f"""# SERVICE <{listener.iri()}> {{ }}
        PREFIX dskg: <https://w3id.org/dskg/ontology#>
        SELECT ?x WHERE {{ VALUES ?x {{ "SERVICE <{listener.iri()}> {{ }}" <http://example.org/SERVICE> }} }}"""
    result = runner.invoke(app, ["sparql", text, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "SERVICE <http" in result.stdout and "http://example.org/SERVICE" in result.stdout
    assert listener.requests == []


def test_allow_service_reaches_that_host_and_no_other(listener):
    text = service_forms(listener.iri())["plain"]
    refused = runner.invoke(app, ["sparql", text, "--allow-service", "example.org"])
    assert refused.exit_code == 2 and "--allow-service 127.0.0.1" in refused.stderr
    assert listener.requests == []
    allowed = runner.invoke(app, ["sparql", text, "--allow-service", "example.org", "--allow-service", "127.0.0.1"])
    assert allowed.exit_code == 0, allowed.output
    assert len(listener.requests) == 1 and listener.requests[0].startswith((b"POST /sparql", b"GET /sparql"))


@pytest.mark.fast_path_only("the refusal comes before either path's evaluation")
def test_the_library_refuses_service_with_a_dskg_error(listener, kg):
    with pytest.raises(querylimits.ServiceRefusedError) as refused:
        queries.run_sparql(service_forms(listener.iri())["silent"], kg)
    assert isinstance(refused.value, DskgError) and refused.value.exit_code == 2
    assert listener.requests == []
    queries.run_sparql(service_forms(listener.iri())["plain"], kg, allow_service=["127.0.0.1"])
    assert len(listener.requests) == 1


def test_no_canned_query_has_a_service_clause(kg):
    """Why canned queries are not parsed for SERVICE before they run (shipped text, not the user's)."""
    for name, canned in queries.catalogue().items():
        assert querylimits.service_targets(canned.text, kg.prefixes()) == [], name


# A runaway query: four copies of every triple joined with no shared variable (5,000^4 rows), in
# constant memory. COUNT evaluates inside Oxigraph's query call; the FILTER one yields rows lazily
# (none ever passes), which each path reads differently.
COUNT_RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LAZY_RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), 'x')) }"


@pytest.fixture()
def built(kg) -> None:
    """The shipped graph in the test run's cache, so that a `dskg` process starts its query in well under a second."""
    cached_build(None)


def dskg_process(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dskg.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.fast_path_only("the wait for a query is the same code on both paths; the timeout test runs on both")
def test_ctrl_c_stops_a_runaway_query_within_a_second(built):
    process = dskg_process("sparql", COUNT_RUNAWAY)
    time.sleep(2.0)
    assert process.poll() is None, process.communicate()
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=1.0)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("dskg sparql still ran 1 s after Ctrl-C")
    assert time.monotonic() - sent < 1.0
    assert process.returncode == 130 and "stopped (Ctrl-C)" in stderr and "Traceback" not in stderr


def test_timeout_stops_a_runaway_query_by_itself(built):
    process = dskg_process("sparql", LAZY_RUNAWAY, "--timeout", "1.5")
    try:
        _, stderr = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("dskg sparql --timeout 1.5 ran past 15 s")
    assert process.returncode == 2, stderr
    assert "query stopped after 1.5 s" in stderr and "raise --timeout or narrow the query" in stderr
    assert "Traceback" not in stderr


@pytest.mark.fast_path_only("only the fast path stops reading rows: rdflib's reading of the reference path cannot be stopped")
def test_a_library_timeout_raises_and_its_thread_stops(kg):
    with pytest.raises(querylimits.QueryTimeoutError):
        queries.run_sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", kg, timeout=0.3)
    deadline = time.monotonic() + 5
    while querylimits.still_running() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not querylimits.still_running()


@pytest.mark.fast_path_only("only the fast path stops reading rows: rdflib's reading of the reference path cannot be stopped")
def test_a_query_given_up_on_does_not_hold_up_the_next(kg):
    with pytest.raises(querylimits.QueryTimeoutError):
        queries.run_sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", kg, timeout=0.3)
    started = time.monotonic()
    rows = queries.rows(queries.run_sparql("SELECT ?b WHERE { ?b a dskg:Barrier }", kg, timeout=5))
    assert rows and time.monotonic() - started < 5  # answered by another thread than the one still stopping
    deadline = time.monotonic() + 5
    while querylimits.still_running() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not querylimits.still_running()
    assert queries.rows(queries.run_sparql("SELECT ?b WHERE { ?b a dskg:Barrier }", kg)) == rows  # and the kept thread answers again


@pytest.mark.fast_path_only("checking the option does not depend on the path")
def test_a_timeout_is_seconds_above_zero_and_infinity_is_no_limit():
    for bad in ("0", "-1", "nan"):
        result = runner.invoke(app, ["sparql", "ASK { ?s ?p ?o }", "--timeout", bad])
        assert result.exit_code == 2 and "--timeout" in result.stderr and "above 0" in result.stderr, (bad, result.output)
    assert runner.invoke(app, ["sparql", "ASK { ?s ?p ?o }", "--timeout", "inf"]).exit_code == 0


# dskg serve: a real `dskg serve` process, a real listener, real signals


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    (tmp_path / "tmp").mkdir(exist_ok=True)
    process = dskg_process("serve", "--port", str(port), *args, env={**os.environ, "TMPDIR": str(tmp_path / "tmp")})
    line = process.stderr.readline()
    assert line.startswith("query page:"), line + process.stderr.read()
    return process, port


def ask(port: int, text: str, how: str = "body") -> tuple[int, str]:
    """A query sent the three ways the SPARQL protocol allows: the status and the answer's text."""
    url = f"http://127.0.0.1:{port}/query"
    headers = {"Accept": "application/sparql-results+json"}
    if how == "get":
        request = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': text})}", headers=headers)
    elif how == "form":
        form = urllib.parse.urlencode({"query": text}).encode()
        request = urllib.request.Request(url, data=form, headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        request = urllib.request.Request(url, data=text.encode(), headers={**headers, "Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except FileNotFoundError:
        return True


def assert_stopped_clean(process: subprocess.Popen, port: int, tmp_path: Path, sig: int) -> None:
    oxigraph = children(process.pid)
    assert oxigraph, "dskg serve runs its oxigraph server as a child process"
    process.send_signal(sig)
    assert process.wait(timeout=15) == 0
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the port still answers"
    deadline = time.monotonic() + 5
    while not all(map(gone, oxigraph)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(map(gone, oxigraph)), "the oxigraph child still runs"
    assert list((tmp_path / "tmp").iterdir()) == [], "the temp folder is left behind"


@pytest.mark.fast_path_only("serve loads the graph's N-Triples into its own server; the build is tested on both paths")
def test_serve_refuses_service_bounds_queries_and_stops_on_sigterm(tmp_path, listener, built):
    process, port = start_serve(tmp_path, "--timeout", "1")
    try:
        status, body = ask(port, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }")
        assert status == 200 and '"n"' in body
        forms = service_forms(listener.iri())
        for form, how in [
            ("plain", "body"),
            ("silent", "get"),
            ("lowercase", "form"),
            ("unicode escape", "body"),
            ("in FILTER EXISTS", "get"),
        ]:
            status, body = ask(port, forms[form], how)
            assert status == 403 and f"SERVICE <{listener.iri()}>" in body and "--allow-service" in body, (form, how, body)
        # two queries in one request (one harmless in the URL, SERVICE in the body): neither runs
        harmless = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        two = urllib.request.Request(
            f"http://127.0.0.1:{port}/query?{harmless}", data=forms["plain"].encode(), headers={"Content-Type": "application/sparql-query"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(two, timeout=10)
        assert refused.value.code == 400
        time.sleep(0.2)
        assert listener.requests == []
        # a runaway query: answered at the timeout, and its evaluation stopped (the oxigraph child that ran it is gone)
        [running] = children(process.pid)
        started = time.monotonic()
        status, body = ask(port, COUNT_RUNAWAY)
        assert status == 503 and "query stopped after 1 s" in body and "--timeout" in body
        assert time.monotonic() - started < 5
        assert gone(running) and ask(port, "ASK { ?s ?p ?o }")[0] == 200
        assert_stopped_clean(process, port, tmp_path, signal.SIGTERM)
    finally:
        process.kill()


@pytest.mark.fast_path_only("serve loads the graph's N-Triples into its own server; the build is tested on both paths")
@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGINT], ids=["SIGHUP", "SIGINT"])
def test_serve_allows_the_named_host_and_stops_on(tmp_path, listener, built, sig):
    process, port = start_serve(tmp_path, "--allow-service", "127.0.0.1")
    try:
        status, body = ask(port, service_forms(listener.iri())["plain"])
        assert status == 200, body
        assert len(listener.requests) == 1
        assert_stopped_clean(process, port, tmp_path, sig)
    finally:
        process.kill()
