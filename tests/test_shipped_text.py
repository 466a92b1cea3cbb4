"""Issue 16, point 1: a later work may ship its text (`<data folder>/sources/<work id>.txt`, with the
entry's `license:`); its quotes are then checked verbatim (whitespace ignored) and marked
`dskg:quoteChecked true`; a work without shipped text keeps its quotes marked `false`. The works
and texts are fictional (doe-2024, roe-2023): no facts about real works."""

from __future__ import annotations

from pathlib import Path

import pytest
from marks import intake_only
from test_read_once import Counted
from typer.testing import CliRunner

import dskg
from dskg import intake
from dskg.cli import app

runner = CliRunner()

ID = "https://w3id.org/dskg/id/"

TEXT = """\
Data localisation requirements oblige firms to store data at home.
Such rules raise the cost of entering foreign markets
for digital services.
Open Access
Better domestic law opens foreign markets, and open markets reward good law.
"""
# "Open Access" is one of the paper's running headers: in a later work's text it is a line like any other

ENTRY = """\
id: doe-2024
type: article
title: {en: "Data localisation and trade in digital services"}
authors: ["Doe, Jane"]
year: 2024
language: en
license: CC-BY-4.0
claims:
  - about: [bar-market-access]
    stance: supports
    text: {zh: "数据本地化规则抬高了市场准入成本。"}
    quote: "Such rules raise the cost of entering foreign markets for digital services."
barriers:
  - id: bar-doe-localisation
    label_zh: 数据本地化要求
    label_en: Data localisation requirements
    level: international
    quotes: ["Data localisation requirements oblige firms to store data at home."]
links:
  - subject: cm-legal-support
    property: addresses
    target: bar-market-access
    basis: explicit
    quote: "for digital services. Open Access Better domestic law opens foreign markets"
"""

UNSHIPPED = """\
id: roe-2023
type: article
title: {en: "Services trade rules"}
authors: ["Roe, Richard"]
year: 2023
language: en
claims:
  - about: [bar-market-access]
    text: {en: "Rules on data raise the cost of market access."}
    quote: "Rules on data raise costs."
links:
  - subject: cm-legal-support
    property: addresses
    target: bar-market-access
    basis: interpretive
    quote: "Law opens markets."
"""

