"""The canned query catalogue: every query returns what a careful reader of the paper expects.

Expectations come from the paper (tests/paper_facts.py, read independently of data/ and src/),
never from running the queries. Each test names the paper sentence it rests on. Record ids
(bar-..., cm-..., doc-..., case-...) are only used to point at the record the paper's sentence is
about; what is expected of that record comes from the sentence.

Conventions of the catalogue (from its spec): `rows()` gives dicts keyed by column, None where
unbound; multi-valued columns are joined with " | " in no guaranteed order.
"""

from __future__ import annotations

import datetime
import re

import pytest

import dskg
import paper_facts as facts
from dskg import queries

# --------------------------------------------------------------------------------------------
# The catalogue spec: names, parameters and columns
# --------------------------------------------------------------------------------------------

SPEC = {
    "barriers": {
        "params": ["level"],
        "columns": ["id", "label_zh", "label_en", "level", "section", "countermeasure_count"],
    },
    "advantages": {"params": [], "columns": ["id", "label_zh", "label_en", "section", "link_basis", "countermeasures"]},
    "countermeasures": {
        "params": [],
        "columns": ["id", "label_zh", "label_en", "section", "barrier_count", "explicit_barrier_count", "problem_count",
                    "unnamed_problem_count"],
    },
    "countermeasures-by-barrier": {
        "params": ["barrier", "basis"],
        "columns": ["barrier_id", "barrier_zh", "barrier_en", "level", "countermeasure_id", "countermeasure_zh",
                    "countermeasure_en", "basis", "evidence_zh", "source", "section", "quote_checked"],
    },
    "uncovered-barriers": {
        "params": ["min", "basis"],
        "columns": ["barrier_id", "barrier_zh", "barrier_en", "level", "countermeasure_count"],
    },
    "literature": {
        "params": ["theme", "year", "language"],
        "columns": ["id", "ref_number", "authors", "year", "language", "theme", "title", "claim_zh"],
    },
    "literature-by-theme": {
        "params": [],
        "columns": ["theme", "theme_zh", "theme_en", "work_count", "works"],
    },
    "evidence-for": {
        "params": ["entity"],
        "columns": ["kind", "id", "text_zh", "text_en", "source", "section", "stance", "quote_checked", "basis"],
    },
    "statistics": {
        "params": ["entity"],
        "columns": ["id", "measure_zh", "measure_en", "value_stated", "value", "unit", "period", "source", "section",
                    "value_text", "magnitude", "currency", "comparator"],
    },
    "trade-balance": {
        "params": [],
        "columns": ["sector_zh", "sector_en", "period", "imports", "exports", "balance", "unit"],
    },
    "cases": {"params": ["kind"], "columns": ["id", "label_zh", "label_en", "kind", "illustrates", "section", "link_basis"]},
    "documents": {"params": ["kind"], "columns": ["id", "title_zh", "title_en", "kind", "date", "issuer"]},
    "timeline": {"params": [], "columns": ["date", "label_zh", "label_en", "kind", "related", "id", "link_basis"]},
    "dstri-areas": {
        "params": [],
        "columns": ["area", "area_zh", "area_en", "barrier_id", "barrier_zh", "rationale", "basis"],
    },
    "models": {
        "params": ["countermeasure"],
        "columns": ["countermeasure_id", "countermeasure_zh", "countermeasure_en", "countermeasure_section", "model_id", "model_zh",
                    "model_en", "model_kind", "basis", "evidence_zh", "source", "section"],
    },
}

# A value of each parameter that must be accepted.
GOOD = {
    ("cases", "kind"): "company",
    ("documents", "kind"): "law",
    ("barriers", "level"): "domestic",
    ("countermeasures-by-barrier", "barrier"): "bar-legal-framework",
    ("countermeasures-by-barrier", "basis"): "explicit",
    ("uncovered-barriers", "min"): 2,
    ("uncovered-barriers", "basis"): "explicit",
    ("literature", "theme"): "theme-growth",
    ("literature", "year"): "2020",
    ("literature", "language"): "en",
    ("evidence-for", "entity"): "bar-legal-framework",
    ("statistics", "entity"): "adv-platform",
    ("models", "countermeasure"): "cm-international-cooperation",
}

# Values of each parameter that must be refused with a UsageError, and a pattern the message must
# contain (the valid ids or choices where the spec says so; None: any UsageError).
BAD = [
    ("cases", "kind", "companies", r"product"),
    ("documents", "kind", "statute", r"law"),
    ("barriers", "level", "national", r"domestic"),
    ("barriers", "level", "Domestic", r"international"),
    ("countermeasures-by-barrier", "barrier", "bar-nope", r"bar-market-access"),
    # a real id of the wrong kind is not a barrier
    ("countermeasures-by-barrier", "barrier", "cm-legal-support", r"bar-legal-framework"),
    ("countermeasures-by-barrier", "basis", "maybe", r"interpretive"),
    ("uncovered-barriers", "min", "abc", r"abc"),
    ("uncovered-barriers", "min", "1.5", None),
    ("uncovered-barriers", "min", "", None),
    # editorial is the basis of the DSTRI mapping, not of a countermeasure link
    ("uncovered-barriers", "basis", "editorial", r"explicit"),
    ("uncovered-barriers", "basis", "none", r"interpretive"),
    ("literature", "theme", "theme-nope", r"theme-growth"),
    ("literature", "theme", "bar-legal-framework", r"theme-barriers"),
    ("literature", "year", "abc", r"abc"),
    ("literature", "year", "20", None),
    ("literature", "year", "20200", None),
    ("literature", "language", "fr", r"zh"),
    ("literature", "language", "Chinese", r"en"),
    ("evidence-for", "entity", "bar-nope", r"bar-legal-framework"),
    ("evidence-for", "entity", "", None),
    ("statistics", "entity", "adv-nope", r"adv-platform"),
    # a country is a model, not a countermeasure
    ("models", "countermeasure", "actor-usa", r"cm-international-cooperation"),
]

INJECTIONS = [
    'x" } ; DROP ALL ; #',
    "x' } ; DROP ALL ; #",
    'bar-legal-framework" } DELETE WHERE { ?s ?p ?o } #',
    "<http://evil> } ; CLEAR ALL ; #",
]

ALL_PARAMS = [(name, param) for name, spec in SPEC.items() for param in spec["params"]]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def run(kg, name, params=None):
    return queries.rows(dskg.run_query(name, kg, params or {}))


def split(value):
    """A " | "-joined column as a set (empty for None / "")."""
    if value is None or value == "":
        return set()
    return {part.strip() for part in str(value).split(" | ") if part.strip()}


def num(value):
    return None if value is None else float(value)


def date_str(value):
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def n(s):
    return facts.normalise(s or "")


