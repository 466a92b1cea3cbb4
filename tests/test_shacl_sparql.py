"""Whole-graph validation by Oxigraph (dskg.shaclsparql: the shapes compiled to SPARQL) reports
exactly what pySHACL reports: the same results, compared as test_shape_engines.py compares
engines (focus node, path, source shape, constraint component, severity, value, message), and
through `dskg validate` the same findings.

pySHACL is given the graph as it reads it from the store (dskg validates the whole graph so):
the store writes a literal in its canonical form (1000 for "1000.0"^^xsd:decimal) and plain
strings as xsd:string, which a message or a value then shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH
from test_shape_engines import difference, findings
from test_shapes import CASES, CONTEXT_WORK, DSKG, EXPECTED, ontology
from typer.testing import CliRunner

import dskg
from dskg import shaclsparql, sourcetext, validation
from dskg.cli import app
from dskg.fast import shacl
from dskg.fast.ntriples import to_ntriples
from dskg.graph import dataset_over
from dskg.vocab import ID

pytestmark = pytest.mark.fast_path_only("it runs both engines itself; on the reference path dskg's whole validation is pySHACL's")

GENERATE = Path(__file__).parent.parent / "benchmarks" / "generate.py"
DSH = Namespace("https://w3id.org/dskg/shapes#")


def in_store(graph: Graph) -> tuple[ox.Store, Graph]:
    """`graph` in an Oxigraph store, and the graph read back from it (what pySHACL is given)."""
    store = ox.Store()
    store.load(to_ntriples(graph), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://w3id.org/dskg/graph/data"))
    read = Graph()
    read += dataset_over(store).triples((None, None, None))
    return store, read


def pyshacl_report(graph: Graph, shapes: Graph) -> Graph:
    import pyshacl

    with shacl.prepared_sparql():  # the shapes as written; each query parsed once: the same answers
        return pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)[1]


def islands() -> tuple[Graph, Graph]:
    """Every example of tests/shapes_cases/ with its own copy of the shared context, each under
    IRIs of its own (id:c<n>-...: no example satisfies or breaks another's records), and the
    context work's text for each: (asserted triples, their OWL-RL closure)."""
    text = Literal(sourcetext.normalised_text(CASES / "_source.txt"))
    asserted = Graph()
    for n, name in enumerate(sorted(EXPECTED)):
        case = Graph()
        case.parse(CASES / "_context.ttl", format="turtle")
        case.parse(CASES / name, format="turtle")
        case.add((CONTEXT_WORK, DSKG.normalisedText, text))
        asserted += ((own(s, n), own(p, n), own(o, n)) for s, p, o in case)
    return asserted, dskg.infer(ontology(), asserted, engine="reasonable")


def own(term, n: int):
    return URIRef(f"{ID}c{n}-{term[len(str(ID)) :]}") if isinstance(term, URIRef) and term.startswith(str(ID)) else term


def test_every_shape_compiles():
    """No shape of shapes/ is left to pySHACL: the fallback is for shapes yet to come."""
    plan = shaclsparql.plan_for(validation.load_shapes())
    assert plan.fallback == set(), plan.reasons


@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> dskg.KnowledgeGraph:
    """A generated data folder of about 10k triples, built, with every example of tests/shapes_cases/
    added (islands()): a graph where every constraint of every shape fails somewhere."""
    folder = tmp_path_factory.mktemp("generated") / "data"
    subprocess.run(
        [sys.executable, str(GENERATE), "--triples", "10000", "--per-entry", "68.5", "-o", str(folder)], check=True, capture_output=True
    )
    kg = dskg.build(folder)
    asserted, inferred = islands()
    kg.load("data", to_ntriples(asserted))
    kg.load("inferred", to_ntriples(inferred))
    return kg


def test_oxigraph_finds_what_pyshacl_finds_on_generated_data_with_every_kind_of_violation(injected):
    ours = validation.run_shapes(injected, shapes_engine="oxigraph")
    theirs = validation.run_shapes(injected, shapes_engine="pyshacl")
    mine, reference = findings(ours.results_graph), findings(theirs.results_graph)
    assert mine == reference, difference("generated + examples", "Oxigraph", mine, reference)
    assert ours.findings == theirs.findings  # entity, label, path, value, message, file and line: what `dskg validate` prints
    shapes = validation.load_shapes()
    fired = set(ours.results_graph.objects(None, SH.sourceConstraint))
    assert set(shapes.subjects(RDF.type, SH.SPARQLConstraint)) <= fired, "every SPARQL constraint fails somewhere"
    fired_shapes = set(ours.results_graph.objects(None, SH.sourceShape))
    assert {check.shape for check in shaclsparql.plan_for(shapes).checks} <= fired_shapes, "every shape fails somewhere"
    components = set(ours.results_graph.objects(None, SH.sourceConstraintComponent))
    assert {check.component for check in shaclsparql.plan_for(shapes).checks} <= components, "every kind of constraint fails somewhere"


def test_the_queries_on_threads_find_what_they_find_one_after_another(injected, monkeypatch):
    # fast.threads: the compiled queries answered on every core equal the reference path's plain map
    shapes = validation.load_shapes()
    threaded = findings(shaclsparql.validate(injected.store, shapes, Graph(), None))
    monkeypatch.setenv("DSKG_REFERENCE_PATH", "1")
    assert findings(shaclsparql.validate(injected.store, shapes, Graph(), None)) == threaded


def test_focus_nodes_written_out_find_what_the_targets_subquery_finds(injected, monkeypatch):
    # shaclsparql.SMALL_TARGET: a shape with few focus nodes has them written out (VALUES) in its
    # queries; with none written out, every query joins its targets' subquery
    shapes = validation.load_shapes()
    written = findings(shaclsparql.validate(injected.store, shapes, Graph(), None))
    monkeypatch.setattr(shaclsparql, "SMALL_TARGET", -1)
    assert findings(shaclsparql.validate(injected.store, shapes, Graph(), None)) == written


def test_a_shape_the_compiler_does_not_know_is_left_to_pyshacl():
    """An sh:hasValue (no shape of shapes/ uses it) is not compiled: pySHACL judges that shape, and
    its results are in the report with the others'."""
    shapes = Graph()
    shapes += validation.load_shapes()
    test_shape, prop = DSH.TestLevelNowhere, DSH.TestLevelNowhereProperty
    shapes.add((test_shape, RDF.type, SH.NodeShape))
    shapes.add((test_shape, SH.targetClass, DSKG.Barrier))
    shapes.add((test_shape, SH.property, prop))
    shapes.add((prop, SH.path, DSKG.level))
    shapes.add((prop, SH.hasValue, Literal("nowhere")))
    shapes.add((prop, SH.message, Literal("The level is not nowhere.")))
    assert shaclsparql.plan_for(shapes).fallback == {test_shape}
    example = Graph()
    example += ontology()
    example.parse(CASES / "_context.ttl", format="turtle")
    example.parse(CASES / "barrier-level-mismatch.ttl", format="turtle")
    store, read = in_store(example)
    ours, theirs = findings(shaclsparql.validate(store, shapes, Graph(), lambda: read)), findings(pyshacl_report(read, shapes))
    assert ours == theirs, difference("fallback", "Oxigraph", ours, theirs)
    assert any(key[2] == prop.n3() for key in ours)
    assert any(key[3] == SH.SPARQLConstraintComponent.n3() for key in ours)


def test_each_wrong_value_of_a_record_is_a_finding_of_its_own():
    """A barrier with two levels, both neither domestic nor international: pySHACL reports the
    pattern broken by each value, and so must the compiled check (not one per record)."""
    example = Graph()
    example += ontology()
    example.parse(CASES / "_context.ttl", format="turtle")
    example.parse(CASES / "barrier-valid.ttl", format="turtle")
    barrier = next(example.subjects(DSKG.level, None))
    example.remove((barrier, DSKG.level, None))
    example += [(barrier, DSKG.level, Literal("local")), (barrier, DSKG.level, Literal("regional"))]
    example += dskg.infer(ontology(), example, engine="reasonable")
    store, read = in_store(example)
    shapes = validation.load_shapes()
    ours, theirs = findings(shaclsparql.validate(store, shapes, Graph(), None)), findings(pyshacl_report(read, shapes))
    assert ours == theirs, difference("two wrong levels", "Oxigraph", ours, theirs)
    pattern = [key for key in ours if key[3] == SH.PatternConstraintComponent.n3()]
    assert sorted(key[5] for key in pattern) == [
        '"local"^^<http://www.w3.org/2001/XMLSchema#string>',
        '"regional"^^<http://www.w3.org/2001/XMLSchema#string>',
    ]


def test_a_store_opened_read_only_is_judged_with_the_texts_too(tmp_path):
    """A cached build's store opens read-only: the texts cannot be added to it for the run, so a
    copy is judged; the verbatim checks still see the text (no quote reported as missing from it)."""
    example = Graph()
    example += ontology()
    example.parse(CASES / "_context.ttl", format="turtle")
    example.parse(CASES / "verbatim-valid.ttl", format="turtle")
    text = Graph()
    text.add((CONTEXT_WORK, DSKG.normalisedText, Literal(sourcetext.normalised_text(CASES / "_source.txt"))))
    written = ox.Store(str(tmp_path / "store"))
    written.load(to_ntriples(example), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://w3id.org/dskg/graph/data"))
    written.flush()
    del written
    store = ox.Store.read_only(str(tmp_path / "store"))
    with_texts, without = (findings(shaclsparql.validate(store, validation.load_shapes(), texts, None)) for texts in (text, Graph()))
    assert with_texts != without
    assert not any("not found" in key[6] or "未找到" in key[6] for key in with_texts)
    assert len(store) == len(example)  # nothing was added to the store


def test_dskg_validate_gives_the_same_report_with_either_shapes_engine():
    runner = CliRunner()
    default = runner.invoke(app, ["validate", "--format", "json"])
    reference = runner.invoke(app, ["validate", "--format", "json", "--shapes-engine", "pyshacl"])
    assert default.exit_code == reference.exit_code == 0, default.output + reference.output
    assert json.loads(default.stdout) == json.loads(reference.stdout)
    assert json.loads(default.stdout)["summary"]["Warning"] > 0  # the shipped graph has findings to compare
    wrong = runner.invoke(app, ["validate", "--shapes-engine", "jena"])
    assert wrong.exit_code == 2
    assert "--shapes-engine takes oxigraph or pyshacl" in wrong.output
