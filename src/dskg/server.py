"""`dskg serve`: a local, read-only Oxigraph server loaded with the graph, on 127.0.0.1, behind a front that refuses SERVICE.

The `oxigraph` server would answer a query's SERVICE clause by sending a request from this
machine to the IRI it names, and has no switch to turn that off. So it listens on a private port,
and the port the user is given belongs to a small front in this process: each query is read
(querylimits), refused if it has a SERVICE to a host not allowed, and otherwise handed on as one
canonical request (the text that was checked is the text Oxigraph runs); the query page and
Graph Store reads pass through; anything that would write is refused.
"""

from __future__ import annotations

import http.client
import math
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import DEFAULT_GRAPH
from .errors import DskgError, UsageError
from .graph import KnowledgeGraph
from .publish import serialize
from .querylimits import MAX_QUERY_BYTES, ServiceRefusedError, ensure_service_allowed, seconds


def oxigraph_command() -> str:
    """The `oxigraph` program installed with dskg (PyPI package `oxigraph`)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise UsageError("the `oxigraph` server program is not installed. Fix: pip install oxigraph")
    return found


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_until_listening(port: int, process: subprocess.Popen | None = None, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise UsageError(f"the oxigraph server stopped at once (exit {process.returncode})")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise UsageError(f"the oxigraph server did not start listening on port {port} within {timeout:g} s")


QUERY_PATHS = ("/query", "/sparql")
PAGE_PATHS = ("/", "/yasgui.min.css", "/yasgui.min.js", "/logo.svg")
_NOT_PASSED_ON = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "server", "date"}


class _Front(ThreadingHTTPServer):
    """The port the user is given: checks each query, hands it on to Oxigraph's private port."""

    daemon_threads = True

    def __init__(self, port: int, upstream: int, allow_service: Iterable[str], timeout: float | None):
        self.upstream = upstream
        self.allow_service = tuple(allow_service)
        self.timeout = timeout
        self.oxigraph: _Oxigraph | None = None
        super().__init__(("127.0.0.1", port), _FrontHandler)


class _Refused(Exception):
    """A request the front answers itself, with an HTTP status and a message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


READ_ONLY = "this server is read-only (dskg serve): it answers queries, never updates."


class _FrontHandler(BaseHTTPRequestHandler):
    server: _Front
    server_version = "dskg-serve"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the name http.server gives it
        pass  # quiet, as the Oxigraph server is

    def do_GET(self) -> None:
        path, _, query_string = self.path.partition("?")
        try:
            if path in QUERY_PATHS:
                self._query(path, query_string)
            elif self.command in ("GET", "HEAD") and (path in PAGE_PATHS or path.startswith("/store")):
                self._pass_on(self.command, self.path, None, {})
            elif path == "/update" or path.startswith("/store"):
                raise _Refused(403, READ_ONLY)
            else:
                raise _Refused(404, f"no such page: {path}")
        except _Refused as refused:
            self._answer(refused.status, str(refused))

    do_HEAD = do_POST = do_QUERY = do_GET

    def do_PUT(self) -> None:
        self._answer(403, READ_ONLY)

    do_DELETE = do_PATCH = do_PUT

    def _query(self, path: str, query_string: str) -> None:
        params, texts = self._query_params(query_string)
        if not texts and self.command in ("GET", "HEAD") and not query_string:
            return self._pass_on(self.command, path, None, {})  # the service description
        if len(texts) != 1:
            raise _Refused(400, "give exactly one query (the `query` parameter or the request body).")
        try:
            ensure_service_allowed(texts[0], self.server.allow_service)
        except DskgError as exc:
            raise _Refused(403 if isinstance(exc, ServiceRefusedError) else 400, str(exc)) from None
        rest = urllib.parse.urlencode([(name, value) for name, value in params if name != "query"])
        target = f"{path}?{rest}" if rest else path
        self._pass_on("POST", target, texts[0].encode("utf-8"), {"Content-Type": "application/sparql-query"})

    def _query_params(self, query_string: str) -> tuple[list[tuple[str, str]], list[str]]:
        """The request's parameters, and every query text it carries: in the URL, a form body or a SPARQL body."""
        params = urllib.parse.parse_qsl(query_string, keep_blank_values=True)
        texts = [value for name, value in params if name == "query"]
        if self.command in ("POST", "QUERY"):
            kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            body = self._body()
            if kind == "application/sparql-query":
                texts.append(body)
            elif kind == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qsl(body, keep_blank_values=True)
                params += form
                texts += [value for name, value in form if name == "query"]
            elif kind == "application/sparql-update":
                raise _Refused(403, READ_ONLY)
            else:
                raise _Refused(415, "send the query as application/sparql-query or application/x-www-form-urlencoded.")
        if any(name == "update" for name, _ in params):
            raise _Refused(403, READ_ONLY)
        return params, texts

    def _body(self) -> str:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise _Refused(411, "send a Content-Length header with the query.") from None
        if not 0 <= length <= MAX_QUERY_BYTES:
            raise _Refused(413, f"a query may be at most {MAX_QUERY_BYTES} bytes.")
        try:
            return self.rfile.read(length).decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(400, "the query is not UTF-8 text.") from None

    def _pass_on(self, method: str, target: str, body: bytes | None, headers: dict[str, str]) -> None:
        """The request made to Oxigraph's private port, its answer streamed back as it comes."""
        # the client's Host, so that Oxigraph resolves relative IRIs against the URL the client used
        kept = {name: value for name in ("Accept", "Host") if (value := self.headers.get(name))}
        # Oxigraph's --timeout-s does not stop every evaluation (a COUNT over a product runs on): past the
        # timeout with no answer, the child is restarted, which stops it
        timeout = self.server.timeout
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=None if timeout is None else timeout + 1)
        running = self.server.oxigraph.process if self.server.oxigraph else None
        started = False
        try:
            upstream.request(method, target, body=body, headers={**kept, **headers})
            answer = upstream.getresponse()
            self.send_response(answer.status, answer.reason)
            started = True
            for name, value in answer.getheaders():
                if name.lower() not in _NOT_PASSED_ON:
                    self.send_header(name, value)
            self.end_headers()
            while method != "HEAD" and (chunk := answer.read(1 << 16)):
                self.wfile.write(chunk)
        except TimeoutError:
            if self.server.oxigraph:
                self.server.oxigraph.restart(running)  # before the answer: a client told "stopped" finds it stopped
            if not started:
                self._answer(503, f"query stopped after {timeout:g} s. Fix: narrow the query, or start dskg serve with a larger --timeout.")
        except OSError as exc:
            if not started:
                self._answer(502, f"the Oxigraph server behind dskg serve did not answer: {exc}")
        finally:
            upstream.close()

    def _answer(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class _Stopped(Exception):
    """SIGTERM or SIGHUP arrived: stop serving, as Ctrl-C does."""


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise _Stopped in the main thread, so that the child and the temp folder go."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGTERM, signal.SIGHUP)

    def stop(signum: int, frame: object) -> None:
        for each in signals:
            signal.signal(each, signal.SIG_IGN)  # a second signal must not cut the cleanup short
        raise _Stopped(signum)

    previous = {each: signal.signal(each, stop) for each in signals}
    try:
        yield
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)


