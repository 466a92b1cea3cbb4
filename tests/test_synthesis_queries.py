"""Issue 16, point 3: the synthesis queries (evidence-map, barrier-support, contested, gaps,
works-by-link) over several works.

One data folder per module: the shipped data, every real entry of tests/entries/ (`dskg add`), and
one made-up work (doe-2024, below) for what the real entries do not state: a link that one work
supports and another disputes, an entry's explicit link, an exact match of a countermeasure, a
refuting stance, a link without a quote and a countermeasure nothing links. Every expected row is
written by hand from those files (tests/entries/SOURCES.md tables the real entries' links,
matches and claims) and from the paper's links in data/countermeasures.yaml:
- wang-jinze-2025 (2025, zh), the paper: cm-legal-support -> bar-legal-framework (explicit), ->
  bar-cross-sector-cooperation, -> bar-market-access, -> bar-intellectual-property;
  cm-model-innovation, cm-international-cooperation and cm-talent -> bar-tech-innovation;
  cm-international-cooperation -> bar-global-tech; cm-ip-protection -> bar-intellectual-property
  (all interpretive, no stance: supports; quotes checked);
- nordas-rouzet-2017 (2017, en): cm-legal-support -> bar-legal-framework and -> its own
  bar-services-trade-restrictions (close_match bar-market-access), interpretive, supports;
- lopez-gonzalez-ferencz-2018 (2018, en): its own cm-holistic-market-openness -> bar-market-access;
- zhou-nianli-yao-tingting-2021 (2021, zh): disputes cm-legal-support -> bar-tech-innovation;
- ferracane-van-der-marel-2018 (2018, en): its own bar-data-flow-restrictions, broad_match
  bar-market-access (not merged), no link;
- ferracane-lee-makiyama-van-der-marel-2018 (2018, en): claims only;
- doe-2024 (2024, en, made up): its cm-doe-data-law (exact_match cm-legal-support) ->
  bar-tech-innovation, explicit, supports; refutes cm-talent -> bar-data-flow-restrictions (no quote).
None of the entries ships its text: their quotes are unchecked.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import rdflib
from test_query_engines import ARQ_PROGRAM, _assert_same_rows, _from_json, _from_rdflib, _neutral, _oxigraph_rows
from typer.testing import CliRunner

import dskg
from dskg import intake, publish, queries
from dskg.cli import app
from dskg.fast import SWITCH
from tools import jena_classpath, need

ENTRIES = sorted((Path(__file__).parent / "entries").glob("*.yaml"))
SYNTHESIS = ["evidence-map", "barrier-support", "contested", "gaps", "works-by-link"]

MADE_UP = """\
# A made-up work (not a real one), for what the real entries do not state.
id: doe-2024
type: article
title: {en: "A made-up work for the synthesis query tests"}
authors: ["Doe, Jane"]
year: 2024
language: en
countermeasures:
  - id: cm-doe-data-law
    label_en: Harmonise data law with trading partners
    label_zh: 与贸易伙伴协调数据法律
    label_zh_verbatim: false
    quotes: ["Harmonise data law with your trading partners."]
    matches:
      - exact_match: cm-legal-support
        basis: interpretive
        rationale_en: Both call for domestic law that meets the rules of trading partners.
  - id: cm-doe-digital-literacy
    label_en: Teach digital skills in schools
    label_zh: 在学校开展数字技能教育
    label_zh_verbatim: false
    quotes: ["Teach digital skills in every school."]
links:
  - subject: cm-doe-data-law
    property: addresses
    target: bar-tech-innovation
    basis: explicit
    stance: supports
    page: "4"
    quote: "Harmonised data law frees firms to innovate."
  - subject: cm-talent
    property: addresses
    target: bar-data-flow-restrictions
    basis: interpretive
    stance: refutes
    page: "9"
