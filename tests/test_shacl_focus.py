"""One entry's SHACL check (`dskg add`, `dskg validate FILE`) run by Oxigraph on the entry's subgraph
(shaclfocus) finds what pySHACL finds on it: the same findings, finding for finding (severity,
record, label, path, value, message, file, line, shape), on the test entries and on entries
written with faults of several kinds, YAML and Turtle.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF
from rdflib.namespace import SH

import dskg
from dskg import validation
from dskg.entries import read_entries

ENTRIES = Path(__file__).parent / "entries"

# a work whose year is implausible and whose claim has no quote
ODD = """\
id: odd-2024
type: article
title: {en: Odd}
authors: ["Doe, J."]
year: 1850
language: en
claims:
  - about: [bar-market-access, cm-legal-support]
    text: {en: x}
"""

# a countermeasure and a barrier without quotes, the barrier addressed by no countermeasure
BARE = """\
id: bare-2024
type: report
title: {en: "Bare measures"}
authors: ["Roe, R."]
year: 2024
language: en
countermeasures:
  - id: cm-bare-measure
    label_en: A measure with no quote
    label_zh: 没有引文的对策
    label_zh_verbatim: false
barriers:
  - id: bar-bare-barrier
    label_en: A barrier with no quote
    label_zh: 没有引文的壁垒
    label_zh_verbatim: false
    level: domestic
links:
  - subject: cm-bare-measure
    property: addresses
    target: bar-market-access
    basis: interpretive
"""

# a claim with two English texts and a link without basis or quote, a claim about nothing
JONES = """\
@prefix dskg: <https://w3id.org/dskg/ontology#> .
@prefix id: <https://w3id.org/dskg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:jones-2022 a dskg:Work , fabio:JournalArticle ;
    rdfs:label "Jones (2022)"@en ;
    dcterms:title "Data localisation and services" ;
    dskg:authorsText "Jones, Bob" ;
    fabio:hasPublicationYear "2022"^^xsd:gYear ;
    dskg:makesClaim id:claim-jones-2022-1 , id:claim-jones-2022-2 .

id:claim-jones-2022-1 a dskg:Claim ;
    dskg:claimText "Localisation rules raise costs."@en , "Localisation rules raise costs a lot."@en ;
    dskg:statedIn id:jones-2022 ;
    dskg:isAbout id:bar-market-access ;
    dskg:hasQualifiedLink <https://w3id.org/dskg/id/link/jones-2022/claim-jones-2022-1/is-about/bar-market-access> .

<https://w3id.org/dskg/id/link/jones-2022/claim-jones-2022-1/is-about/bar-market-access> a dskg:Aboutness ;
    dskg:linkSubject id:claim-jones-2022-1 ;
    dskg:linkTarget id:bar-market-access ;
    dskg:statedIn id:jones-2022 .

id:claim-jones-2022-2 a dskg:Claim ;
    dskg:statedIn id:jones-2022 ;
    dskg:claimText "Something else."@en .
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The graph of the test entries and the faulty ones, built once; each file with the records it adds."""
    folder = tmp_path_factory.mktemp("faulty")
    for name, text in (("odd-2024.yaml", ODD), ("bare-2024.yaml", BARE), ("jones-2022.ttl", JONES)):
        (folder / name).write_text(text, encoding="utf-8")
    files = [*sorted(ENTRIES.glob("*.yaml")), ENTRIES / "smith-2023-example.ttl", *sorted(folder.iterdir())]
    kg = dskg.build(entries=files)
    turtle = {
        "smith-2023-example.ttl": {"smith-2023", "claim-smith-2023-1"},
        "jones-2022.ttl": {"jones-2022", "claim-jones-2022-1", "claim-jones-2022-2"},
    }
    return kg, {file.name: read_entries([file]).records.ids() or turtle[file.name] for file in files}


def _results(report) -> set:
    """Each SHACL result as (focus node, path, shape, component, severity, value, message)."""
    graph = report.results_graph
    return {
        tuple(
            graph.value(r, p)
            for p in (SH.focusNode, SH.resultPath, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity, SH.value)
        )
        + (frozenset(graph.objects(r, SH.resultMessage)),)
        for r in graph.subjects(RDF.type, SH.ValidationResult)
    }


@pytest.mark.fast_path_only("on the reference path both runs are pySHACL's")
def test_one_entry_checked_by_oxigraph_gets_pyshacls_findings(built):
    kg, files = built
    shapes_seen = set()
    for name, ids in files.items():
        ours = validation.run_shapes(kg, set(ids), shapes_engine="oxigraph")
        theirs = validation.run_shapes(kg, set(ids), shapes_engine="pyshacl")
        assert ours.findings == theirs.findings, name
        assert _results(ours) == _results(theirs), name
        shapes_seen |= {finding.shape for finding in ours.findings}
    # the faults written above are found: Violations and Warnings of Core and SPARQL constraints
    assert {"WorkYearPlausibleShape", "ClaimTextPerLanguage", "LinkBasis", "ClaimAbout", "CountermeasureQuote", "AboutnessQuote"} <= {
        shape.rsplit("#", 1)[-1].rstrip(">") for shape in shapes_seen
    }