def declared(name):
    query = queries.catalogue().get(name)
    assert query is not None, f"query {name!r} is not in the catalogue (queries/{name}.rq missing)"
    return {p.name: p for p in query.header.params}


BARRIER_LEVEL = {b["label_zh"]: b["level"] for b in facts.BARRIERS}
BARRIER_SECTION = {b["label_zh"]: b["section"] for b in facts.BARRIERS}
CM_SECTION = {c["label_zh"]: c["section"] for c in facts.COUNTERMEASURES}
CM_LABEL = {c["section"]: c["label_zh"] for c in facts.COUNTERMEASURES}
ACCEPTED_LINKS = facts.EXPLICIT_LINKS | facts.PLAUSIBLE_LINKS  # (countermeasure section, barrier label)
LATIN = re.compile(r"[A-Za-z]")


def cited_key(work):
    return (work["ref_number"], work["authors_text"])


def row_key(row):
    return (row["ref_number"], row["authors"])


def ordered(keys):
    """Sorted (ref_number, authors) keys; ref_number may be None."""
    return sorted(keys, key=repr)


def stat_by_value_text(rows):
    return {n(r["value_text"]): r for r in rows}


# --------------------------------------------------------------------------------------------
# Catalogue shape: every query of the spec exists, with its parameters and columns
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(SPEC))
def test_query_exists_with_the_specified_parameters(name):
    assert set(declared(name)) == set(SPEC[name]["params"])


@pytest.mark.parametrize("name", list(SPEC))
def test_query_returns_the_specified_columns(kg, name):
    declared(name)
    params = {"entity": "bar-legal-framework"} if name == "evidence-for" else {}
    result = dskg.run_query(name, kg, params)
    assert [str(v) for v in result.vars] == SPEC[name]["columns"]


# --------------------------------------------------------------------------------------------
# Parameters: good values work, bad values are UsageErrors, injections match nothing
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,param", ALL_PARAMS, ids=[f"{q}-{p}" for q, p in ALL_PARAMS])
def test_good_parameter_value_is_accepted(kg, name, param):
    assert param in declared(name)
    params = {param: GOOD[(name, param)]}
    run(kg, name, params)  # must not raise


@pytest.mark.parametrize("name,param,value,pattern", BAD, ids=[f"{q}-{p}-{v!r}" for q, p, v, _ in BAD])
def test_bad_parameter_value_is_a_usage_error(kg, name, param, value, pattern):
    # the parameter must exist: otherwise "no such parameter" would make this pass for nothing
    assert param in declared(name)
    with pytest.raises(dskg.UsageError) as info:
        run(kg, name, {param: value})
    message = str(info.value)
    assert param in message, message
    if pattern:
        assert re.search(pattern, message), message


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("name,param", ALL_PARAMS, ids=[f"{q}-{p}" for q, p in ALL_PARAMS])
def test_injection_through_every_parameter_matches_nothing_and_changes_nothing(kg, name, param, value):
    assert param in declared(name)
    before = len(kg)
    try:
        rows = run(kg, name, {param: value})
    except dskg.UsageError as exc:
        # refused as a bad value, not as an unknown parameter or a broken query
        assert "has no parameter" not in str(exc) and "syntax" not in str(exc).lower(), str(exc)
        rows = []
    assert rows == []
    assert len(kg) == before


@pytest.mark.parametrize("name", list(SPEC))
def test_unknown_parameter_is_a_usage_error(kg, name):
    declared(name)
    with pytest.raises(dskg.UsageError, match="colour"):
        run(kg, name, {"colour": "red"})


def test_evidence_for_requires_its_entity(kg):
    declared("evidence-for")
    with pytest.raises(dskg.UsageError, match="entity"):
        run(kg, "evidence-for")


def test_integer_and_year_parameters_accept_ints_and_digit_strings(kg):
    """`{"min": 2}` and `{"min": "2"}` mean the same; so do year 2020 and "2020"."""
    assert run(kg, "uncovered-barriers", {"min": 2}) == run(kg, "uncovered-barriers", {"min": "2"})
    assert run(kg, "literature", {"year": 2020}) == run(kg, "literature", {"year": "2020"})


# --------------------------------------------------------------------------------------------
# barriers
# --------------------------------------------------------------------------------------------

def test_barriers_are_the_six_headings_of_section_4(kg):
    """4.1 and 4.2 each list three barriers as ① ② ③ headings, e.g. "② 法律法规建设壁垒。"."""
    rows = run(kg, "barriers")
    assert len(rows) == 6
    assert len({r["id"] for r in rows}) == 6
    assert {r["label_zh"] for r in rows} == set(BARRIER_LEVEL)
    for r in rows:
        assert r["level"] == BARRIER_LEVEL[r["label_zh"]], r
        assert r["section"] == BARRIER_SECTION[r["label_zh"]], r
        assert r["id"].startswith("bar-"), r
        assert r["label_en"], r


@pytest.mark.parametrize("level,section", [("domestic", "4.1"), ("international", "4.2")])
def test_barriers_level_filter_gives_the_three_of_that_subsection(kg, level, section):
    """4.1 数字服务贸易国内层面的壁垒 / 4.2 国际层面的数字服务贸易壁垒: three barriers each."""
    rows = run(kg, "barriers", {"level": level})
    assert {r["label_zh"] for r in rows} == {b["label_zh"] for b in facts.BARRIERS if b["section"] == section}
    assert {r["level"] for r in rows} == {level}


def test_barrier_countermeasure_counts_follow_the_paper(kg):
    """5.1 "针对数字服务贸易存在法律法规欠缺等问题，我国需要健全法律法规" answers 法律法规建设壁垒, so its
    count is >= 1; no barrier can be answered by more countermeasures than the explicit and
    plausible links a careful reader accepts (paper_facts EXPLICIT_LINKS | PLAUSIBLE_LINKS)."""
    rows = {r["label_zh"]: r for r in run(kg, "barriers")}
    for label, row in rows.items():
        count = row["countermeasure_count"]
        assert isinstance(count, int) and not isinstance(count, bool), row
        ceiling = len({cm for cm, b in ACCEPTED_LINKS if b == label})
        assert 0 <= count <= ceiling, (label, count, ceiling)
    assert rows["法律法规建设壁垒"]["countermeasure_count"] >= 1
    # 5.1 is the only accepted countermeasure for the legal barrier
    assert rows["法律法规建设壁垒"]["countermeasure_count"] == 1


def test_barrier_countermeasure_count_is_the_distinct_countermeasures_listed_for_it(kg):
    """Same links, two queries: the count must equal the distinct countermeasures listed by
    countermeasures-by-barrier for that barrier (any basis)."""
    by_barrier = {}
    for r in run(kg, "countermeasures-by-barrier"):
        by_barrier.setdefault(r["barrier_id"], set())
        if r["countermeasure_id"]:
            by_barrier[r["barrier_id"]].add(r["countermeasure_id"])
    for r in run(kg, "barriers"):
        assert r["countermeasure_count"] == len(by_barrier[r["id"]]), r


