"""Virtuoso as a second real server (issue 14), against a `virtuoso-t` started here once.

What a user of Virtuoso does: `dskg push` with the dba account (HTTP Digest), `dskg query` and
`dskg sparql` on its /sparql and /sparql-auth endpoints; every canned query gives Oxigraph's
rows (the embedded graph), terms and order; the SPARQL Update fallback carries the whole graph
(ontology blank nodes, inferred triples) in the batches Virtuoso takes; and each fault is one
line, exit 2. The instance runs from a virtuoso.ini of its own in a temporary folder, on free
loopback ports, with Debian's settings but for MaxQueryCostEstimationTime (left out, as OpenLink
advises: see dskg/virtuoso.py) and a 2 s MaxQueryExecutionTime (so the slow-query faults end soon).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from test_endpoint import _free_port
from test_queries import unaddressed_graph
from test_query_engines import CASES, IDS, _assert_same_rows, _from_rdflib, _neutral, _oxigraph_rows
from typer.testing import CliRunner

from dskg import endpoint as remote
from dskg import publish, queries
from dskg.cli import app
from tools import need

pytestmark = pytest.mark.slow

runner = CliRunner()
DBA = {"DSKG_ENDPOINT_USER": "dba", "DSKG_ENDPOINT_PASSWORD": "dba"}
GRAPHS = {"shipped": remote.DEFAULT_GRAPH, "unaddressed": "https://w3id.org/dskg/graph/test-unaddressed"}
DSKG = "https://w3id.org/dskg/ontology#"
# about 5,000 x 5,000 x 6 rows to count: many seconds for Virtuoso, which stops it at 2 s
SLOW = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g a <{DSKG}Barrier> }}"

VIRTUOSO_INI = """\
; dskg's test instance: every file in this folder, loopback ports
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
; Debian's and OpenLink's value; the default (1) names ASK's answer __ASK_RETVAL and sends it as a SELECT
CaseMode = 2
CheckpointInterval = 0
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 2
"""


def _isql(port: int, sql: str) -> None:
    done = subprocess.run(
        [need("isql-vt", "Debian package virtuoso-opensource"), f"127.0.0.1:{port}", "dba", "dba", f"exec={sql}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "Error" not in done.stdout, done.stdout + done.stderr


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> str:
    """A real Virtuoso on free loopback ports, its base URL; stopped by its pid."""
    program = need("virtuoso-t", "Debian package virtuoso-opensource")
    folder = tmp_path_factory.mktemp("virtuoso")
    (folder / "www").mkdir()
    (folder / "www" / "index.html").write_text("<html><body>Virtuoso's own home page</body></html>\n")
    sql_port, http_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    with open(folder / "console.log", "wb") as console:
        process = subprocess.Popen([program, "+configfile", str(ini), "+foreground"], cwd=folder, stdout=console, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"virtuoso-t stopped at once (exit {process.returncode}): {(folder / 'console.log').read_text()[-800:]}")
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"Virtuoso did not answer within 60 s: {(folder / 'console.log').read_text()[-800:]}")
                time.sleep(0.1)
        # an account without the SPARQL_UPDATE role, and one with it but no write permission on graphs
        _isql(
            sql_port,
            "DB.DBA.USER_CREATE('reader', 'reader-pw'); DB.DBA.USER_CREATE('writer', 'writer-pw'); "
            "GRANT SPARQL_UPDATE TO \"writer\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET('writer', 1);",
        )
        yield base
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _count(url: str, graph: str) -> int:
    rows = queries.rows(remote.remote_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", remote.Endpoint.from_url(url), graph=graph))
    return rows[0]["n"]


@pytest.fixture(scope="module")
def graphs(kg, tmp_path_factory):
    return {"shipped": kg, "unaddressed": unaddressed_graph(tmp_path_factory)}


@pytest.fixture(scope="module")
def pushed(virtuoso, graphs) -> str:
    """The shipped graph pushed as a user would (`dskg push`, dba), and the unaddressed copy beside it."""
    result = runner.invoke(app, ["push", "--endpoint", f"{virtuoso}/sparql"], env=DBA)
    assert result.exit_code == 0, result.output
    assert "graph-store" in result.stderr
    with pytest.MonkeyPatch.context() as env:
        for name, value in DBA.items():
            env.setenv(name, value)
        remote.push(graphs["unaddressed"], remote.Endpoint.from_url(f"{virtuoso}/sparql"), graph=GRAPHS["unaddressed"])
    return f"{virtuoso}/sparql"


def test_push_through_digest_auth_replaces_the_graph_whole(pushed, kg):
    triples = publish.serialize(kg, "nt", inferred=True).count(b"\n")
    assert _count(pushed, remote.DEFAULT_GRAPH) == triples
    base = pushed.removesuffix("/sparql")
    # the command: the Digest-protected endpoints given explicitly; PUT replaces, so the count stays
    result = runner.invoke(
        app, ["push", "--endpoint", pushed, "--store", f"{base}/sparql-graph-crud-auth", "--update", f"{base}/sparql-auth"], env=DBA
    )
    assert result.exit_code == 0, result.output
    assert f"pushed {triples} triples" in result.stderr
    assert _count(pushed, remote.DEFAULT_GRAPH) == triples


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_canned_query_gives_oxigraphs_rows_on_virtuoso(pushed, graphs, case):
    graph, name, params = case
    variables, expected = _oxigraph_rows(graphs, case)
    query = queries.get_query(name)
    answer = remote.remote_query(
        query.text, remote.Endpoint.from_url(pushed), queries.bindings_for(query, params, graphs[graph]), graph=GRAPHS[graph]
    )
    assert [str(v) for v in answer.vars] == variables
    got = _neutral(name, variables, [tuple(_from_rdflib(term) for term in row) for row in answer])
    _assert_same_rows("Virtuoso", name, expected, got)


def test_push_by_sparql_update_carries_the_whole_graph_in_batches(virtuoso, kg, monkeypatch):
    """No Graph Store: INSERT DATA batches (of 1,000 triples: Virtuoso's compiler takes about 1,300), the
    ontology's blank nodes in one INSERT ... WHERE {}, then MOVE; the server's copy is the graph."""
    monkeypatch.setenv("DSKG_ENDPOINT_USER", "dba")
    monkeypatch.setenv("DSKG_ENDPOINT_PASSWORD", "dba")
    graph = "https://w3id.org/dskg/graph/by-update"
    target = remote.Endpoint(f"{virtuoso}/sparql", store=None, update=f"{virtuoso}/sparql-auth", given=frozenset({"store", "update"}))
    local = rdflib.Graph().parse(data=publish.serialize(kg, "nt", inferred=True), format="nt")
    assert len(local) > remote.virtuoso.LIMITS.data_triples  # more than one batch
    for _ in range(2):  # the second push replaces the first
        result = remote.push(kg, target, graph=graph)
        assert (result.method, result.triples) == ("update", len(local))
    there = remote.remote_query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", target, graph=graph).graph
    assert isomorphic(there, local)
    leftovers = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:dskg:push:')) } LIMIT 1"
    assert queries.rows(remote.remote_query(leftovers, target, graph=None)) == []


def test_query_and_sparql_on_virtuosos_endpoints(pushed):
    # the HTTP 406: dskg now asks in the protocol's terms only
    result = runner.invoke(app, ["query", "barriers", "--format", "csv", "--endpoint", pushed])
    assert result.exit_code == 0, result.output
    assert "bar-legal-framework" in result.stdout and "法律法规建设壁垒" in result.stdout
    # /sparql-auth answers queries too, behind Digest
    ask = f"ASK {{ ?s a <{DSKG}Barrier> }}"
    result = runner.invoke(app, ["sparql", ask, "--format", "json", "--endpoint", pushed + "-auth"], env=DBA)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == '{"head": {}, "boolean": true}'


def _no_credentials(home: Path) -> dict:
    return {"DSKG_ENDPOINT_USER": None, "DSKG_ENDPOINT_PASSWORD": None, "HOME": str(home)}  # HOME: no ~/.netrc either


@pytest.mark.parametrize(
    "command, credentials, url_of, needle",
    [
        pytest.param("push", "dba:wrong-pw", "{base}/sparql", "credentials refused (HTTP 401)", id="push-wrong-password"),
        pytest.param("query", "dba:wrong-pw", "{base}/sparql-auth", "credentials refused (HTTP 401)", id="query-wrong-password"),
        pytest.param("push", None, "{base}/sparql", "the anonymous SPARQL account may not write", id="push-anonymous"),
        pytest.param("push", "reader:reader-pw", "{base}/sparql", 'GRANT SPARQL_UPDATE TO "reader"', id="push-no-update-role"),
        pytest.param("query", None, "{base}/sparql-nothing", "no SPARQL endpoint at this URL (HTTP 404)", id="wrong-url"),
        pytest.param("query", None, "{base}/", "did not answer with SPARQL results (content type text/html)", id="not-sparql"),
        pytest.param("query", None, "http://127.0.0.1:{free}/sparql", "cannot reach the endpoint", id="unreachable"),
        pytest.param("many-rows", None, "{base}/sparql", "Virtuoso cut the answer at 10000 rows", id="row-limit"),
        pytest.param("slow-server", None, "{base}/sparql", "Virtuoso stopped the query at its time limit", id="server-time-limit"),
        # last: Virtuoso goes on for up to its 2 s with the query the client gave up on
        pytest.param("slow", None, "{base}/sparql", "no answer within 1 s", id="timeout"),
    ],
)
def test_faults_are_one_line_and_exit_2(pushed, tmp_path, command, credentials, url_of, needle):
    url = url_of.format(base=pushed.removesuffix("/sparql"), free=_free_port())
    env = _no_credentials(tmp_path)
    if credentials:
        user, password = credentials.split(":")
        env.update(DSKG_ENDPOINT_USER=user, DSKG_ENDPOINT_PASSWORD=password)
    args = {
        "push": ["push", "--endpoint", url],
        "query": ["query", "barriers", "--endpoint", url],
        "slow": ["sparql", SLOW, "--endpoint", url, "--timeout", "1"],
        "slow-server": ["sparql", SLOW, "--endpoint", url],
        "many-rows": ["sparql", f"SELECT ?s WHERE {{ ?s ?p ?o . ?b a <{DSKG}Barrier> }}", "--endpoint", url],  # 6 x 5,000 rows
    }[command]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: http://127.0.0.1:")
    assert "Traceback" not in result.output and "-pw" not in result.output


def test_an_account_without_write_permission_on_the_graph_is_told_the_grant(virtuoso, kg, monkeypatch):
    """Graph-level security (RDF_DEFAULT_USER_PERMS_SET): Virtuoso's SPARQL Update checks it, the fix names the grant."""
    monkeypatch.setenv("DSKG_ENDPOINT_USER", "writer")
    monkeypatch.setenv("DSKG_ENDPOINT_PASSWORD", "writer-pw")
    target = remote.Endpoint(f"{virtuoso}/sparql", update=f"{virtuoso}/sparql-auth", given=frozenset({"store", "update"}))
    with pytest.raises(remote.EndpointError) as refused:
        remote.push(kg, target, graph="https://w3id.org/dskg/graph/not-writable")
    message = str(refused.value)
    assert "\n" not in message
    assert "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('writer', 3)" in message
    assert "is unchanged" in message
