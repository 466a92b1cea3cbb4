"""OWL-RL materialisation into a graph of its own, with the engines' noise filtered out.

owlrl is the reference engine. `reasonable` (Rust) is ~25x faster (perf-baseline.md) and a test
checks it yields the same entailments that queries and shapes use: types, inverses,
sub-properties.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

from .errors import InconsistencyError, UsageError

ENGINES = ("owlrl", "reasonable")

_META = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
_TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}
_OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")


def _is_noise(s, p, o) -> bool:
    """Entailments no user asks for: blank-node classes, literals as subjects, sameAs x x, T-box trivia."""
    if isinstance(s, (BNode, Literal)) or isinstance(o, BNode) or isinstance(p, BNode):
        return True
    if s == o and p in (OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty):
        return True
    if p in (RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range) and o in _TRIVIAL_OBJECTS:
        return True
    if str(s).startswith(_META):
        return True
    if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(_META) and o not in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        return True
    return False


def _normalise(term):
    """Plain strings come back from Oxigraph and `reasonable` typed xsd:string; make them one term."""
    if isinstance(term, Literal) and term.datatype == XSD.string and term.language is None:
        return Literal(str(term))
    return term


def _owlrl(base: Graph) -> Iterable[tuple]:
    import owlrl

    closure = Graph()
    closure += base
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, improved_datatypes=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    errors = sorted(str(o) for o in closure.objects(None, _OWLRL_ERROR.error))
    if errors:
        raise InconsistencyError(errors)
    return (t for t in closure if t not in base)


def _reasonable(base: Graph) -> Iterable[tuple]:
    import reasonable

    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(base)
    out = []
    for s, p, o in reasoner.reason():
        t = (_normalise(s), _normalise(p), _normalise(o))
        if t not in base:
            out.append(t)
    _check_disjointness(base, out)
    return out


def _check_disjointness(base: Graph, inferred: list[tuple]) -> None:
    """`reasonable` does not report inconsistency; check the ontology's disjointness ourselves."""
    types: dict = {}
    for s, p, o in [*base, *inferred]:
        if p == RDF.type and isinstance(o, URIRef):
            types.setdefault(s, set()).add(o)
    pairs = set()
    for a, b in base.subject_objects(OWL.disjointWith):
        pairs.add((a, b))
    for node in base.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(base.items(base.value(node, OWL.members)))
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    errors = [
        f"{s} is both a {a.n3(base.namespace_manager)} and a {b.n3(base.namespace_manager)}, which the ontology declares disjoint"
        for s, ts in types.items()
        for a, b in pairs
        if a in ts and b in ts
    ]
    if errors:
        raise InconsistencyError(sorted(errors))


def infer(ontology: Graph, data: Graph, engine: str = "owlrl") -> Graph:
    """The triples OWL-RL entails from ontology + data that neither holds, without noise.

    Raises:
        InconsistencyError: the data contradicts the ontology (e.g. an individual in two
            disjoint classes); the message names the individuals and classes.
        UsageError: unknown engine.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown reasoning engine {engine!r}; use one of: {', '.join(ENGINES)}")
    base = Graph()
    for g in (ontology, data):
        base.addN((_normalise(s), p, _normalise(o), base) for s, p, o in g)
    new = _owlrl(base) if engine == "owlrl" else _reasonable(base)
    inferred = Graph()
    for prefix, ns in data.namespaces():
        inferred.bind(prefix, ns)
    for t in new:
        if not _is_noise(*t):
            inferred.add(t)
    return inferred