# --------------------------------------------------------------------------------------------
# advantages
# --------------------------------------------------------------------------------------------

def test_advantages_are_the_four_headings_of_section_3(kg):
    """3.1 数字服务贸易的市场与政策优势 ... 3.4 数字服务贸易的平台优势."""
    rows = run(kg, "advantages")
    assert len(rows) == 4
    assert {(r["section"], r["label_zh"]) for r in rows} == {(a["section"], a["label_zh"]) for a in facts.ADVANTAGES}
    assert len({r["id"] for r in rows}) == 4
    for r in rows:
        assert r["id"].startswith("adv-") and r["label_en"], r
    assert {r["id"]: r["section"] for r in rows}["adv-platform"] == "3.4"


# --------------------------------------------------------------------------------------------
# countermeasures
# --------------------------------------------------------------------------------------------

def test_countermeasures_are_the_five_headings_of_section_5(kg):
    """5.1 强化数字服务贸易发展的法律法规支撑保障 ... 5.5 增强对数字贸易知识产权的保护."""
    rows = run(kg, "countermeasures")
    assert len(rows) == 5
    assert {(r["section"], r["label_zh"]) for r in rows} == {(c["section"], c["label_zh"]) for c in facts.COUNTERMEASURES}
    assert len({r["id"] for r in rows}) == 5
    for r in rows:
        assert r["id"].startswith("cm-") and r["label_en"], r


def test_countermeasure_barrier_counts_follow_the_paper(kg):
    """5.1 names the problem it answers (法律法规欠缺), so it addresses >= 1 barrier; no
    countermeasure addresses more barriers than the accepted links allow. 5.4 (人才) answers
    "人才不足", which is none of the six barriers, so it has at most the one plausible link."""
    rows = {r["section"]: r for r in run(kg, "countermeasures")}
    for section, row in rows.items():
        count = row["barrier_count"]
        assert isinstance(count, int) and not isinstance(count, bool), row
        ceiling = len({b for cm, b in ACCEPTED_LINKS if cm == section})
        assert 0 <= count <= ceiling, (section, count, ceiling)
    assert rows["5.1"]["barrier_count"] >= 1
    assert rows["5.4"]["barrier_count"] <= 1


def test_countermeasure_and_barrier_counts_count_the_same_links(kg):
    """Both counts count distinct (countermeasure, barrier) pairs, so their sums agree."""
    assert sum(r["barrier_count"] for r in run(kg, "countermeasures")) == sum(
        r["countermeasure_count"] for r in run(kg, "barriers"))


# --------------------------------------------------------------------------------------------
# countermeasures-by-barrier (what tests/test_queries.py does not cover yet)
# --------------------------------------------------------------------------------------------

def test_countermeasures_by_barrier_rows_carry_the_barriers_level(kg):
    """Level as the section: 4.1 domestic, 4.2 international."""
    for r in run(kg, "countermeasures-by-barrier"):
        assert r["level"] == BARRIER_LEVEL[r["barrier_zh"]], r
        assert r["barrier_en"], r


def test_countermeasures_by_barrier_explicit_row_for_the_legal_barrier(kg):
    """5.1: "针对数字服务贸易存在法律法规欠缺等问题，我国需要健全法律法规"."""
    rows = run(kg, "countermeasures-by-barrier", {"barrier": "bar-legal-framework", "basis": "explicit"})
    assert len(rows) == 1
    row = rows[0]
    assert row["countermeasure_zh"] == CM_LABEL["5.1"]
    assert row["basis"] == "explicit"
    assert row["section"] == "5.1"
    assert any(n("针对数字服务贸易存在法律法规欠缺等问题") in n(q) for q in split(row["evidence_zh"]))
    assert row["countermeasure_id"] and row["countermeasure_en"]


@pytest.mark.parametrize("label", facts.BARRIERS_WITHOUT_EXPLICIT_COUNTERMEASURE)
def test_countermeasures_by_barrier_no_explicit_row_for_the_other_barriers(kg, label):
    """"针对" occurs in section 5 only in 5.1, about 法律法规欠缺: the other barriers have no explicit countermeasure."""
    rows = [r for r in run(kg, "countermeasures-by-barrier", {"basis": "explicit"}) if r["barrier_zh"] == label]
    assert rows == []


def test_countermeasures_by_barrier_none_rows_are_barriers_without_any_countermeasure(kg):
    """basis none lists a barrier with empty countermeasure columns, only when nothing addresses
    it; the legal barrier is answered by 5.1, so it is never among them."""
    none_rows = run(kg, "countermeasures-by-barrier", {"basis": "none"})
    linked = {r["barrier_zh"] for r in run(kg, "countermeasures-by-barrier") if r["basis"] != "none"}
    for r in none_rows:
        assert r["basis"] == "none"
        assert r["countermeasure_id"] is None and r["countermeasure_zh"] is None, r
        assert r["barrier_zh"] not in linked, r
    assert "法律法规建设壁垒" not in {r["barrier_zh"] for r in none_rows}
    # every barrier is either linked or listed as none
    assert linked | {r["barrier_zh"] for r in none_rows} == set(BARRIER_LEVEL)


def test_countermeasures_by_barrier_barrier_and_basis_combine(kg):
    """4.1① 数字技术创新能力壁垒 has no explicit countermeasure (no "针对" in its answers)."""
    assert run(kg, "countermeasures-by-barrier", {"barrier": "bar-tech-innovation", "basis": "explicit"}) == []


# --------------------------------------------------------------------------------------------
# uncovered-barriers
# --------------------------------------------------------------------------------------------

def test_uncovered_barriers_strict_reading_five_have_no_explicit_countermeasure(kg):
    """Only 5.1 says which problem it answers ("针对数字服务贸易存在法律法规欠缺等问题"): the other
    five barriers have no explicit countermeasure."""
    rows = run(kg, "uncovered-barriers", {"basis": "explicit", "min": 1})
    assert sorted(r["barrier_zh"] for r in rows) == sorted(facts.BARRIERS_WITHOUT_EXPLICIT_COUNTERMEASURE)
    for r in rows:
        assert r["countermeasure_count"] == 0, r
        assert r["level"] == BARRIER_LEVEL[r["barrier_zh"]], r
        assert r["barrier_id"].startswith("bar-") and r["barrier_en"], r


def test_uncovered_barriers_explicit_min_2_lists_all_six_with_the_legal_one_counted_once(kg):
    """No barrier has two explicit countermeasures; 法律法规建设壁垒 has exactly one (5.1)."""
    rows = {r["barrier_zh"]: r for r in run(kg, "uncovered-barriers", {"basis": "explicit", "min": 2})}
    assert set(rows) == set(BARRIER_LEVEL)
    assert rows["法律法规建设壁垒"]["countermeasure_count"] == 1


