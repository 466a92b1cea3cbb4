"""OWL-RL materialisation into a graph of its own, with the engines' noise filtered out.

owlrl is the reference engine. `reasonable` (Rust) is many times faster and a test
checks it yields the same entailments that queries and shapes use: types, inverses,
sub-properties. `rules` is the default: owlrl closes the small ontology alone (the schema
entailments), then the few OWL-RL rules our ontology triggers on instance data (sub-properties,
inverses, domains, ranges, sub-classes, property chains of two) run over the data triples in Python. At a
million triples owlrl does not finish in 300 s and `reasonable` needs gigabytes; a test checks
`rules` gives exactly owlrl's entailments. Data that brings its own schema or equality axioms
(owl:sameAs, property characteristics...) goes to owlrl, which handles all of OWL-RL.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

from .errors import InconsistencyError, UsageError

ENGINES = ("rules", "owlrl", "reasonable")
DEFAULT_ENGINE = "rules"

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
    if (
        p == RDF.type
        and isinstance(o, URIRef)
        and str(o).startswith(_META)
        and o not in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    ):
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
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    errors = sorted(str(o) for o in closure.objects(None, _OWLRL_ERROR.error))
    if errors:
        raise InconsistencyError(errors)
    return (t for t in closure if t not in base)


def _reasonable(base: Graph) -> Iterable[tuple]:
    """`reasonable` has no property chains (prp-spo2): their conclusions are joined here and
    given to it again with the data, until they bring nothing new."""
    import reasonable

    chains = _two_step_chains(base)[0]
    given = Graph()
    given += base
    while True:
        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(given)
        out = [t for t in ((_normalise(s), _normalise(p), _normalise(o)) for s, p, o in reasoner.reason()) if t not in given]
        joined: list[tuple] = []
        join = _ChainJoin(chains, joined.extend)
        join.take_all(given)
        join.take_all(out)
        if all(t in given for t in joined):
            break
        given.addN((*t, given) for t in joined)
    out = [*out, *(t for t in given if t not in base)]
    _check_disjointness(base, out)
    return out


def _two_step_chains(graph: Graph) -> tuple[list[tuple], bool]:
    """The property chains of two properties as (first, second, concluded), and whether every chain is one."""
    chains = [(q, list(graph.items(first))) for q, first in graph.subject_objects(OWL.propertyChainAxiom)]
    two = sorted((steps[0], steps[1], q) for q, steps in chains if len(steps) == 2 and isinstance(q, URIRef))
    return two, len(two) == len(chains)


def _disjoint_pairs(graph: Graph) -> set[tuple]:
    pairs = set(graph.subject_objects(OWL.disjointWith))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(graph.items(graph.value(node, OWL.members)))
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def _report_disjoint(members: dict, pairs: set[tuple], names: Graph) -> None:
    """`members`: class -> its individuals; an individual of two disjoint classes is a contradiction."""
    errors = [
        f"{s} is both a {a.n3(names.namespace_manager)} and a {b.n3(names.namespace_manager)}, which the ontology declares disjoint"
        for a, b in pairs
        for s in members.get(a, set()) & members.get(b, set())
    ]
    if errors:
        raise InconsistencyError(sorted(errors))


def _check_disjointness(base: Graph, inferred: list[tuple]) -> None:
    """`reasonable` does not report inconsistency; check the ontology's disjointness ourselves."""
    members: dict = {}
    for s, p, o in [*base, *inferred]:
        if p == RDF.type and isinstance(o, URIRef):
            members.setdefault(o, set()).add(s)
    _report_disjoint(members, _disjoint_pairs(base), base)


_SCHEMA_PREDICATES = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.sameAs,
    OWL.onProperty,
    OWL.propertyChainAxiom,
    OWL.hasKey,
    OWL.unionOf,
    OWL.intersectionOf,
    OWL.oneOf,
}
_SCHEMA_TYPES = {
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.Restriction,
    OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty,
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
}


class _Schema:
    """The ontology's closure by owlrl, read as lookup tables for the instance-level rules."""

    def __init__(self, ontology: Graph):
        closure = Graph()
        closure += ontology
        owlrl_closure = _owlrl(closure)
        self.entailed = [t for t in owlrl_closure if not _is_noise(*t)]
        closure.addN((s, p, o, closure) for s, p, o in self.entailed)
        self.super_properties = self._table(closure, RDFS.subPropertyOf)
        self.super_classes = self._table(closure, RDFS.subClassOf, classes=True)
        self.domains = self._table(closure, RDFS.domain, classes=True)
        self.ranges = self._table(closure, RDFS.range, classes=True)
        self.inverses: dict = {}
        for a, b in closure.subject_objects(OWL.inverseOf):
            self.inverses.setdefault(a, set()).add(b)
            self.inverses.setdefault(b, set()).add(a)
        # a triple of property p also holds for each super-property q; give each q's consequences at once
        self.properties = {p for p in [*self.super_properties, *self.domains, *self.ranges, *self.inverses] if isinstance(p, URIRef)}
        self.disjoint = _disjoint_pairs(closure)
        # property chains (OWL-RL prp-spo2) of two properties; a longer one is left to owlrl
        self.chains, self.chains_supported = _two_step_chains(closure)

    @staticmethod
    def _table(graph: Graph, predicate, classes: bool = False) -> dict:
        """a -> {b}; for classes, without the trivial ones (owl:Thing, xsd:...) _is_noise drops."""
        table: dict = {}
        for a, b in graph.subject_objects(predicate):
            if classes and (b in _TRIVIAL_OBJECTS or str(b).startswith(_META)):
                continue
            if isinstance(a, URIRef) and isinstance(b, URIRef) and a != b:
                table.setdefault(a, set()).add(b)
        return table