MARKS = """
PREFIX dskg: <https://w3id.org/dskg/ontology#>
SELECT ?node ?checked WHERE { ?node dskg:quoteChecked ?checked }"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = intake.init_data_dir(tmp_path_factory.mktemp("shipped") / "my-data")
    (folder / "entries" / "doe-2024.yaml").write_text(ENTRY, encoding="utf-8")
    (folder / "entries" / "roe-2023.yaml").write_text(UNSHIPPED, encoding="utf-8")
    (folder / "sources").mkdir()
    (folder / "sources" / "doe-2024.txt").write_text(TEXT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(folder) -> dskg.KnowledgeGraph:
    return dskg.build(folder)


def test_quotes_of_a_work_that_ships_its_text_are_checked_and_marked(built):
    marks = {s["node"].value.removeprefix(ID): s["checked"].value for s in built.store.query(MARKS, use_default_graph_as_union=True)}
    assert marks == {
        # doe-2024 ships its text: every quote found there, and said to be
        "claim-doe-2024-1": "true",
        "link/doe-2024/claim-doe-2024-1/is-about/bar-market-access": "true",
        "bar-doe-localisation": "true",
        "link/doe-2024/cm-legal-support/addresses/bar-market-access": "true",
        # roe-2023 does not: its quotes are kept and said to be unchecked
        "claim-roe-2023-1": "false",
        "link/roe-2023/claim-roe-2023-1/is-about/bar-market-access": "false",
        "link/roe-2023/cm-legal-support/addresses/bar-market-access": "false",
    }


def test_the_work_names_its_text_and_licence(built):
    work = f"<{ID}doe-2024>"
    assert bool(
        built.store.query(
            f'ASK {{ {work} <https://w3id.org/dskg/ontology#textFile> "sources/doe-2024.txt" ; '
            f"<http://purl.org/dc/terms/license> <https://spdx.org/licenses/CC-BY-4.0> }}",
            use_default_graph_as_union=True,
        )
    )


def test_the_shapes_check_the_quotes_not_the_readers_words(built):
    """SHACL is given the later work's text: its quotes pass, and the entry's zh label and zh claim
    text (a reader's words, not in the English text) are not held to it."""
    report = dskg.validate(built, {"doe-2024", "bar-doe-localisation", "claim-doe-2024-1"})
    assert [(f.entity, f.message) for f in report.findings if f.severity == "Violation"] == []


def test_a_quote_not_in_the_text_and_a_text_without_licence_are_refused(tmp_path, folder):
    data = intake.init_data_dir(tmp_path / "other-data")
    (data / "sources").mkdir()
    (data / "sources" / "doe-2024.txt").write_text(TEXT, encoding="utf-8")
    (data / "sources" / "poe-2022.txt").write_text("Trade rules shape services trade.\n", encoding="utf-8")
    misquoted = tmp_path / "doe.yaml"
    misquoted.write_text(ENTRY.replace("Better domestic law opens", "Good domestic law opens"), encoding="utf-8")
    unlicensed = tmp_path / "poe.yaml"
    unlicensed.write_text(UNSHIPPED.replace("roe-2023", "poe-2022").replace("Roe, Richard", "Poe, Edgar"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(misquoted), str(unlicensed), "--data", str(data)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    out = result.output
    assert f"{misquoted}:24: Violation: doe-2024 quote: not found verbatim in doe-2024.txt" in out
    assert f"{unlicensed}:1: Violation: poe-2022 license: the work's text ships (sources/poe-2022.txt) but no licence says it may" in out
    assert "Fix: add `license:`" in out


def test_a_shipped_text_is_read_once_per_command(tmp_path):
    """`dskg validate` checks the quotes while building and again in SHACL: one reading serves both."""
    data = intake.init_data_dir(tmp_path / "my-data")
    (data / "sources").mkdir()
    text = Counted(data / "sources" / "doe-2024.txt", TEXT)
    entry = tmp_path / "doe.yaml"
    entry.write_text(ENTRY, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(entry), "--data", str(data)])
    assert text.close() == 1
    assert result.exit_code == 0, result.output


@intake_only
def test_a_turtle_entry_whose_text_ships_without_a_licence_is_refused(tmp_path):
    """The licence rule holds for Turtle entries as for YAML ones: the shapes name the work."""
    data = intake.init_data_dir(tmp_path / "my-data")
    (data / "sources").mkdir()
    (data / "sources" / "toe-2021.txt").write_text("Rules on data raise the cost of market access.\n", encoding="utf-8")
    entry = tmp_path / "toe.ttl"
    entry.write_text(
        """\
@prefix dskg: <https://w3id.org/dskg/ontology#> .
@prefix id: <https://w3id.org/dskg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:toe-2021 a dskg:Work , fabio:JournalArticle ;
    rdfs:label "Toe (2021)"@en ;
    dcterms:title "Rules on data"@en ;
    dskg:authorsText "Toe, Tom" ;
    fabio:hasPublicationYear "2021"^^xsd:gYear .
""",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(entry), "--data", str(data)])
    assert result.exit_code == 1, result.output
    assert "toe-2021" in result.output and "no licence says it may" in result.output
    licensed = entry.read_text(encoding="utf-8").replace(
        '"2021"^^xsd:gYear .', '"2021"^^xsd:gYear ;\n    dcterms:license <https://spdx.org/licenses/CC-BY-4.0> .'
    )
    entry.write_text(licensed, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(entry), "--data", str(data)])
    assert result.exit_code == 0, result.output
