"""The export beside the vocabularies it reuses, as a knowledge engineer loads them (issue 14).

FaBiO, FRBR, CiTO, PROV-O, SKOS and DCTERMS: their axioms about the terms dskg uses are in
tests/vocabularies/ (README.md there: sources, licences, what was taken and why). Loaded with the
export (ontology + data, with and without the inferred triples), and with a graph holding a work of
every type `dskg add` accepts:

* OWL API's OWL2DLProfile finds no violation that dskg brings: the one it finds is CiTO's own
  (cito:Citation is defined with situation:Situation from the ODP Situation pattern, an import of
  CiTO that is none of the six), and it finds it in the vocabularies alone too;
* HermiT finds every graph consistent, no class unsatisfiable, and no actor a prov:Entity;
* the checks bite: each of the faults issue 14 found, put back, is reported.

One JVM (tests/engines/OwlDLCheck.java) checks all graphs; the whole takes ~30 s.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from typer.testing import CliRunner

import dskg
from dskg import intake, resources
from dskg.cli import app
from dskg.terms import WORK_CLASS
from dskg.vocab import DSKG
from tools import need

pytestmark = [
    pytest.mark.slow,
    pytest.mark.fast_path_only(
        "the ontology and export are the same graph on both paths (test_loader_paths, test_export); HermiT and OWL API take ~15 s"
    ),
]

HERE = Path(__file__).parent
VOCABULARIES = HERE / "vocabularies"
PROV_ENTITY = "http://www.w3.org/ns/prov#Entity"
SITUATION = "http://www.ontologydesignpatterns.org/cp/owl/situation.owl#"
SIX = (
    "http://purl.org/spar/fabio/",
    "http://purl.org/vocab/frbr/core#",
    "http://purl.org/spar/cito/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
)

# one entry per type `dskg add` accepts (entries.ENTRY_TYPES), each becoming a work of its FaBiO class
TYPED_ENTRIES = """\
- id: typed-article-2020
  type: article
  title: {en: "Services trade restrictiveness and trade flows"}
  authors: ["Doe, Jane"]
  year: 2020
  language: en
  claims:
    - about: [bar-market-access]
      stance: supports
      text: {en: "Restrictions on digital services raise the cost of market access."}
  barriers:  # a concept mapping: its node names skos:closeMatch as a value (punning, allowed in OWL 2 DL)
    - id: bar-typed-entry-limits
      label_zh: 市场进入限制
      label_en: Limits on entering markets
      level: international
      matches:
        - close_match: bar-market-access
          asserted_by: "Doe, Jane"
          rationale_en: "Both name foreign limits on entering a market."
""" + "".join(
    f"""\
- id: typed-{kind}-2021
  type: {kind}
  title: {{en: "A {kind} on digital services trade"}}
  authors: ["Roe, Richard"]
  year: 2021
  language: {"zh" if kind == "book" else "en"}