def _ontology_key(ontology: Graph) -> bytes:
    """The ontology as sorted N-Triples, its blank nodes named by their place in it (rdflib's
    canonical form): each parse of one file names them afresh, and a build and its cache's rule
    tables parse it apart, so the closure is made once per process, not once per parse."""
    from rdflib.compare import to_canonical_graph

    from .fast.ntriples import to_ntriples

    return to_ntriples(sorted(to_canonical_graph(ontology)))


@functools.lru_cache(maxsize=4)
def _schema_of(ontology_ntriples: bytes) -> _Schema:
    return _Schema(Graph().parse(data=ontology_ntriples, format="nt"))


_TYPE = RDF.type
_XSD_STRING = XSD.string


def _has_schema_axioms(data: list[tuple]) -> bool:
    """Data that states schema or equality axioms itself, which only owlrl handles in full."""
    # the class first: a set lookup that almost always misses, where `p == _TYPE` compares in Python
    return any(p in _SCHEMA_PREDICATES or (o in _SCHEMA_TYPES and p == _TYPE) for _, p, o in data)


def schema_axiom_terms() -> tuple[frozenset, frozenset]:
    """The predicates, and the classes of rdf:type, that make a data triple a schema or equality axiom."""
    return frozenset(_SCHEMA_PREDICATES), frozenset(_SCHEMA_TYPES)


def instance_rules(ontology: Graph) -> _Schema:
    """The ontology's closure as the lookup tables the instance rules use (made once per ontology)."""
    return _schema_of(_ontology_key(ontology))


def _rules(ontology: Graph, data: list[tuple]) -> list[tuple] | None:
    """Instance entailments of ontology + data, or None when data holds schema axioms (owlrl then)."""
    if _has_schema_axioms(data):
        return None
    schema = _schema_of(_ontology_key(ontology))
    if not schema.chains_supported:
        return None
    derived = _forward_chain(schema, ontology, data)
    _report_disjoint(_members(data, derived), schema.disjoint, ontology)
    return [*schema.entailed, *derived]


def _forward_chain(schema: _Schema, ontology: Graph, data: list[tuple]) -> list[tuple]:
    """The schema's rules applied to the data until nothing new follows; the new triples in the order found.

    What one triple entails in one step (`follow`): its super-classes (rdfs9) for a type, else its
    super-properties (rdfs7), its subject's domain classes (rdfs2) and, for a resource object, the
    inverse triples (owl inverseOf) and its object's range classes (rdfs3); each term's rules looked
    up once per term object (_ById)."""
    # only triples of a predicate some rule can derive need remembering (hashing a million literals is slow)
    derivable = {
        _TYPE,
        *(q for qs in schema.super_properties.values() for q in qs),
        *(q for qs in schema.inverses.values() for q in qs),
        *(concluded for _, _, concluded in schema.chains),
    }
    # what is derived is written with the data's own term objects where it has them (its rdf:type,
    # its classes), so looking a derived triple up among the data's compares no term in Python
    is_type = _ById(lambda p: p == _TYPE)
    a_type = next((p for _, p, _ in data if is_type(p)), _TYPE)
    own = {str(o): o for _, p, o in data if is_type(p) and type(o) is URIRef}

    def classes(found) -> tuple:
        return tuple(own.get(str(c), c) for c in found)

    out: list[tuple] = []
    queue: list[tuple] = []

    def add(found: list[tuple]) -> None:
        for new in found:
            if new not in known:
                known.add(new)
                out.append(new)
                queue.append(new)

    join = _ChainJoin(schema.chains, add)
    rules = _ById(
        lambda p: (
            is_type(p),
            p in derivable,
            p in schema.properties,
            tuple(schema.super_properties.get(p, ())),
            classes(schema.domains.get(p, ())),
            tuple(schema.inverses.get(p, ())),
            classes(schema.ranges.get(p, ())),
            join.roles(p),
        )
    )
    supers = _ById(lambda c: classes(schema.super_classes.get(c, ())))
    known = {t for t in data if rules(t[1])[1]}
    known.update(ontology)
    known.update(schema.entailed)

    def follow(s, p, o) -> None:
        is_type, _, _, super_properties, domains, inverses, ranges, _ = rules(p)
        if is_type:
            found = [(s, a_type, c) for c in supers(o)]
        else:
            found = [(s, q, o) for q in super_properties]
            found.extend((s, a_type, c) for c in domains)
            if not isinstance(o, Literal):
                found.extend((o, q, s) for q in inverses)
                found.extend((o, a_type, c) for c in ranges)
        add(found)

    # each triple once: the data's as they come, then each derived one as it is taken from the
    # queue; a chain joins a triple with those of its other property taken before it
    for s, p, o in data:
        rule = rules(p)
        if rule[2] or (rule[0] and supers(o)):
            follow(s, p, o)
        if rule[7]:
            join.take(s, p, o, rule[7])
    while queue:
        s, p, o = queue.pop()
        follow(s, p, o)
        if roles := rules(p)[7]:
            join.take(s, p, o, roles)
    return out


