"""Issue 18, point 4: every canned query that lists links gives their basis, the abstract's group
statement is held as evidence of the builds-on links, and `statistics` says the text's comparator.

Expected values come from the paper and the curated YAML (what a reader checks), not from the output:
the paper says 超过 14 亿人, 1 万美元以上 and 突破 40 亿美元; the abstract says the countermeasures are
proposed 立足我国数字服务贸易的发展优势 without saying which advantage each builds on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from ruamel.yaml import YAML
from typer.testing import CliRunner

import dskg
import paper_facts as facts
from dskg import queries, terminal
from dskg.cli import app

ROOT = Path(__file__).resolve().parents[1]
COUNTERMEASURES = YAML(typ="safe").load((ROOT / "data" / "countermeasures.yaml").read_text(encoding="utf-8"))["countermeasures"]
GROUP_STATEMENT = "立足我国数字服务贸易的发展优势"
BASES = {"explicit", "interpretive", "editorial"}


def run(kg, name: str, params: dict | None = None) -> list[dict]:
    return queries.rows(dskg.run_query(name, kg, params or {}))


def n(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parts(value: str | None) -> set[str]:
    return set(value.split(" | ")) if value else set()


def builds_on_links() -> list[tuple[str, str, str, list[str]]]:
    """(countermeasure, advantage, basis, quotes) of every builds-on link in data/countermeasures.yaml."""
    return [
        (cm["id"], link["target"], link["basis"], link["quotes"])
        for cm in COUNTERMEASURES
        for link in cm.get("links", [])
        if link["property"] == "builds-on"
    ]


# ------------------------------------------------------------------------------------------------
# (a) the basis of every listed link
# ------------------------------------------------------------------------------------------------


def test_advantages_give_each_builds_on_link_with_its_basis(kg):
    """The two builds-on links of the paper are interpretive (issue 18): 5.2 -> 3.3, 5.5 -> 3.2."""
    expected: dict[str, set[str]] = {}
    for cm, adv, basis, _ in builds_on_links():
        expected.setdefault(adv, set()).add(f"{cm} ({basis})")
    rows = {r["id"]: r for r in run(kg, "advantages")}
    assert {a: parts(r["link_basis"]) for a, r in rows.items() if r["link_basis"]} == expected
    assert expected == {
        "adv-industry-infrastructure": {"cm-model-innovation (interpretive)"},
        "adv-technology": {"cm-ip-protection (interpretive)"},
    }
    for r in rows.values():  # the old column still lists the same countermeasures
        assert parts(r["countermeasures"]) == {p.split(" (")[0] for p in parts(r["link_basis"])}, r


def test_the_abstracts_group_statement_is_evidence_of_every_builds_on_link(kg):
    """The abstract names all five countermeasures as proposed on the advantages: each builds-on link
    quotes it, and its basis stays interpretive (the abstract pairs no countermeasure with an advantage)."""
    text = n((ROOT / "data" / "source" / "paper-ssem-2025-143042.txt").read_text(encoding="utf-8"))
    assert GROUP_STATEMENT in text
    links = builds_on_links()
    assert links
    for cm, adv, basis, quotes in links:
        assert any(GROUP_STATEMENT in n(q) for q in quotes), (cm, adv)
        assert basis == "interpretive", (cm, adv)
        evidence = [r for r in run(kg, "evidence-for", {"entity": adv}) if r["kind"] == "link" and r["id"] == cm]
        assert evidence and all(GROUP_STATEMENT in n(r["text_zh"]) and r["basis"] == "interpretive" for r in evidence), evidence


@pytest.mark.parametrize("name,listed", [("cases", "illustrates"), ("timeline", "related")])
def test_cases_and_timeline_give_the_basis_of_each_link_they_list(kg, name, listed):
    for r in run(kg, name):
        links = parts(r["link_basis"])
        assert {p.split(" ")[1] for p in links} == parts(r[listed]), r
        for p in links:
            kind, _target, basis = re.fullmatch(r"(illustrates|evidences) (\S+) \((\w+)\)", p).groups()
            assert basis in BASES, p


def test_evidence_for_gives_the_basis_of_each_row(kg):
    for entity in ("bar-legal-framework", "adv-platform", "cm-legal-support"):
        rows = run(kg, "evidence-for", {"entity": entity})
        assert rows and all(r["basis"] in BASES for r in rows), (entity, rows)
    legal = run(kg, "evidence-for", {"entity": "bar-legal-framework"})
    # 5.1 names the legal barrier as the problem it answers: the paper's one explicit addressing link
    assert {r["basis"] for r in legal if r["kind"] == "link" and r["id"] == "cm-legal-support"} == {"explicit"}


def test_dstri_mappings_are_editorial(kg):
    """The paper maps no barrier to a DSTRI area: every mapping is this project's (editorial)."""
    assert {r["basis"] for r in run(kg, "dstri-areas") if r["barrier_id"]} == {"editorial"}


# ------------------------------------------------------------------------------------------------
# (b) the comparator the text states
# ------------------------------------------------------------------------------------------------

SYMBOL = {"超过": ">", "突破": ">", "以上": ">=", None: "="}


@pytest.mark.parametrize("stat", facts.STATISTICS, ids=lambda s: s["value"] + "@" + s["section"])
def test_statistics_give_the_comparator_of_the_text(kg, stat):
    qualifier = facts.STATISTIC_DETAILS[stat["value_text"]]["qualifier_zh"]
    rows = [r for r in run(kg, "statistics") if n(r["value_text"]) == n(stat["value_text"])]
    assert len(rows) == 1, stat
    [r] = rows
    assert r["comparator"] == SYMBOL[qualifier], (stat, r["comparator"])
    stated = r["value_text"] if qualifier is None else f"{SYMBOL[qualifier]} {r['value_text']}"
    assert r["value_stated"] == stated, r


def test_the_three_qualified_figures_of_the_issue(kg):
    """超过 14 亿人, 1 万美元以上, 突破 40 亿美元."""
    stated = {n(r["value_stated"]) for r in run(kg, "statistics")}
    assert {">14亿人", ">=1万美元", ">40亿美元"} <= stated


@pytest.mark.fast_path_only("a rendering of the same rows")
@pytest.mark.parametrize("width", [80, 100, 200])
def test_the_terminal_view_shows_the_comparator(monkeypatch, width):
    monkeypatch.setattr(terminal.out, "width", width)
    result = CliRunner().invoke(app, ["query", "statistics"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for figure in ("> 14 亿人", ">= 1 万美元", "> 40 亿美元"):
        assert any(figure in line for line in lines), (width, figure)
    assert max(cell_len(line.rstrip()) for line in lines) <= width
