"""Export the graph as Turtle, N-Triples, JSON-LD, RDF/XML or TriG, deterministically and atomically.

Same data, byte-identical output: every format is written from sorted N-Triples that Oxigraph
itself dumped from the store. Turtle and TriG come from Oxigraph's writers (rdflib's Turtle writer
is far too slow at a million triples; a big Turtle's second half is written by a second
process), except the few subjects with blank nodes, whose RDF lists rdflib writes as
`( ... )` (see fast/turtle.py); TriG keeps each named graph in one block. JSON-LD is compacted by pyld
with an `@context` of the same prefixes as Turtle's `@prefix` lines (`PREFIXES`). Blank nodes (in
the ontology's axioms, or a Turtle entry's) get canonical labels from rdflib, for the graphs that
have any. Writes go to a temporary file that replaces the target only once complete, so a failed
export never leaves a half-written file.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph
from rdflib.compare import to_canonical_graph

from .errors import UnreadableInputError, UsageError
from .fast import turtle
from .fast.loading import gc_paused
from .graph import KnowledgeGraph
from .terms import PREFIXES as NAMESPACES
from .vocab import GRAPH

PREFIXES: dict[str, str] = {"rdf": str(RDF), **{prefix: str(namespace) for prefix, namespace in NAMESPACES.items()}}
"""The prefixes of every export: Turtle's and TriG's `@prefix` lines and JSON-LD's `@context`."""

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


def _lines(kg: KnowledgeGraph, name: str) -> tuple[list[bytes], bool]:
    """The N-Triples lines of one named graph (without newlines), blank nodes canonically labelled,
    and whether it has any."""
    dump = kg.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(GRAPH[name]))
    if b"_:" in dump:  # blank nodes (or text that looks like one): labels from the triples, not the store
        dump = _canonical(Graph().parse(data=dump, format="nt")).serialize(format="nt", encoding="utf-8")
        return [line for line in dump.split(b"\n") if line], True  # rdflib may end with a blank line
    lines = dump.split(b"\n")  # Oxigraph writes one triple per line, each ending in " ."
    if lines and not lines[-1]:
        lines.pop()  # after the last newline
    return lines, False


def _dumped(kg: KnowledgeGraph, names: list[str]) -> list[tuple[list[bytes], bool]]:
    """Each named graph's N-Triples lines, and whether it has blank nodes."""
    return turtle.dumped(lambda name: _lines(kg, name), names)


def _sorted(graphs: list[list[bytes]]) -> list[bytes]:
    """The graphs' lines merged and sorted, a triple in two graphs once."""
    lines: list[bytes] = []
    for graph in graphs:
        lines.extend(graph)
    lines.sort()  # a list, not a set: the dump's lines come in sorted runs, which the sort takes whole
    # a triple in two graphs once; the usual graphs share none, which one set test shows more cheaply than a pass over every line
    if len(graphs) > 1 and not _disjoint(graphs):
        lines = [line for line, _ in itertools.groupby(lines)]
    return lines


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
    with gc_paused():  # a million lines to sort: collections would walk the records for nothing
        # the lines are let go inside the pause, so the first collection after it has no million-item list to walk
        return _written(kg, format, names)


def _written(kg: KnowledgeGraph, format: str, names: list[str]) -> bytes:
    dumped = _dumped(kg, names)
    if format == "trig":
        graphs = [(str(GRAPH[name]), _sorted([lines]), lines if blank else []) for name, (lines, blank) in zip(names, dumped)]
        return turtle.write_trig(graphs, PREFIXES)
    lines = _sorted([lines for lines, _ in dumped])
    if format == "turtle":  # sorted lines: the writer groups each subject's triples under it
        return turtle.write(lines, PREFIXES, blank_lines=[line for graph, blank in dumped if blank for line in graph])
    ntriples = turtle.joined(lines)
    if format == "nt":
        return ntriples
    if format == "jsonld":
        return _jsonld(ntriples)
    return turtle.convert(ntriples, ox.RdfFormat.N_TRIPLES, FORMATS[format], PREFIXES)


def _jsonld(ntriples: bytes) -> bytes:
    """Compact JSON-LD with `PREFIXES` as its `@context`, by pyld (the JSON-LD 1.1 API's Python
    implementation): RDF lists become `@list`, and typed literals keep their lexical form and
    datatype (no native JSON numbers, which would turn "1.50"^^xsd:double into 1.5E0)."""
    from pyld import jsonld

    expanded = jsonld.from_rdf(_pyld_dataset(ntriples), {})  # the dataset is let go once read
    compacted = jsonld.compact(expanded, {"@context": PREFIXES}, {"skipExpansion": True, "graph": True})
    del expanded
    return json.dumps(compacted, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def _pyld_dataset(ntriples: bytes) -> dict[str, list[dict]]:
    """N-Triples in pyld's dataset form, read by Oxigraph: pyld's own N-Quads reader compares each
    triple with every one before it."""
    iris: dict[str, dict[str, str]] = {}  # one dict per IRI, however often used: pyld only reads them

    def term(node) -> dict[str, str]:
        if isinstance(node, ox.NamedNode):
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = {"type": "IRI", "value": node.value}
            return iri
        if isinstance(node, ox.BlankNode):
            return {"type": "blank node", "value": f"_:{node.value}"}
        literal = {"type": "literal", "value": node.value, "datatype": node.datatype.value}
        if node.language:
            literal["language"] = node.language
        return literal

    triples = turtle.read(ntriples)
    dataset = [{"subject": term(t.subject), "predicate": term(t.predicate), "object": term(t.object)} for t in triples]
    return {"@default": dataset} if dataset else {}


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


def export(
    kg: KnowledgeGraph, path: Path | str, format: str | None = None, *, inferred: bool = False, include_ontology: bool = True
) -> Path:
    """Write the graph to `path` (format from the suffix when not given). Returns the path."""
    path = Path(path)
    if format is None:
        by_suffix = {f".{fmt.file_extension}": name for name, fmt in FORMATS.items()}
        format = by_suffix.get(path.suffix, "turtle")
    write_atomic(path, serialize(kg, format, inferred=inferred, include_ontology=include_ontology))
    return path