"""
    for kind in ("book", "chapter", "report", "thesis", "conference-paper", "webpage", "dataset")
)


def _hermit_jar() -> Path:
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        pytest.skip(
            "SKIPPED because the Python package owlready2 (which bundles HermiT and OWL API) is not installed; it is in the `test` extra"
        )
    return Path(spec.origin).parent / "hermit" / "HermiT.jar"


def _nt(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


@pytest.fixture(scope="module")
def typed_works(tmp_path_factory) -> dskg.KnowledgeGraph:
    """The shipped graph with one work of every entry type, added as a user adds them."""
    folder = intake.init_data_dir(tmp_path_factory.mktemp("typed") / "my-data")
    entry = folder.parent / "typed.yaml"
    entry.write_text(TYPED_ENTRIES, encoding="utf-8")
    result = CliRunner().invoke(app, ["add", str(entry), "--data", str(folder)])
    assert result.exit_code == 0, result.output
    return dskg.build(folder)


@pytest.fixture(scope="module")
def checked(kg, typed_works, tmp_path_factory) -> dict:
    """Every graph's OWL API and HermiT findings: name -> {violations, consistent, unsatisfiable, instances}."""
    java = need("java", "Debian package default-jre-headless (HermiT and OWL API run on Java)")
    jar = _hermit_jar()
    folder = tmp_path_factory.mktemp("owl")
    vocabularies = Graph()
    for path in sorted(VOCABULARIES.glob("*.ttl")):
        vocabularies.parse(path, format="turtle")
    vocab = _nt(vocabularies)
    ontology = resources.ontology_file().read_text(encoding="utf-8")

    def exported(graph: dskg.KnowledgeGraph, inferred: bool) -> bytes:
        return dskg.export(graph, folder / "export.nt", "nt", inferred=inferred).read_bytes()

    def ontology_with(extra: str) -> bytes:
        return _nt(Graph().parse(data=ontology + extra, format="turtle"))

    graphs = {
        "vocabularies": vocab,
        "ontology": ontology_with("") + vocab,
        "export-alone": exported(kg, False),
        "export": exported(kg, False) + vocab,
        "export-inferred": exported(kg, True) + vocab,
        "typed-works": exported(typed_works, True) + vocab,
        # the faults of issue 14, put back one at a time: the checks must report each
        "fault-work-is-a-fabio-work": ontology_with(
            "dskg:Work rdfs:subClassOf fabio:Work .\n<https://w3id.org/dskg/id/w> a dskg:Work , fabio:JournalArticle ."
        )
        + vocab,
        "fault-webpage-manifestation": ontology_with("<https://w3id.org/dskg/id/w> a dskg:Work , fabio:WebPage .") + vocab,
        "fault-year-annotation": ontology_with("fabio:hasPublicationYear a owl:AnnotationProperty .") + vocab,
        "fault-creator-annotation": ontology_with("dcterms:creator a owl:AnnotationProperty .") + vocab,
        "fault-langstring": ontology_with("dskg:quote rdfs:range rdf:langString ."),
        "fault-stated-in-derived-from": ontology_with(
            "dskg:statedIn rdfs:subPropertyOf prov:wasDerivedFrom . <https://w3id.org/dskg/id/actor-x> a dskg:Person ;"
            " dskg:statedIn <https://w3id.org/dskg/id/w> ."
        )
        + vocab,
    }
    args = []
    for name, content in graphs.items():
        path = folder / f"{name}.nt"
        path.write_bytes(content)
        args.append(f"{name}={path}")
    command = [
        java,
        "-Dclassify=ontology",
        f"-Dinstances.export-inferred={PROV_ENTITY}",
        f"-Dinstances.fault-stated-in-derived-from={PROV_ENTITY}",
        "-cp",
        str(jar),
        str(HERE / "engines" / "OwlDLCheck.java"),
        *args,
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"OwlDLCheck exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    found: dict = defaultdict(
        lambda: {"violations": [], "consistent": None, "unsatisfiable": [], "instances": defaultdict(set), "errors": []}
    )
    for line in proc.stdout.splitlines():
        tag, name, rest = (line.split(" ", 2) + [""])[:3]
        if tag == "VIOLATION":
            kind, text = rest.split(" ", 1)
            found[name]["violations"].append((kind, re.sub(r" in OntologyID\(.*\)\]$", "]", text)))  # the same axiom in every graph
        elif tag == "CONSISTENT":
            found[name]["consistent"] = rest == "true"
        elif tag == "UNSATISFIABLE":
            found[name]["unsatisfiable"].append(rest)
        elif tag == "INSTANCE":
            cls, individual = rest.split(" ")
            found[name]["instances"][cls].add(individual)
        elif tag == "ERROR":
            found[name]["errors"].append(rest)
    assert set(found) == set(graphs), (
        f"OwlDLCheck reported on {sorted(found)}, not on every graph:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    )
    return found


def _not_ours(violations: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The violations that are not CiTO's own undeclared Situation-pattern terms."""
    return [
        (kind, text)
        for kind, text in violations
        if not (kind.startswith("UseOfUndeclared") and text.split("<", 1)[-1].startswith(SITUATION))
    ]


@pytest.mark.fast_path_only(
    "the export is the same graph on both paths (the build's paths are compared elsewhere); OWL API's check took ~14 s"
)
def test_the_export_alone_is_owl2_dl(checked):
    assert checked["export-alone"]["errors"] == []
    assert checked["export-alone"]["violations"] == []
    assert checked["export-alone"]["consistent"] is True


@pytest.mark.parametrize("name", ["ontology", "export", "export-inferred", "typed-works"])
def test_owl2_dl_beside_the_vocabularies(checked, name):
    found = checked[name]
    assert found["errors"] == []
    assert _not_ours(found["violations"]) == [], "OWL2DLProfile violations with the vocabularies loaded:\n" + "\n".join(
        f"{k} {t[:300]}" for k, t in _not_ours(found["violations"])
    )
    # what is left is CiTO's: the same in the vocabularies alone
    assert set(found["violations"]) <= set(checked["vocabularies"]["violations"])
    assert any(text.split("<", 1)[-1].startswith(SITUATION) for _, text in checked["vocabularies"]["violations"])


@pytest.mark.parametrize("name", ["ontology", "export", "export-inferred", "typed-works"])
def test_hermit_finds_it_consistent_beside_the_vocabularies(checked, name):
    assert checked[name]["errors"] == []
    assert checked[name]["consistent"] is True, f"HermiT finds {name} + FaBiO/FRBR/CiTO/PROV-O/SKOS/DCTERMS axioms inconsistent"


def test_no_class_is_unsatisfiable_beside_the_vocabularies(checked):
    assert checked["ontology"]["consistent"] is True
    assert checked["ontology"]["unsatisfiable"] == []


def test_every_added_work_type_is_a_fabio_expression_class(typed_works):
    """The typed-works graph HermiT checks holds a work of each entry type, each with its FaBiO class."""
    from dskg.entries import ENTRY_TYPES

    types = {}
    for kind in ENTRY_TYPES:
        node = URIRef(f"https://w3id.org/dskg/id/typed-{kind}-{2020 if kind == 'article' else 2021}")
        types[kind] = set(typed_works.data.objects(node, RDF.type))
        assert {DSKG.Work, WORK_CLASS[kind]} <= types[kind], kind
    assert WORK_CLASS["webpage"] == URIRef("http://purl.org/spar/fabio/WebContent")  # an Expression, not the WebPage Manifestation


def test_no_actor_is_a_prov_entity_for_hermit(checked, kg):
    """With PROV-O's axioms, an actor the paper names (Sam Altman, China) is no entity derived from it."""
    entities = checked["export-inferred"]["instances"][PROV_ENTITY]
    actors = {str(a) for a in kg.inferred.subjects(RDF.type, DSKG.Actor)}
    assert {"https://w3id.org/dskg/id/actor-altman", "https://w3id.org/dskg/id/actor-china"} <= actors
    assert sorted(actors & entities) == []
    assert "https://w3id.org/dskg/id/wang-jinze-2025" in entities  # the paper is one


def test_the_checks_report_each_fault_of_issue_14(checked):
    assert checked["fault-work-is-a-fabio-work"]["consistent"] is False  # an FRBR Work typed as an Expression
    assert checked["fault-webpage-manifestation"]["consistent"] is False  # a Work that is a Manifestation
    for name, iri in (
        ("fault-year-annotation", "http://purl.org/spar/fabio/hasPublicationYear"),
        ("fault-creator-annotation", "http://purl.org/dc/terms/creator"),
    ):
        punned = [text for kind, text in checked[name]["violations"] if kind == "IllegalPunning"]
        assert any(f"<{iri}>" in text for text in punned), name
    assert any("langString" in text for _, text in checked["fault-langstring"]["violations"])
    assert "https://w3id.org/dskg/id/actor-x" in checked["fault-stated-in-derived-from"]["instances"][PROV_ENTITY]


def test_the_vocabulary_files_describe_every_term_dskg_uses(kg, typed_works):
    """A term of the six vocabularies that dskg starts to use must be in tests/vocabularies/ (run extract.py)."""
    described = Graph()
    for path in VOCABULARIES.glob("*.ttl"):
        described.parse(path, format="turtle")
    declared = set(described.subjects(RDF.type, None))
    used = {
        x
        for graph in (kg.ontology, kg.data, typed_works.data)
        for triple in graph
        for x in triple
        if isinstance(x, URIRef) and str(x).startswith(SIX)
    }
    assert sorted(str(t) for t in used - declared) == []
