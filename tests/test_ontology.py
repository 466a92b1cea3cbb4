"""The ontology: closed vocabulary, every term labelled and defined in zh and en, every term the data uses declared."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from dskg import resources
from dskg.vocab import DSKG, FABIO, ONTOLOGY

NS = str(DSKG._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def _own_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_defined_namespace_matches_the_ontology(ontology):
    in_python = {str(DSKG[name]) for name in DSKG.__annotations__}
    assert in_python == {str(t) for t in _own_terms(ontology)}
    with pytest.raises(AttributeError):
        _ = DSKG.adresses  # a typo fails at once


def test_header_has_version_license_and_creator(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY, DCTERMS.license) is not None
    assert ontology.value(ONTOLOGY, DCTERMS.creator) is not None


def test_dcmi_properties_point_to_resources_not_literals(kg, ontology):
    """DCMI's ranges: dcterms:creator an agent, dcterms:language a linguistic system, dcterms:license
    a license document; so the header's creator is the project's IRI, not a name (issue 14)."""
    assert ontology.value(ONTOLOGY, DCTERMS.creator) == URIRef("https://w3id.org/dskg/id/dskg-project")
    assert (URIRef("https://w3id.org/dskg/id/dskg-project"), RDF.type, PROV.Agent) in kg.data
    for graph in (ontology, kg.data):
        for prop in (DCTERMS.creator, DCTERMS.language, DCTERMS.license):
            assert [(s, o) for s, o in graph.subject_objects(prop) if isinstance(o, Literal)] == [], prop
    assert len(set(kg.data.subject_objects(DCTERMS.creator))) > 0


def test_reused_properties_are_typed_as_their_vocabularies_type_them(ontology):
    """No annotation property where FaBiO or PROV-O has a data or object property (illegal punning in
    OWL 2 DL); tests/test_vocabularies.py checks the whole against the vocabularies' own axioms."""
    expected = {
        FABIO.hasPublicationYear: OWL.DatatypeProperty, DCTERMS.title: OWL.DatatypeProperty, DCTERMS.date: OWL.DatatypeProperty,
        DCTERMS.creator: OWL.ObjectProperty, DCTERMS.language: OWL.ObjectProperty, DCTERMS.license: OWL.ObjectProperty,
        DCTERMS.description: OWL.AnnotationProperty,
    }
    kinds = (OWL.DatatypeProperty, OWL.ObjectProperty, OWL.AnnotationProperty)
    for prop, kind in expected.items():
        assert {k for k in kinds if (prop, RDF.type, k) in ontology} == {kind}, prop
    assert (FABIO.hasPublicationYear, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#gYear")) in ontology
    assert not list(ontology.subjects(RDFS.range, RDF.langString))  # outside the OWL 2 datatype map
    assert not list(ontology.objects(DSKG.statedIn, RDFS.subPropertyOf))


def test_every_own_term_is_labelled_and_defined_in_zh_and_en(ontology):
    missing = []
    for term in sorted(_own_terms(ontology)):
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in ontology.objects(term, prop)}
            if not {"zh", "en"} <= langs:
                missing.append(f"{term.n3(ontology.namespace_manager)} {prop.n3(ontology.namespace_manager)} {sorted(filter(None, langs))}")
    assert missing == []


def test_every_class_and_property_the_data_uses_is_declared(kg, ontology):
    declared_props = set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        declared_props |= set(ontology.subjects(RDF.type, kind))
    declared_classes = set(ontology.subjects(RDF.type, OWL.Class))
    builtin = {RDF.type, RDFS.label, RDFS.comment}
    used_props = {p for _, p, _ in kg.data} - builtin
    used_classes = set(kg.data.objects(None, RDF.type))
    assert sorted(used_props - declared_props) == []
    assert sorted(used_classes - declared_classes) == []


def test_inverse_pairs_point_both_ways_after_reasoning(kg):
    for s, o in kg.data.subject_objects(DSKG.addresses):
        assert (o, DSKG.isAddressedBy, s) in kg.inferred or (o, DSKG.isAddressedBy, s) in kg.data
