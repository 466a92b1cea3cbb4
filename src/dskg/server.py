"""`dskg serve`: a local, read-only Oxigraph server loaded with the graph, on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from . import DEFAULT_GRAPH
from .errors import UsageError
from .graph import KnowledgeGraph
from .publish import serialize


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


def serve(kg: KnowledgeGraph, port: int = 7878, *, on_ready: Callable[[str, str], None] | None = None, location: Path | None = None) -> int:
    """Load the graph (asserted + inferred) into a fresh store and serve it read-only until stopped.

    The graph goes into the named graph DEFAULT_GRAPH (where `push` puts it, so the same
    `dskg query --endpoint` works on both) and the default graph is the union of all graphs,
    so queries pasted into the query page work as they are. Returns the server's exit code.
    """
    if not port_is_free(port):
        raise UsageError(f"port {port} on 127.0.0.1 is in use. Fix: choose another with --port")
    program = oxigraph_command()
    with tempfile.TemporaryDirectory(prefix="dskg-serve-") as tmp:
        store = Path(location) if location else Path(tmp) / "store"
        dump = Path(tmp) / "graph.nt"
        dump.write_bytes(serialize(kg, "nt", inferred=True))
        loaded = subprocess.run(
            [program, "load", "--location", str(store), "--file", str(dump), "--graph", DEFAULT_GRAPH], capture_output=True, text=True
        )
        if loaded.returncode != 0:
            raise UsageError(f"oxigraph could not load the graph: {loaded.stderr.strip()[:300]}")
        process = subprocess.Popen(
            [program, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until_listening(port, process)
            if on_ready:
                on_ready(f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/query")
            return process.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
