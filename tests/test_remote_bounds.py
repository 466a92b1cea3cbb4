"""Remote waits are bounded and push never reports a wrong success (issue 17, point 4).

Against real servers on 127.0.0.1: a small HTTP server of our own that misbehaves on purpose
(never answers, a body that never ends, a huge body, an HTML page for everything, a server that
takes nothing, one that repeats the credentials it got), and the real `oxigraph` for the normal
case and for the read-only server `dskg serve` runs. Each command runs in a thread joined with a
limit, so a wait that is not bounded fails the test instead of hanging it.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import signal
import subprocess
import threading
import time

import pytest
from test_endpoint import _free_port
from typer.testing import CliRunner

from dskg import DEFAULT_GRAPH, publish, queries
from dskg import endpoint as remote
from dskg.cli import app
from dskg.server import oxigraph_command, wait_until_listening

pytestmark = pytest.mark.fast_path_only("HTTP behaviour: the loader's speed path plays no part")

runner = CliRunner()
SECRET = "pw-very-secret"
CREDENTIALS = {"DSKG_ENDPOINT_USER": "alice", "DSKG_ENDPOINT_PASSWORD": SECRET}
TOKEN = base64.b64encode(f"alice:{SECRET}".encode()).decode()
JSON = "application/sparql-results+json"
HTML = b"<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1>" + b"<p>filler</p>" * 40 + b"</body></html>"


def _count_answer(n: int) -> bytes:
    value = {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": str(n)}
    return json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": value}]}}).encode()


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    """One fault per server; `stop` ends the handlers that would otherwise wait forever."""

    mode = ""
    stop: threading.Event

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        getattr(self, "_" + self.mode.replace("-", "_"))(body)

    do_HEAD = do_GET = do_PUT = do_POST = _answer  # noqa: N815

    def _send(self, status: int, ctype: str, body: bytes = b"", length: int | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _silent(self, body):
        self.stop.wait(30)

    def _drops_late(self, body):  # a connection reset after a while: a read retries it
        time.sleep(1.0)
        self.close_connection = True

    def _slow_challenge(self, body):  # the challenge comes late, the authorised request never gets an answer
        if self.headers.get("Authorization"):
            self.stop.wait(30)
            return
        time.sleep(1.2)
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="slow"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream(self, piece: bytes, pause: float):
        self.send_response(200)
        self.send_header("Content-Type", JSON)
        self.end_headers()
        try:
            while not self.stop.is_set():
                self.wfile.write(piece)
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass  # the client gave up: expected

    def _trickle(self, body):
        self._stream(b" ", 1.0)

    def _endless(self, body):
        self._stream(b" " * 65536, 0)

    def _announces_400mb(self, body):
        self._send(200, JSON, b"{", length=400_000_000)
        self.stop.wait(30)

    def _html(self, body):
        self._send(200, "text/html", HTML)

    def _stores_nothing(self, body):  # says yes to the upload, keeps nothing: its count is 0
        if self.command == "POST" and b"COUNT" in body:
            self._send(200, JSON, _count_answer(0))
        else:
            self._send(204 if self.command == "PUT" else 200, "text/plain")

    def _echoes_credentials(self, body):
        got = self.headers.get("Authorization")
        if not got:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="echo"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        decoded = base64.b64decode(got.split(" ", 1)[1]).decode()
        self._send(500, "text/plain", f"internal error for Authorization: {got} ({decoded})".encode())

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # the client gave up, as it should
        pass


@pytest.fixture()
def misbehaving():
    servers = []

    def start(mode: str) -> str:
        handler = type("Handler", (_Misbehaving,), {"mode": mode, "stop": threading.Event()})
        server = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append((server, handler))
        return f"http://127.0.0.1:{server.server_address[1]}/query"

    yield start
    for server, handler in servers:
        handler.stop.set()
        server.shutdown()
        server.server_close()


@pytest.fixture()
def no_credentials(tmp_path) -> dict:
    return {"DSKG_ENDPOINT_USER": None, "DSKG_ENDPOINT_PASSWORD": None, "DSKG_ENDPOINT": None, "HOME": str(tmp_path)}  # no ~/.netrc


def _dskg(args: list[str], env: dict, limit: float = 30.0):
    """`dskg ARGS` in-process, in a thread joined with `limit`: the result and the seconds it took."""
    box = {}
    started = time.monotonic()
    thread = threading.Thread(target=lambda: box.setdefault("result", runner.invoke(app, args, env=env)), daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"dskg {' '.join(args)} still waits after {limit:g} s"
    return box["result"], time.monotonic() - started


def _one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    return result.stderr


def test_a_body_that_never_ends_stops_at_the_timeout(misbehaving, no_credentials):
    """A byte a second never trips a per-read timeout; the request's deadline stops it."""
    url = misbehaving("trickle")
    result, took = _dskg(["sparql", "ASK {}", "--endpoint", url, "--timeout", "2"], no_credentials)
    assert f"{url}: the answer did not end within 2 s (--timeout" in _one_error_line(result)
    assert took < 3.5


