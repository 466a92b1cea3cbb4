"""The human view of a query in a terminal (issue 18): every barrier's label whole on a line at 80, 100 and
200 columns, both languages by default, long evidence cut with an ellipsis (whole with --full), and a
catalogue scripts can read (--list --format json/csv).

The labels expected are those of data/barriers.yaml (the paper's section 4 names), not the output's."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from ruamel.yaml import YAML
from typer.testing import CliRunner

from dskg import terminal
from dskg.cli import app

pytestmark = pytest.mark.fast_path_only("a rendering of the same rows: the reference path changes how they are found, not shown")

ROOT = Path(__file__).resolve().parents[1]
BARRIERS = YAML(typ="safe").load((ROOT / "data" / "barriers.yaml").read_text(encoding="utf-8"))["barriers"]
PROBLEMS = YAML(typ="safe").load((ROOT / "data" / "problems.yaml").read_text(encoding="utf-8"))["problems"]
COUNTERMEASURES = YAML(typ="safe").load((ROOT / "data" / "countermeasures.yaml").read_text(encoding="utf-8"))["countermeasures"]
runner = CliRunner()


def shown(monkeypatch, width: int, *args: str) -> str:
    """What `dskg ARGS` prints in a terminal `width` columns wide."""
    monkeypatch.setattr(terminal.out, "width", width)
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def evidence() -> list[str]:
    """The evidence column of the headline query, from its CSV (a machine format)."""
    result = runner.invoke(app, ["query", "countermeasures-by-barrier", "--format", "csv"])
    return [r["evidence_zh"] for r in csv.DictReader(io.StringIO(result.stdout)) if r["evidence_zh"]]


@pytest.mark.parametrize(
    "query, width",
    [("countermeasures-by-barrier", 80), ("countermeasures-by-barrier", 100), ("countermeasures-by-barrier", 200)]
    + [("barriers", 100), ("barriers", 200)],
)
def test_every_barrier_label_stands_whole_on_one_line_in_both_languages(monkeypatch, width, query):
    lines = shown(monkeypatch, width, "query", query).splitlines()
    for barrier in BARRIERS:
        for label in (barrier["label_zh"], barrier["label_en"]):
            assert any(label in line for line in lines), f"{label!r} is not whole on one line at {width} columns"
    assert max(cell_len(line.rstrip()) for line in lines) <= width


def test_at_80_columns_a_list_wraps_its_english_labels_rather_than_drop_its_answer(monkeypatch):
    """`barriers` at 80 columns: the count of countermeasures (the answer) is shown, each Chinese name whole on a line,
    each English name wrapped at spaces."""
    text = shown(monkeypatch, 80, "query", "barriers")
    assert "not shown" not in text and "count" in text
    lines, words = text.splitlines(), text.split()
    for barrier in BARRIERS:
        assert any(barrier["label_zh"] in line for line in lines)
        first = barrier["label_en"].split()
        start = next(i for i, w in enumerate(words) if words[i : i + 3] == first[:3])
        assert [w for w in words[start:] if w in first][: len(first)] == first


@pytest.mark.parametrize("width", [80, 100, 200])
def test_advantages_show_each_link_with_its_basis_at_every_width(monkeypatch, width):
    """The answer of `advantages` is its links (data/countermeasures.yaml's builds-on), kept over whole English labels."""
    text = shown(monkeypatch, width, "query", "advantages")
    links = [(cm["id"], link["basis"]) for cm in COUNTERMEASURES for link in cm.get("links", []) if link["property"] == "builds-on"]
    assert links
    for cm_id, basis in links:
        assert f"{cm_id} ({basis})" in text


@pytest.mark.parametrize("width", [100, 200])
def test_a_list_column_shows_each_item_and_its_basis(monkeypatch, width):
    """`problems` joins each problem's countermeasures and barriers with " | ": the view shows every item
    (data/problems.yaml's links), one per line, wrapped at a space when narrow, instead of leaving the column out."""
    text = shown(monkeypatch, width, "query", "problems")
    words = text.split()
    assert "not shown" not in text
    for problem in PROBLEMS:
        for link in problem["links"]:
            assert link["target"] in words and f"({link['basis']})" in words


@pytest.mark.parametrize("width", [80, 100])
def test_a_long_value_is_cut_so_the_columns_before_it_stay(monkeypatch, width):
    """work-metadata's `value` holds the English title (~100 characters): it is cut, the field names stay."""
    text = shown(monkeypatch, width, "query", "work-metadata")
    assert "field" in text and "title_en" in text and "…" in text
    assert "Research on the Advantages, Barriers and Countermeasures" not in text


@pytest.mark.parametrize("width", [80, 100, 200])
@pytest.mark.parametrize("query", ["countermeasures-by-barrier", "countermeasures"])
def test_a_chinese_name_in_a_table_cell_is_never_broken_mid_word(monkeypatch, width, query):
    """Chinese has no spaces to wrap at: a cell keeps a whole name on its line (the English beside it wraps at spaces)."""
    lines = shown(monkeypatch, width, "query", query).splitlines()
    for cm in COUNTERMEASURES:
        assert any(cm["label_zh"] in line for line in lines), f"{cm['label_zh']!r} is broken at {width} columns"
    assert max(cell_len(line.rstrip()) for line in lines) <= width


@pytest.mark.parametrize("width", [80, 100, 200])
def test_each_barrier_is_shown_once_with_its_countermeasures_under_it(monkeypatch, width):
    text = shown(monkeypatch, width, "query", "countermeasures-by-barrier")
    for barrier in BARRIERS:
        assert text.count(barrier["label_en"]) == 1
    assert "bar-legal-" not in text.replace("bar-legal-framework", "")  # an id is never broken mid-word


def test_long_evidence_is_cut_with_an_ellipsis_and_whole_with_full(monkeypatch, evidence):
    longest = max(evidence, key=cell_len)
    assert cell_len(longest) > 80
    narrow = shown(monkeypatch, 80, "query", "countermeasures-by-barrier")
    assert "…" in narrow and longest not in narrow
    full = shown(monkeypatch, 80, "query", "countermeasures-by-barrier", "--full")
    assert all(e in full for e in evidence)
    assert "bar-legal-framework" in full and "cm-legal-support" in full  # --full shows every column, ids too


def test_a_chosen_language_shows_only_its_labels(monkeypatch):
    text = shown(monkeypatch, 100, "query", "barriers", "--lang", "zh")
    assert all(b["label_zh"] in text and b["label_en"] not in text for b in BARRIERS)


def test_markdown_keeps_its_english_default():
    default = runner.invoke(app, ["query", "barriers", "--format", "md"]).stdout
    assert default == runner.invoke(app, ["query", "barriers", "--format", "md", "--lang", "en"]).stdout
    assert "label_zh" not in default and "label_en" in default


def test_query_list_honours_format_so_scripts_can_read_the_catalogue():
    names = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    doc = json.loads(runner.invoke(app, ["query", "--list", "--format", "json"]).stdout)
    assert {q["name"] for q in doc} == names
    headline = next(q for q in doc if q["name"] == "countermeasures-by-barrier")
    assert headline["title"] == {"en": "Countermeasures by barrier", "zh": "各壁垒的应对对策"}
    assert [p["name"] for p in headline["params"]] == ["barrier", "basis"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["query", "--list", "--format", "csv"]).stdout)))
    assert {r["name"] for r in rows} == names
    tsv = runner.invoke(app, ["query", "--list", "--format", "tsv"]).stdout.splitlines()
    assert tsv[0] == "name\ttitle\tparameters" and len(tsv) == len(names) + 1


