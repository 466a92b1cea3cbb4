"""Turtle and TriG from sorted N-Triples: Oxigraph writes the flat triples, rdflib the few with blank nodes.

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
A worker process (`python -m dskg.turtle`: pyoxigraph only, no rdflib) writes the second half
while this one writes the first. If the worker cannot start or fails, this process writes both.
Other formats go through `convert` in one pass.
"""

from __future__ import annotations

import bisect
import json
import subprocess
import sys
import threading
from collections.abc import Iterable

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

SPLIT_FROM = 30_000_000
"""Bytes of N-Triples (~170,000 triples) from which the second half goes to a worker: below,
starting it (~0.1 s) would cost more than it saves."""


def write(lines: list[bytes], prefixes: dict[str, str], split_from: int = SPLIT_FROM, blank_lines: Iterable[bytes] | None = None) -> bytes:
    """Turtle of sorted N-Triples lines (without their newlines), byte-identical however it is written.

    Args:
        blank_lines: the lines that may hold a blank node as object (those of the graphs that have
            any), so that a big graph without one is not searched; by default, every line.
    """
    flat, nested = _partition(lines, lines if blank_lines is None else blank_lines)
    # the last line needs no newline to be read: one copy of a million lines fewer
    return _flat(b"\n".join(flat), prefixes, split_from, _abbreviated(joined(nested), prefixes))


def write_trig(graphs: list[tuple[str, list[bytes], Iterable[bytes]]], prefixes: dict[str, str]) -> bytes:
    """TriG of named graphs, each given as (its IRI, its sorted N-Triples lines, those that may hold
    a blank node as object): one block per graph, in that order."""
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
    # lenient: the lines are Oxigraph's own dump, checked when they went in, so not checked again
    return ox.serialize(ox.parse(lines, format=source, lenient=True), format=target, prefixes=prefixes)


def _flat(ntriples: bytes, prefixes: dict[str, str], split_from: int, after: bytes = b"") -> bytes:
    """Oxigraph's Turtle of sorted N-Triples, a big graph's second half written by the worker;
    `after` (the statements with blank nodes) at the end."""
    if not ntriples:
        return _header(prefixes) + after if after else b""
    middle = _subject_boundary(ntriples) if len(ntriples) >= split_from else None
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


def _abbreviated(ntriples: bytes, prefixes: dict[str, str], graph: str | None = None) -> bytes:
    """rdflib's Turtle of these triples, without prefix lines: it writes an RDF list as `( ... )`
    and a blank node used once as `[ ... ]`. Inside a TriG graph (`graph`), the statements one
    tab in (rdflib's own TriG writer counts every blank node as used twice, so it nests none).
    Sorted input and canonical blank-node labels make its output the same in every process."""
    if not ntriples:
        return b""
    import io

    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.plugins.serializers.turtle import TurtleSerializer

    def term(node):
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)  # the canonical label: rdflib's own parser would make random ones
        if node.language:
            return Literal(node.value, lang=node.language)
        if node.datatype.value == XSD_STRING:
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(node.datatype.value), normalize=False)  # the lexical form as stored

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

    store = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        store.bind(prefix, namespace)
    for triple in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True):
        store.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    out = io.BytesIO()
    Writer(store).serialize(out, encoding="utf-8")
    text = out.getvalue()
    while text.lstrip(b"\t\n").startswith(b"@prefix"):  # the document's header declares them
        text = text[text.index(b"@prefix") :]
        text = text[text.index(b"\n") + 1 :]
    return b"\n" + text.strip(b"\n") + b"\n"  # one blank line after the flat part's last line


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
    from .fast.prefetch import worker_env

    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dskg.turtle", json.dumps(prefixes)],
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
