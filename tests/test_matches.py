"""Issue 16, point 2: a barrier, countermeasure or advantage an entry introduces declares `matches:`
to an existing record of its kind. Each is the direct SKOS triple and a dskg:ConceptMapping node
stated in the entry's work, saying who asserts it and why. The work is fictional (doe-2024)."""

from __future__ import annotations

import pytest
from marks import intake_only
from typer.testing import CliRunner

import dskg
from dskg import intake
from dskg.cli import app

runner = CliRunner()

ID = "https://w3id.org/dskg/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"

ENTRY = """\
id: doe-2024
type: article
title: {en: "Data localisation and trade in digital services"}
authors: ["Doe, Jane"]
year: 2024
language: en
barriers:
  - id: bar-doe-entry-limits
    label_zh: 市场进入限制
    label_en: Limits on entering markets
    level: international
    matches:
      - close_match: bar-market-access
        asserted_by: "Li Hua"
        rationale_en: "Both name foreign limits on entering a market."
countermeasures:
  - id: cm-doe-rule-making
    label_zh: 参与规则制定
    label_en: Take part in making the rules
    matches:
      - narrow_match: cm-international-cooperation
        basis: explicit
        rationale_en: "Making the rules is one way of cooperating internationally."
"""

MAPPINGS = """
PREFIX dskg: <https://w3id.org/dskg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?node ?subject ?target ?relation ?basis ?rationale ?work ?agent ?name ?declared WHERE {
  ?node a dskg:ConceptMapping ; dskg:linkSubject ?subject ; dskg:linkTarget ?target ; dskg:mappingRelation ?relation ;
        dskg:basis ?basis ; dskg:rationale ?rationale ; dskg:statedIn ?work ; prov:wasAttributedTo ?agent .
  OPTIONAL { ?agent foaf:name ?name }
  BIND(EXISTS { ?subject dskg:hasConceptMapping ?node } AS ?declared)
  FILTER(STRSTARTS(STR(?work), "https://w3id.org/dskg/id/doe-2024"))
}"""


# A Turtle entry (issue 16, point 3) states a link and a concept mapping as the loader writes them
TURTLE = """\
@prefix dskg: <https://w3id.org/dskg/ontology#> .
@prefix id: <https://w3id.org/dskg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix cito: <http://purl.org/spar/cito/> .

id:smith-2023 a dskg:Work , fabio:JournalArticle ;
    rdfs:label "Smith (2023)"@en ;
    dcterms:title "Cross-border data rules and services trade"@en ;
    dskg:authorsText "Smith, Alice" ;
    fabio:hasPublicationYear "2023"^^xsd:gYear .

id:cm-legal-support dskg:addresses id:bar-market-access ;
    dskg:hasQualifiedLink <https://w3id.org/dskg/id/link/smith-2023/cm-legal-support/addresses/bar-market-access> .

<https://w3id.org/dskg/id/link/smith-2023/cm-legal-support/addresses/bar-market-access> a dskg:Addressing ;
    dskg:linkSubject id:cm-legal-support ; dskg:linkTarget id:bar-market-access ;
    dskg:basis dskg:explicit ; dskg:stance cito:supports ;
    dskg:statedIn id:smith-2023 ;
    dskg:quote "Sound domestic law opens foreign markets."@en .

id:bar-smith-data-rules a dskg:InternationalBarrier ;
    rdfs:label "跨境数据规则"@zh , "Cross-border data rules"@en ;
    dskg:level "international" ;
    dskg:statedIn id:smith-2023 ;
    dskg:quote "Data rules raise the cost of entering foreign markets."@en ;
    dskg:labelVerbatim false ;
    skos:closeMatch id:bar-market-access ;
    dskg:hasConceptMapping <https://w3id.org/dskg/id/mapping/smith-2023/bar-smith-data-rules/close-match/bar-market-access> .

<https://w3id.org/dskg/id/mapping/smith-2023/bar-smith-data-rules/close-match/bar-market-access> a dskg:ConceptMapping ;
    dskg:linkSubject id:bar-smith-data-rules ; dskg:linkTarget id:bar-market-access ;
    dskg:mappingRelation skos:closeMatch ; dskg:basis dskg:interpretive ;
    dskg:rationale "Both name foreign limits on entering a market."@en ;
    dskg:statedIn id:smith-2023 ; prov:wasAttributedTo id:dskg-project .
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dskg.KnowledgeGraph:
    folder = intake.init_data_dir(tmp_path_factory.mktemp("matches") / "my-data")
    (folder / "entries" / "doe-2024.yaml").write_text(ENTRY, encoding="utf-8")
    (folder / "entries" / "smith-2023.ttl").write_text(TURTLE, encoding="utf-8")
    return dskg.build(folder)


def _short(term) -> str:
    text = term.value
    return text.removeprefix(ID).removeprefix(SKOS).removeprefix("https://w3id.org/dskg/ontology#")


def test_a_match_is_a_skos_triple_and_a_concept_mapping_node_stated_in_the_work(built):
    found = {
        _short(s["subject"]): {
            name: _short(s[name]) for name in ("node", "target", "relation", "basis", "rationale", "work", "agent", "declared")
        }
        | {"name": s["name"] and s["name"].value}
        for s in built.store.query(MAPPINGS, use_default_graph_as_union=True)
    }
    assert found == {
        "bar-doe-entry-limits": {
            "node": "mapping/doe-2024/bar-doe-entry-limits/close-match/bar-market-access",
            "target": "bar-market-access",
            "relation": "closeMatch",
            "basis": "interpretive",  # the default: a reader's judgement
            "rationale": "Both name foreign limits on entering a market.",
            "work": "doe-2024",
            "agent": "person/li-hua",
            "name": "Li Hua",
            "declared": "true",
        },
        "cm-doe-rule-making": {
            "node": "mapping/doe-2024/cm-doe-rule-making/narrow-match/cm-international-cooperation",
            "target": "cm-international-cooperation",
            "relation": "narrowMatch",
            "basis": "explicit",
            "rationale": "Making the rules is one way of cooperating internationally.",
            "work": "doe-2024",
            "agent": "dskg-project",  # no one named: the project asserts it
            "name": None,
            "declared": "true",
        },
    }
    direct = built.store.query(
        f"ASK {{ <{ID}bar-doe-entry-limits> <{SKOS}closeMatch> <{ID}bar-market-access> . "
        f"<{ID}cm-doe-rule-making> <{SKOS}narrowMatch> <{ID}cm-international-cooperation> }}",
        use_default_graph_as_union=True,
    )
    assert bool(direct)


def test_the_entry_with_its_mappings_conforms(built):
    report = dskg.validate(built, {"doe-2024", "bar-doe-entry-limits", "cm-doe-rule-making"})
    assert [f for f in report.findings if f.severity == "Violation"] == []
    checked = {f.entity for f in report.findings}
    assert "bar-doe-entry-limits" in checked  # the focus reached the entry's records (their warnings)


BAD_REFERENCES = """\
id: roe-2023
type: article
title: {en: "Services trade rules"}
authors: ["Roe, Richard"]
year: 2023
language: en
barriers:
  - id: bar-roe-one
    label_zh: 壁垒一
    label_en: Barrier one
    level: domestic
    matches:
      - close_match: bar-market-acess
        rationale_en: "A typo in the target."
      - exact_match: cm-legal-support
        rationale_en: "A countermeasure is no barrier."
      - broad_match: bar-roe-one
        rationale_en: "Itself."