def _private_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _front(port: int, allow_service: Iterable[str], timeout: float | None) -> _Front:
    try:
        return _Front(port, _private_port(), allow_service, timeout)
    except OSError as exc:
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {exc}. Fix: choose another port with --port") from None


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Oxigraph:
    """The `oxigraph` server on the private port, as a child process that can be restarted."""

    def __init__(self, command: list[str], port: int):
        self.command, self.port = command, port
        self.lock = threading.Lock()
        self.process = self._start()

    def _start(self) -> subprocess.Popen:
        process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_listening(self.port, process)
        except BaseException:
            _end(process)
            raise
        return process

    def restart(self, seen: subprocess.Popen | None) -> None:
        """Stop the child and start another, unless the one `seen` was already replaced."""
        with self.lock:
            if self.process is seen:
                _end(self.process)
                self.process = self._start()

    def wait(self) -> int:
        """Until the child ends other than by a restart: its exit code."""
        while True:
            process = self.process
            code = process.wait()
            with self.lock:
                if self.process is process:
                    return code

    def stop(self) -> None:
        with self.lock:
            _end(self.process)


def _stop(oxigraph: _Oxigraph | None, front: _Front | None, serving: bool) -> None:
    if front is not None:
        if serving:
            front.shutdown()
        front.server_close()
    if oxigraph is not None:
        oxigraph.stop()


def serve(
    kg: KnowledgeGraph,
    port: int = 7878,
    *,
    on_ready: Callable[[str, str], None] | None = None,
    location: Path | None = None,
    timeout: float | None = 30.0,
    allow_service: Iterable[str] = (),
) -> int:
    """Load the graph (asserted + inferred) into a fresh store and serve it read-only until stopped.

    The graph goes into the named graph DEFAULT_GRAPH (where `push` puts it, so the same
    `dskg query --endpoint` works on both) and the default graph is the union of all graphs,
    so queries pasted into the query page work as they are. Each query may run `timeout` seconds
    (None: no limit) and use SERVICE only towards the hosts in `allow_service`. Ctrl-C, SIGTERM
    and SIGHUP stop the server and remove its temp folder. Returns the server's exit code (0 when
    stopped by a signal).
    """
    timeout = seconds(timeout)
    if not port_is_free(port):
        raise UsageError(f"port {port} on 127.0.0.1 is in use. Fix: choose another with --port")
    program = oxigraph_command()
    oxigraph = front = None
    serving = False
    with _stopped_by_signals(), tempfile.TemporaryDirectory(prefix="dskg-serve-") as tmp:
        try:
            front = _front(port, allow_service, timeout)
            store = Path(location) if location else Path(tmp) / "store"
            dump = Path(tmp) / "graph.nt"
            dump.write_bytes(serialize(kg, "nt", inferred=True))
            loaded = subprocess.run(
                [program, "load", "--location", str(store), "--file", str(dump), "--graph", DEFAULT_GRAPH], capture_output=True, text=True
            )
            if loaded.returncode != 0:
                raise UsageError(f"oxigraph could not load the graph: {loaded.stderr.strip()[:300]}")
            bounded = [] if timeout is None else ["--timeout-s", str(max(1, math.ceil(timeout)))]
            command = [program, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{front.upstream}"]
            oxigraph = front.oxigraph = _Oxigraph([*command, "--union-default-graph", *bounded], front.upstream)
            threading.Thread(target=front.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
            serving = True
            if on_ready:
                on_ready(f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/query")
            return oxigraph.wait()
        except (KeyboardInterrupt, _Stopped):
            return 0
        finally:
            _stop(oxigraph, front, serving)
