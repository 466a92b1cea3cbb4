"""Issue 18, point 4: the problems section 5 opens with, where each label comes from, 美国 in 5.3.

Every expectation is read from the paper's text (data/source/paper-ssem-2025-143042.txt) here,
never from data/: the problem list from section 5's opening sentence, the abstract's names from
the abstract, the countries 5.3 holds up as models from 5.3's sentence. The shipped graph is the
session's `kg`; the one bad-data build is made once, for both of its problems.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dskg
from dskg import resources
from dskg.cli import app
from dskg.queries import rows, run_sparql

PAPER = Path(__file__).resolve().parents[1] / "data" / "source" / "paper-ssem-2025-143042.txt"
PREFIXES = """
PREFIX dskg: <https://w3id.org/dskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX skosxl: <http://www.w3.org/2008/05/skos-xl#>
"""
HEADING = re.compile(r"^\s*(\d+(?:\.\d+)?)\.\s+\S")
CIRCLED = "①②③"


def squeeze(text: str) -> str:
    return "".join(text.split())


def _lines() -> list[str]:
    return PAPER.read_text(encoding="utf-8").splitlines()


def _sections() -> dict[str, str]:
    """Section number -> its text without whitespace ("abstract": the Chinese abstract), heading lines included."""
    out: dict[str, list[str]] = {"abstract": []}
    current = "abstract"
    for line in _lines():
        if line.strip() == "Abstract":
            current = "english-abstract"
        match = HEADING.match(line)
        if match:
            current = match[1]
        out.setdefault(current, []).append(line)
    return {number: squeeze("".join(lines)) for number, lines in out.items()}


SECTIONS = _sections()
HEADINGS = {HEADING.match(line)[1]: squeeze(line) for line in _lines() if HEADING.match(line)}
# the English abstract, lowercased, with the words hyphenated across lines joined again ("regu-\nlatory")
ENGLISH_ABSTRACT = " ".join(
    re.sub(r"-\n", "", "\n".join(_lines()[_lines().index(" Abstract ") + 1 : _lines().index(" 1. 引言 ")])).split()
).lower()


def select(kg, body: str) -> list[dict]:
    return rows(run_sparql(PREFIXES + body, kg))


def run(kg, name: str) -> list[dict]:
    return rows(dskg.run_query(name, kg, {}))


def paper_problems() -> list[str]:
    """Section 5's opening list: "存在A、B、C及D等问题" (its last item joined by 及)."""
    listed = re.search(r"我国数字服务贸易发展存在(.+?)等问题", SECTIONS["5"])[1]
    *first, last = listed.split("、")
    return [*first, *last.rsplit("及", 1)]


# ------------------------------------------------------------------------------------------------
# (a) the problem list
# ------------------------------------------------------------------------------------------------


def test_the_problems_are_section_5s_opening_list(kg):
    expected = paper_problems()
    # the reading of the sentence itself
    assert expected == ["法律法规较国际落后", "数字技术及创新能力较弱", "人才不足", "知识产权发展薄弱"]
    found = select(
        kg,
        """
        SELECT ?zh ?en ?section WHERE {
          ?p a dskg:Problem ; rdfs:label ?zh , ?en ; dskg:inSection/dskg:sectionNumber ?section .
          FILTER(LANG(?zh) = "zh" && LANG(?en) = "en")
        }""",
    )
    assert sorted(r["zh"] for r in found) == sorted(expected)
    assert {r["section"] for r in found} == {"5"}
    assert all(r["en"] and r["en"] != r["zh"] for r in found)


def test_a_countermeasure_answers_a_problem_no_barrier_names_talent(kg):
    """人才 (talent) occurs nowhere in section 4, so 人才不足 is the one problem no barrier names;
    the countermeasure that answers it is 5.4, whose heading is about talent."""
    section_4 = "".join(text for number, text in SECTIONS.items() if number == "4" or number.startswith("4."))
    subjects = dict(zip(paper_problems(), ["法律法规", "创新能力", "人才", "知识产权"]))  # what each problem is about
    named_by_no_barrier = [problem for problem, subject in subjects.items() if subject not in section_4]
    assert named_by_no_barrier == ["人才不足"]
    talent_heading = HEADINGS["5.4"].removeprefix("5.4.")
    assert "人才" in talent_heading
    found = run(kg, "problems-without-barrier")
    assert [(r["problem_zh"], r["countermeasure_zh"]) for r in found] == [("人才不足", talent_heading)]
    assert found[0]["basis"] == "interpretive"  # 5.4 does not name the problem it answers
    assert all(squeeze(quote) in SECTIONS["5.4"] for quote in found[0]["evidence_zh"].split(" | "))
    listed = {r["label_zh"]: r for r in run(kg, "problems")}
    assert [p for p, r in listed.items() if not r["barriers"]] == ["人才不足"]
    assert all(r["countermeasures"] for r in listed.values())
    evidence = rows(dskg.run_query("evidence-for", kg, {"entity": "prob-talent-shortage"}))
    assert [(r["id"], r["basis"]) for r in evidence] == [("cm-talent", "interpretive")]