"""

PAPER, NORDAS, LOPEZ, ZHOU, DOE = (
    "wang-jinze-2025",
    "nordas-rouzet-2017",
    "lopez-gonzalez-ferencz-2018",
    "zhou-nianli-yao-tingting-2021",
    "doe-2024",
)
FERRACANE_DATA, FERRACANE_DTRI, ALIYA = "ferracane-van-der-marel-2018", "ferracane-lee-makiyama-van-der-marel-2018", "aliya-aierken-2025"
LEGAL, TALENT, MODEL, COOPERATION, IP_CM = (
    "cm-legal-support",
    "cm-talent",
    "cm-model-innovation",
    "cm-international-cooperation",
    "cm-ip-protection",
)
HOLISTIC, DOE_LAW, DOE_LITERACY = "cm-holistic-market-openness", "cm-doe-data-law", "cm-doe-digital-literacy"
FRAMEWORK, CROSS, INNOVATION = "bar-legal-framework", "bar-cross-sector-cooperation", "bar-tech-innovation"
ACCESS, GLOBAL, IP, DATA_FLOW, STRI = (
    "bar-market-access",
    "bar-global-tech",
    "bar-intellectual-property",
    "bar-data-flow-restrictions",
    "bar-services-trade-restrictions",
)

ONLY_PAPER = (1, 0, 1, 0, 2025, 2025, {PAPER}, set())
"""An evidence-map cell only the paper states, interpretively: (works, explicit_works,
interpretive_works, disputing_works, first_year, last_year, work_ids, via_matches)."""

PAPER_CELLS = {
    (FRAMEWORK, LEGAL): (1, 1, 0, 0, 2025, 2025, {PAPER}, set()),
    **{
        cell: ONLY_PAPER
        for cell in [
            (CROSS, LEGAL),
            (ACCESS, LEGAL),
            (IP, LEGAL),
            (INNOVATION, MODEL),
            (INNOVATION, COOPERATION),
            (INNOVATION, TALENT),
            (GLOBAL, COOPERATION),
            (IP, IP_CM),
        ]
    },
}

ALL_CELLS = {
    **PAPER_CELLS,
    (FRAMEWORK, LEGAL): (2, 1, 1, 0, 2017, 2025, {PAPER, NORDAS}, set()),
    (ACCESS, LEGAL): (2, 0, 2, 0, 2017, 2025, {PAPER, NORDAS}, {STRI}),
    (ACCESS, HOLISTIC): (1, 0, 1, 0, 2018, 2018, {LOPEZ}, set()),
    (INNOVATION, LEGAL): (1, 1, 0, 1, 2021, 2024, {ZHOU, DOE}, {DOE_LAW}),
    (DATA_FLOW, TALENT): (0, 0, 0, 1, 2024, 2024, {DOE}, set()),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    data = intake.init_data_dir(tmp_path_factory.mktemp("synthesis") / "data")
    made_up = tmp_path_factory.mktemp("made-up") / "doe-2024.yaml"
    made_up.write_text(MADE_UP, encoding="utf-8")
    added = CliRunner().invoke(app, ["add", *map(str, ENTRIES), str(made_up), "--data", str(data)])
    assert added.exit_code == 0, added.output
    return data


@pytest.fixture(scope="module")
def works_kg(folder, speed_path) -> dskg.KnowledgeGraph:
    return dskg.build(folder)


def run(kg, name, params=None) -> list[dict]:
    return queries.rows(dskg.run_query(name, kg, params or {}))


def parts(value: str | None) -> set[str]:
    """A " | "-joined column as the set of its parts (GROUP_CONCAT has no order); "" is none."""
    return set(value.split(" | ")) if value else set()


def cells(kg, params=None) -> dict[tuple[str, str], tuple]:
    found = {}
    for r in run(kg, "evidence-map", params):
        key = (r["barrier_id"], r["countermeasure_id"])
        assert key not in found, f"two rows for {key}"
        found[key] = (
            r["works"],
            r["explicit_works"],
            r["interpretive_works"],
            r["disputing_works"],
            r["first_year"],
            r["last_year"],
            parts(r["work_ids"]),
            parts(r["via_matches"]),
        )
    return found


# --------------------------------------------------------------------------------------------
# evidence-map
# --------------------------------------------------------------------------------------------


COLUMNS = {
    "evidence-map": [
        "barrier_id",
        "barrier_zh",
        "barrier_en",
        "countermeasure_id",
        "countermeasure_zh",
        "countermeasure_en",
        "works",
        "explicit_works",
        "interpretive_works",
        "disputing_works",
        "first_year",
        "last_year",
        "work_ids",
        "via_matches",
    ],
    "barrier-support": [
        "barrier_id",
        "barrier_zh",
        "barrier_en",
        "level",
        "works_naming_it",
        "works_addressing_it",
        "countermeasure_count",
        "first_year",
        "last_year",
        "via_matches",
    ],
    "contested": [
        "property",
        "subject_id",
        "subject_zh",
        "subject_en",
        "target_id",
        "target_zh",
        "target_en",
        "supporting_works",
        "disputing_works",
        "supporting_work_ids",
        "disputing_work_ids",
        "via_matches",
    ],
    "gaps": [
        "kind",
        "barrier_id",
        "barrier_zh",
        "barrier_en",
        "countermeasure_id",
        "countermeasure_zh",
        "countermeasure_en",
        "work_ids",
        "via_matches",
    ],
    "works-by-link": [
        "work_id",
        "year",
        "basis",
        "stance",
        "section",
        "page",
        "quote",
        "quote_checked",
        "stated_barrier_id",
        "stated_countermeasure_id",
    ],
}
"""The issue's columns; via_matches (and works-by-link's stated ids) say which records were
counted through a match."""


@pytest.mark.parametrize("name", SYNTHESIS)
def test_each_query_returns_its_columns(kg, name):
    params = {"barrier": FRAMEWORK, "countermeasure": LEGAL} if name == "works-by-link" else {}
    assert [str(v) for v in dskg.run_query(name, kg, params).vars] == COLUMNS[name]


def test_with_the_paper_alone_each_of_its_links_is_a_cell_of_one_work(kg):
    assert cells(kg) == PAPER_CELLS


def test_every_cell_counts_the_works_stating_it_through_exact_and_close_matches(works_kg):
    assert cells(works_kg) == ALL_CELLS


def test_evidence_map_rows_carry_both_records_labels(works_kg):
    row = next(r for r in run(works_kg, "evidence-map") if (r["barrier_id"], r["countermeasure_id"]) == (ACCESS, HOLISTIC))
    assert (row["barrier_zh"], row["barrier_en"]) == ("国际市场准入壁垒", "Barrier of international market access")
    assert (row["countermeasure_zh"], row["countermeasure_en"]) == (
        "通过国际合作整体推进市场开放",
        "Approach market openness holistically through international cooperation",
    )


def test_evidence_map_basis_keeps_only_links_of_that_basis(works_kg):
    assert cells(works_kg, {"basis": "explicit"}) == {
        (FRAMEWORK, LEGAL): (1, 1, 0, 0, 2025, 2025, {PAPER}, set()),
        (INNOVATION, LEGAL): (1, 1, 0, 0, 2024, 2024, {DOE}, {DOE_LAW}),
    }
    interpretive = cells(works_kg, {"basis": "interpretive"})
    assert interpretive == {
        **ALL_CELLS,
        (FRAMEWORK, LEGAL): (1, 0, 1, 0, 2017, 2017, {NORDAS}, set()),
        (INNOVATION, LEGAL): (0, 0, 0, 1, 2021, 2021, {ZHOU}, set()),
    }


def test_evidence_map_language_keeps_the_works_in_that_language(works_kg):
    assert cells(works_kg, {"language": "zh"}) == {**PAPER_CELLS, (INNOVATION, LEGAL): (0, 0, 0, 1, 2021, 2021, {ZHOU}, set())}
    assert cells(works_kg, {"language": "en"}) == {
        (FRAMEWORK, LEGAL): (1, 0, 1, 0, 2017, 2017, {NORDAS}, set()),
        (ACCESS, LEGAL): (1, 0, 1, 0, 2017, 2017, {NORDAS}, {STRI}),
        (ACCESS, HOLISTIC): (1, 0, 1, 0, 2018, 2018, {LOPEZ}, set()),
        (INNOVATION, LEGAL): (1, 1, 0, 0, 2024, 2024, {DOE}, {DOE_LAW}),
        (DATA_FLOW, TALENT): (0, 0, 0, 1, 2024, 2024, {DOE}, set()),
    }


def test_evidence_map_years_bound_the_works_publication_years(works_kg):
    assert cells(works_kg, {"from_year": 2025}) == PAPER_CELLS
    assert cells(works_kg, {"to_year": 2017}) == {
        (FRAMEWORK, LEGAL): (1, 0, 1, 0, 2017, 2017, {NORDAS}, set()),
        (ACCESS, LEGAL): (1, 0, 1, 0, 2017, 2017, {NORDAS}, {STRI}),
    }
    assert cells(works_kg, {"from_year": "2018", "to_year": "2021"}) == {
        (ACCESS, HOLISTIC): (1, 0, 1, 0, 2018, 2018, {LOPEZ}, set()),
        (INNOVATION, LEGAL): (0, 0, 0, 1, 2021, 2021, {ZHOU}, set()),
    }


# --------------------------------------------------------------------------------------------
# barrier-support
# --------------------------------------------------------------------------------------------


def support(kg) -> dict[str, tuple]:
    return {
        r["barrier_id"]: (
            r["level"],
            r["works_naming_it"],
            r["works_addressing_it"],
            r["countermeasure_count"],
            r["first_year"],
            r["last_year"],
            parts(r["via_matches"]),
        )
        for r in run(kg, "barrier-support")
    }


def test_barrier_support_counts_works_naming_and_addressing_each_barrier(works_kg):
    # naming: the work a record is drawn from, a claim about it (aliya-aierken-2025: the paper's
    # claim-aliya-aierken-2025-2 in data/literature.yaml is about both domestic barriers), a link to it
    assert support(works_kg) == {
        INNOVATION: ("domestic", 4, 2, 4, 2021, 2025, set()),  # paper, aliya, zhou (disputing), doe; addressed by paper, doe
        FRAMEWORK: ("domestic", 5, 2, 1, 2017, 2025, set()),  # paper, aliya, nordas, ferracane (data), zhou (claims)
        CROSS: ("domestic", 1, 1, 1, 2025, 2025, set()),
        ACCESS: ("international", 4, 3, 2, 2017, 2025, {STRI}),  # paper, nordas (via its barrier), ferracane (dtri), lopez
        GLOBAL: ("international", 1, 1, 1, 2025, 2025, set()),
        IP: ("international", 2, 1, 2, 2018, 2025, set()),  # paper, ferracane (dtri)
        DATA_FLOW: ("international", 2, 0, 0, 2018, 2024, set()),  # its work, doe's refuting link; broad match not merged
    }


def test_added_works_raise_works_naming_it_of_the_papers_barriers(kg, works_kg):
    alone, added = support(kg), support(works_kg)
    assert (alone[ACCESS][1], added[ACCESS][1]) == (1, 4)
    assert (alone[IP][1], added[IP][1]) == (1, 2)


# --------------------------------------------------------------------------------------------
# contested
# --------------------------------------------------------------------------------------------


def test_contested_lists_the_link_one_work_supports_and_another_disputes(kg, works_kg):
    assert run(kg, "contested") == []  # the paper disputes nothing
    rows = run(works_kg, "contested")
    assert [
        (
            r["property"],
            r["subject_id"],
            r["target_id"],
            r["supporting_works"],
            r["disputing_works"],
            parts(r["supporting_work_ids"]),
            parts(r["disputing_work_ids"]),
            parts(r["via_matches"]),
        )
        for r in rows
    ] == [("addresses", LEGAL, INNOVATION, 1, 1, {DOE}, {ZHOU}, {DOE_LAW})]
    assert (rows[0]["subject_en"], rows[0]["target_zh"]) == (
        "Strengthen legal and regulatory support for digital services trade",
        "数字技术创新能力壁垒",
    )


# --------------------------------------------------------------------------------------------
# gaps
# --------------------------------------------------------------------------------------------


def gaps(kg) -> dict[tuple, tuple]:
    return {(r["kind"], r["barrier_id"], r["countermeasure_id"]): (parts(r["work_ids"]), parts(r["via_matches"])) for r in run(kg, "gaps")}


INTERPRETIVE_ONLY = [
    (CROSS, LEGAL),
    (IP, LEGAL),
    (INNOVATION, MODEL),
    (INNOVATION, COOPERATION),
    (INNOVATION, TALENT),
    (GLOBAL, COOPERATION),
    (IP, IP_CM),
]


def test_gaps_with_the_paper_alone_are_its_interpretive_links(kg):
    assert gaps(kg) == {("link-only-interpretive", b, cm): ({PAPER}, set()) for b, cm in [*INTERPRETIVE_ONLY, (ACCESS, LEGAL)]}


def test_gaps_name_what_no_work_addresses_links_or_states_explicitly(works_kg):
    assert gaps(works_kg) == {
        # a refuting link does not address it, and its broad match is not merged
        ("barrier-unaddressed", DATA_FLOW, None): ({FERRACANE_DATA}, set()),
        ("countermeasure-unlinked", None, DOE_LITERACY): ({DOE}, set()),
        **{("link-only-interpretive", b, cm): ({PAPER}, set()) for b, cm in INTERPRETIVE_ONLY},
        ("link-only-interpretive", ACCESS, LEGAL): ({PAPER, NORDAS}, {STRI}),
        ("link-only-interpretive", ACCESS, HOLISTIC): ({LOPEZ}, set()),
        # not listed: bar-legal-framework x cm-legal-support (the paper's explicit link),
        # bar-tech-innovation x cm-legal-support (doe-2024 explicitly, through cm-doe-data-law)
    }


def test_a_record_with_a_close_match_counts_as_addressed_through_it(works_kg):
    # bar-services-trade-restrictions is addressed (nordas-rouzet-2017) and so is the record it
    # matches: neither is a gap, and it has no row of its own anywhere
    for name in ("gaps", "barrier-support", "evidence-map"):
        assert STRI not in {r.get("barrier_id") for r in run(works_kg, name)}, name


# --------------------------------------------------------------------------------------------
# works-by-link
# --------------------------------------------------------------------------------------------


def works_by_link(kg, barrier, countermeasure) -> list[tuple]:
    return [
        (
            r["work_id"],
            r["year"],
            r["basis"],
            r["stance"],
            r["section"],
            r["page"],
            parts(r["quote"]),
            r["quote_checked"],
            r["stated_barrier_id"],
            r["stated_countermeasure_id"],
        )
        for r in run(kg, "works-by-link", {"barrier": barrier, "countermeasure": countermeasure})
    ]


def test_works_by_link_lists_each_work_with_its_evidence_and_whether_the_quote_was_checked(works_kg):
    access = [
        (
            NORDAS,
            2017,
            "interpretive",
            "supports",
            None,
            "abstract",
            {"Services trade restrictions are negatively associated with both imports and exports of services."},
            "false",
            STRI,
            LEGAL,
        ),
        (
            PAPER,
            2025,
            "interpretive",
            "supports",
            "5.1",
            None,
            {
                "通过签订更多的双边和多边贸易协定，各国可以进一步降低数字贸易壁垒，促进数字产品和服务的自由流动",
                "设有差异化的市场准入条款，对我国相关产业的准入条件比其他国家严苛",
            },
            "true",
            ACCESS,
            LEGAL,
        ),
    ]
    assert works_by_link(works_kg, ACCESS, LEGAL) == access
    # a record that matches one of the cell's names the same cell
    assert works_by_link(works_kg, STRI, LEGAL) == access
    innovation = [
        (
            ZHOU,
            2021,
            "interpretive",
            "disputes",
            None,
            "abstract",
            {"一国采取数据跨境流动限制性措施会抑制该国出口技术复杂度的提升"},
            "false",
            INNOVATION,
            LEGAL,
        ),
        (DOE, 2024, "explicit", "supports", None, "4", {"Harmonised data law frees firms to innovate."}, "false", INNOVATION, DOE_LAW),
    ]
    assert works_by_link(works_kg, INNOVATION, LEGAL) == works_by_link(works_kg, INNOVATION, DOE_LAW) == innovation
    # a link without a quote: nothing to check
    assert works_by_link(works_kg, DATA_FLOW, TALENT) == [(DOE, 2024, "interpretive", "refutes", None, "9", set(), None, DATA_FLOW, TALENT)]
    assert works_by_link(works_kg, GLOBAL, LEGAL) == []


def test_works_by_link_needs_both_ids_each_of_its_kind(works_kg):
    with pytest.raises(dskg.UsageError, match="countermeasure"):
        run(works_kg, "works-by-link", {"barrier": ACCESS})
    with pytest.raises(dskg.UsageError, match="barrier"):
        run(works_kg, "works-by-link", {"countermeasure": LEGAL})
    with pytest.raises(dskg.UsageError, match=HOLISTIC):  # the valid ids, the entries' included
        run(works_kg, "works-by-link", {"barrier": ACCESS, "countermeasure": ACCESS})


# --------------------------------------------------------------------------------------------
# The same rows on rdflib and Jena ARQ over the export (tests/test_query_engines.py compares them
# on the paper alone, where nothing is matched or disputed)
# --------------------------------------------------------------------------------------------


def _engine_cases() -> list[tuple[str, str, dict]]:
    cases = []
    for name in SYNTHESIS:
        query = queries.catalogue()[name]
        required = {p.name: p.example for p in query.header.params if p.required}
        cases.append(("works", name, required))
        for param in query.header.params:
            for value in param.choices or [param.example]:
                if required.get(param.name) != value:
                    cases.append(("works", name, {**required, param.name: value}))
    cases.append(("works", "works-by-link", {"barrier": STRI, "countermeasure": LEGAL}))
    cases.append(("works", "works-by-link", {"barrier": INNOVATION, "countermeasure": DOE_LAW}))
    cases.append(("works", "works-by-link", {"barrier": DATA_FLOW, "countermeasure": TALENT}))
    return cases


ENGINE_CASES = _engine_cases()


@pytest.fixture(scope="module")
def engines(works_kg, tmp_path_factory) -> dict:
    """Each case's rows from Oxigraph (dskg), rdflib and Jena ARQ (one JVM) over `dskg export --inferred`."""
    need("java", "Debian package default-jre-headless")
    folder = tmp_path_factory.mktemp("synthesis-engines")
    with pytest.MonkeyPatch.context() as patch:  # the fast path's Turtle, as tests/test_query_engines.py reads
        patch.delenv(SWITCH, raising=False)
        export = publish.export(works_kg, folder / "works.ttl", inferred=True)
    graph = rdflib.Graph().parse(export, format="turtle")
    lines, answers = [f"data\t{export}"], {"oxigraph": [], "rdflib": [], "jena": []}
    for i, (_, name, params) in enumerate(ENGINE_CASES):
        query = queries.get_query(name)
        text = queries.with_values(query.text, queries.bindings_for(query, params, works_kg))
        variables, rows = _oxigraph_rows({"works": works_kg}, ENGINE_CASES[i])
        answers["oxigraph"].append((variables, rows))
        result = graph.query(text)
        answers["rdflib"].append(
            (
                [str(v) for v in result.vars],
                _neutral(name, variables, [tuple(_from_rdflib(row[j]) for j in range(len(variables))) for row in result]),
            )
        )
        (folder / f"{i}.rq").write_text(text, encoding="utf-8")
        lines.append(f"run\t{folder / f'{i}.rq'}\t{folder / f'{i}.srj'}")
    (folder / "manifest.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(
        ["java", "-cp", jena_classpath(), str(ARQ_PROGRAM), str(folder / "manifest.tsv")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    for i, (_, name, _) in enumerate(ENGINE_CASES):
        error = folder / f"{i}.srj.error"
        if error.exists():
            answers["jena"].append(error.read_text(encoding="utf-8"))
            continue
        doc = json.loads((folder / f"{i}.srj").read_text(encoding="utf-8"))
        variables = doc["head"]["vars"]
        answers["jena"].append(
            (variables, _neutral(name, variables, [tuple(_from_json(b.get(v)) for v in variables) for b in doc["results"]["bindings"]]))
        )
    return answers


@pytest.mark.parametrize("engine", ["rdflib", "jena"])
def test_rdflib_and_jena_give_oxigraphs_rows_over_several_works(engines, engine):
    with_rows = set()
    for (_, name, params), (variables, expected), answer in zip(ENGINE_CASES, engines["oxigraph"], engines[engine]):
        assert not isinstance(answer, str), f"{engine} fails on {name} {params}: {answer}"
        assert answer[0] == variables, (name, params)
        _assert_same_rows(engine, f"{name} {params}", expected, answer[1])
        with_rows |= {name} if expected else set()
    assert with_rows == set(SYNTHESIS)
