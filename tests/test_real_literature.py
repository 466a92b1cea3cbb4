"""Real literature the paper does not cite, added through the CLI into a temporary data folder.

The entries in tests/entries/ carry the works' real, checked metadata (see tests/entries/SOURCES.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import dskg
from dskg.cli import app
from dskg.queries import rows

pytestmark = pytest.mark.fast_path_only(
    "end to end through the CLI: the reference paths of loader and validation are checked with entries in test_intake"
)

ENTRIES = Path(__file__).parent / "entries"
runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("real") / "my-data"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    for name in (
        "nordas-rouzet-2017.yaml",
        "ferracane-van-der-marel-2018.yaml",
        "ferracane-lee-makiyama-van-der-marel-2018.yaml",
        "two-works.yaml",
    ):
        result = runner.invoke(app, ["add", str(ENTRIES / name), "--data", str(folder)])
        assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def kg(folder) -> dskg.KnowledgeGraph:
    return dskg.build(folder)


def test_added_works_appear_in_the_literature_with_their_real_metadata(kg):
    works = {r["id"]: r for r in rows(dskg.run_query("literature", kg))}
    assert works["nordas-rouzet-2017"]["title"] == "The Impact of Services Trade Restrictiveness on Trade Flows"
    assert works["nordas-rouzet-2017"]["year"] == 2017
    assert works["nordas-rouzet-2017"]["authors"] == "Nordås, Hildegunn Kyvik; Rouzet, Dorothée"
    chinese = [
        r
        for r in works.values()
        if r["language"] == "zh" and r["ref_number"] is None and r["year"] == 2021 and "数据跨境流动" in r["title"]
    ]
    assert len(chinese) == 1


def test_their_claims_show_up_as_evidence_for_the_barrier(kg):
    evidence = rows(dskg.run_query("evidence-for", kg, {"entity": "bar-market-access"}))
    sources = {r["source"] for r in evidence if r["kind"] == "claim"}
    assert {"nordas-rouzet-2017", "ferracane-lee-makiyama-van-der-marel-2018"} <= sources


def test_a_work_adds_a_barrier_the_paper_does_not_have(kg):
    barriers = {r["id"]: r for r in rows(dskg.run_query("barriers", kg))}
    assert "bar-data-flow-restrictions" in barriers
    assert barriers["bar-data-flow-restrictions"]["level"] == "international"
    evidence = rows(dskg.run_query("evidence-for", kg, {"entity": "bar-data-flow-restrictions"}))
    assert any(r["source"] == "ferracane-van-der-marel-2018" for r in evidence)


@pytest.mark.fast_path_only("whole-graph SHACL on both paths: test_validation.py::test_shipped_graph_has_no_violation_and_exits_0")
def test_the_graph_with_real_entries_still_validates(folder):
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 0, result.stdout[-2000:]


def test_bibtex_with_chinese_titles_imports_with_a_warning(tmp_path):
    folder = tmp_path / "bib-data"
    runner.invoke(app, ["init", str(folder)])
    result = runner.invoke(app, ["add", str(ENTRIES / "real.bib"), "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("no claims yet") >= 6
    kg = dskg.build(folder, reason=False)
    titles = {r["title"] for r in rows(dskg.run_query("literature", kg, {"language": "zh"}))}
    assert any("数据跨境流动" in t for t in titles)
