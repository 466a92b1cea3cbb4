"""Issue 16, point 4: the report's matrix is the evidence and gap map over every work in the graph.

The site is built once per module from a data folder holding the real entries of tests/entries/
(`dskg init`, then `dskg add` of every tests/entries/*.yaml). What each cell should show is
written from those entries by hand (see the comments there):
- nordas-rouzet-2017 states cm-legal-support -> bar-legal-framework (interpretive), a link the
  paper states explicitly: that cell has 2 works, 1 explicit, 1 interpretive;
- nordas-rouzet-2017 introduces bar-services-trade-restrictions, close_match bar-market-access, and
  links cm-legal-support to it: it counts in the paper's market-access row ("via"), 2 works, and
  has no row of its own;
- lopez-gonzalez-ferencz-2018 introduces cm-holistic-market-openness (a new column) and links it
  to bar-market-access: 1 work;
- zhou-nianli-yao-tingting-2021 disputes cm-legal-support -> bar-tech-innovation, which no work
  supports: 0 works stating it, 1 disputing;
- ferracane-van-der-marel-2018 introduces bar-data-flow-restrictions, broad_match
  bar-market-access, which nothing addresses: a gap row of its own, the broad match noted, not merged.
None of these works ships its text, so every quote of theirs is marked unchecked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_report import browser, open_page, screenshots  # noqa: F401  (fixtures shared with the report's browser tests)
from typer.testing import CliRunner

import dskg
from dskg import evidencemap, intake, report, reportdata
from dskg.cli import app
from dskg.queries import rows
from tools import need

ENTRIES = sorted((Path(__file__).parent / "entries").glob("*.yaml"))
LEGAL, FRAMEWORK, ACCESS, INNOVATION = "cm-legal-support", "bar-legal-framework", "bar-market-access", "bar-tech-innovation"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory, speed_path) -> tuple[dskg.KnowledgeGraph, Path]:
    """The graph of the shipped data plus every real entry, and its report in English."""
    need("dot", "graphviz")
    data = intake.init_data_dir(tmp_path_factory.mktemp("evidence") / "data")
    added = CliRunner().invoke(app, ["add", *map(str, ENTRIES), "--data", str(data)])
    assert added.exit_code == 0, added.output
    kg = dskg.build(data)
    site = tmp_path_factory.mktemp("evidence-site") / "site"
    report.write_report(kg, site, lang="en")
    return kg, site


def matrix(index: str) -> dict[tuple[str, str], dict[str, str]]:
    """(countermeasure, barrier) -> the data-* attributes of that cell, as the page writes them."""
    columns = re.findall(r'<th scope="col" class="cm[^"]*" data-countermeasure="([^"]+)"', index)
    cells = {}
    for barrier, row in re.findall(r'<tr class="barrier[^"]*" data-barrier="([^"]+)">(.*?)</tr>', index, re.S):
        tds = re.findall(r'<td class="cell[^"]*"([^>]*)>', row)
        assert len(tds) == len(columns), barrier
        for cm, attrs in zip(columns, tds):
            cells[(cm, barrier)] = dict(re.findall(r'data-([a-z]+)="([^"]*)"', attrs))
    return cells


def drill_down(index: str, anchor: str) -> str:
    start = index.index('<li class="evidence-item', index.index(f'id="{anchor}"') - 80)
    return index[start : index.index("\n</li>", start)]


def test_the_added_works_cells_show_how_many_works_state_each_link(evidence):
    index = (evidence[1] / "index.html").read_text(encoding="utf-8")
    cells = matrix(index)
    counts = {key: (c.get("works"), c.get("explicit"), c.get("interpretive"), c.get("disputing"), c["basis"]) for key, c in cells.items()}
    assert counts[(LEGAL, FRAMEWORK)] == ("2", "1", "1", "0", "explicit")  # the paper (explicit) and nordas-rouzet-2017
    assert counts[(LEGAL, ACCESS)] == ("2", "0", "2", "0", "interpretive")  # the paper and nordas-rouzet-2017, via its own barrier
    assert counts[("cm-holistic-market-openness", ACCESS)] == ("1", "0", "1", "0", "interpretive")
    assert counts[(LEGAL, INNOVATION)] == ("0", "0", "0", "1", "disputed")  # zhou-nianli-yao-tingting-2021 disputes it
    assert counts[("cm-talent", INNOVATION)] == ("1", "0", "1", "0", "interpretive")  # the paper's alone


def test_every_cell_agrees_with_the_catalogues_evidence_map(evidence):
    kg, site = evidence
    cells = matrix((site / "index.html").read_text(encoding="utf-8"))
    expected = rows(dskg.run_query("evidence-map", kg))
    assert {(r["countermeasure_id"], r["barrier_id"]) for r in expected} == {k for k, c in cells.items() if c["basis"] != "none"}
    for r in expected:
        cell = cells[(r["countermeasure_id"], r["barrier_id"])]
        shown = tuple(int(cell[k]) for k in ("works", "explicit", "interpretive", "disputing"))
        assert shown == (r["works"], r["explicit_works"], r["interpretive_works"], r["disputing_works"]), r


def test_records_with_a_close_match_count_with_their_target_and_broad_matches_are_only_noted(evidence):
    index = (evidence[1] / "index.html").read_text(encoding="utf-8")
    barriers = re.findall(r'<tr class="barrier[^"]*" data-barrier="([^"]+)">', index)
    assert "bar-services-trade-restrictions" not in barriers  # counted as bar-market-access
    assert "cm-holistic-market-openness" in re.findall(r'data-countermeasure="([^"]+)"', index)
    row = re.search(r'<tr class="barrier" data-barrier="bar-market-access">.*?</th>', index, re.S).group(0)
    assert 'counted with it: <a href="entity/bar-services-trade-restrictions.html">' in row
    assert 'narrower concept: <a href="entity/bar-data-flow-restrictions.html">' in row
    statement = drill_down(index, f"{LEGAL}--addresses--{ACCESS}").split('data-work="nordas-rouzet-2017"')[1]
    assert re.search(r'<span class="via">via <a href="entity/bar-services-trade-restrictions.html">', statement)


def test_a_cells_drill_down_lists_each_work_with_its_basis_stance_page_and_quote_unchecked(evidence):
    index = (evidence[1] / "index.html").read_text(encoding="utf-8")
    row = index.split(f'data-barrier="{FRAMEWORK}"')[1]
    cell = re.search(r'<td class="cell[^"]*" data-basis="explicit"[^>]*>\s*<a href="#([^"]+)"', row)
    assert cell.group(1) == f"{LEGAL}--addresses--{FRAMEWORK}"
    works = drill_down(index, cell.group(1)).split('<li class="statement')[1:]
    assert [re.search(r'data-work="([^"]+)"', w).group(1) for w in works] == ["wang-jinze-2025", "nordas-rouzet-2017"]
    paper, entry = works
    assert '<span class="basis-tag explicit">explicit</span>' in paper and "unchecked" not in paper
    assert '<span class="basis-tag interpretive">interpretive</span>' in entry
    assert '<span class="stance stance-supports">supports</span>' in entry and '<span class="section">p. abstract</span>' in entry
    quote = (
        "Bilateral differences in regulation are also found to curtail services trade over and above the impact of the trade"
        " liberalisation level."
    )
    assert re.search(rf'<q lang="en">{re.escape(quote)}</q> <span class="unchecked"[^>]*>unchecked</span>', entry)
    disputed = drill_down(index, f"{LEGAL}--addresses--{INNOVATION}")
    assert '<span class="stance stance-disputes">disputes</span>' in disputed and "1 disputing" in disputed


def test_the_map_in_chinese_marks_unchecked_quotes_too(evidence):
    kg, _ = evidence
    data = reportdata.collect(kg)
    index = report.render_site(data, "zh", evidence_map=evidencemap.collect(kg, data))["index.html"]
    entry = drill_down(index, f"{LEGAL}--addresses--{FRAMEWORK}").split('data-work="nordas-rouzet-2017"')[1]
    assert '<span class="unchecked" title="引文未核对：未附该文献全文，无法逐字核对">未核对</span>' in entry
    assert '<span class="stance stance-supports">支持</span>' in entry


def own_quotes(page: str) -> str:
    """The entity page's list of the record's own quotes (its links' quotes follow under their own headings)."""
    start = page.index('<ul class="quotes">', page.index("<h2>Quotes from the source</h2>"))
    return page[start : page.index("</ul>", start)]


def test_a_records_own_quotes_are_marked_unchecked_where_its_work_ships_no_text(evidence):
    entity = evidence[1] / "entity"
    introduced = own_quotes((entity / "bar-data-flow-restrictions.html").read_text(encoding="utf-8"))
    quote = "We distinguish between policies regulating the cross-border movement of data and policies regulating the domestic use of data."
    assert re.search(rf'<q lang="en">{re.escape(quote)}</q> <span class="unchecked"[^>]*>unchecked</span>', introduced)
    for barrier in (FRAMEWORK, ACCESS, INNOVATION):  # the paper's records quote the paper, whose text is shipped and checked
        page = (entity / f"{barrier}.html").read_text(encoding="utf-8")
        assert '<q lang="zh">' in own_quotes(page) and "unchecked" not in own_quotes(page), barrier
    # the same page still marks the entry's link to it: the mark follows each quote's own work
    framework = (entity / f"{FRAMEWORK}.html").read_text(encoding="utf-8")
    entry_link = framework[framework.index(f'id="{LEGAL}--addresses--{FRAMEWORK}--nordas-rouzet-2017"') :]
    assert '<span class="unchecked"' in entry_link[: entry_link.index("</li>\n")]


def test_with_one_work_stating_the_links_the_cells_tip_and_quote_list_mark_its_quote_unchecked(evidence):
    # the matrix without counts (one work states every link) shows that work's quote in the cell's tip and list
    data = reportdata.collect(evidence[0])
    data.links = [x for x in data.links if x.source == "lopez-gonzalez-ferencz-2018"]
    index = report.render_site(data, "en")["index.html"]
    anchor = f"cm-holistic-market-openness--addresses--{ACCESS}"
    quote = re.escape("Similarly, the ability to engage in trade in services, particularly those that are digitally delivered")
    tip = re.search(rf'<span class="tip" role="tooltip" id="tip-{anchor}">(.*?)</span>\n', index).group(1)
    assert re.search(rf'<q lang="en">{quote}[^<]*</q> <span class="unchecked"[^>]*>unchecked</span>', tip)
    item = index[index.index(f'<li class="evidence-item interpretive" id="{anchor}">') :]
    quotes = item[item.index('<ul class="quotes">') : item.index("</ul>")]  # the quote list under the cell's heading
    assert re.fullmatch(rf'<ul class="quotes"><li><q lang="en">{quote}[^<]*</q> <span class="unchecked"[^>]*>unchecked</span></li>', quotes)


def test_a_barrier_and_a_countermeasure_no_work_links_are_gaps(evidence):
    kg, site = evidence
    index = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<tr class="barrier gap" data-barrier="bar-data-flow-restrictions">.*?gap: no countermeasure addresses', index, re.S)
    # no entry introduces a countermeasure it links to nothing, so one is added to the data read from the graph
    data = reportdata.collect(kg)
    data.entities["cm-lonely"] = reportdata.Entity("cm-lonely", "countermeasure", reportdata.Text(en="A lonely proposal"))
    data.labels["cm-lonely"] = data.entities["cm-lonely"].label
    index = report.render_site(data, "en")["index.html"]
    assert '<th scope="col" class="cm gap" data-countermeasure="cm-lonely">' in index
    assert re.search(r'<p class="gap-list">.*Countermeasures no work links to a barrier.*A lonely proposal', index)


def test_with_the_paper_alone_cells_show_no_counts(kg):
    index = report.render_site(reportdata.collect(kg), "en")["index.html"]
    assert 'class="count' not in index and "data-works=" not in index and "⚑" not in index
    linked = [r for r in rows(dskg.run_query("countermeasures-by-barrier", kg)) if r["basis"] != "none"]
    assert len(re.findall(r'<td class="cell (?:explicit|interpretive)"', index)) == len(linked)


# -- in a real browser -----------------------------------------------------------------------------------


@pytest.mark.fast_path_only("a browser renders the map; its cells are checked on both paths by the tests above")
@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_the_evidence_map_in_the_browser(browser, evidence, screenshots, width):  # noqa: F811
    page, seen = open_page(browser, (evidence[1] / "index.html").as_uri(), width)
    try:
        row = page.locator(f'#matrix tr[data-barrier="{ACCESS}"]')
        # legal support (with nordas-rouzet-2017 through its own barrier), holistic market openness
        assert row.locator(".count").all_inner_texts() == ["2", "1"]
        gap = page.locator('#matrix tr[data-barrier="bar-data-flow-restrictions"] .gap-note')
        assert gap.is_visible()
        page.locator("#matrix").screenshot(path=str(screenshots / f"evidence-map-{width}.png"))
        # nothing sticks out at phone width: neither the page nor the matrix scrolls sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        if width < 700:
            assert page.evaluate("(() => { const t = document.getElementById('matrix'); return t.scrollWidth <= t.clientWidth + 1 })()")
        # a cell leads to its drill-down, which lists the works with the entry's quote marked unchecked
        page.locator(f'#matrix tr[data-barrier="{FRAMEWORK}"] td[data-basis="explicit"] a').click()
        item = page.locator(f'[id="{LEGAL}--addresses--{FRAMEWORK}"]')
        assert page.evaluate("location.hash") == f"#{LEGAL}--addresses--{FRAMEWORK}"
        entry = item.locator('li[data-work="nordas-rouzet-2017"]')
        assert entry.locator(".unchecked").is_visible() and entry.locator(".unchecked").inner_text() == "unchecked"
        assert item.locator('li[data-work="wang-jinze-2025"] .unchecked').count() == 0
        item.screenshot(path=str(screenshots / f"evidence-drill-down-{width}.png"))
        assert seen["errors"] == []
    finally:
        page.close()


def test_every_link_of_the_map_site_leads_to_a_page_and_anchor_that_exist(evidence):
    """Two works stating one link give two anchors on the entity pages; the map's edges and the cells find theirs."""
    site = evidence[1]
    for page in [*site.rglob("*.html"), site / "map.svg"]:
        text = page.read_text(encoding="utf-8")
        assert len(re.findall(r' id="([^"]+)"', text)) == len(set(re.findall(r' id="([^"]+)"', text))), page
        for target in re.findall(r'(?:href|xlink:href)="([^"]+)"', text):
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            assert resolved.is_file(), f"{page.name}: {target}"
            if anchor:
                assert f'id="{anchor}"' in resolved.read_text(encoding="utf-8"), f"{page.name}: {target}"


def test_each_drill_down_lists_the_works_the_catalogues_works_by_link_lists(evidence):
    kg, site = evidence
    index = (site / "index.html").read_text(encoding="utf-8")
    for cell in rows(dskg.run_query("evidence-map", kg)):
        cm, barrier = cell["countermeasure_id"], cell["barrier_id"]
        behind = rows(dskg.run_query("works-by-link", kg, {"barrier": barrier, "countermeasure": cm}))
        shown = drill_down(index, f"{cm}--addresses--{barrier}").split('<li class="statement')[1:]
        # one statement per stated link; marked unchecked exactly where the quote was not checked
        assert sorted(re.search(r'data-work="([^"]+)"', s).group(1) for s in shown) == sorted(r["work_id"] for r in behind), (cm, barrier)
        marks = sorted((re.search(r'data-work="([^"]+)"', s).group(1), "unchecked</span>" in s) for s in shown)
        assert marks == sorted((r["work_id"], r["quote_checked"] == "false") for r in behind), (cm, barrier)