def test_uncovered_barriers_default_every_barrier_has_some_countermeasure(kg):
    """Section 5 answers the barriers as a whole ("针对我国数字服务贸易壁垒…提出…对策建议", abstract) and
    a careful reader finds an answer to each of the six (paper_facts EXPLICIT_LINKS | PLAUSIBLE_LINKS
    cover all six), so with the defaults (min 1, any basis) nothing is uncovered."""
    assert {b for _, b in ACCEPTED_LINKS} == set(BARRIER_LEVEL)  # premise, from the paper
    assert run(kg, "uncovered-barriers") == []
    assert run(kg, "uncovered-barriers", {"min": 1, "basis": "any"}) == []


def test_uncovered_barriers_interpretive_only_the_legal_barrier_lacks_one(kg):
    """The legal barrier's only answer is the explicit 5.1; each other barrier has a plausible,
    non-explicit answer (e.g. 5.5 "可以提前进行海外专利的申请，其降低了国际侵权的风险" for 世界知识产权壁垒)."""
    expected = set(BARRIER_LEVEL) - {b for _, b in facts.PLAUSIBLE_LINKS}
    assert expected == {"法律法规建设壁垒"}
    rows = run(kg, "uncovered-barriers", {"basis": "interpretive"})
    assert {r["barrier_zh"] for r in rows} == expected
    assert all(r["countermeasure_count"] == 0 for r in rows)


def test_uncovered_barriers_min_0_is_empty(kg):
    """Nothing is addressed by fewer than zero countermeasures."""
    assert run(kg, "uncovered-barriers", {"min": 0}) == []


def test_uncovered_barriers_counts_agree_with_the_barriers_query(kg):
    """With a high min every barrier is listed, with the same count as barriers.countermeasure_count."""
    rows = run(kg, "uncovered-barriers", {"min": 100})
    assert len(rows) == 6
    counts = {r["id"]: r["countermeasure_count"] for r in run(kg, "barriers")}
    for r in rows:
        assert r["countermeasure_count"] == counts[r["barrier_id"]], r


# --------------------------------------------------------------------------------------------
# literature
# --------------------------------------------------------------------------------------------

def test_literature_lists_the_23_cited_works_with_authors_as_cited(kg):
    """19 numbered citations [1]..[19] plus 4 unnumbered ones inside [15]'s sentence:
    "(孟夏等，2020；齐俊妍、强华俊，2021)" and "(张艳等，2013；孙浦阳等，2018)"."""
    rows = run(kg, "literature")
    assert len(rows) == len(facts.CITED_WORKS) == 23
    assert len({r["id"] for r in rows}) == 23
    assert ordered(row_key(r) for r in rows) == ordered(cited_key(w) for w in facts.CITED_WORKS)
    expected_year = {cited_key(w): w["year"] for w in facts.CITED_WORKS}
    for r in rows:
        assert isinstance(r["year"], int) and not isinstance(r["year"], bool), r
        assert r["year"] == expected_year[row_key(r)], r
        assert r["ref_number"] is None or isinstance(r["ref_number"], int), r


def test_literature_does_not_list_the_source_paper(kg):
    """The paper itself (王锦泽 2025) is the citing work, not a cited one."""
    rows = run(kg, "literature")
    assert "wang-jinze-2025" not in {r["id"] for r in rows}
    assert facts.PAPER["author_zh"] not in {r["authors"] for r in rows}


def test_literature_titles_are_empty_since_the_reference_list_is_not_in_the_text(kg):
    """The text gives only in-text citations (authors, [n], year); no title of a cited work."""
    for r in run(kg, "literature"):
        assert r["title"] == "", r


def test_literature_language_is_the_script_of_the_citation(kg):
    """Latin-name citations: (Atasoy, B.S. [7], 2020), (Zhou, F., Wen, H. and Lee, C. [8], 2022),
    (Gnangnon, S.K. [10], 2020), (Ferracane 等[11]，2020), (SU X 等[13]，2020), (Ferencz, J. [14], 2019)."""
    latin = {cited_key(w) for w in facts.CITED_WORKS if LATIN.search(w["authors_text"])}
    assert {k[0] for k in latin} == {7, 8, 10, 11, 13, 14}
    for r in run(kg, "literature"):
        assert r["language"] == ("en" if row_key(r) in latin else "zh"), r
    assert {row_key(r) for r in run(kg, "literature", {"language": "en"})} == latin
    zh = {cited_key(w) for w in facts.CITED_WORKS} - latin
    assert ordered(row_key(r) for r in run(kg, "literature", {"language": "zh"})) == ordered(
        cited_key(w) for w in facts.CITED_WORKS if cited_key(w) in zh)


@pytest.mark.parametrize("year", sorted({w["year"] for w in facts.CITED_WORKS}) + [1999])
def test_literature_year_filter_gives_the_works_cited_with_that_year(kg, year):
    """E.g. 2020: Atasoy [7], Gnangnon [10], Ferracane 等[11], SU X 等[13], 王晓红、朱福林等[17] and
    the unnumbered (孟夏等，2020). 1999 is a valid year that no citation has."""
    rows = run(kg, "literature", {"year": str(year)})
    assert ordered(row_key(r) for r in rows) == ordered(cited_key(w) for w in facts.CITED_WORKS if w["year"] == year)
    assert all(r["year"] == year for r in rows)


def test_literature_year_2020_has_six_works(kg):
    assert len(run(kg, "literature", {"year": 2020})) == 6


THEMES = ["growth", "digital-infrastructure", "barriers"]


def expected_theme_keys(theme):
    keys = {(ref, w["authors_text"]) for w in facts.CITED_WORKS
            for ref in [w["ref_number"]] if ref is not None and theme in facts.THEME_OF_REF.get(ref, [])}
    keys |= {(None, a) for (a, _y), themes in facts.THEME_OF_UNNUMBERED.items() if theme in themes}
    return keys


@pytest.mark.parametrize("theme", THEMES)
def test_literature_theme_filter_matches_the_section_2_groups(kg, theme):
    """Section 2 groups the works under "(1) 数字服务贸易呈现较强的增长趋势…", "(2) 数字基础设施的建设…"
    and "(3) 壁垒对数字服务贸易起到阻碍作用"; [3] is cited under (1) and again under (3). Ferracane
    [11] is cited under (2) although its claim is about restrictions: the paper places it in (2)."""
    rows = run(kg, "literature", {"theme": "theme-" + theme})
    assert {row_key(r) for r in rows} == expected_theme_keys(theme)
    assert len(rows) == len(expected_theme_keys(theme))


