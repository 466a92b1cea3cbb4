"""Canned queries: headers, answers written from the paper, bound parameters, read-only."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from marks import intake_only
from rdflib.compare import isomorphic
from ruamel.yaml import YAML
from typer.testing import CliRunner

import dskg
import paper_facts as facts
from dskg import queries, resources, results
from dskg.cli import app
from dskg.errors import UsageError
from dskg.fast import SWITCH

INJECTIONS = ['x" } ; DROP ALL ; #', "bar-legal-framework> } DELETE WHERE { ?s ?p ?o } #", "' OR 1=1 --", "<http://evil>"]


def _rows(kg, params=None):
    return queries.rows(dskg.run_query("countermeasures-by-barrier", kg, params or {}))


@pytest.mark.parametrize("query", list(queries.catalogue().values()), ids=lambda q: q.name)
def test_every_query_file_has_a_bilingual_header_and_its_params_are_variables(query):
    assert query.header.title.keys() >= {"en", "zh"}
    assert query.header.description.keys() >= {"en", "zh"}
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    for param in query.header.params:
        assert re.search(rf"\?{param.variable}\b", body), f"{param.name} binds ?{param.variable}, which the query does not use"


def test_malformed_header_is_an_error(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ title: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(dskg.UnreadableInputError, match="bad.rq"):
        queries.parse_query_file(bad)
    bare = tmp_path / "bare.rq"
    bare.write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(dskg.UnreadableInputError, match="header"):
        queries.parse_query_file(bare)


def test_every_barrier_of_the_paper_is_listed_even_without_a_countermeasure(kg):
    listed = {r["barrier_zh"] for r in _rows(kg)}
    assert listed == {b["label_zh"] for b in facts.BARRIERS}


def test_the_only_explicit_link_is_the_one_the_paper_states(kg):
    explicit = {(r["countermeasure_zh"], r["barrier_zh"]) for r in _rows(kg, {"basis": "explicit"})}
    headings = {c["section"]: c["label_zh"] for c in facts.COUNTERMEASURES}
    assert explicit == {(headings[section], barrier) for section, barrier in facts.EXPLICIT_LINKS}


def test_interpretive_links_are_ones_a_careful_reader_accepts(kg):
    headings = {c["label_zh"]: c["section"] for c in facts.COUNTERMEASURES}
    for row in _rows(kg, {"basis": "interpretive"}):
        assert (headings[row["countermeasure_zh"]], row["barrier_zh"]) in facts.PLAUSIBLE_LINKS
        assert (headings[row["countermeasure_zh"]], row["barrier_zh"]) not in facts.DOUBTFUL_LINKS


def test_each_link_row_carries_verbatim_evidence_section_and_source(kg):
    text = facts.normalised_paper_text()
    rows = [r for r in _rows(kg) if r["countermeasure_id"]]
    assert rows
    for row in rows:
        assert row["source"] == "wang-jinze-2025"
        assert row["section"] in {c["section"] for c in facts.COUNTERMEASURES}
        for quote in row["evidence_zh"].split(" | "):
            assert facts.normalise(quote) in text


# --------------------------------------------------------------------------------------------
# A barrier nothing addresses (issue 14): it keeps its row, with basis none
# --------------------------------------------------------------------------------------------

# 4.1③ 跨界合作壁垒: of the links a careful reader accepts, only 5.1's answers it (paper_facts
# PLAUSIBLE_LINKS: "从而对数据安全、个人隐私进行全方位保护" / "急需相关权益保护来促进数据的跨领域安全性").
# A copy of data/ without that one link has a barrier that nothing addresses.
UNADDRESSED = "跨界合作壁垒"
UNADDRESSED_ID = "bar-cross-sector-cooperation"
NONE_ROW = {  # what countermeasures-by-barrier must say of it, column by column
    "barrier_id": UNADDRESSED_ID,
    "barrier_zh": UNADDRESSED,
    "level": "domestic",  # 4.1 数字服务贸易国内层面的壁垒
    "countermeasure_id": None,
    "countermeasure_zh": None,
    "countermeasure_en": None,
    "basis": "none",
    "evidence_zh": None,
    "quote_checked": None,  # no evidence to check
    "source": None,
    "section": None,
}


def leave_one_barrier_unaddressed(folder: Path) -> None:
    """Remove 5.1's link to 4.1③ from the data folder `folder` (countermeasures.yaml)."""
    path = folder / "countermeasures.yaml"
    yaml = YAML()  # round trip: the rest of the file stays as it is
    doc = yaml.load(path.read_text(encoding="utf-8"))
    [cm] = [c for c in doc["countermeasures"] if c["section"] == "5.1"]
    kept = [link for link in cm["links"] if not (link["property"] == "addresses" and link["target"] == UNADDRESSED_ID)]
    assert len(kept) == len(cm["links"]) - 1, "5.1 no longer addresses 4.1③ in data/: pick another link to remove"
    cm["links"] = kept
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(doc, out)


