"""Exports at speed: Turtle and TriG from sorted N-Triples by Oxigraph's writers (rdflib writes
the few subjects with blank nodes), a big Turtle's second half by a worker process, the named
graphs dumped on threads of their own, and Oxigraph's own dump read back without checks.

Oxigraph's writers are fast but write every blank node by its label, so an RDF list comes out as
a chain of rdf:first/rdf:rest triples. The subjects whose triples hold a blank node (in dskg, the
ontology's axioms: owl:members, owl:oneOf...) are cut out of the sorted lines and written after
the rest by rdflib's writer, which writes a list as `( ... )` and a blank node used once as
`[ ... ]`; those subjects come last in the document, each written once. Everything else stays
on the fast path.

Oxigraph's Turtle writer takes its triples as Python objects, one at a time under the GIL, so a
thread cannot share the work; at a million triples it is a third of an export. Sorted lines
split where one subject ends and the next begins give two documents whose triples the writer
groups exactly as it would in one: the second's, without its prefix lines, continues the first.
A worker process (`python -m dskg.fast.turtle`: pyoxigraph only, no rdflib) writes the second
half while this one writes the first. If the worker cannot start or fails, this process writes both.

Reference path (DSKG_REFERENCE_PATH=1): rdflib's Turtle writer writes the whole graph (TriG: each
named graph's Turtle in a block of its own, so lists are `( ... )` there too), the graphs are
dumped one after the other, and every line read back is checked. The same graph, but for the
lexical form rdflib's writer gives numbers (`"1"^^xsd:decimal` as `1.0`: the same value).

Private name used here (pyproject.toml pins the versions): rdflib's `Literal._literal_n3`
(rdflib 7.x), which the subclass of its TurtleSerializer calls to write a literal with its
lexical form as stored; the subclass also overrides the serializer's `get_pname`, `label` and
`reset` and sets `indentString` and `depth` (rdflib 7.6's names).
"""

from __future__ import annotations

import bisect
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

from . import enabled

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

SPLIT_FROM = 30_000_000
"""Bytes of N-Triples (~170,000 triples) from which the second half goes to a worker: below,
starting it (~0.1 s) would cost more than it saves."""


def write(lines: list[bytes], prefixes: dict[str, str], split_from: int = SPLIT_FROM, blank_lines: Iterable[bytes] | None = None) -> bytes:
    """Turtle of sorted N-Triples lines (without their newlines), byte-identical however it is written.

    Args:
        split_from: bytes of N-Triples from which a worker process writes the second half.
        blank_lines: the lines that may hold a blank node as object (those of the graphs that have
            any), so that a big graph without one is not searched; by default, every line.
    """
    if not enabled():
        return _rdflib_turtle(lines, prefixes)
    flat, nested = _partition(lines, lines if blank_lines is None else blank_lines)
    # the last line needs no newline to be read: one copy of a million lines fewer
    return _flat(b"\n".join(flat), prefixes, split_from, _abbreviated(joined(nested), prefixes))


def write_trig(graphs: list[tuple[str, list[bytes], Iterable[bytes]]], prefixes: dict[str, str]) -> bytes:
    """TriG of named graphs, each given as (its IRI, its sorted N-Triples lines, those that may hold
    a blank node as object): one block per graph, in that order."""
    if not enabled():
        return _rdflib_trig([(name, lines) for name, lines, _ in graphs], prefixes)
    header = _header(prefixes, ox.RdfFormat.TRIG)
    blocks = []
    for name, lines, blank_lines in graphs:
        flat, nested = _partition(lines, blank_lines)
        suffix = f" <{name}> .".encode()  # N-Quads by rewriting each line's end, not a Quad object per triple
        written = convert(joined([line[:-2] + suffix for line in flat]), ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, prefixes)
        opening = f"<{name}> {{\n".encode()
        if written and not (written.startswith(header + opening) and written.endswith(b"\n}\n")):
            raise RuntimeError(f"Oxigraph wrote the TriG of {name} in another shape than one block")
        body = written[len(header) + len(opening) : -2]  # the lines between "<name> {" and "}"
        if body or nested:
            blocks.append(opening + body + _abbreviated(joined(nested), prefixes, name) + b"}\n")
    return header + b"".join(blocks) if blocks else b""


def joined(lines: list[bytes]) -> bytes:
    """N-Triples lines as one document, each line ending in a newline."""
    return b"\n".join([*lines, b""]) if lines else b""  # the last newline without copying the joined bytes