@pytest.mark.parametrize(
    "mode",
    [
        "silent",  # accepts the connection, never answers
        "drops-late",  # resets the connection after 1 s: a read retries, and the retries count in the timeout
        "slow-challenge",  # answers the challenge after 1.2 s, then never: the challenge counts too
    ],
)
def test_a_server_that_never_answers_takes_the_timeout_not_a_multiple(misbehaving, no_credentials, mode):
    url = misbehaving(mode)
    result, took = _dskg(["query", "barriers", "--endpoint", url, "--timeout", "1.5"], {**no_credentials, **CREDENTIALS})
    message = _one_error_line(result)
    assert f"{url}: no answer within 1.5 s" in message and SECRET not in message
    assert took < 2.5


@pytest.mark.parametrize(
    "mode, options, needle",
    [
        ("endless", ["--max-bytes", "1000000"], "the answer is larger than 1 MB, the --max-bytes cap"),
        ("announces-400mb", [], "the answer is larger than 256 MB (it announces 400 MB), the --max-bytes cap"),
    ],
)
def test_an_answer_past_max_bytes_stops_with_how_to_raise_it(misbehaving, no_credentials, mode, options, needle):
    url = misbehaving(mode)
    result, _ = _dskg(["sparql", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", url, *options], no_credentials)
    message = _one_error_line(result)
    assert f"{url}: {needle}" in message
    assert "Fix: ask for less (LIMIT, fewer variables), or raise the cap, e.g. --max-bytes " in message


def test_push_to_a_page_that_answers_200_with_html_fails(misbehaving, no_credentials, kg):
    """The issue's case: "pushed 5400 triples", exit 0, to a server that answers every request with an HTML page."""
    url = misbehaving("html")
    result, _ = _dskg(["push", "--endpoint", url], no_credentials)
    message = _one_error_line(result)
    store = url.replace("/query", "/store")
    assert message.startswith(f"error: {store} answered the upload with HTTP 200 (text/html: '<html><head><title>Welcome to nginx!")
    assert "push cannot confirm the server took the graph" in message
    assert f"{url}: did not answer with SPARQL results (content type text/html)" in message
    assert "pushed" not in result.output


def test_push_to_a_server_that_keeps_nothing_fails_on_its_count(misbehaving, no_credentials, kg):
    url = misbehaving("stores-nothing")
    sent = publish.serialize(kg, "nt", inferred=True).count(b"\n")
    result, _ = _dskg(["push", "--endpoint", url], no_credentials)
    message = _one_error_line(result)
    assert f"answered the upload with HTTP 204 (text/plain, empty), but the server counts 0 triples in <{DEFAULT_GRAPH}>" in message
    assert f"not the {sent} sent" in message


@pytest.fixture(scope="module")
def oxigraph_servers(tmp_path_factory):
    """A writable `oxigraph serve` and a read-only one as `dskg serve` runs it (`serve-read-only` over a loaded store)."""
    program = oxigraph_command()
    folder = tmp_path_factory.mktemp("oxigraph-bounds")
    (folder / "one.nt").write_text("<urn:a> <urn:b> <urn:c> .\n")
    subprocess.run([program, "load", "--location", str(folder / "ro"), "--file", str(folder / "one.nt")], check=True, capture_output=True)
    urls, processes = [], []
    for command, location in (("serve", "rw"), ("serve-read-only", "ro")):
        port = _free_port()
        process = subprocess.Popen(
            [program, command, "--location", str(folder / location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        wait_until_listening(port, process)
        urls.append(f"http://127.0.0.1:{port}/query")
    yield tuple(urls)
    for process in processes:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_push_to_oxigraph_is_confirmed_and_its_answers_are_capped(oxigraph_servers, no_credentials, kg):
    writable, _ = oxigraph_servers
    sent = publish.serialize(kg, "nt", inferred=True).count(b"\n")
    result, _ = _dskg(["push", "--endpoint", writable], no_credentials)
    assert result.exit_code == 0, result.output
    assert f"pushed {sent} triples into <{DEFAULT_GRAPH}> (graph-store; the server counts as many)" in " ".join(result.stderr.split())
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DEFAULT_GRAPH}> {{ ?s ?p ?o }} }}"
    assert queries.rows(remote.remote_query(count, remote.Endpoint.from_url(writable), graph=None)) == [{"n": sent}]
    everything = ["sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--endpoint", writable]
    whole, _ = _dskg(everything, no_credentials)
    assert whole.exit_code == 0 and len(whole.stdout) > 100_000
    capped, _ = _dskg([*everything, "--max-bytes", "100000"], no_credentials)
    assert f"{writable}: the answer is larger than 100,000 bytes, the --max-bytes cap" in _one_error_line(capped)


@pytest.mark.parametrize("credentials", [False, True], ids=["without-credentials", "with-credentials-never-asked-for"])
def test_push_to_a_read_only_server_says_so_and_does_not_blame_credentials(oxigraph_servers, no_credentials, kg, credentials):
    """The README's old example pushed to `dskg serve`, and the error blamed credentials."""
    _, read_only = oxigraph_servers
    result, _ = _dskg(["push", "--endpoint", read_only], {**no_credentials, **(CREDENTIALS if credentials else {})})
    message = _one_error_line(result)
    store = read_only.replace("/query", "/store")
    assert (
        f"{store}: the server takes no writes here (HTTP 403 Forbidden, without asking for credentials: 'The server is read-only')"
        in message
    )
    assert "Fix: push to a writable server, e.g. `oxigraph serve --location DIR` (`dskg serve` is read-only)" in message
    assert "may not write" not in message and "credentials refused" not in message and "DSKG_ENDPOINT_USER" not in message


@pytest.mark.parametrize("command", [["query", "barriers"], ["push"]])
def test_credentials_in_dskg_endpoint_are_never_printed(no_credentials, command):
    env = {**no_credentials, "DSKG_ENDPOINT": f"http://alice:{SECRET}@127.0.0.1:9/query"}
    result, _ = _dskg(command, env)
    message = _one_error_line(result)
    assert "http://127.0.0.1:9/query: the URL carries credentials" in message
    assert SECRET not in result.output and "alice" not in result.output


def test_credentials_a_server_repeats_are_not_printed(misbehaving, no_credentials):
    url = misbehaving("echoes-credentials")
    result, _ = _dskg(["sparql", "ASK {}", "--endpoint", url], {**no_credentials, **CREDENTIALS})
    message = _one_error_line(result)
    assert f"{url}: the server answered HTTP 500" in message and "Authorization: Basic ***" in message
    assert SECRET not in result.output and TOKEN not in result.output


@pytest.mark.parametrize(
    "options, needle",
    [
        (["--timeout", "0"], "--timeout must be a number of seconds above 0, not 0"),
        (["--timeout", "nan"], "--timeout must be a number of seconds above 0, not nan"),
        (["--max-bytes", "0"], "--max-bytes must be above 0, not 0"),
    ],
)
def test_a_bound_that_cannot_work_is_refused_before_any_request(no_credentials, options, needle):
    result, _ = _dskg(["sparql", "ASK {}", "--endpoint", f"http://127.0.0.1:{_free_port()}/query", *options], no_credentials)
    assert needle in _one_error_line(result)


def test_push_refuses_a_graph_name_that_is_no_iri(no_credentials, kg):
    result, _ = _dskg(["push", "--endpoint", "http://127.0.0.1:9/query", "--graph", "my graph> } DROP ALL {"], no_credentials)
    assert "--graph 'my graph> } DROP ALL {' is not an absolute IRI" in _one_error_line(result)