def unaddressed_graph(tmp_path_factory) -> dskg.KnowledgeGraph:
    folder = tmp_path_factory.mktemp("unaddressed") / "data"
    shutil.copytree(resources.data_dir(), folder)
    leave_one_barrier_unaddressed(folder)
    return dskg.build(base=folder)


@pytest.fixture(scope="module")
def unaddressed(tmp_path_factory) -> dskg.KnowledgeGraph:
    return unaddressed_graph(tmp_path_factory)


def _without_label_en(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "barrier_en"}


def test_only_one_accepted_link_answers_the_barrier_left_unaddressed():
    assert {cm for cm, barrier in facts.EXPLICIT_LINKS | facts.PLAUSIBLE_LINKS if barrier == UNADDRESSED} == {"5.1"}


def test_a_barrier_nothing_addresses_is_listed_with_basis_none(unaddressed):
    rows = _rows(unaddressed)
    mine = [r for r in rows if r["barrier_zh"] == UNADDRESSED]
    assert [_without_label_en(r) for r in mine] == [NONE_ROW]
    assert mine[0]["barrier_en"]
    linked = [r for r in rows if r["barrier_zh"] != UNADDRESSED]
    assert {r["barrier_zh"] for r in linked} == {b["label_zh"] for b in facts.BARRIERS} - {UNADDRESSED}
    assert {r["basis"] for r in linked} <= {"explicit", "interpretive"}
    assert all(r["countermeasure_id"] and r["evidence_zh"] for r in linked)


def test_basis_none_gives_exactly_the_barrier_nothing_addresses(unaddressed):
    assert [_without_label_en(r) for r in _rows(unaddressed, {"basis": "none"})] == [NONE_ROW]
    assert [_without_label_en(r) for r in _rows(unaddressed, {"barrier": UNADDRESSED_ID})] == [NONE_ROW]
    assert _rows(unaddressed, {"barrier": UNADDRESSED_ID, "basis": "interpretive"}) == []
    assert _rows(unaddressed, {"barrier": "bar-legal-framework", "basis": "none"}) == []


def test_on_the_shipped_graph_every_barrier_has_a_link_so_basis_none_is_empty(kg):
    """Each of the six barriers has a link a careful reader accepts (EXPLICIT | PLAUSIBLE)."""
    assert {b for _, b in facts.EXPLICIT_LINKS | facts.PLAUSIBLE_LINKS} == {b["label_zh"] for b in facts.BARRIERS}
    assert _rows(kg, {"basis": "none"}) == []


