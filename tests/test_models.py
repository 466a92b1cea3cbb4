"""Issue 18, point 4: the countries (and the document) the paper names as models for a countermeasure.

Every expectation is read here from the paper's text (data/source/paper-ssem-2025-143042.txt),
never from data/: 5.3 (开展数字服务贸易的国际合作与交流) says China should study and learn from
日本、美国等发达国家 and from 印度's operations; 5.2 calls the EU's 《数字欧洲计划》 of 借鉴意义.
A country section 4 only measures China against (欧美等发达国家) is no model. The graph is the
session's `kg`; nothing is built here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dskg
from dskg.queries import rows

pytestmark = pytest.mark.fast_path_only("queries over the shipped graph, which test_validation finds the same on both paths")

PAPER = Path(__file__).resolve().parents[1] / "data" / "source" / "paper-ssem-2025-143042.txt"
HEADING = re.compile(r"^\s*(\d+(?:\.\d+)?)\.\s+(\S.*?)\s*$")


def squeeze(text: str) -> str:
    return "".join(text.split())


def _sections() -> tuple[dict[str, str], dict[str, str]]:
    """Section number -> its text without whitespace, and -> its heading's title."""
    texts: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    current = "front"
    for line in PAPER.read_text(encoding="utf-8").splitlines():
        match = HEADING.match(line)
        if match:
            current, titles[match[1]] = match[1], squeeze(match[2])
        texts.setdefault(current, []).append(line)
    return {number: squeeze("".join(lines)) for number, lines in texts.items()}, titles


SECTIONS, TITLES = _sections()


def clauses(section: str, *words: str) -> list[str]:
    """The parts of a section's text between ； and 。 (a clause with its subject) that hold every one of `words`."""
    return [part for part in re.split(r"[；。]", SECTIONS[section]) if all(w in part for w in words)]


@pytest.fixture(scope="module")
def models(kg) -> list[dict]:
    return rows(dskg.run_query("models", kg, {}))


def test_53_names_japan_and_the_usa_as_models_for_international_cooperation(models):
    """5.3: 我国需要深入研究学习日本、美国等发达国家在互联网、人工智能等领域的技术创新、数字化技术路线及标准制定的模式."""
    (passage,) = clauses("5.3", "学习", "日本", "美国")  # the reading: one passage names both, as what to learn from
    assert "学习日本、美国等发达国家" in passage
    heading = TITLES["5.3"]
    assert "国际合作" in heading
    found = {r["model_zh"]: r for r in models if r["countermeasure_zh"] == heading}
    for country in ("日本", "美国"):
        row = found[country]
        assert row["model_kind"] == "country"
        assert row["basis"] == "explicit"  # the text itself says to learn from them
        assert (row["section"], row["countermeasure_section"], row["source"]) == ("5.3", "5.3", "wang-jinze-2025")
        quotes = row["evidence_zh"].split(" | ")
        assert any(country in q and "学习" in q and squeeze(q) in SECTIONS["5.3"] for q in quotes), quotes
    assert {found["日本"]["countermeasure_id"]} == {found["美国"]["countermeasure_id"]}


def test_every_model_is_one_the_text_says_to_learn_from(models):
    """Section 5's models, read from the text: in 5.3 日本、美国等发达国家 (the group and its two named
    members) and 印度 (值得我国的深入学习与运用), in 5.2 《数字欧洲计划》 (借鉴意义); no other section
    names one (5.1's 借鉴国际法规 names no country)."""
    (india,) = clauses("5.3", "印度")
    assert "学习" in india
    (europe,) = clauses("5.2", "借鉴")
    assert "《数字欧洲计划》" in europe
    assert [part for n in ("5.1", "5.4", "5.5") for part in clauses(n, "学习") + clauses(n, "借鉴")] == clauses("5.1", "借鉴国际法规")
    expected = {("5.3", "日本"), ("5.3", "美国"), ("5.3", "发达国家"), ("5.3", "印度"), ("5.2", "数字欧洲计划")}
    assert {(r["countermeasure_section"], r["model_zh"]) for r in models} == expected
    for r in models:
        assert r["countermeasure_zh"] == TITLES[r["countermeasure_section"]]
        assert r["basis"] == "explicit" and r["section"] == r["countermeasure_section"]
        for quote in r["evidence_zh"].split(" | "):
            assert squeeze(quote) in SECTIONS[r["section"]] and r["model_zh"] in quote and ("学习" in quote or "借鉴" in quote), (r, quote)
    # section 4 measures China against 欧美等发达国家 without holding them up as a model
    assert "欧美等发达国家" in SECTIONS["4.1"] and "欧美等发达国家" not in {r["model_zh"] for r in models}


def test_the_countermeasure_parameter_and_evidence_for_a_model(kg, models):
    """`-p countermeasure=` keeps that countermeasure's models; evidence-for a country lists its model link."""
    cooperation = next(r["countermeasure_id"] for r in models if r["model_zh"] == "美国")
    only = rows(dskg.run_query("models", kg, {"countermeasure": cooperation}))
    assert only == [r for r in models if r["countermeasure_id"] == cooperation] and len(only) == 4
    usa = next(r["model_id"] for r in models if r["model_zh"] == "美国")
    evidence = [r for r in rows(dskg.run_query("evidence-for", kg, {"entity": usa})) if r["id"] == cooperation]
    assert [(r["kind"], r["basis"], r["section"]) for r in evidence] == [("link", "explicit", "5.3")]
    assert "学习日本、美国等发达国家" in evidence[0]["text_zh"]