class _ChainJoin:
    """OWL-RL prp-spo2 for chains of two properties (x first y, y second z -> x concluded z), fed
    triples one at a time: each pair is joined when the later of its two triples comes."""

    def __init__(self, chains: list[tuple], add):
        self.chains, self.add = chains, add
        roles: dict = {}
        for i, (first, second, _) in enumerate(chains):
            roles.setdefault(first, []).append((i, 0))
            roles.setdefault(second, []).append((i, 1))
        self.roles = _ById(lambda p: tuple(roles.get(p, ())))
        self.firsts: list[dict] = [{} for _ in chains]  # per chain: y -> {x}
        self.seconds: list[dict] = [{} for _ in chains]  # per chain: y -> {z}

    def take(self, s, p, o, roles: tuple) -> None:
        """One triple of property `p`, whose `roles` (self.roles(p)) say in which chains it is a first or a second step."""
        for i, position in roles:
            concluded = self.chains[i][2]
            if position == 0:
                self.firsts[i].setdefault(o, set()).add(s)
                self.add([(s, concluded, z) for z in self.seconds[i].get(o, ())])
            else:
                self.seconds[i].setdefault(s, set()).add(o)
                self.add([(x, concluded, o) for x in self.firsts[i].get(s, ())])

    def take_all(self, triples: Iterable[tuple]) -> None:
        for s, p, o in triples:
            if roles := self.roles(p):
                self.take(s, p, o, roles)


class _ById:
    """`value(term)` looked up by the term object's id: rdflib terms compare in Python (`==` copies
    both strings), a dict lookup of an equal but other object compares, and a build's predicates
    and classes are a few objects used a million times. Each entry keeps its term, so no id is
    reused while the table lives."""

    def __init__(self, value):
        self.value, self.table = value, {}

    def __call__(self, term):
        found = self.table.get(id(term))
        if found is None:
            found = self.table[id(term)] = (term, self.value(term))
        return found[1]


def _members(*triple_lists: list[tuple]) -> dict:
    """Class -> its individuals, from the rdf:type triples of the lists."""
    members: dict = {}
    is_type = _ById(lambda p: p == _TYPE)
    for triples in triple_lists:
        for s, p, o in triples:
            if is_type(p):
                members.setdefault(o, set()).add(s)
    return members


def entailments(ontology: Graph, data: Graph | Iterable[tuple], engine: str = DEFAULT_ENGINE) -> list[tuple]:
    """The triples OWL-RL entails from ontology + data that neither holds, without noise.

    Raises:
        InconsistencyError: the data contradicts the ontology (e.g. an individual in two
            disjoint classes); the message names the individuals and classes.
        UsageError: unknown engine.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown reasoning engine {engine!r}; use one of: {', '.join(ENGINES)}")
    triples = [t if type(t[2]) is not Literal or t[2].datatype != _XSD_STRING else (t[0], t[1], _normalise(t[2])) for t in data]
    if engine == "rules" and (new := _rules(ontology, triples)) is not None:
        return new  # noise-free by construction of the schema tables; a test checks it equals owlrl's
    base = Graph()
    base.addN((s, p, o, base) for s, p, o in triples)
    base.addN((_normalise(s), p, _normalise(o), base) for s, p, o in ontology)
    new = _reasonable(base) if engine == "reasonable" else _owlrl(base)
    return [t for t in new if not _is_noise(*t)]


def infer(ontology: Graph, data: Graph | Iterable[tuple], engine: str = DEFAULT_ENGINE) -> Graph:
    """`entailments` as an rdflib Graph."""
    from .terms import PREFIXES

    inferred = Graph()
    for prefix, ns in PREFIXES.items():
        inferred.bind(prefix, ns)
    inferred.addN((s, p, o, inferred) for s, p, o in entailments(ontology, data, engine))
    return inferred
