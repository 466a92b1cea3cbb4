"""SHACL at speed: pySHACL given shapes whose SPARQL checks select their own few targets, and
each SPARQL text it sends rdflib parsed once per process.

Reference path (DSKG_REFERENCE_PATH=1): pySHACL given the shapes exactly as shipped, with rdflib
untouched (every query parsed anew, every SPARQL check run once per target).

Private names used here (pyproject.toml pins the versions): rdflib's
`rdflib.plugins.sparql.processor.parseQuery` / `translateQuery`, module attributes that
`SPARQLProcessor.query` looks up on every call (rdflib 7.x), replaced for the length of a run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from . import enabled

SH = Namespace("http://www.w3.org/ns/shacl#")


def validate(data: Graph, shapes: Graph, *, inplace: bool = False) -> Graph:
    """pySHACL's results graph for `data` against `shapes` (no inference; warnings allowed).

    `inplace`: hand pySHACL `data` itself rather than a copy (nothing here adds to it: no
    inference, no rules), for a graph the caller made for this run only."""
    import pyshacl

    if not enabled():
        return pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, inplace=inplace)[1]
    with prepared_sparql():  # advanced: SHACL-AF, for the narrowed shapes' SPARQL targets
        shapes = narrowed(shapes)
        return pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=inplace)[1]


# ---------------------------------------------------------------------------------------------
# Narrowed targets
# ---------------------------------------------------------------------------------------------

# How each SHACL Core target selects ?this, as a SPARQL pattern (rdf:type/rdfs:subClassOf*: SHACL's
# "instance of", written with the class bound first, see shapes/README.md on sequence paths).
_TARGET_PATTERNS = {
    SH.targetClass: "?_targetClass <http://www.w3.org/2000/01/rdf-schema#subClassOf>* {} . ?this a ?_targetClass .",
    SH.targetSubjectsOf: "?this {} ?_targetObject .",
    SH.targetObjectsOf: "?_targetSubject {} ?this .",
}
# What else a shape may say and still be narrowed: nothing that selects or checks nodes.
_PASSIVE = {RDF.type, RDFS.label, SH.severity, SH.message, SH.sparql, *_TARGET_PATTERNS}

_NARROWED: dict[int, tuple[Graph, Graph]] = {}


def narrowed(shapes: Graph) -> Graph:
    """The shapes with each SPARQL check's Core targets replaced by one SPARQL target that selects
    only the nodes the check will report: the same findings, sooner (made once per shapes graph).

    Each SPARQL check of shapes/ is a node shape with Core targets and one SPARQL constraint,
    which pySHACL runs once per target: a query run per record (each costs rdflib a fraction of a
    millisecond, and a large graph has tens of thousands of records) where hardly any fails. A
    constraint reports nothing on a node its query does not select, so such a shape's Core
    targets become one SHACL-AF SPARQL target: the targets' pattern joined with the constraint's
    own query (or the query alone where it opens with `$this P ?x` for a target of the subjects
    of P), run once over the graph to select the nodes the constraint will report. pySHACL then
    runs the constraint on those few. A shape that says anything else is left as written.
    """
    known = _NARROWED.get(id(shapes))
    if known is not None and known[0] is shapes:
        return known[1]
    out = Graph()
    out += shapes
    for shape, constraint in list(out.subject_objects(SH.sparql)):
        _narrow(out, shape, constraint)
    _NARROWED[id(shapes)] = (shapes, out)  # the graph kept with its id, so the id is not reused
    return out


def _narrow(shapes: Graph, shape, constraint) -> None:
    """Replace `shape`'s Core targets by a SPARQL target selecting what `constraint` reports, if it can be."""
    select = shapes.value(constraint, SH.select)
    if set(shapes.predicates(shape)) - _PASSIVE or len(list(shapes.objects(shape, SH.sparql))) != 1 or select is None:
        return
    where = re.search(r"\bWHERE\s*\{", str(select), re.IGNORECASE)
    body = str(select)[where.end() :].rstrip() if where else ""
    targets = [(kind, node) for kind in _TARGET_PATTERNS for node in shapes.objects(shape, kind) if isinstance(node, URIRef)]
    if not body.endswith("}") or not targets:
        return  # a solution modifier after the pattern, or no Core target: leave the shape as written
    patterns = [_TARGET_PATTERNS[kind].format(node.n3()) for kind, node in targets]
    selected = patterns[0] if len(patterns) == 1 else " UNION ".join("{ " + pattern + " }" for pattern in patterns)
    first = re.match(r"\s*[$?]this\s+(\S+)\s", body)
    if first and targets == [(SH.targetSubjectsOf, _expand(first.group(1), shapes, constraint))]:
        selected = ""  # the query opens with `$this P ?x`: it selects subjects of P already (and each once)
    target = BNode()
    shapes.add((target, RDF.type, SH.SPARQLTarget))
    shapes.add((target, SH.select, Literal(f"SELECT DISTINCT ?this WHERE {{ {selected} {body[:-1]} }}")))
    for prefixes in shapes.objects(constraint, SH.prefixes):
        shapes.add((target, SH.prefixes, prefixes))
    for kind, node in targets:
        shapes.remove((shape, kind, node))
    shapes.add((shape, SH.target, target))


def _expand(name: str, shapes: Graph, constraint) -> URIRef | None:
    """The IRI a SPARQL term of `constraint`'s query names, through its sh:prefixes declarations."""
    if name.startswith("<") and name.endswith(">"):
        return URIRef(name[1:-1])
    prefix, colon, local = name.partition(":")
    for declared in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(declared, SH.declare):
            if colon and str(shapes.value(declaration, SH.prefix)) == prefix:
                return URIRef(str(shapes.value(declaration, SH.namespace)) + local)
    return None


# ---------------------------------------------------------------------------------------------
# SPARQL parsed once
# ---------------------------------------------------------------------------------------------

_PREPARED: dict[tuple, Any] = {}


@contextmanager
def prepared_sparql() -> Iterator[None]:
    """Parse each SPARQL string pySHACL sends once per process, not once per run.

    pySHACL hands rdflib the same ~50 query strings (the shapes' SPARQL targets and constraints)
    on every run, and rdflib parses each anew: most of a one-entry validation's time otherwise.
    rdflib's processor calls translateQuery(parseQuery(text), base, initNs); for the run,
    parsing passes the text through and translating is memoised on all three. A translated
    query is what rdflib's own prepareQuery returns for reuse. Process-wide while it lasts:
    any rdflib query on any thread is served the same way (with the same answers).
    """
    from rdflib.plugins.sparql import processor

    parse, translate = processor.parseQuery, processor.translateQuery

    def prepared(text, base=None, init_ns=None):
        if not isinstance(text, str):
            return translate(text, base, init_ns)
        key = (text, base, tuple(sorted((k, str(v)) for k, v in (init_ns or {}).items())))
        if key not in _PREPARED:
            _PREPARED[key] = translate(parse(text), base, init_ns)
        return _PREPARED[key]

    processor.parseQuery, processor.translateQuery = (lambda text: text), prepared
    try:
        yield
    finally:
        processor.parseQuery, processor.translateQuery = parse, translate
