"""OWL-RL reasoning: inferred triples kept apart, engines agree on what queries use, contradictions reported."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph, URIRef

import dskg
from dskg.errors import InconsistencyError
from dskg.reasoning import infer
from dskg.vocab import CITO, DSKG, ID


def test_inferred_triples_are_in_their_own_graph_only(kg):
    assert len(kg.inferred) > 0
    assert not set(kg.inferred) & set(kg.data)
    assert (ID["bar-legal-framework"], RDF.type, DSKG.Barrier) in kg.inferred
    assert (ID["bar-legal-framework"], RDF.type, DSKG.Barrier) not in kg.data


def test_inverses_and_subproperties_are_materialised(kg):
    assert (ID["bar-legal-framework"], DSKG.isAddressedBy, ID["cm-legal-support"]) in kg.inferred
    assert (ID["wang-jinze-2025"], CITO.cites, ID["zhang-qi-2024"]) in kg.inferred


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


@pytest.mark.parametrize("engine", ["owlrl", "reasonable"])
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