def test_literature_theme_column_lists_every_group_a_work_is_cited_under(kg):
    """[3] "(陈永强、于雪莲等[3]，2024)" closes a sentence in (1) and one in (3); [17]-[19] are cited
    outside section 2 (3.3, 5.1) and have no theme."""
    for r in run(kg, "literature"):
        ref = r["ref_number"]
        if ref is None:
            year = r["year"]
            expected = facts.THEME_OF_UNNUMBERED[(r["authors"], year)]
        else:
            expected = facts.THEME_OF_REF.get(ref, [])
        assert split(r["theme"]) == {"theme-" + t for t in expected}, r


def test_literature_combined_filters(kg):
    """(3) has two citations of 齐俊妍、强华俊 2021 (one unnumbered, one [16]); the Latin-name works
    under (3) are SU X 等[13] and Ferencz, J. [14]."""
    rows = run(kg, "literature", {"theme": "theme-barriers", "year": 2021})
    assert ordered(row_key(r) for r in rows) == ordered([(16, "齐俊妍、强华俊"), (None, "齐俊妍、强华俊")])
    rows = run(kg, "literature", {"theme": "theme-barriers", "language": "en"})
    assert {row_key(r) for r in rows} == {(13, "SU X 等"), (14, "Ferencz, J.")}
    assert run(kg, "literature", {"theme": "theme-growth", "language": "en"}) == []


def test_literature_claims_are_verbatim_and_every_numbered_work_has_one(kg):
    """Each numbered citation closes a sentence (or clause) the paper attributes to the work."""
    for r in run(kg, "literature"):
        for claim in split(r["claim_zh"]):
            assert facts.paper_contains(claim), (r["id"], claim)
        if r["ref_number"] is not None:
            assert split(r["claim_zh"]), r


@pytest.mark.parametrize("key,phrase", [
    # (陈永强、于雪莲等[3]，2024) closes this sentence in (3) as well as one in (1)
    ((3, "陈永强、于雪莲等"), "数字服务贸易壁垒加剧了制度距离和数字鸿沟"),
    ((3, "陈永强、于雪莲等"), "已成为服务贸易的新赛道"),
    # section 4: "…法律法规滞后及数字产业在关键技术领域存在短板等核心问题(阿丽亚·艾尔肯、王威[4]，2025)"
    ((4, "阿丽亚·艾尔肯、王威"), "法律法规滞后"),
    # 5.1: "…各国可以进一步降低数字贸易壁垒，促进数字产品和服务的自由流动(胡佳佳、张明等[19]，2025)"
    ((19, "胡佳佳、张明等"), "降低数字贸易壁垒"),
    # "一是对数字服务进出口产生抑制作用(孟夏等，2020；齐俊妍、强华俊，2021)": both works
    ((None, "孟夏等"), "对数字服务进出口产生抑制作用"),
    ((None, "齐俊妍、强华俊"), "对数字服务进出口产生抑制作用"),
    # "二是阻碍壁垒设立国自身制造业数字化的提升(张艳等，2013；孙浦阳等，2018)": both works
    ((None, "张艳等"), "阻碍壁垒设立国自身制造业数字化的提升"),
    ((None, "孙浦阳等"), "阻碍壁垒设立国自身制造业数字化的提升"),
])
def test_literature_claims_the_paper_attributes(kg, key, phrase):
    rows = [r for r in run(kg, "literature") if row_key(r) == key]
    assert len(rows) == 1, key
    assert any(n(phrase) in n(c) for c in split(rows[0]["claim_zh"])), rows[0]


# --------------------------------------------------------------------------------------------
# literature-by-theme
# --------------------------------------------------------------------------------------------

def test_literature_by_theme_counts_the_works_of_each_group(kg):
    """(1) cites [1]-[6]; (2) cites [7]-[12]; (3) cites [13]-[16], [3] again and the four
    unnumbered works inside [15]'s sentence."""
    rows = {r["theme"]: r for r in run(kg, "literature-by-theme")}
    assert set(rows) == {"theme-" + t for t in THEMES}
    for t in THEMES:
        row = rows["theme-" + t]
        expected = len(expected_theme_keys(t))
        assert row["work_count"] == expected, row
        assert len(split(row["works"])) == expected, row
    assert {t: rows["theme-" + t]["work_count"] for t in THEMES} == {"growth": 6, "digital-infrastructure": 6, "barriers": 9}


def test_literature_by_theme_labels_come_from_the_theme_statements(kg):
    """The zh name of each group is taken from its opening statement, e.g. "(3) 壁垒对数字服务贸易起到阻碍作用"."""
    for r in run(kg, "literature-by-theme"):
        statement = facts.THEME_STATEMENTS[r["theme"].removeprefix("theme-")]
        assert r["theme_zh"] and n(r["theme_zh"]) in n(statement), r
        assert r["theme_en"], r


def test_literature_by_theme_works_are_the_works_the_theme_filter_gives(kg):
    for r in run(kg, "literature-by-theme"):
        assert split(r["works"]) == {w["id"] for w in run(kg, "literature", {"theme": r["theme"]})}, r


# --------------------------------------------------------------------------------------------
# evidence-for
# --------------------------------------------------------------------------------------------

KINDS = {"claim", "statistic", "case", "document", "link"}


def evidence(kg, entity):
    rows = run(kg, "evidence-for", {"entity": entity})
    for r in rows:
        assert r["kind"] in KINDS, r
        assert r["id"], r
        if r["kind"] in ("claim", "link"):
            for quote in split(r["text_zh"]):
                assert facts.paper_contains(quote), (entity, r)
    return rows


def test_evidence_for_the_legal_barrier(kg):
    """5.1 "针对数字服务贸易存在法律法规欠缺等问题，我国需要健全法律法规" (explicit link);
    4.1② "我国出台了《中华人民共和国电子商务法》《中华人民共和国数据安全法》等多部法律，大多数只涉及…
    部分合理、合规性问题，从而使得有关数字贸易的法律极其分散" (the two laws);
    section 4 "…法律法规滞后…(阿丽亚·艾尔肯、王威[4]，2025)" (a claim about it)."""
    rows = evidence(kg, "bar-legal-framework")
    links = [r for r in rows if r["kind"] == "link" and r["id"] == "cm-legal-support"]
    assert links, rows
    assert any(r["section"] == "5.1" and n("针对数字服务贸易存在法律法规欠缺等问题") in n(r["text_zh"]) for r in links), links
    assert all(r["source"] == "wang-jinze-2025" for r in links), links
    documents = {r["id"] for r in rows if r["kind"] == "document"}
    assert {"doc-e-commerce-law", "doc-data-security-law"} <= documents, rows
    claims = [r for r in rows if r["kind"] == "claim"]
    assert any("法律法规滞后" in n(r["text_zh"]) for r in claims), rows