"""

BAD_FORM = """\
id: poe-2022
type: article
title: {en: "More services trade rules"}
authors: ["Poe, Edgar"]
year: 2022
language: en
countermeasures:
  - id: cm-poe-one
    label_zh: 对策一
    label_en: Countermeasure one
    matches:
      - close_match: cm-legal-support
        broad_match: cm-talent
        rationale_en: "Two relations in one item."
      - narrow_match: cm-talent
"""


def test_bad_matches_are_refused_naming_file_line_field_and_fix(tmp_path):
    """Both files in one run: the entries' form and the loader's references are reported together."""
    folder = intake.init_data_dir(tmp_path / "my-data")
    paths = [tmp_path / "refs.yaml", tmp_path / "form.yaml"]
    for path, text in zip(paths, (BAD_REFERENCES, BAD_FORM)):
        path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", *map(str, paths), "--data", str(folder)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()

    def finding(where: str, needle: str) -> str:
        hits = [text for text in lines if f"{where}: Violation" in text and needle in text]
        assert hits, f"nothing at {where} with {needle!r} in:\n{result.output}"
        return hits[0]

    assert "did you mean bar-market-access" in finding("refs.yaml:13", "close_match: unknown id 'bar-market-acess' (expected a barrier)")
    assert "Fix: point this field" in finding("refs.yaml:15", "exact_match: 'cm-legal-support' is a countermeasure, not a barrier")
    assert "drop the match" in finding("refs.yaml:17", "broad_match: 'bar-roe-one' cannot match itself")
    assert "Fix: give each match its own item" in finding(
        "form.yaml:12",
        "matches.0: a match names exactly one of exact_match, close_match, broad_match, narrow_match (got close_match, broad_match)",
    )
    assert "Fix: add it" in finding("form.yaml:15", "matches.1.rationale_en: missing field `rationale_en`")


def test_a_turtle_entrys_link_and_mapping_are_marked_and_checked_like_a_yaml_entrys(built):
    link = f"<{ID}link/smith-2023/cm-legal-support/addresses/bar-market-access>"
    marked = built.store.query(
        f"SELECT ?checked WHERE {{ {link} <https://w3id.org/dskg/ontology#quoteChecked> ?checked }}", use_default_graph_as_union=True
    )
    assert [s["checked"].value for s in marked] == ["false"]  # smith-2023 ships no text
    report = dskg.validate(built, {"smith-2023", "bar-smith-data-rules", "cm-legal-support"})
    assert [(f.entity, f.message) for f in report.findings if f.severity == "Violation"] == []


@intake_only
def test_a_turtle_link_without_its_work_and_a_mapping_without_basis_are_refused(tmp_path):
    folder = intake.init_data_dir(tmp_path / "my-data")
    bad = tmp_path / "smith.ttl"
    stated = "dskg:basis dskg:explicit ; dskg:stance cito:supports ;\n    dskg:statedIn id:smith-2023 ;"
    assert stated in TURTLE
    text = TURTLE.replace(stated, "dskg:basis dskg:explicit ; dskg:stance cito:supports ;")
    bad.write_text(
        text.replace("dskg:mappingRelation skos:closeMatch ; dskg:basis dskg:interpretive ;", "dskg:mappingRelation skos:closeMatch ;")
    )
    result = runner.invoke(app, ["validate", str(bad), "--data", str(folder)])
    assert result.exit_code == 1, result.output
    violations = [line for line in result.output.splitlines() if "Violation" in line]
    assert len(violations) == 2, result.output
    stated_in = next(line for line in violations if "must name the work that states it" in line)
    assert "link/smith-2023/cm-legal-support/addresses/bar-market-access" in stated_in  # the link node
    basis = next(line for line in violations if "exactly one basis" in line)
    assert "Violation: bar-smith-data-rules" in basis and "#basis" in basis  # the mapping's record and field