def test_the_counting_queries_see_the_barrier_nothing_addresses(kg, unaddressed):
    """The same scoping trap would hide it from the counts: barriers counts 0 for it,
    uncovered-barriers lists it alone, 5.1 addresses one barrier fewer, and its evidence has no
    countermeasure link."""
    barriers = {r["label_zh"]: r["countermeasure_count"] for r in queries.rows(dskg.run_query("barriers", unaddressed))}
    assert barriers[UNADDRESSED] == 0
    uncovered = queries.rows(dskg.run_query("uncovered-barriers", unaddressed))
    assert [(r["barrier_zh"], r["level"], r["countermeasure_count"]) for r in uncovered] == [(UNADDRESSED, "domestic", 0)]
    assert queries.rows(dskg.run_query("uncovered-barriers", kg)) == []

    def count_of_5_1(graph):
        return {r["section"]: r["barrier_count"] for r in queries.rows(dskg.run_query("countermeasures", graph))}["5.1"]

    assert count_of_5_1(unaddressed) == count_of_5_1(kg) - 1
    evidence = queries.rows(dskg.run_query("evidence-for", unaddressed, {"entity": UNADDRESSED_ID}))
    assert [r for r in evidence if r["kind"] == "link"] == []
    assert any(r["kind"] == "link" for r in queries.rows(dskg.run_query("evidence-for", kg, {"entity": UNADDRESSED_ID})))


@intake_only
def test_a_new_barrier_added_by_an_entry_shows_with_basis_none_in_the_cli(tmp_path):
    """A user adds a work that names a barrier no countermeasure addresses (tests/entries/
    ferracane-van-der-marel-2018.yaml: bar-data-flow-restrictions, 跨境数据流动限制壁垒,
    international); `dskg query countermeasures-by-barrier -p basis=none` lists it, alone."""
    runner = CliRunner()
    folder = tmp_path / "my-data"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    entry = Path(__file__).parent / "entries" / "ferracane-van-der-marel-2018.yaml"
    added = runner.invoke(app, ["add", str(entry), "--data", str(folder)])
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["query", "countermeasures-by-barrier", "-p", "basis=none", "--data", str(folder), "--format", "csv"])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["barrier_id"], row["barrier_zh"], row["level"], row["basis"]) == (
        "bar-data-flow-restrictions",
        "跨境数据流动限制壁垒",
        "international",
        "none",
    )
    assert row["countermeasure_id"] == row["evidence_zh"] == ""


def test_barrier_parameter_filters_and_unknown_ids_list_the_valid_ones(kg):
    rows = _rows(kg, {"barrier": "bar-legal-framework"})
    assert {r["barrier_zh"] for r in rows} == {"法律法规建设壁垒"}
    with pytest.raises(UsageError, match="bar-market-access"):
        _rows(kg, {"barrier": "bar-nope"})


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("name", ["barrier", "basis"])
def test_injection_strings_match_nothing_and_change_nothing(kg, name, value):
    before = len(kg)
    try:
        rows = _rows(kg, {name: value})
    except UsageError:
        rows = []
    assert rows == []
    assert len(kg) == before


@pytest.mark.parametrize("kind", [*queries.KIND_CLASSES, "any"])
def test_an_id_parameter_of_a_kind_takes_the_ids_of_the_records_of_that_kind(kg, kind):
    """The ids are read from the graph (so an endpoint answers the same): they are the records'."""
    records = kg.records.ids() if kind == "any" else {record.id for record in kg.records.by_kind[kind]}
    assert queries.ids_of_kind(kind, kg) == sorted(records)


def test_unknown_parameter_is_a_usage_error(kg):
    with pytest.raises(UsageError, match="barrier, basis"):
        _rows(kg, {"colour": "red"})


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/x>",
        "CLEAR DEFAULT",
    ],
)
def test_sparql_update_is_refused(kg, update):
    before = len(kg)
    with pytest.raises(UsageError, match="read-only"):
        queries.run_sparql(update, kg)
    assert len(kg) == before


