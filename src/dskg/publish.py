"""Export the graph as Turtle, N-Triples, JSON-LD, RDF/XML or TriG, deterministically and atomically.

Same data, byte-identical output: rdflib's serializers sort subjects and predicates; blank
nodes (only in the ontology's axioms) are serialized inline. Writes go to a temporary file that
replaces the target only once complete, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import UnreadableInputError, UsageError
from .graph import KnowledgeGraph
from .loader import PREFIXES
from .vocab import GRAPH

FORMATS = {
    "turtle": ("turtle", ".ttl"),
    "nt": ("nt", ".nt"),
    "jsonld": ("json-ld", ".jsonld"),
    "xml": ("pretty-xml", ".rdf"),
    "trig": ("trig", ".trig"),
}
"""CLI format name -> (rdflib serializer, file suffix)."""


def _graph_names(inferred: bool, include_ontology: bool) -> list[str]:
    names = ["ontology"] if include_ontology else []
    names.append("data")
    if inferred:
        names.append("inferred")
    return names


def serialize(kg: KnowledgeGraph, format: str = "turtle", *, inferred: bool = False, include_ontology: bool = True) -> bytes:
    """The graph in one RDF format.

    Args:
        format: turtle, nt, jsonld, xml or trig (TriG keeps the named graphs apart).
        inferred: include the inferred triples (asserted only by default).
        include_ontology: include the ontology's triples (so Protégé or HermiT get both).
    """
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; use one of: {', '.join(FORMATS)}")
    rdflib_format = FORMATS[format][0]
    names = _graph_names(inferred, include_ontology)
    if format == "trig":
        out = Dataset()
        for prefix, ns in PREFIXES.items():
            out.bind(prefix, ns)
        for name in names:
            target = out.graph(GRAPH[name])
            for t in kg.graph(name):
                target.add(t)
        return out.serialize(format="trig", encoding="utf-8")
    if format == "nt":
        lines = set()
        for name in names:
            lines.update(Graph().__iadd__(kg.graph(name)).serialize(format="nt", encoding="utf-8").splitlines())
        return b"".join(sorted(line + b"\n" for line in lines if line.strip()))
    merged = Graph()
    for prefix, ns in PREFIXES.items():
        merged.bind(prefix, ns)
    for name in names:
        merged += kg.graph(name)
    if format == "jsonld":
        return merged.serialize(format="json-ld", encoding="utf-8", auto_compact=True, sort_keys=True)
    return merged.serialize(format=rdflib_format, encoding="utf-8")


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
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(kg: KnowledgeGraph, path: Path | str, format: str | None = None, *, inferred: bool = False, include_ontology: bool = True) -> Path:
    """Write the graph to `path` (format from the suffix when not given). Returns the path."""
    path = Path(path)
    if format is None:
        by_suffix = {suffix: name for name, (_, suffix) in FORMATS.items()}
        format = by_suffix.get(path.suffix, "turtle")
    write_atomic(path, serialize(kg, format, inferred=inferred, include_ontology=include_ontology))
    return path
