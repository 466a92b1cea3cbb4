"""Turtle from sorted N-Triples, a big graph's second half written by a second process.

Oxigraph's Turtle writer takes its triples as Python objects, one at a time under the GIL, so a
thread cannot share the work; at a million triples it is a third of an export. Sorted lines
split where one subject ends and the next begins give two documents whose triples the writer
groups exactly as it would in one: the second's, without its prefix lines, continues the first.
A worker process (`python -m dskg.turtle`: pyoxigraph only, no rdflib) writes the second half
while this one writes the first. If the worker cannot start or fails, this process writes both.
Other formats go through `convert` in one pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pyoxigraph as ox

SPLIT_FROM = 30_000_000
"""Bytes of N-Triples (~170,000 triples) from which the second half goes to a worker: below,
starting it (~0.1 s) would cost more than it saves."""


def write(ntriples: bytes, prefixes: dict[str, str], split_from: int = SPLIT_FROM) -> bytes:
    """Turtle of sorted N-Triples, byte-identical however it is written."""
    middle = _subject_boundary(ntriples) if len(ntriples) >= split_from else None
    if middle is None:
        return _turtle(ntriples, prefixes)
    second = _start(ntriples[middle:], prefixes)
    try:
        first = _turtle(ntriples[:middle], prefixes)
    finally:
        rest = _finish(second)  # also when writing the first half failed: no worker left behind
    if rest is None:
        rest = _turtle(ntriples[middle:], prefixes)
    header = _header(prefixes)
    if not (first.startswith(header) and rest.startswith(header) and first.endswith(b" .\n")):
        return _turtle(ntriples, prefixes)  # a writer whose documents do not simply continue: one pass
    return first + rest[len(header) :]


def convert(lines: bytes, source: ox.RdfFormat, target: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    """Oxigraph's own sorted dump (N-Triples or N-Quads) in another format, by its writers."""
    # lenient: the lines are Oxigraph's own dump, checked when they went in (1M: parse 1.07 -> 0.68 s)
    return ox.serialize(ox.parse(lines, format=source, lenient=True), format=target, prefixes=prefixes)


def _turtle(ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    return convert(ntriples, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, prefixes)


def _header(prefixes: dict[str, str]) -> bytes:
    """The prefix lines that begin every document the writer writes with these prefixes."""
    one = _turtle(b"<urn:dskg:s> <urn:dskg:p> <urn:dskg:o> .\n", prefixes)
    return one[: one.rindex(b"<urn:dskg:s>")]


def _subject(line: bytes) -> bytes:
    return line[: line.index(b" ")]


def _subject_boundary(ntriples: bytes) -> int | None:
    """The offset of the first line, from the middle on, whose subject differs from the line before."""
    start = ntriples.rfind(b"\n", 0, len(ntriples) // 2) + 1
    end = ntriples.find(b"\n", start)
    if end < 0:
        return None
    subject = _subject(ntriples[start:end])
    while True:
        start = end + 1
        end = ntriples.find(b"\n", start)
        if end < 0:
            return None
        if _subject(ntriples[start:end]) != subject:
            return start


def _start(ntriples: bytes, prefixes: dict[str, str]):
    from .prefetch import worker_env

    try:
        proc = subprocess.Popen([sys.executable, "-m", "dskg.turtle", json.dumps(prefixes)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=worker_env())
    except OSError:
        return None

    def feed() -> None:
        try:
            proc.stdin.write(ntriples)
            proc.stdin.close()
        except OSError:  # the worker died: _finish sees its exit code
            pass

    feeder = threading.Thread(target=feed, daemon=True)  # the pipe write releases the GIL
    feeder.start()
    return proc, feeder


def _finish(started) -> bytes | None:
    if started is None:
        return None
    proc, feeder = started
    out = proc.stdout.read()
    proc.stdout.close()
    feeder.join()
    return out if proc.wait() == 0 else None


def _worker(prefixes: dict[str, str]) -> None:
    sys.stdout.buffer.write(_turtle(sys.stdin.buffer.read(), prefixes))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _worker(json.loads(sys.argv[1]))