def test_queries_see_inferred_triples(kg):
    """Barriers are asserted only as Domestic/InternationalBarrier; dskg:Barrier comes from reasoning."""
    result = queries.run_sparql("PREFIX dskg: <https://w3id.org/dskg/ontology#> SELECT (COUNT(?b) AS ?n) WHERE { ?b a dskg:Barrier }", kg)
    assert queries.rows(result) == [{"n": len(facts.BARRIERS)}]
    plain = dskg.build(reason=False)
    result = queries.run_sparql(
        "PREFIX dskg: <https://w3id.org/dskg/ontology#> SELECT (COUNT(?b) AS ?n) WHERE { ?b a dskg:Barrier }", plain
    )
    assert queries.rows(result) == [{"n": 0}]


def _typed(values: list[dict]) -> list[dict]:
    return [{k: (type(v).__name__, v) for k, v in row.items()} for row in values]


def _both_paths(monkeypatch, ask):
    """What `ask()` gives on the fast path, then on the reference path (DSKG_REFERENCE_PATH=1)."""
    monkeypatch.delenv(SWITCH, raising=False)
    fast = ask()
    monkeypatch.setenv(SWITCH, "1")
    return fast, ask()


@pytest.mark.parametrize("name", list(queries.catalogue()))
def test_every_canned_query_gives_the_same_rows_and_renderings_on_both_paths(kg, name, monkeypatch):
    """Fast: Oxigraph's terms read directly, rdflib terms made on demand; reference: rdflib's
    Dataset.query over oxrdflib. The same Python values, of the same types, and the same bytes
    in every output format (those go through the rdflib terms)."""
    canned = queries.catalogue()[name]
    params = {p.name: p.example for p in canned.header.params if p.required}

    def ask():
        result = dskg.run_query(name, kg, params)
        rows = queries.rows(result)  # before the renderings: on the fast path, read from Oxigraph's terms
        return _typed(rows), {fmt: results.render(result, fmt) for fmt in ("json", "csv", "tsv", "md")}

    fast, reference = _both_paths(monkeypatch, ask)
    assert fast == reference
    # the paper disputes nothing: contested has rows only over several works (tests/test_synthesis_queries.py)
    assert fast[0] or name in ("uncovered-barriers", "contested")


def test_rows_convert_every_kind_of_term_as_rdflib_does(kg, monkeypatch):
    sparql = """SELECT ?v WHERE { VALUES ?v { <https://example.org/a> "text" "text"@zh 42 "007"^^xsd:integer "x1"^^xsd:integer
        3.50 "-0.0"^^xsd:decimal "100000000"^^xsd:decimal "+1."^^xsd:decimal 1.5e3 true
        "2017"^^xsd:gYear "2025-02-01"^^xsd:date "--01-30"^^xsd:gMonthDay "x"^^<https://example.org/dt> } }"""
    fast, reference = _both_paths(monkeypatch, lambda: _typed(queries.rows(queries.run_sparql(sparql, kg))))
    assert len(fast) == 16
    assert fast == reference


def test_ask_and_construct_answer_the_same_on_both_paths(kg, monkeypatch):
    ask = "ASK { ?b a dskg:Barrier }"
    construct = "CONSTRUCT { ?b rdfs:label ?l } WHERE { ?b a dskg:Barrier ; rdfs:label ?l }"
    fast, reference = _both_paths(monkeypatch, lambda: (queries.run_sparql(ask, kg).askAnswer, queries.run_sparql(construct, kg).graph))
    assert fast[0] is reference[0] is True
    assert len(fast[1]) == 2 * len(facts.BARRIERS) and isomorphic(fast[1], reference[1])


def test_a_result_reads_the_same_as_rdflib_rows_twice_and_counts_its_rows(kg):
    result = queries.run_sparql("SELECT ?b WHERE { ?b a dskg:Barrier } ORDER BY ?b", kg)
    assert len(result) == len(facts.BARRIERS)
    first = [str(row[0]) for row in result]
    assert first == [str(row.b) for row in result] and len(first) == len(facts.BARRIERS)
