"""Writes the vocabulary files of this folder: each vocabulary's axioms about the terms dskg uses.

Not run by the tests; run it again when dskg starts using a term of these vocabularies that the
files do not describe yet (test_vocabularies.py fails then, naming the term):

    python tests/vocabularies/extract.py SOURCES_DIR

SOURCES_DIR holds the published files named as in SOURCES below (README.md says where each comes
from). The files written here are the source's own triples, selected, never edited:

* for every term dskg uses (ontology/dskg.ttl, the shipped data, every work type the loader
  writes, and the two it used wrongly before issue 14), the triples about it, in the vocabulary that defines it (by namespace) and in FaBiO,
  which restates DC Terms, PRISM and SKOS terms in OWL: declarations (rdf:type to an OWL or
  RDFS kind of term) and the axioms of RDFS and OWL (sub-class, sub-property, domain, range,
  inverse, equivalence, disjointness, property chains), each with its blank-node structure whole;
* then the same for every term those triples name, and so on, so the superclasses, restrictions
  and disjointness that bear on dskg's terms are all there;
* left out: labels, comments and other annotations; a vocabulary's statements about its own
  document (its header); a term's rdf:type to a class that is not a kind of term (DCMI's
  dcterms:Agent a dcterms:AgentClass); simple triples that tie a term to a vocabulary that is
  none of the six (DC Terms' sub-properties of DC Elements, dcterms:creator = foaf:maker, CiTO's
  cito:cites under SWAN's refersTo, its properties under the ODP Situation pattern).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef

HERE = Path(__file__).parent
ROOT = HERE.parent.parent

SOURCES = {
    # file: namespace it defines
    "fabio.ttl": "http://purl.org/spar/fabio/",
    "frbr.ttl": "http://purl.org/vocab/frbr/core#",
    "cito.ttl": "http://purl.org/spar/cito/",
    "prov-o.ttl": "http://www.w3.org/ns/prov#",
    "skos.ttl": "http://www.w3.org/2004/02/skos/core#",
    "dcterms.ttl": "http://purl.org/dc/terms/",
}
RESTATED_BY = "fabio.ttl"
BUILTIN = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
)
AXIOMS = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.disjointWith,
    OWL.propertyDisjointWith,
    OWL.propertyChainAxiom,
    OWL.disjointUnionOf,
    OWL.hasKey,
}
KINDS = {
    OWL.Class,
    RDFS.Class,
    RDFS.Datatype,
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
}
GROUPS = (OWL.AllDisjointClasses, OWL.AllDisjointProperties)


BEFORE_ISSUE_14 = {URIRef("http://purl.org/spar/fabio/WebPage"), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")}
"""Terms dskg used wrongly until issue 14: the tests put each fault back and check it is reported."""


def dskg_terms() -> set[URIRef]:
    import dskg
    from dskg import resources
    from dskg.terms import WORK_CLASS

    terms = set(WORK_CLASS.values()) | BEFORE_ISSUE_14
    for graph in (Graph().parse(resources.ontology_file(), format="turtle"), dskg.build(reason=False).data):
        terms.update(x for triple in graph for x in triple if isinstance(x, URIRef))
    return terms


def _owner(term: URIRef) -> str | None:
    return next((name for name, ns in SOURCES.items() if str(term).startswith(ns)), None)


def _known(term: URIRef) -> bool:
    return str(term).startswith(BUILTIN) or _owner(term) is not None


def _structure(graph: Graph, node: BNode, out: Graph, named: set) -> None:
    """Every triple reachable from a blank node (restrictions, lists), and the terms they name."""
    for p, o in graph.predicate_objects(node):
        out.add((node, p, o))
        if isinstance(o, BNode):
            _structure(graph, o, out, named)
        elif isinstance(o, URIRef) and p != RDF.type:
            named.add(o)


def extract(sources: dict[str, Graph], seeds: set[URIRef]) -> dict[str, Graph]:
    out = {name: Graph() for name in sources}
    done: set[URIRef] = set()
    todo = [t for t in seeds if not str(t).startswith(BUILTIN)]
    while todo:
        term = todo.pop()
        if term in done:
            continue
        done.add(term)
        for name in {_owner(term), RESTATED_BY} - {None}:
            graph, named = sources[name], set()
            if (term, RDF.type, OWL.Ontology) in graph:
                continue
            for p, o in graph.predicate_objects(term):
                if p == RDF.type and o in KINDS:
                    out[name].add((term, p, o))
                elif p in AXIOMS and isinstance(o, BNode):
                    out[name].add((term, p, o))
                    _structure(graph, o, out[name], named)
                elif p in AXIOMS and isinstance(o, URIRef) and _known(o):
                    out[name].add((term, p, o))
                    named.add(o)
            for kind in GROUPS:
                for group in graph.subjects(RDF.type, kind):
                    members = set(graph.items(graph.value(group, OWL.members)))
                    if term in members:
                        out[name].add((group, RDF.type, kind))
                        _structure(graph, group, out[name], named)
            todo.extend(t for t in named if t not in done and not str(t).startswith(BUILTIN))
    return out


def main(source_dir: Path) -> None:
    sources = {name: Graph().parse(source_dir / name, format="turtle") for name in SOURCES}
    for name, graph in extract(sources, dskg_terms()).items():
        target = HERE / name
        header = (
            "".join(line for line in target.read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("#"))
            if target.exists()
            else ""
        )
        graph.bind("fabio", "http://purl.org/spar/fabio/")
        graph.bind("frbr", "http://purl.org/vocab/frbr/core#")
        graph.bind("cito", "http://purl.org/spar/cito/")
        graph.bind("prov", "http://www.w3.org/ns/prov#")
        graph.bind("dcterms", "http://purl.org/dc/terms/")
        body = graph.serialize(format="turtle")
        target.write_text(header + ("\n" if header else "") + body, encoding="utf-8")
        print(f"{target.relative_to(ROOT)}: {len(graph)} triples", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