def test_only_51_says_which_problem_it_answers(kg):
    """5.1 opens "针对数字服务贸易存在法律法规欠缺等问题": the one explicit answer; every other is a reading."""
    links = select(
        kg,
        """
        SELECT ?link ?basis ?section ?quote WHERE {
          ?link a dskg:Answering ; dskg:basis ?basis ; dskg:inSection/dskg:sectionNumber ?section ; dskg:quote ?quote .
        }""",
    )
    explicit = {(r["link"], r["section"]) for r in links if r["basis"].endswith("#explicit")}
    assert {section for _, section in explicit} == {"5.1"}
    assert any(r["quote"].startswith("针对") for r in links if (r["link"], r["section"]) in explicit)
    correspondences = select(kg, "SELECT ?basis WHERE { ?link a dskg:ProblemCorrespondence ; dskg:basis ?basis }")
    assert correspondences and {r["basis"].rsplit("#")[-1] for r in correspondences} == {"interpretive"}


def test_countermeasures_query_no_longer_reads_as_every_one_answering_a_barrier(kg):
    """The issue: `countermeasures` showed every countermeasure addressing a barrier. It now says
    how many of those links the text states (5.1's alone) and which answer a problem no barrier names (5.4)."""
    by_section = {r["section"]: r for r in run(kg, "countermeasures")}
    assert {s: r["explicit_barrier_count"] for s, r in by_section.items()} == {"5.1": 1, "5.2": 0, "5.3": 0, "5.4": 0, "5.5": 0}
    assert {s: r["unnamed_problem_count"] for s, r in by_section.items()} == {"5.1": 0, "5.2": 0, "5.3": 0, "5.4": 1, "5.5": 0}
    assert all(r["problem_count"] >= 1 for r in by_section.values())  # each answers one of section 5's problems
    assert all(r["barrier_count"] >= r["explicit_barrier_count"] for r in by_section.values())


# ------------------------------------------------------------------------------------------------
# (b) label provenance
# ------------------------------------------------------------------------------------------------


def test_the_barrier_the_abstract_does_not_name(kg):
    """The abstract: "数字服务贸易面临着技术创新困难、法律法规建设不完善、跨界合作困难、国际市场准入难、
    知识产权隐私度高等贸易壁垒" names five barriers; read against section 4, these are 4.1①②③,
    4.2① and 4.2③. 4.2② 全球数字技术壁垒 (技术国际化差异大 in 4.2's opening) has no counterpart."""
    abstract_names = re.search(r"面临着(.+?)等贸易壁垒", SECTIONS["abstract"])[1].split("、")
    assert abstract_names == ["技术创新困难", "法律法规建设不完善", "跨界合作困难", "国际市场准入难", "知识产权隐私度高"]
    found = run(kg, "barriers-not-in-abstract")
    assert {r["barrier_zh"] for r in found} == {"全球数字技术壁垒"}
    assert "技术国际化差异大 (body 4.2)" in found[0]["names_zh"]


def test_every_label_from_the_text_is_where_its_origin_says(kg):
    """Abstract labels are in the abstract (English ones in the English abstract), heading labels
    in a heading or a ①②③ item's title of their section, body labels in their section's text."""
    found = select(
        kg,
        """
        SELECT ?label ?form ?origin ?section WHERE {
          ?label skosxl:literalForm ?form ; dskg:labelOrigin ?origin .
          OPTIONAL { ?label dskg:inSection/dskg:sectionNumber ?section }
          FILTER(?origin != dskg:fromTranslation)
        }""",
    )
    labels: dict[tuple[str, str], tuple[set[str], set[str]]] = {}  # a label used in two places has two origins and two sections
    for r in found:
        origins, sections = labels.setdefault((r["label"], r["form"]), (set(), set()))
        origins.add(r["origin"].rsplit("#from")[-1])
        sections.add(r["section"])
    assert len(labels) >= 30
    for (node, form), (origins, sections) in labels.items():
        assert len(sections) == len(origins), node  # one section per origin, the abstract's own for the abstract
        for origin in origins:
            if origin == "Abstract":
                zh = any("\u4e00" <= ch <= "\u9fff" for ch in form)
                assert (squeeze(form) in SECTIONS["abstract"]) if zh else (form.lower() in ENGLISH_ABSTRACT), node
                assert "abstract" in sections, node
            elif origin == "Heading":
                titles = [CIRCLED[i] + squeeze(form) + "。" for i in range(3)]
                places = sections - {"abstract"}
                assert any(HEADINGS.get(s, "").endswith(squeeze(form)) or any(t in SECTIONS[s] for t in titles) for s in places), node
            else:
                assert origin == "Body" and any(squeeze(form) in SECTIONS[s] for s in sections - {"abstract"}), node