def convert(lines: bytes, source: ox.RdfFormat, target: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    """Oxigraph's own sorted dump (N-Triples or N-Quads) in another format, by its writers."""
    return ox.serialize(read(lines, source), format=target, prefixes=prefixes)


def read(dump: bytes, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES):
    """The triples (or quads) of Oxigraph's own dump, as Oxigraph's terms.

    Lenient on the fast path: the lines are Oxigraph's own dump, checked when they went in."""
    return ox.parse(dump, format=format, lenient=enabled())


def dumped(dump: Callable[[str], Any], names: list[str]) -> list:
    """`dump(name)` of each named graph, in order: each on its own thread on the fast path
    (Oxigraph dumps without the GIL, so the ontology's blank nodes are labelled while the data
    is dumped)."""
    if not enabled():
        return [dump(name) for name in names]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(names), thread_name_prefix="dskg-dump") as pool:
        return list(pool.map(dump, names))


def _flat(ntriples: bytes, prefixes: dict[str, str], split_from: int, after: bytes = b"") -> bytes:
    """Oxigraph's Turtle of sorted N-Triples, a big graph's second half written by the worker;
    `after` (the statements with blank nodes) at the end."""
    if not ntriples:
        return _header(prefixes) + after if after else b""
    middle = subject_boundary(ntriples) if len(ntriples) >= split_from else None
    if middle is None:
        return _turtle(ntriples, prefixes) + after
    second = _start(ntriples[middle:], prefixes)
    try:
        first = _turtle(ntriples[:middle], prefixes)
    finally:
        rest = _finish(second)  # also when writing the first half failed: no worker left behind
    if rest is None:
        rest = _turtle(ntriples[middle:], prefixes)
    header = _header(prefixes)
    if not (first.startswith(header) and rest.startswith(header) and first.endswith(b" .\n")):
        return _turtle(ntriples, prefixes) + after  # a writer whose documents do not simply continue: one pass
    return b"".join((first, memoryview(rest)[len(header) :], after))  # one copy of each part


