"""`dskg validate`: every finding, typed, rendered as text, table, JSON or the raw SHACL report."""

from __future__ import annotations

import json

import pytest
from rdflib import RDF, Graph, Namespace
from typer.testing import CliRunner

from dskg.cli import app
from dskg.intake import check

SH = Namespace("http://www.w3.org/ns/shacl#")
runner = CliRunner()


@pytest.fixture(scope="module")
def shipped_report():
    """The shipped data's validation report, made once for the tests that read it (a whole-graph run each)."""
    return check()


@pytest.mark.fast_path_only(
    "the reference path's findings on the shipped graph are compared with the fast path's by "
    "test_fast_path_finds_what_the_reference_path_finds; its whole pySHACL run took ~40 s of CI"
)
def test_shipped_graph_has_no_violation_and_exits_0():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.stdout[-2000:]
    assert "0 violations" in result.stdout.splitlines()[-1]


@pytest.mark.fast_path_only("an option's exit code; whole-graph SHACL on both paths: test_shipped_graph_has_no_violation_and_exits_0")
def test_fail_on_warning_turns_warnings_into_exit_1(shipped_report):
    report = shipped_report
    assert report.count("Violation") == 0
    assert report.count("Warning") > 0  # e.g. figures the paper gives no period for
    assert runner.invoke(app, ["validate", "--fail-on", "warning"]).exit_code == 1


@pytest.mark.fast_path_only(
    "where a finding points comes from the records; both paths compared: test_fast_path_finds_what_the_reference_path_finds"
)
def test_every_finding_names_a_record_with_its_label_file_and_line(shipped_report):
    report = shipped_report
    for finding in report.findings:
        assert finding.entity and not finding.entity.startswith("http")
        assert finding.file.startswith("data/") and finding.line > 0
        assert finding.message


@pytest.mark.fast_path_only("a rendering; whole-graph SHACL on both paths: test_shipped_graph_has_no_violation_and_exits_0")
def test_text_rendering_is_one_grep_friendly_line_per_finding_plus_a_summary(shipped_report):
    report = shipped_report
    lines = report.to_text().splitlines()
    assert len(lines) == len(report.findings) + 1
    assert all(line.split(":")[0].startswith("data/") for line in lines[:-1])
    assert lines[-1].startswith(f"{len(report.findings)} findings")


@pytest.mark.fast_path_only("renderings of a report; whole-graph SHACL on both paths: test_shipped_graph_has_no_violation_and_exits_0")
def test_json_and_turtle_renderings():
    result = runner.invoke(app, ["validate", "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["conforms"] is True and doc["summary"]["Violation"] == 0
    assert {"severity", "entity", "label", "path", "value", "message", "file", "line"} <= set(doc["findings"][0])
    result = runner.invoke(app, ["validate", "--format", "turtle"])
    g = Graph().parse(data=result.stdout, format="turtle")
    assert len(list(g.subjects(RDF.type, SH.ValidationReport))) == 1
    table = runner.invoke(app, ["validate", "--format", "table"])
    assert table.exit_code == 0 and "severity" in table.stdout


@pytest.mark.fast_path_only("a shape's finding; the shapes find the same on both paths: test_fast_path_finds_what_the_reference_path_finds")
def test_implausible_year_is_a_violation_from_the_shapes(tmp_path):
    entry = tmp_path / "old.yaml"
    entry.write_text(
        'id: old-2024\ntype: article\ntitle: {en: Old}\nauthors: ["Doe, J."]\nyear: 1850\nlanguage: en\n'
        "claims:\n  - about: [bar-market-access]\n    text: {en: x}\n",
        encoding="utf-8",
    )
    report = check(entries=[entry])
    assert report.fails()
    [finding] = [f for f in report.findings if f.severity == "Violation"]
    assert finding.entity == "old-2024" and finding.file == str(entry) and finding.line == 5  # the line of year:
    result = runner.invoke(app, ["validate", str(entry)])
    assert result.exit_code == 1 and "1850" in result.stdout


def test_bad_options_are_usage_errors():
    assert runner.invoke(app, ["validate", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["validate", "--fail-on", "info"]).exit_code == 2


def _entries(tmp_path):
    """The test entries and one that breaks a shape: (files, their record ids)."""
    from pathlib import Path

    from dskg.entries import read_entries

    entries = sorted((Path(__file__).parent / "entries").glob("*.yaml"))
    odd = tmp_path / "odd-2024.yaml"
    odd.write_text(
        'id: odd-2024\ntype: article\ntitle: {en: Odd}\nauthors: ["Doe, J."]\nyear: 1850\nlanguage: en\n'
        "claims:\n  - about: [bar-market-access, cm-legal-support]\n    text: {en: x}\n",
        encoding="utf-8",
    )
    entries.append(odd)
    return entries, read_entries(entries).records.ids()


def _found(report) -> set:
    return {(f.severity, f.entity, f.path, f.message) for f in report.findings}


@pytest.mark.slow
@pytest.mark.fast_path_only("it runs both paths itself")
def test_fast_path_finds_what_the_reference_path_finds(tmp_path, monkeypatch):
    """The fast path (rules engine, narrowed shapes, SPARQL parsed once) and the reference (owlrl,
    the shapes as written, every query parsed anew: DSKG_REFERENCE_PATH=1) agree on entries."""
    import dskg
    from dskg import validation
    from dskg.fast import SWITCH

    entries, focus = _entries(tmp_path)
    monkeypatch.delenv(SWITCH, raising=False)
    fast_kg = dskg.build(entries=entries, engine="rules")
    fast, twice = _found(validation.validate(fast_kg, focus)), _found(validation.validate(fast_kg, focus))
    monkeypatch.setenv(SWITCH, "1")
    reference = _found(validation.validate(dskg.build(entries=entries, engine="owlrl"), focus))
    assert fast == reference == twice
    assert any(entity == "odd-2024" and severity == "Violation" for severity, entity, _, _ in fast)


@pytest.mark.fast_path_only("the subgraph is no trick; both paths compared: test_fast_path_finds_what_the_reference_path_finds")
def test_entries_judged_on_their_subgraph_get_the_findings_of_the_whole_graph(tmp_path):
    """An entry is validated on its own records and what they reference, so the cost follows the
    entry: the findings are those on its records when the whole graph is validated."""
    import dskg
    from dskg import validation

    entries, focus = _entries(tmp_path)
    kg = dskg.build(entries=entries)
    whole = {finding for finding in _found(validation.validate(kg)) if finding[1] in focus}
    assert _found(validation.validate(kg, focus)) == whole
    assert any(entity == "odd-2024" and severity == "Violation" for severity, entity, _, _ in whole)


def test_findings_of_one_place_print_in_one_order_whatever_order_the_engine_gave():
    """A reference number given twice, once as a string: the maxCount finding (no value) and the
    datatype finding (value 1) share record, path and message; `dskg validate` must list them the
    same way every run (the shapes run on two threads, and a set of findings has no order)."""
    from dskg.validation import Finding

    common = dict(severity="Violation", entity="zhang-qi-2024", label="张祁 [1], 2024", path="dskg:refNumber", message="Give one number.")
    twice = Finding(**common, value="", shape="dsh:WorkRefNumber")
    as_text = Finding(**common, value="1", shape="dsh:WorkRefNumber")
    assert sorted([twice, as_text], key=Finding.sort_key) == sorted([as_text, twice], key=Finding.sort_key) == [twice, as_text]