def test_the_kinds_the_abstract_speaks_of_record_every_labels_origin(kg):
    """Advantages, barriers, countermeasures and problems: each label has its origin; an English
    preferred label is a translation (the text has no English names for them but the abstract's)."""
    missing = select(
        kg,
        """
        SELECT ?record ?value WHERE {
          VALUES ?class { dskg:Advantage dskg:Barrier dskg:Countermeasure dskg:Problem }
          ?record a ?class .
          { ?record rdfs:label ?value } UNION { ?record skos:altLabel ?value }
          FILTER NOT EXISTS { ?record skosxl:prefLabel|skosxl:altLabel ?node . ?node skosxl:literalForm ?value ; dskg:labelOrigin ?o }
        }""",
    )
    assert missing == []
    english = select(
        kg,
        """
        SELECT DISTINCT ?origin WHERE {
          VALUES ?class { dskg:Advantage dskg:Barrier dskg:Countermeasure dskg:Problem }
          ?record a ?class ; skosxl:prefLabel ?node . ?node skosxl:literalForm ?form ; dskg:labelOrigin ?origin .
          FILTER(LANG(?form) = "en")
        }""",
    )
    assert [r["origin"].rsplit("#")[-1] for r in english] == ["fromTranslation"]


# ------------------------------------------------------------------------------------------------
# (c) 美国 in 5.3
# ------------------------------------------------------------------------------------------------


def test_the_countries_53_holds_up_as_models_carry_that_passage(kg):
    """5.3: "我国需要深入研究学习日本、美国等发达国家...": each country it names is recorded with a quote from that sentence."""
    models = re.search(r"我国需要深入研究学习(.+?)等发达国家", SECTIONS["5.3"])[1].split("、")
    assert models == ["日本", "美国"]
    quoted = select(
        kg,
        """
        SELECT ?label ?quote WHERE { ?actor a dskg:Actor ; rdfs:label ?label ; dskg:quote ?quote . FILTER(LANG(?label) = "zh") }""",
    )
    for country in models:
        quotes = [squeeze(r["quote"]) for r in quoted if r["label"] == country]
        assert any(q in SECTIONS["5.3"] and "深入研究学习" in q for q in quotes), (country, quotes)


# ------------------------------------------------------------------------------------------------
# bad label_origins: one build, both problems named with file, line, field and fix
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    data = tmp_path_factory.mktemp("labels") / "data"
    shutil.copytree(resources.data_dir(), data)
    barriers = data / "barriers.yaml"
    text = barriers.read_text(encoding="utf-8")
    text = text.replace("      技术国际化差异大: body 4.2\n", "", 1)  # a Chinese label with no origin
    not_a_label = "      跨界合作壁垒: heading 4.1\n      跨行业合作壁垒: body 4.1\n"
    text = text.replace("      跨界合作壁垒: heading 4.1\n", not_a_label, 1)
    barriers.write_text(text, encoding="utf-8")
    return CliRunner().invoke(app, ["build", "--base", str(data)])


@pytest.mark.fast_path_only("a message of the loader's checks, the same on either path")
def test_bad_label_origins_are_named_with_their_fix(broken_build):
    assert broken_build.exit_code == 1, broken_build.output
    out = broken_build.stderr
    assert "barriers.yaml:" in out
    assert "bar-global-tech field 'label_origins': where the label '技术国际化差异大' comes from is not given" in out
    assert "bar-cross-sector-cooperation field 'label_origins': '跨行业合作壁垒' is none of the record's labels" in out
    assert "Fix:" in out and "Traceback" not in out


def test_stats_count_the_four_problems():
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 0
    problem_rows = [line for line in result.stdout.splitlines() if re.search(r"\bProblem\b", line)]
    assert len(problem_rows) == 1 and re.search(r"\b4\b", problem_rows[0]), problem_rows
