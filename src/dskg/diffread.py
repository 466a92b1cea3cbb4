"""One side of `dskg diff` read into N-Triples lines: a data folder built (without the store or
reasoning), or an exported Turtle, TriG or N-Triples file parsed by Oxigraph.

Only the asserted data is kept: the ontology's triples and the inferred graph are left out (TriG
keeps them apart; in Turtle and N-Triples the shipped ontology's triples are taken out; a Turtle
file with inferred triples mixed in is refused, since they cannot be told from asserted ones).
Lines are written as Oxigraph writes N-Triples, typed literals as a store holds them (by value),
so the same triple is the same line on both sides whatever its file's order; triples with blank
nodes (which only Turtle entries and files bring) are kept as groups joined by their blank
nodes, each in rdflib's canonical form, so blank-node labels never count either.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import fast
from .errors import DskgError, UnreadableInputError, UsageError
from .fast.loading import gc_paused
from .fast.ntriples import to_ntriples

WRITTEN_OTHERWISE = re.compile(rb'[\x00-\x09\x0b-\x1f\x7f]|"@[a-zA-Z0-9-]*[A-Z]')  # (lines end in \n)
INFERRED_ONLY = (b"claimOf", b"isSubjectOf", b"isAddressedBy", b"isIllustratedBy", b"isEvidencedBy", b"hasModel", b"answers", b"underpins")
"""Inverse properties the loader never writes and reasoning always adds: their presence marks an export made with --inferred."""
RDF_FILES = {".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "nt"}


@dataclass
class Side:
    """One side's asserted data: N-Triples lines without blank nodes, and the groups of triples
    joined by blank nodes, each as its canonical form (a frozenset of N-Triples lines)."""

    name: str
    kind: str
    lines: set[bytes]
    blank_groups: Counter = field(default_factory=Counter)
    read_only: int | None = None
    """When only some entry files were read (the others are the same on both sides): how many."""

    @property
    def triples(self) -> int | None:
        if self.read_only is not None:
            return None
        return len(self.lines) + sum(len(group) * n for group, n in self.blank_groups.items())

    def about(self, subjects: set[bytes]) -> list[bytes]:
        """Every line whose subject (as written, `<iri>`) is one of `subjects`; blank-node groups
        are searched whole. One pass over the lines: a side holds a million."""
        found = [line for line in self.lines if line[: line.find(b" ")] in subjects]
        for group in self.blank_groups:
            if any(line[: line.find(b" ")] in subjects for line in group):
                found.extend(group)
        return found


def read_side(path: Path | str, *, base: Path | str | None = None, name: str | None = None, other_is_folder: bool = True) -> Side:
    """One side from a data folder or an RDF file. `base` is the curated base a user folder is
    layered on (the shipped data when None). Raises UnreadableInputError naming the path and the fix."""
    path = Path(path)
    name = name or str(path)
    if path.is_dir():
        return _folder_side(path, base, name, canonical=not other_is_folder)
    if path.is_file():
        kind = RDF_FILES.get(path.suffix.lower())
        if kind is None:
            raise UsageError(
                f"{name}: not a data folder or an RDF file dskg diff reads. Fix: give a data folder, or a file exported with "
                "`dskg export -f turtle|trig|nt` (.ttl, .trig, .nt)."
            )
        return _rdf_side(path, kind, name)
    raise UnreadableInputError(
        f"{name}: no such file or folder. Fix: give a data folder (from `dskg init`, or data/) or an exported .ttl/.trig/.nt file."
    )


def folder_kind(path: Path) -> str:
    """'user' for a folder from `dskg init` (entries/), 'base' for a curated folder of *.yaml."""
    if (path / "entries").is_dir():
        return "user"
    if any(path.glob("*.yaml")):
        return "base"
    raise UnreadableInputError(
        f"{path}: neither a data folder from `dskg init` (no entries/) nor a curated base folder (no *.yaml). "
        "Fix: give the folder that holds entries/, or one like the shipped data/."
    )


def _folder_side(path: Path, base: Path | str | None, name: str, canonical: bool) -> Side:
    from .pipeline import read_sources

    kind = folder_kind(path)
    try:
        with gc_paused():  # a million triples that all live on: collections would walk them for nothing
            _, _, triples = read_sources(path, base=base) if kind == "user" else read_sources(None, base=path)
            text = to_ntriples(triples)
            del triples
    except DskgError as exc:
        if isinstance(exc, UnreadableInputError | UsageError):
            raise
        raise UnreadableInputError(
            f"{name}: the data does not build, so it cannot be compared:\n{exc}\nFix: correct it (dskg build --base, dskg validate --data)."
        ) from None
    # against an RDF file, each term as Oxigraph writes it: the fast path's writer does but for control
    # characters (written raw, not \uXXXX) and language tags (kept as given, not lowercased)
    if canonical and (not fast.enabled() or WRITTEN_OTHERWISE.search(text)):
        text = _oxigraph_ntriples(text, "nt", name)
    return side_from_ntriples(name, f"{kind} folder", text, ontology=None)


def _rdf_side(path: Path, kind: str, name: str) -> Side:
    import pyoxigraph as ox

    from . import resources
    from .vocab import GRAPH

    try:
        if kind == "trig":
            quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
            data, default = ox.NamedNode(str(GRAPH.data)), ox.DefaultGraph()
            graphs = {q.graph_name for q in quads}
            wanted = data if data in graphs else default  # a TriG of dskg's keeps the data graph apart
            text = ox.serialize([q.triple for q in quads if q.graph_name == wanted], format=ox.RdfFormat.N_TRIPLES)
        else:
            text = _oxigraph_ntriples(path.read_bytes(), kind, name)
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableInputError(
            f"{name}: cannot read it as {kind} ({exc}). Fix: give a file written by `dskg export -f {kind}`."
        ) from None
    ontology = side_from_ntriples(
        "ontology", "ontology", _oxigraph_ntriples(resources.ontology_file().read_bytes(), "turtle", "the ontology"), None
    )
    marked = next((term for term in INFERRED_ONLY if _as_predicate(text, term, ontology)), None)
    if marked is not None:
        raise UsageError(
            f"{name}: holds inferred triples (dskg:{marked.decode()}, which only reasoning adds) that cannot be told from the "
            "asserted ones. Fix: export it as TriG, which keeps the inferred graph apart, or without --inferred."
        )
    return side_from_ntriples(name, f"{kind} file", text, ontology=ontology)


def _as_predicate(text: bytes, name: bytes, ontology: Side) -> bool:
    """Whether a triple of the data (not the ontology's) has dskg:<name> as its predicate."""
    term = b"<https://w3id.org/dskg/ontology#" + name + b">"
    return any(line.split(b" ", 2)[1] == term for line in _lines_with(text, term) if line not in ontology.lines)


def _oxigraph_ntriples(text: bytes, kind: str, name: str) -> bytes:
    import pyoxigraph as ox

    fmt = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}[kind]
    try:
        return ox.serialize(ox.parse(text, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError) as exc:
        raise UnreadableInputError(f"{name}: cannot read it as {kind} ({exc}). Fix: give a file written by `dskg export`.") from None


def side_from_ntriples(name: str, kind: str, text: bytes, ontology: Side | None) -> Side:
    """Lines with a blank node are set apart and grouped; an RDF file's ontology triples go."""
    lines = set(text.split(b"\n"))
    lines.discard(b"")
    blank = {line for line in _lines_with(text, b"_:") if _has_blank(line)}
    typed = {line for line in _lines_with(text, XSD_TYPED) if XSD_STRING not in line} - blank
    lines -= blank | typed
    lines |= _store_form(typed)
    groups = Counter(_canonical_groups(blank))
    if ontology is not None:
        lines -= ontology.lines
        for group in ontology.blank_groups:
            groups.pop(group, None)
    return Side(name, kind, lines, groups)


XSD_TYPED = b'"^^<http://www.w3.org/2001/XMLSchema#'
XSD_STRING = XSD_TYPED + b"string>"


def _lines_with(text: bytes, marker: bytes) -> list[bytes]:
    """The lines of `text` holding `marker`: found by bytes.find over the whole text, which is
    many times quicker than looking into each of a million lines (few hold it)."""
    found, at = [], text.find(marker)
    while at != -1:
        start, end = text.rfind(b"\n", 0, at) + 1, text.find(b"\n", at)
        end = len(text) if end == -1 else end
        found.append(text[start:end])
        at = text.find(marker, end)
    return found


def _store_form(lines: set[bytes]) -> set[bytes]:
    """Typed literals as a store holds them: Oxigraph keeps numbers and booleans by value, so an
    export writes `14` where the loader wrote `"14.0"^^xsd:decimal`; both sides go through a store."""
    import pyoxigraph as ox

    if not lines:
        return lines
    store = ox.Store()
    store.load(input=b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return {line for line in text.split(b"\n") if line}


def _has_blank(line: bytes) -> bool:
    if line.startswith(b"_:"):
        return True
    rest = line.split(b"> ", 2)  # subject IRI, predicate IRI, object
    return len(rest) == 3 and rest[2].startswith(b"_:")


def _canonical_groups(lines: Iterable[bytes]) -> Iterator[frozenset[bytes]]:
    """Triples joined by blank nodes, each group in rdflib's canonical form (labels from content)."""
    from rdflib import BNode, Graph
    from rdflib.compare import to_canonical_graph

    lines = list(lines)
    if not lines:
        return
    graph = Graph().parse(data=b"\n".join(lines).decode(), format="nt")
    parent: dict = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for s, _, o in graph:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[root(s)] = root(o)
    members: dict = {}
    for triple in graph:
        node = triple[0] if isinstance(triple[0], BNode) else triple[2]
        members.setdefault(root(node), Graph()).add(triple)
    for group in members.values():
        text = to_canonical_graph(group).serialize(format="nt", encoding="utf-8")
        yield frozenset(line for line in text.split(b"\n") if line)
