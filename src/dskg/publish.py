"""Export the graph as Turtle, N-Triples, JSON-LD, RDF/XML or TriG, deterministically and atomically.

Same data, byte-identical output: every format comes from Oxigraph's writers fed sorted
N-Triples/N-Quads that Oxigraph itself dumped from the store (rdflib's Turtle writer took 22 s at
a million triples; this path ~2.5-3 s, a big Turtle's second half written by a second
process: see turtle.py). Blank nodes (in the ontology's axioms, or a Turtle entry's)
get canonical labels from rdflib, for the graphs that have any. Writes go to a temporary file that
replaces the target only once complete, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph
from rdflib.compare import to_canonical_graph

from . import turtle
from .errors import UnreadableInputError, UsageError
from .graph import KnowledgeGraph, gc_paused
from .loader import PREFIXES
from .vocab import GRAPH

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
}
"""CLI format name -> Oxigraph format (its `file_extension` is the suffix)."""


def _canonical(graph: Graph) -> Graph:
    """A copy whose blank-node labels depend only on the triples, so output is byte-stable."""
    out = Graph()
    out += to_canonical_graph(graph)
    return out


def _graph_names(inferred: bool, include_ontology: bool) -> list[str]:
    names = ["ontology"] if include_ontology else []
    names.append("data")
    if inferred:
        names.append("inferred")
    return names


def _lines(kg: KnowledgeGraph, name: str) -> list[bytes]:
    """The N-Triples lines of one named graph (without newlines), blank nodes canonically labelled."""
    dump = kg.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(GRAPH[name]))
    if b"_:" in dump:  # blank nodes (or text that looks like one): labels from the triples, not the store
        dump = _canonical(Graph().parse(data=dump, format="nt")).serialize(format="nt", encoding="utf-8")
        return [line for line in dump.split(b"\n") if line]  # rdflib may end with a blank line
    lines = dump.split(b"\n")  # Oxigraph writes one triple per line, each ending in " ."
    if lines and not lines[-1]:
        lines.pop()  # after the last newline
    return lines


def _sorted_nquads(kg: KnowledgeGraph, names: list[str], keep_graphs: bool) -> bytes:
    """The chosen graphs as sorted N-Quads (or N-Triples, the graphs merged, when not keeping graphs)."""
    from concurrent.futures import ThreadPoolExecutor

    # each graph on its own thread: Oxigraph dumps without the GIL, so the ontology's blank
    # nodes are labelled while the data is dumped
    with ThreadPoolExecutor(max_workers=len(names), thread_name_prefix="dskg-dump") as pool:
        dumped = list(pool.map(lambda name: _lines(kg, name), names))
    graphs: list[list[bytes]] = []
    for name, graph in zip(names, dumped):
        if keep_graphs:
            suffix = f" <{GRAPH[name]}> .".encode()
            graph = [line[:-2] + suffix for line in graph]
        graphs.append(graph)
    lines: list[bytes] = []
    for graph in graphs:
        lines.extend(graph)
    lines.sort()  # a list, not a set: the dump's runs make this sort ~6x faster at 1M lines
    # a triple in two graphs once; the usual graphs share none, which one set test shows (1M: 0.27 -> 0.05 s)
    if not keep_graphs and len(graphs) > 1 and not _disjoint(graphs):
        lines = [line for line, _ in itertools.groupby(lines)]
    if lines:
        lines.append(b"")  # the last newline, without copying the whole again
    return b"\n".join(lines)


def _disjoint(graphs: list[list[bytes]]) -> bool:
    """No line in two of the graphs (each graph's own lines are distinct): the smaller graphs'
    lines go into a set, the largest's are only looked up."""
    *smaller, largest = sorted(graphs, key=len)
    seen = set().union(*smaller)
    return len(seen) == sum(map(len, smaller)) and seen.isdisjoint(largest)


def serialize(kg: KnowledgeGraph, format: str = "turtle", *, inferred: bool = False, include_ontology: bool = True) -> bytes:
    """The graph in one RDF format, byte-identical for the same data.

    Args:
        format: turtle, nt, jsonld, xml or trig (TriG keeps the named graphs apart).
        inferred: include the inferred triples (asserted only by default).
        include_ontology: include the ontology's triples (so Protégé or HermiT get both).
    """
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; use one of: {', '.join(FORMATS)}")
    names = _graph_names(inferred, include_ontology)
    keep_graphs = format == "trig"
    with gc_paused():  # a million lines to sort: collections would walk the records for nothing
        nquads = _sorted_nquads(kg, names, keep_graphs)
        if format == "nt":
            return nquads
        source = ox.RdfFormat.N_QUADS if keep_graphs else ox.RdfFormat.N_TRIPLES
        prefixes = {"rdf": str(RDF), **{prefix: str(ns) for prefix, ns in PREFIXES.items()}}
        # sorted input: the Turtle and TriG writers group each subject's triples under it
        if format == "turtle":
            return turtle.write(nquads, prefixes)
        return turtle.convert(nquads, source, FORMATS[format], prefixes)


def write_atomic(path: Path, content: bytes) -> None:
    """Write `content` to `path` through a temporary file in the same folder, then rename."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UnreadableInputError(f"{path}: the folder {folder} does not exist. Fix: create it or choose another output path.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(kg: KnowledgeGraph, path: Path | str, format: str | None = None, *, inferred: bool = False, include_ontology: bool = True) -> Path:
    """Write the graph to `path` (format from the suffix when not given). Returns the path."""
    path = Path(path)
    if format is None:
        by_suffix = {f".{fmt.file_extension}": name for name, fmt in FORMATS.items()}
        format = by_suffix.get(path.suffix, "turtle")
    write_atomic(path, serialize(kg, format, inferred=inferred, include_ontology=include_ontology))
    return path