def _turtle(ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    return convert(ntriples, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, prefixes)


def _header(prefixes: dict[str, str], format: ox.RdfFormat = ox.RdfFormat.TURTLE) -> bytes:
    """The prefix lines that begin every document Oxigraph's writer writes with these prefixes."""
    if format == ox.RdfFormat.TRIG:
        one = convert(b"<urn:dskg:s> <urn:dskg:p> <urn:dskg:o> <urn:dskg:g> .\n", ox.RdfFormat.N_QUADS, format, prefixes)
    else:
        one = convert(b"<urn:dskg:s> <urn:dskg:p> <urn:dskg:o> .\n", ox.RdfFormat.N_TRIPLES, format, prefixes)
    return one[: one.index(b"<urn:dskg:")]


def _partition(lines: list[bytes], blank_lines: Iterable[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Sorted N-Triples lines as (those of the subjects without a blank node, those of the
    subjects with one), each still sorted. Blank-node subjects sort last (`_` after `<`); an IRI
    subject with a blank node as object (after a predicate's `>`) is found among `blank_lines`,
    and its lines, which share the prefix "<subject> ", are found by bisection. Text in a literal
    that looks like a blank node only moves its subject to the second part, written as correctly."""
    tail = bisect.bisect_left(lines, b"_:")
    subjects = {line[: line.index(b" ")] for line in blank_lines if line.startswith(b"<") and b"> _:" in line}
    if not subjects and tail == len(lines):
        return lines, []
    ranges = [(bisect.bisect_left(lines, subject + b" "), bisect.bisect_left(lines, subject + b"!")) for subject in sorted(subjects)]
    nested = [line for start, end in ranges for line in lines[start:end]] + lines[tail:]
    flat = lines[:tail]
    for start, end in reversed(ranges):  # cut out of one copy, rather than copying each piece between
        del flat[start:end]
    return flat, nested


def _rdflib_graph(ntriples: bytes, prefixes: dict[str, str], namespaces=None):
    """An rdflib graph of N-Triples, blank nodes keeping their (canonical) labels and literals their
    lexical forms: rdflib's own parser would make random labels, so its writer's order would change."""
    from rdflib import Graph

    graph = Graph(bind_namespaces="none", namespace_manager=namespaces)
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace)
    graph += ((_term(t.subject), _term(t.predicate), _term(t.object)) for t in read(ntriples))
    return graph


def _rdflib_turtle(lines: list[bytes], prefixes: dict[str, str]) -> bytes:
    """The reference: rdflib's Turtle writer, on the whole graph."""
    if not lines:
        return b""
    header, body = _header_and_body(_rdflib_graph(joined(lines), prefixes).serialize(format="turtle", encoding="utf-8"))
    return _prefix_lines(header, prefixes) + body + b"\n"


def _rdflib_trig(graphs: list[tuple[str, list[bytes]]], prefixes: dict[str, str]) -> bytes:
    """The reference TriG: each named graph's Turtle by rdflib's writer (which writes lists as
    `( ... )`, where its TriG writer does not), in a block of its own, under the prefix lines of
    them all (one namespace manager: a prefix it makes up means the same in every graph)."""
    namespaces = None
    header: set[bytes] = set()
    blocks = []
    for name, lines in graphs:
        if not lines:
            continue
        graph = _rdflib_graph(joined(lines), prefixes, namespaces)
        namespaces = graph.namespace_manager
        declared, body = _header_and_body(graph.serialize(format="turtle", encoding="utf-8"))
        header |= declared
        blocks.append(b"<%s> {\n%s\n}\n" % (name.encode(), body))
    return _prefix_lines(header, prefixes) + b"\n".join(blocks) if blocks else b""


def _header_and_body(turtle: bytes) -> tuple[set[bytes], bytes]:
    """rdflib's Turtle as its prefix lines and the statements after them."""
    lines = turtle.split(b"\n")
    start = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith(b"@prefix ")), len(lines))
    return {line for line in lines[:start] if line.strip()}, b"\n".join(lines[start:]).strip(b"\n")


def _prefix_lines(declared: set[bytes], prefixes: dict[str, str]) -> bytes:
    """The prefix lines of a document: every prefix of the export (as the fast path's, and JSON-LD's
    context, declare them all) and those rdflib's writer made up, sorted, then a blank line."""
    lines = declared | {f"@prefix {prefix}: <{namespace}> .".encode() for prefix, namespace in prefixes.items()}
    return b"\n".join(sorted(lines)) + b"\n\n"


def _term(node):
    """An Oxigraph term as the rdflib term of the same lexical form (public constructors only)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)  # the canonical label
    if node.language:
        return Literal(node.value, lang=node.language)
    if node.datatype.value == XSD_STRING:
        return Literal(node.value)
    return Literal(node.value, datatype=URIRef(node.datatype.value), normalize=False)  # the lexical form as stored


def _abbreviated(ntriples: bytes, prefixes: dict[str, str], graph: str | None = None) -> bytes:
    """rdflib's Turtle of these triples, without prefix lines: it writes an RDF list as `( ... )`
    and a blank node used once as `[ ... ]`. Inside a TriG graph (`graph`), the statements one
    tab in (rdflib's own TriG writer counts every blank node as used twice, so it nests none).
    Sorted input and canonical blank-node labels make its output the same in every process."""
    if not ntriples:
        return b""
    import io

    from rdflib import Literal
    from rdflib.plugins.serializers.turtle import TurtleSerializer

    class Writer(TurtleSerializer):
        indentString = "\t"  # as Oxigraph's writers indent

        def reset(self):
            super().reset()
            self.depth = 1 if graph else 0

        def get_pname(self, uri, gen_prefix=True):  # rdflib 7.6's name (pyproject asks for it)
            return super().get_pname(uri, gen_prefix=False)  # the export's prefixes only, none made up

        def label(self, node, position):
            if isinstance(node, Literal):  # "1"^^xsd:decimal stays itself, not 1.0
                return node._literal_n3(qname_callback=lambda datatype: self.get_pname(datatype, False))
            return super().label(node, position)

    out = io.BytesIO()
    Writer(_rdflib_graph(ntriples, prefixes)).serialize(out, encoding="utf-8")
    text = out.getvalue()
    while text.lstrip(b"\t\n").startswith(b"@prefix"):  # the document's header declares them
        text = text[text.index(b"@prefix") :]
        text = text[text.index(b"\n") + 1 :]
    return b"\n" + text.strip(b"\n") + b"\n"  # one blank line after the flat part's last line


def _subject(line: bytes) -> bytes:
    return line[: line.index(b" ")]


def subject_boundary(ntriples: bytes) -> int | None:
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
        proc = subprocess.Popen(
            [sys.executable, "-m", "dskg.fast.turtle", json.dumps(prefixes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=worker_env(),
        )
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
