"""The CLI: each command works, documents itself, and turns bad input into a message and an exit code."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import dskg
import paper_facts as facts
from dskg.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and dskg.__version__ in result.stdout


@pytest.mark.parametrize("command", [c.name or c.callback.__name__ for c in app.registered_commands])
def test_every_command_has_help_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_main_job_prints_every_barrier_with_its_countermeasures_and_basis():
    result = invoke("query", "countermeasures-by-barrier", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["barrier_zh"] for r in rows} == {b["label_zh"] for b in facts.BARRIERS}
    assert {r["basis"] for r in rows} <= {"explicit", "interpretive", "none"}
    headings = {c["section"]: c["label_zh"] for c in facts.COUNTERMEASURES}
    explicit = {(r["countermeasure_zh"], r["barrier_zh"]) for r in rows if r["basis"] == "explicit"}
    assert explicit == {(headings[s], b) for s, b in facts.EXPLICIT_LINKS}


def test_json_output_is_w3c_sparql_results():
    result = invoke("query", "countermeasures-by-barrier", "--format", "json", "-p", "basis=explicit")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert "barrier_id" in doc["head"]["vars"]
    [binding] = doc["results"]["bindings"]
    assert binding["barrier_zh"] == {"type": "literal", "value": "法律法规建设壁垒", "xml:lang": "zh"}


def test_tsv_output_uses_sparql_tsv_conventions():
    result = invoke("query", "countermeasures-by-barrier", "--format", "tsv", "-p", "basis=explicit")
    header, row = result.stdout.splitlines()
    assert header.startswith("?barrier_id\t")
    assert '"法律法规建设壁垒"@zh' in row


def test_table_shows_the_chosen_language():
    zh = invoke("query", "countermeasures-by-barrier", "--lang", "zh")
    en = invoke("query", "countermeasures-by-barrier", "--lang", "en")
    assert "法律法规建设壁垒" in zh.stdout and "Barrier of legal" not in zh.stdout
    assert "Barrier of legal" in en.stdout and "barrier_zh" not in en.stdout


@pytest.mark.parametrize(
    "command", [("query", "barriers"), ("sparql", "ASK {}"), ("report", "-o", "/nonexistent-folder/site"), ("diagram", "-f", "mermaid")]
)
def test_every_command_with_lang_refuses_a_language_it_has_no_labels_in(command):
    result = invoke(*command, "--lang", "fr")
    assert result.exit_code == 2 and "'fr' is not one of 'zh', 'en'" in result.output
    assert "Traceback" not in result.output


CATALOGUE = [
    "barriers", "advantages", "countermeasures", "countermeasures-by-barrier", "uncovered-barriers", "literature",
    "literature-by-theme", "evidence-for", "statistics", "trade-balance", "cases", "documents", "timeline", "dstri-areas",
]


def test_query_list_shows_the_whole_catalogue_in_the_chosen_language():
    result = invoke("query", "--list")
    assert result.exit_code == 0
    for name in CATALOGUE:
        assert name in result.stdout
    assert "Uncovered barriers" in result.stdout
    zh = invoke("query", "--list", "--lang", "zh")
    assert "缺少对策的壁垒" in zh.stdout and "Uncovered barriers" not in zh.stdout


@pytest.mark.parametrize(
    "args, needle",
    [
        (("query", "nope"), "countermeasures-by-barrier"),
        (("query", "countermeasures-by-barrier", "-p", "barrier=bar-nope"), "bar-legal-framework"),
        (("query", "countermeasures-by-barrier", "-p", "barrier"), "key=value"),
        (("query", "countermeasures-by-barrier", "--format", "xlsx"), "csv"),
        (("export", "-f", "n4"), "turtle"),
        (("export", "-o", "/nonexistent-folder/g.ttl"), "does not exist"),
        (("build", "--base", "/nonexistent-folder"), "not a folder"),
        (("build", "--data", "/nonexistent-folder"), "dskg init"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(args, needle):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert "Traceback" not in result.output


def test_invalid_data_exits_1_listing_file_line_and_fix(data_copy):
    path = data_copy / "barriers.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: international", "level: global", 1), encoding="utf-8")
    result = invoke("build", "--base", str(data_copy))
    assert result.exit_code == 1
    assert "barriers.yaml:" in result.stderr and "level" in result.stderr and "Fix:" in result.stderr
    assert "Traceback" not in result.output


def test_build_and_stats_report_counts():
    result = invoke("build")
    assert result.exit_code == 0 and "asserted" in result.stdout
    result = invoke("stats")
    assert result.exit_code == 0
    assert "Barrier" in result.stdout and "interpretive" in result.stdout


def test_export_writes_a_file(tmp_path):
    target = tmp_path / "g.ttl"
    result = invoke("export", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("@prefix")


def test_sparql_runs_an_ad_hoc_select_over_inferred_triples():
    result = invoke(
        "sparql", "PREFIX dskg: <https://w3id.org/dskg/ontology#> SELECT (COUNT(?b) AS ?n) WHERE { ?b a dskg:Barrier }", "--format", "csv"
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["n", str(len(facts.BARRIERS))]


def test_sparql_ask_as_w3c_json():
    result = invoke("sparql", "ASK { ?a a <https://w3id.org/dskg/ontology#Advantage> }", "--format", "json")
    assert json.loads(result.stdout) == {"head": {}, "boolean": True}


def test_sparql_from_a_file(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("PREFIX dskg: <https://w3id.org/dskg/ontology#>\nSELECT ?a WHERE { ?a a dskg:Advantage }\n", encoding="utf-8")
    result = invoke("sparql", "--file", str(path), "--format", "csv")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1 + len(facts.ADVANTAGES)


@pytest.mark.parametrize("update", ["DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR DEFAULT", "LOAD <http://example.org/>"])
def test_sparql_refuses_updates(update):
    result = invoke("sparql", update)
    assert result.exit_code == 2 and "read-only" in result.stderr


@pytest.mark.parametrize("args", [("sparql", "SELECT ?x WHERE { ?x"), ("sparql", "--file", "/nonexistent.rq"), ("sparql",)])
def test_sparql_bad_input_exits_2(args):
    result = invoke(*args)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_help_loads_no_rdf_library():
    """`dskg --help` stays fast (the README's Performance target: <= 0.5 s) because no command's heavy imports run for it."""
    code = "import sys, dskg.cli; print(sorted(m for m in ('rdflib', 'pyshacl', 'pydantic', 'pyoxigraph', 'owlrl') if m in sys.modules))"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