def test_evidence_for_the_market_access_barrier(kg):
    """4.2①: "特朗普在 2025 年 2 月 1 日签署对中国商品在现有基础上加征 10%的关税的政令…成为我国数字服务
    贸易发展的壁垒" (the order and its 10%) and "美国相关机关以安全与道德为由禁止使用 DeepSeek"."""
    rows = evidence(kg, "bar-market-access")
    ids = {(r["kind"], r["id"]) for r in rows}
    assert ("document", "doc-us-tariff-order-2025") in ids, rows
    assert ("statistic", "stat-us-additional-tariff-2025") in ids, rows
    assert ("document", "doc-us-deepseek-ban") in ids or ("case", "case-deepseek") in ids, rows


def test_evidence_for_the_platform_advantage(kg):
    """3.4: "字节跳动公司的TikTok 就是很好的例证" and "…将对 TikTok 的限制计划推迟了 90 天。这充分反映了
    我国数字服务贸易所具有的平台优势"."""
    rows = evidence(kg, "adv-platform")
    ids = {(r["kind"], r["id"]) for r in rows}
    assert ("case", "case-tiktok") in ids, rows
    assert ("statistic", "stat-tiktok-restriction-delay") in ids, rows


def test_evidence_for_the_industry_and_infrastructure_advantage(kg):
    """3.3: "(王晓红、朱福林等[17]，2020)" closes "…不断完善的数字基础设施…推进数字服务贸易的发展"; and
    "根据国务院的数据，2023 年中国互联网普及率达到 77.5%…这些数字基础设备的快速发展…极大地提升了我国
    数字服务贸易的效率"."""
    rows = evidence(kg, "adv-industry-infrastructure")
    claims = [r for r in rows if r["kind"] == "claim"]
    assert any(n("不断完善的数字基础设施") in n(r["text_zh"]) for r in claims), rows
    assert ("statistic", "stat-internet-penetration-2023") in {(r["kind"], r["id"]) for r in rows}, rows


def test_evidence_for_the_legal_countermeasure(kg):
    """5.1 rests on "(胡佳佳、张明等[19]，2025)": "通过签订更多的双边和多边贸易协定，各国可以进一步降低数字
    贸易壁垒"; and it answers 法律法规欠缺 (the explicit link, seen from the countermeasure's end)."""
    rows = evidence(kg, "cm-legal-support")
    assert any(r["kind"] == "claim" and n("降低数字贸易壁垒") in n(r["text_zh"]) for r in rows), rows
    assert any(r["kind"] == "link" and r["id"] == "bar-legal-framework" for r in rows), rows


def test_evidence_for_the_barriers_theme(kg):
    """(3): "数字服务贸易壁垒加剧了制度距离和数字鸿沟，对双边数字服务出口产生了显著的阻碍作用(陈永强、于雪莲等[3]，2024)"."""
    rows = evidence(kg, "theme-barriers")
    assert any(r["kind"] == "claim" and n("数字服务贸易壁垒加剧了制度距离和数字鸿沟") in n(r["text_zh"]) for r in rows), rows


def test_evidence_for_accepts_a_claim_id(kg):
    """The entity may be any record id, claims included."""
    run(kg, "evidence-for", {"entity": "claim-zhang-qi-2024"})


# --------------------------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------------------------

UNIT_OF = {  # unit words as printed -> (unit, magnitude, currency)
    "亿美元": ("currency", 100000000, "USD"),
    "万美元": ("currency", 10000, "USD"),
    "万亿元人民币": ("currency", 1000000000000, "CNY"),
    "亿元": ("currency", 100000000, "CNY"),  # section 4: "亿元(人民币，下同)"
    "%": ("percent", 1, None),
    "亿人": ("persons", 100000000, None),
    "天": ("days", 1, None),
}

SOURCE_DOC = {  # how the text names a source -> the document record that stands for it
    facts._MOFCOM: "doc-mofcom-digital-trade-report-2023",
    facts._STATE_COUNCIL_REPORT: "doc-state-council-agencies-report",
    facts._STATE_COUNCIL_DATA: "doc-state-council-data-2023",
    facts._NBS: "doc-nbs-services-trade-by-category-2023",
}


def test_statistics_are_every_figure_of_the_paper(kg):
    rows = run(kg, "statistics")
    assert len(rows) == len(facts.STATISTICS) == 22
    assert len({r["id"] for r in rows}) == 22
    by_vt = stat_by_value_text(rows)
    assert set(by_vt) == {n(s["value_text"]) for s in facts.STATISTICS}
    for s in facts.STATISTICS:
        r = by_vt[n(s["value_text"])]
        assert num(r["value"]) == float(s["value"]), r
        assert r["section"] == s["section"], r
        assert r["measure_zh"] and r["measure_en"], r


def test_statistic_3710_78_comes_from_the_mofcom_report(kg):
    """Section 3: "中华人民共和国商务部 2023 年发布的《数字贸易发展与合作报告》显示，2022 年我国的数字服务
    贸易总额为 3710.78 亿美元，同比增长 3.2%"."""
    r = stat_by_value_text(run(kg, "statistics"))[n("3710.78 亿美元")]
    assert r["source"] == "doc-mofcom-digital-trade-report-2023"
    assert str(r["period"]) == "2022"
    assert num(r["value"]) == 3710.78
    assert r["section"] == "3"
    assert "数字服务贸易总额" in r["measure_zh"]


@pytest.mark.parametrize("stat", facts.STATISTICS, ids=lambda s: s["value_text"])
def test_statistic_source_is_the_named_one_or_none(kg, stat):
    """A source only where the text names one (e.g. "根据国务院的数据"); "据统计" names none."""
    r = stat_by_value_text(run(kg, "statistics"))[n(stat["value_text"])]
    source_zh = facts.STATISTIC_DETAILS[stat["value_text"]]["source_zh"]
    assert r["source"] == (SOURCE_DOC[source_zh] if source_zh else None), r


@pytest.mark.parametrize("stat", facts.STATISTICS, ids=lambda s: s["value_text"])
def test_statistic_unit_magnitude_and_currency_follow_the_printed_unit(kg, stat):
    """"3710.78 亿美元": 10^8 USD; "1.42 万亿元人民币": 10^12 CNY; "亿元(人民币，下同)"; "%"; "亿人"; "天"."""
    r = stat_by_value_text(run(kg, "statistics"))[n(stat["value_text"])]
    unit, magnitude, currency = UNIT_OF[facts.STATISTIC_DETAILS[stat["value_text"]]["unit_zh"]]
    assert r["unit"] == unit, r
    assert num(r["magnitude"]) == magnitude, r
    assert r["currency"] == currency, r
    assert n(r["value_text"]) == n(stat["value_text"]), r


