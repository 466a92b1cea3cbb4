"""OWL-RL reasoning: inferred triples kept apart, engines agree on what queries use, contradictions reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV

import dskg
from dskg.errors import InconsistencyError
from dskg.reasoning import infer
from dskg.vocab import CITO, DSKG, FABIO, ID

GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")


def test_inferred_triples_are_in_their_own_graph_only(kg):
    assert len(kg.inferred) > 0
    assert not set(kg.inferred) & set(kg.data)
    assert (ID["bar-legal-framework"], RDF.type, DSKG.Barrier) in kg.inferred
    assert (ID["bar-legal-framework"], RDF.type, DSKG.Barrier) not in kg.data


def test_inverses_and_subproperties_are_materialised(kg):
    assert (ID["bar-legal-framework"], DSKG.isAddressedBy, ID["cm-legal-support"]) in kg.inferred
    assert (ID["wang-jinze-2025"], CITO.cites, ID["zhang-qi-2024"]) in kg.inferred


@pytest.mark.parametrize("engine", ["rules", "owlrl", "reasonable"])
def test_a_work_discusses_what_its_claims_are_about_by_every_engine(kg, engine):
    """The property chain makesClaim then isAbout: section 4 of the paper reports 阿丽亚·艾尔肯 (2025)
    naming 法律法规滞后 and 关键技术领域存在短板, read as the legal-framework and tech-innovation
    barriers; the work discusses both, and nothing it has no claim about."""
    inferred = infer(kg.ontology, kg.data, engine=engine)
    discussed = set(inferred.objects(ID["aliya-aierken-2025"], DSKG.discusses))
    assert {ID["bar-legal-framework"], ID["bar-tech-innovation"]} <= discussed
    claims = set(kg.data.objects(ID["aliya-aierken-2025"], DSKG.makesClaim))
    assert discussed == {about for claim in claims for about in kg.data.objects(claim, DSKG.isAbout)}


def test_actors_are_agents_not_entities_derived_from_the_paper(kg):
    """dskg:statedIn is no sub-property of prov:wasDerivedFrom (domain and range prov:Entity): the
    people and countries a work names are not entities derived from it (issue 14)."""
    altman, china, paper = ID["actor-altman"], ID["actor-china"], ID["wang-jinze-2025"]
    assert (altman, DSKG.statedIn, paper) in kg.data
    actors = set(kg.inferred.subjects(RDF.type, DSKG.Actor))
    assert {altman, china} <= actors
    for actor in actors:
        types = set(kg.inferred.objects(actor, RDF.type)) | set(kg.data.objects(actor, RDF.type))
        assert PROV.Entity not in types, actor
        assert PROV.Agent in types, actor
        assert not set(kg.inferred.predicate_objects(actor)) & {(PROV.wasDerivedFrom, paper)}
    assert set(kg.inferred.objects(altman, RDF.type)) == {DSKG.Actor, PROV.Agent, FOAF.Agent, FOAF.Person}
    assert (ID["claim-zhang-qi-2024"], RDF.type, PROV.Entity) in kg.inferred  # a claim is one


@pytest.mark.parametrize("stated_in_derived_from", [False, True], ids=["ontology", "issue-14-fault-put-back"])
def test_with_prov_os_axioms_no_actor_or_trade_factor_is_an_entity(kg, stated_in_derived_from):
    """OWL-RL with PROV-O's axioms beside the ontology (domain and range of prov:wasDerivedFrom are
    prov:Entity): before issue 14, 22 of the 23 actors and every trade factor became entities."""
    ontology = Graph()
    ontology += kg.ontology
    ontology.parse(Path(__file__).parent / "vocabularies" / "prov-o.ttl", format="turtle")
    if stated_in_derived_from:
        ontology.add((DSKG.statedIn, RDFS.subPropertyOf, PROV.wasDerivedFrom))
    inferred = infer(ontology, kg.data)
    entities = set(inferred.subjects(RDF.type, PROV.Entity)) | set(kg.data.subjects(RDF.type, PROV.Entity))
    named = {ID["actor-altman"], ID["actor-china"], ID["bar-legal-framework"]}
    assert (named <= entities) is stated_in_derived_from
    if not stated_in_derived_from:
        assert not entities & (set(inferred.subjects(RDF.type, DSKG.Actor)) | set(inferred.subjects(RDF.type, DSKG.TradeFactor)))
        assert ID["claim-zhang-qi-2024"] in entities


def test_a_second_year_stays_on_its_work(kg):
    """Two years on one work (a mistake shapes/work.ttl reports) give no other work a year: the
    ontology does not restate FaBiO's functional characteristic, which would make OWL-RL equate
    the two years and copy them onto every work of either year."""
    work, other = ID["wang-jinze-2025"], ID["zhang-qi-2024"]
    data = Graph()
    data += kg.data
    data.add((work, FABIO.hasPublicationYear, Literal("2024", datatype=GYEAR)))
    inferred = infer(kg.ontology, data, engine="owlrl")
    assert not list(inferred.triples((None, FABIO.hasPublicationYear, None)))
    assert set(data.objects(other, FABIO.hasPublicationYear)) == {Literal("2024", datatype=GYEAR)}


def test_noise_is_filtered(kg):
    for s, p, o in kg.inferred:
        assert not (p == OWL.sameAs and s == o)
        assert not isinstance(s, URIRef) or not str(s).startswith("http://www.w3.org/2002/07/owl#")
        assert o != OWL.Thing


def test_reasonable_gives_the_same_entailments_about_records_as_owlrl(kg):
    by_owlrl = infer(kg.ontology, kg.data, engine="owlrl")
    by_reasonable = infer(kg.ontology, kg.data, engine="reasonable")

    def about_records(g: Graph) -> set:
        return {t for t in g if str(t[0]).startswith(str(ID))}

    assert about_records(by_reasonable) == about_records(by_owlrl)
    assert len(about_records(by_owlrl)) > 500


ENTRIES = Path(__file__).parent / "entries"


@pytest.mark.parametrize("with_entries", [False, True], ids=["paper", "paper+literature"])
def test_rules_give_exactly_owlrls_entailments(with_entries):
    """The default engine is checked against the reference on the whole graph, not only records."""
    extra = [*sorted(ENTRIES.glob("*.yaml")), ENTRIES / "smith-2023-example.ttl"] if with_entries else None
    plain = dskg.build(entries=extra, reason=False)
    by_owlrl = set(infer(plain.ontology, plain.data, engine="owlrl"))
    by_rules = set(infer(plain.ontology, plain.data, engine="rules"))
    assert by_rules == by_owlrl
    assert len(by_rules) > 800


def test_data_with_its_own_schema_axioms_goes_to_owlrl(kg):
    """A Turtle entry may declare a sub-property; the rules engine must not miss what follows from it."""
    data = Graph()
    data += kg.data
    data.add((DSKG.addresses, RDFS.subPropertyOf, URIRef("https://example.org/answers")))
    by_rules = infer(kg.ontology, data, engine="rules")
    assert (ID["cm-legal-support"], URIRef("https://example.org/answers"), ID["bar-legal-framework"]) in by_rules
    assert set(by_rules) == set(infer(kg.ontology, data, engine="owlrl"))


def test_an_ontology_with_a_chain_of_three_is_reasoned_by_owlrl(kg):
    """The rules join chains of two properties; a longer chain in an edited ontology must not be missed."""
    from rdflib.collection import Collection

    ontology, answers, steps = Graph(), URIRef("https://example.org/claimAddressedBy"), BNode()
    ontology += kg.ontology
    Collection(ontology, steps, [DSKG.makesClaim, DSKG.isAbout, DSKG.isAddressedBy])
    ontology.add((answers, OWL.propertyChainAxiom, steps))
    by_rules = infer(ontology, kg.data, engine="rules")
    assert (ID["aliya-aierken-2025"], answers, ID["cm-legal-support"]) in by_rules
    assert set(by_rules) == set(infer(ontology, kg.data, engine="owlrl"))


@pytest.mark.parametrize("engine", ["rules", "owlrl", "reasonable"])
def test_individual_in_disjoint_classes_is_reported(kg, engine):
    data = Graph()
    data += kg.data
    data.add((ID["adv-platform"], RDF.type, DSKG.Countermeasure))
    with pytest.raises(InconsistencyError) as info:
        infer(kg.ontology, data, engine=engine)
    assert "adv-platform" in str(info.value) or "disjoint" in str(info.value).lower()


def test_unknown_engine_is_a_usage_error(kg):
    with pytest.raises(dskg.UsageError, match="owlrl"):
        infer(kg.ontology, kg.data, engine="hermit")


def test_reason_returns_a_new_graph_and_leaves_its_input_alone():
    plain = dskg.build(reason=False)
    reasoned = dskg.reason(plain, engine="reasonable")
    assert len(plain.inferred) == 0
    assert len(reasoned.inferred) > 0
    assert set(reasoned.data) == set(plain.data)


def test_the_ontologys_closure_is_made_once_for_every_parse_of_it():
    """A build and its cache's rule tables parse the ontology apart; its lists' blank nodes differ."""
    from dskg.graph import load_ontology
    from dskg.reasoning import instance_rules

    first, second = load_ontology(), load_ontology()
    assert {t for t in first if not any(isinstance(x, BNode) for x in t)} == {t for t in second if not any(isinstance(x, BNode) for x in t)}
    assert set(first) != set(second)  # the blank nodes are named afresh
    assert instance_rules(first) is instance_rules(second)