def test_every_query_gets_the_same_view_from_its_column_names(monkeypatch):
    """dstri-areas is grouped by area like the headline query by barrier: no per-query table is needed."""
    areas = YAML(typ="safe").load((ROOT / "data" / "dstri.yaml").read_text(encoding="utf-8"))["areas"]
    mapped = {link["target"] for b in BARRIERS for link in b.get("links", []) if link["property"] == "falls-under"}
    text = shown(monkeypatch, 80, "query", "dstri-areas")
    for area in (a for a in areas if a["id"] in mapped):
        assert text.count(f"{area['label_zh']}  {area['label_en']}") == 1  # the area once, both labels on its line
    assert "…" in text  # the rationales are longer than 80 columns


def test_a_users_own_select_gets_labels_in_both_languages_and_its_id_left_to_full(monkeypatch):
    query = (
        "PREFIX dskg: <https://w3id.org/dskg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?b ?b_zh ?b_en WHERE { ?b a dskg:Barrier ; rdfs:label ?b_zh , ?b_en . "
        'FILTER(LANG(?b_zh) = "zh" && LANG(?b_en) = "en") }'
    )
    text = shown(monkeypatch, 80, "sparql", query)
    assert all(b["label_zh"] in text and b["label_en"] in text for b in BARRIERS)
    assert "https://w3id.org/dskg/id/" not in text
    assert "https://w3id.org/dskg/id/bar-legal-framework" in shown(monkeypatch, 80, "sparql", query, "--full")