@pytest.mark.parametrize("value_text,period", [
    ("3710.78 亿美元", "2022"),  # "2022 年我国的数字服务贸易总额为 3710.78 亿美元"
    ("77.5%", "2023"),  # "2023 年中国互联网普及率达到 77.5%"
    ("6165 亿元", "2023"),  # same sentence
    ("1216.8 亿元", "2023"),  # "据国家统计局服务进出口分类金额(2023)"
    ("773.3 亿元", "2023"),
    ("14 亿人", None),  # "中国作为拥有超过 14 亿人的人口大国": no period
    ("90 天", None),  # "特朗普上任美国总统首日…推迟了 90 天": a duration, no period
])
def test_statistic_period_as_the_text_gives_it(kg, value_text, period):
    r = stat_by_value_text(run(kg, "statistics"))[n(value_text)]
    assert (None if r["period"] is None else str(r["period"])) == period, r


def test_statistic_period_of_the_2024_h1_figures_names_2024(kg):
    """"2024 年上半年，我国可数字化交付的服务进出口规模达到 1.42 万亿元人民币"."""
    r = stat_by_value_text(run(kg, "statistics"))[n("1.42 万亿元人民币")]
    assert r["period"] and "2024" in str(r["period"]), r


@pytest.mark.parametrize("entity,value_texts", [
    # 3.3 "根据国务院的数据，2023 年…77.5%，…22.4%，…6165 亿元，增长 35.5%。这些数字基础设备的快速发展…极大地提升了我国数字服务贸易的效率"
    ("adv-industry-infrastructure", ["77.5%", "22.4%", "6165 亿元", "35.5%"]),
    # 3.4 "…推迟了 90 天。这充分反映了我国数字服务贸易所具有的平台优势"
    ("adv-platform", ["90 天"]),
    # 3.1 "庞大的市场和政策支持是我国发展数字服务贸易的关键优势。中国作为拥有超过 14 亿人的人口大国"
    ("adv-market-policy", ["14 亿人"]),
    # 4.2① "…加征 10%的关税的政令…成为我国数字服务贸易发展的壁垒"
    ("bar-market-access", ["10%"]),
])
def test_statistics_entity_filter_gives_the_figures_about_it(kg, entity, value_texts):
    rows = run(kg, "statistics", {"entity": entity})
    got = {n(r["value_text"]) for r in rows}
    assert {n(v) for v in value_texts} <= got, rows
    assert got <= {n(s["value_text"]) for s in facts.STATISTICS}
    assert len(rows) == len({r["id"] for r in rows})


# --------------------------------------------------------------------------------------------
# trade-balance
# --------------------------------------------------------------------------------------------

def test_trade_balance_insurance_and_ip_2023(kg):
    """Section 4: "据国家统计局服务进出口分类金额(2023)，我国保险服务进口额为 1216.8 亿元(人民币，下同)，
    出口额为 501.2 亿元；知识产权进口额为 2994.3 亿元，出口额为 773.3 亿元" - and "出口规模小，而进口规模大"."""
    rows = run(kg, "trade-balance")
    assert len(rows) == 2
    for sector in ("保险服务", "知识产权"):
        matching = [r for r in rows if r["sector_zh"] and sector in r["sector_zh"]]
        assert len(matching) == 1, (sector, rows)
        r = matching[0]
        imports = float(facts.TRADE_FIGURES_2023[(sector, "imports")])
        exports = float(facts.TRADE_FIGURES_2023[(sector, "exports")])
        assert num(r["imports"]) == pytest.approx(imports), r
        assert num(r["exports"]) == pytest.approx(exports), r
        assert num(r["balance"]) == pytest.approx(exports - imports), r
        assert num(r["balance"]) < 0, r
        assert str(r["period"]) == "2023", r
        # "亿元(人民币，下同)": either the printed words or their equivalent, CNY x 10^8
        unit = str(r["unit"] or "")
        assert facts.TRADE_FIGURES_2023_UNIT in unit or ("CNY" in unit and "100000000" in unit), r
        assert r["sector_en"], r
    balances = sorted(num(r["balance"]) for r in rows)
    assert balances == pytest.approx(sorted([501.2 - 1216.8, 773.3 - 2994.3]))


# --------------------------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------------------------

def _case(rows, name):
    """The case row whose label is `name` (as printed), or failing that contains it."""
    exact = [r for r in rows if n(r["label_zh"]) == n(name)]
    if exact:
        return exact[0]
    near = [r for r in rows if n(name) in n(r["label_zh"])]
    assert near, f"no case labelled {name!r}"
    return min(near, key=lambda r: len(r["label_zh"]))


@pytest.mark.parametrize("name", [c for c in facts.CASES if c != "Diem"])
def test_cases_include_every_example_the_paper_names(kg, name):
    """Diem is the later name of Libra ("加密货币 Libra (现 Diem)"), the same product."""
    r = _case(run(kg, "cases"), name)
    assert r["kind"] in {"company", "product", "event"}, r
    assert r["id"].startswith("case-") and r["label_en"], r


@pytest.mark.parametrize("name,target,section", [
    ("TikTok", "adv-platform", "3.4"),  # "…展现了我国数字服务贸易的平台优势"
    ("字节跳动", "adv-platform", "3.4"),  # "字节跳动公司的TikTok 就是很好的例证"
    ("DeepSeek-R1", "adv-technology", "3.2"),  # "…推出了 DeepSeek-R1 模型…这反映了国际上对我国 AI…不断突破的认可"
    ("DeepSeek", "adv-technology", "3.2"),
    ("Facebook", "bar-cross-sector-cooperation", "4.1"),  # 4.1③ "发达国家十分注重跨界产业合作，Facebook…"
    ("Libra", "bar-cross-sector-cooperation", "4.1"),
    ("5G", "bar-global-tech", "4.2"),  # 4.2② "电信领域的 5G 技术…在部分国家遭到禁止"
])
def test_case_illustrates_what_the_paper_uses_it_for(kg, name, target, section):
    r = _case(run(kg, "cases"), name)
    assert target in split(r["illustrates"]), r
    assert r["section"] == section, r


def test_deepseek_also_illustrates_the_market_access_barrier(kg):
    """4.2①: "美国相关机关以安全与道德为由禁止使用 DeepSeek … 这阻碍我国进一步开展数字服务贸易"."""
    assert "bar-market-access" in split(_case(run(kg, "cases"), "DeepSeek")["illustrates"])


def test_bytedance_is_a_company(kg):
    """3.4: "字节跳动公司的TikTok"."""
    assert _case(run(kg, "cases"), "字节跳动")["kind"] == "company"


def test_case_ids_are_unique(kg):
    rows = run(kg, "cases")
    assert len(rows) == len({r["id"] for r in rows})


# --------------------------------------------------------------------------------------------
# documents
# --------------------------------------------------------------------------------------------

