"""Issue 16, point 1: a literature entry states `addresses` / `builds-on` links, each a qualified
link stated in the entry's work. The work is fictional (doe-2024): no facts about real works."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import dskg
from dskg import intake
from dskg.cli import app
from dskg.queries import rows

runner = CliRunner()

ENTRY = """\
id: doe-2024
type: article
title: {en: "Data localisation and trade in digital services"}
authors: ["Doe, Jane"]
year: 2024
language: en
links:
  - subject: cm-legal-support
    property: addresses
    target: bar-market-access
    basis: explicit
    stance: supports
    page: "12"
    quote: "Better domestic law opens foreign markets."
"""

LINK_NODES = """
PREFIX dskg: <https://w3id.org/dskg/ontology#>
SELECT ?link ?work ?basis ?stance ?page ?quote ?checked WHERE {
  ?link a dskg:Addressing ;
        dskg:linkSubject <https://w3id.org/dskg/id/cm-legal-support> ;
        dskg:linkTarget <https://w3id.org/dskg/id/bar-market-access> ;
        dskg:basis ?basis ; dskg:statedIn ?work .
  OPTIONAL { ?link dskg:stance ?stance }
  OPTIONAL { ?link dskg:page ?page }
  OPTIONAL { ?link dskg:quote ?quote }
  OPTIONAL { ?link dskg:quoteChecked ?checked }
}"""


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return intake.init_data_dir(tmp_path / "my-data")


def _add(tmp_path: Path, folder: Path, text: str, name: str = "entry.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["add", str(path), "--data", str(folder)])


def _links(kg) -> dict[str, dict[str, str]]:
    found = {}
    for solution in kg.store.query(LINK_NODES, use_default_graph_as_union=True):
        work = solution["work"].value.rsplit("/", 1)[1]
        found[work] = {name: solution[name].value for name in ("basis", "stance", "page", "quote", "checked") if solution[name] is not None}
    return found


def test_a_stated_link_is_its_own_qualified_link_beside_the_papers(tmp_path, folder):
    result = _add(tmp_path, folder, ENTRY)
    assert result.exit_code == 0, result.output
    links = _links(dskg.build(folder))
    # the paper's own (interpretive) link stays; the entry's is a second node, stated in doe-2024
    assert set(links) == {"wang-jinze-2025", "doe-2024"}
    assert links["doe-2024"] == {
        "basis": "https://w3id.org/dskg/ontology#explicit",
        "stance": "http://purl.org/spar/cito/supports",
        "page": "12",
        "quote": "Better domestic law opens foreign markets.",
        "checked": "false",  # doe-2024 ships no text to check the quote against
    }
    assert links["wang-jinze-2025"]["basis"].endswith("#interpretive")


def test_countermeasures_by_barrier_lists_the_entrys_link_with_its_work(tmp_path, folder):
    assert _add(tmp_path, folder, ENTRY).exit_code == 0
    found = rows(dskg.run_query("countermeasures-by-barrier", dskg.build(folder), {"barrier": "bar-market-access"}))
    legal = {(r["source"], r["basis"]) for r in found if r["countermeasure_id"] == "cm-legal-support"}
    assert legal == {("wang-jinze-2025", "interpretive"), ("doe-2024", "explicit")}


def test_a_link_to_a_countermeasure_the_entry_introduces(tmp_path, folder):
    text = (
        ENTRY.replace("subject: cm-legal-support", "subject: cm-doe-sandbox")
        + """\
countermeasures:
  - id: cm-doe-sandbox
    label_en: Regulatory sandbox for data flows
    label_zh: 数据流动监管沙盒
    label_zh_verbatim: false
"""
    )
    assert _add(tmp_path, folder, text).exit_code == 0
    found = rows(dskg.run_query("countermeasures-by-barrier", dskg.build(folder), {"barrier": "bar-market-access"}))
    assert {(r["countermeasure_id"], r["source"]) for r in found} >= {("cm-doe-sandbox", "doe-2024")}


def test_the_documented_example_builds(tmp_path, folder):
    readme = (Path(__file__).parent.parent / "data" / "README.md").read_text(encoding="utf-8")
    example = readme.split("### Links a literature entry states", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    entry = ENTRY.split("links:\n", 1)[0] + example
    assert _add(tmp_path, folder, entry).exit_code == 0
    assert _links(dskg.build(folder))["doe-2024"]["stance"].endswith("supports")


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "needle"),
    [
        ("target: bar-market-access", "target: bar-market-acess", 10, "target", "unknown id 'bar-market-acess'"),
        (
            "subject: cm-legal-support",
            "subject: bar-legal-framework",
            8,
            "subject",
            "'bar-legal-framework' is a barrier, not a countermeasure",
        ),
        ("target: bar-market-access", "target: cm-talent", 10, "target", "'cm-talent' is a countermeasure, not a barrier"),
        ("property: addresses", "property: solves", 9, "property", "addresses"),
        ("basis: explicit", "basis: editorial", 11, "basis", "interpretive"),
    ],
)
def test_a_bad_link_is_refused_naming_file_line_and_field(tmp_path, folder, old, new, line, field, needle):
    result = _add(tmp_path, folder, ENTRY.replace(old, new), "bad.yaml")
    assert result.exit_code == 1, result.output
    assert needle in result.output
    assert "Traceback" not in result.output
    assert f"bad.yaml:{line}:" in result.output and field in result.output
    assert not (folder / "entries" / "doe-2024.yaml").exists()