def test_documents_include_the_five_titles_in_book_title_marks(kg):
    """《数字贸易发展与合作报告》, 《中共中央关于进一步全面深化改革、推进中国式现代化的决定》,
    《中华人民共和国电子商务法》, 《中华人民共和国数据安全法》, 《数字欧洲计划》."""
    rows = run(kg, "documents")
    titles = [r["title_zh"] for r in rows]
    for title in facts.DOCUMENTS:
        assert titles.count(title) == 1, (title, titles)
    for r in rows:
        if r["title_zh"] in facts.DOCUMENTS:
            assert r["title_en"], r
            assert r["id"].startswith("doc-"), r


def test_document_names_are_the_texts_own_words(kg):
    """A document without a 《》 title is named by the text's own phrase (e.g. "党的二十大报告")."""
    rows = run(kg, "documents")
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["title_zh"], r
        assert facts.paper_contains(r["title_zh"]), r
    assert any(r["title_zh"] == "党的二十大报告" for r in rows)  # 1: "习近平总书记在党的二十大报告中指出"


def _doc(rows, title):
    matching = [r for r in rows if r["title_zh"] and n(title) in n(r["title_zh"])]
    assert len(matching) == 1, (title, matching)
    return matching[0]


@pytest.mark.parametrize("title,date,issuer,kind", [
    # 3: "中华人民共和国商务部 2023 年发布的《数字贸易发展与合作报告》"
    ("数字贸易发展与合作报告", "2023", "actor-mofcom", "report"),
    # 5.2: "欧盟于 2018 公布了《数字欧洲计划》"
    ("数字欧洲计划", "2018", "actor-eu", "plan"),
    # 4.2①: "特朗普在 2025 年 2 月 1 日签署对中国商品在现有基础上加征 10%的关税的政令"
    ("加征 10%的关税的政令", "2025-02-01", "actor-trump", "executive-action"),
    # 4.1②: "我国出台了《中华人民共和国电子商务法》《中华人民共和国数据安全法》等多部法律" - no date given
    ("中华人民共和国电子商务法", None, None, "law"),
    ("中华人民共和国数据安全法", None, None, "law"),
    # 3.1: "例如，《中共中央关于进一步全面深化改革、推进中国式现代化的决定》强调了…" - no date given
    ("中共中央关于进一步全面深化改革、推进中国式现代化的决定", None, None, None),
    # 1: "习近平总书记在党的二十大报告中指出" - no date given
    ("党的二十大报告", None, "actor-xi-jinping", None),
])
def test_document_date_issuer_and_kind_as_the_text_gives_them(kg, title, date, issuer, kind):
    r = _doc(run(kg, "documents"), title)
    assert date_str(r["date"]) == date, r
    if issuer:
        assert r["issuer"] == issuer, r
    if kind:
        assert r["kind"] == kind, r


def test_documents_kind_law_gives_the_two_laws(kg):
    """4.1②: "我国出台了《中华人民共和国电子商务法》《中华人民共和国数据安全法》等多部法律" - the only laws named."""
    rows = run(kg, "documents", {"kind": "law"})
    assert {r["title_zh"] for r in rows} == {"中华人民共和国电子商务法", "中华人民共和国数据安全法"}


def test_cases_kind_filter(kg):
    """3.4 "字节跳动公司的TikTok": ByteDance is a company; the filter keeps only that kind."""
    rows = run(kg, "cases", {"kind": "company"})
    assert {r["kind"] for r in rows} == {"company"}
    assert "字节跳动" in {r["label_zh"] for r in rows}


# --------------------------------------------------------------------------------------------
# timeline
# --------------------------------------------------------------------------------------------

YEAR_DATED = {  # every date with a year the text gives to a document or case
    "2018": "数字欧洲计划",  # 5.2 "欧盟于 2018 公布了《数字欧洲计划》"
    "2023": "数字贸易发展与合作报告",  # 3 "中华人民共和国商务部 2023 年发布的《数字贸易发展与合作报告》"
    "2025-01-20": "DeepSeek-R1",  # 3.2 "2025 年 1 月 20 日幻方量化旗下 AI 公司推出了 DeepSeek-R1 模型"
    "2025-02-01": "关税",  # 4.2① "特朗普在 2025 年 2 月 1 日签署对中国商品…加征 10%的关税的政令"
}


def test_timeline_has_the_dated_documents_and_cases(kg):
    rows = run(kg, "timeline")
    dated = [(date_str(r["date"]), r["label_zh"]) for r in rows if (date_str(r["date"]) or "")[:1].isdigit()]
    assert {d for d, _ in dated} == set(YEAR_DATED), dated
    assert len(dated) == len(YEAR_DATED), dated
    for d, label in dated:
        assert n(YEAR_DATED[d]) in n(label), (d, label)
    for r in rows:
        assert r["label_en"] and r["kind"], r


def test_timeline_rows_are_all_dated_and_sorted(kg):
    rows = run(kg, "timeline")
    dates = [date_str(r["date"]) for r in rows]
    assert None not in dates and "" not in dates
    with_year = [d for d in dates if d[:1].isdigit()]
    assert with_year == sorted(with_year)
    assert with_year.index("2025-01-20") < with_year.index("2025-02-01")


def test_timeline_does_not_invent_the_year_of_the_azure_deployment(kg):
    """3.2: "微软在 1 月 30 日也将此模型部署到自己的 Azure 云服务上" - no year printed."""
    for r in run(kg, "timeline"):
        d = date_str(r["date"]) or ""
        assert not (d[:1].isdigit() and d.endswith("01-30")), r


# --------------------------------------------------------------------------------------------
# dstri-areas
# --------------------------------------------------------------------------------------------

def test_dstri_every_barrier_maps_to_an_area_with_a_rationale(kg):
    """The mapping is the project's own; every one of the six barriers of section 4 has one."""
    rows = run(kg, "dstri-areas")
    assert {r["barrier_zh"] for r in rows} == set(BARRIER_LEVEL)
    barrier_ids = {r["id"]: r["label_zh"] for r in run(kg, "barriers")}
    for r in rows:
        assert r["rationale"] and r["rationale"].strip(), r
        assert barrier_ids[r["barrier_id"]] == r["barrier_zh"], r
        assert r["area"].startswith("dstri-") and r["area_zh"] and r["area_en"], r
    assert len({(r["area"], r["barrier_id"]) for r in rows}) == len(rows)


def test_dstri_named_areas_carry_the_papers_words(kg):
    """2: "涉及数字基础设施和联通性、电子交易、支付系统、知识产权等多方面的内容"."""
    for label in facts.DSTRI_AREAS_NAMED_ZH:
        assert facts.paper_contains(label)
    assert facts.paper_contains("、".join(facts.DSTRI_AREAS_NAMED_ZH))
    labels = {r["area"]: r["area_zh"] for r in run(kg, "dstri-areas")}
    named = {a: z for a, z in labels.items() if a != "dstri-other"}
    assert set(named.values()) <= set(facts.DSTRI_AREAS_NAMED_ZH), named
    # one area id per label
    assert len(set(named.values())) == len(named)
