"""`dskg report`: the static site, checked against the graph, and opened in a real headless Chromium.

The site is built once per session. Browser tests drive Debian's /usr/bin/chromium through
Playwright (which downloads no browser of its own); they are skipped only when chromium or
Graphviz is missing on a developer's machine, and fail in CI (CI=true), where
`.ci/install-rdf-tools` installs both.
"""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dskg
from dskg import report, reportformat
from dskg.cli import app
from dskg.errors import UsageError
from dskg.queries import rows, run_query, run_sparql
from tools import need

CHROMIUM = "/usr/bin/chromium"
ID = "https://w3id.org/dskg/id/"


def graph_ids(kg: dskg.KnowledgeGraph, cls: str) -> set[str]:
    query = f"PREFIX dskg: <https://w3id.org/dskg/ontology#> SELECT ?x WHERE {{ ?x a dskg:{cls} }}"
    return {str(r[0])[len(ID) :] for r in run_sparql(query, kg)}


@pytest.fixture(scope="session")
def site(kg, tmp_path_factory) -> Path:
    need("dot", "graphviz")
    folder = tmp_path_factory.mktemp("report") / "site"
    report.write_report(kg, folder, lang="en")
    return folder


@pytest.fixture(scope="session")
def site_zh(kg, tmp_path_factory) -> Path:
    need("dot", "graphviz")
    folder = tmp_path_factory.mktemp("report-zh") / "site"
    report.write_report(kg, folder, lang="zh")
    return folder


# -- the files ---------------------------------------------------------------------------------


def test_site_has_index_a_page_per_record_statistics_literature_and_ontology(site, kg):
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    records = graph_ids(kg, "Advantage") | graph_ids(kg, "Barrier") | graph_ids(kg, "Countermeasure")
    assert pages == {"index.html", "statistics.html", "literature.html", "ontology.html"} | {f"entity/{r}.html" for r in records}
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="ontology.html"' in index and "<svg" in index and (site / "map.svg").is_file()


def test_every_link_in_the_site_leads_to_a_page_and_anchor_that_exist(site):
    for page in [*site.rglob("*.html"), site / "map.svg"]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|xlink:href)="([^"]+)"', text):
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            assert resolved.is_file(), f"{page.name}: {target}"
            if anchor:
                assert f'id="{anchor}"' in resolved.read_text(encoding="utf-8"), f"{page.name}: {target}"


def test_every_page_sets_its_language_and_nothing_points_off_the_file_system(site, site_zh):
    for folder, lang in ((site, "en"), (site_zh, "zh")):
        for page in folder.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert f'<html lang="{lang}">' in text, page
            assert not re.search(r'(?:src|href)\s*=\s*"(?:https?:)?//', text), page
            assert "<script" not in text, page
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", (folder / "style.css").read_text(encoding="utf-8"))


def test_labels_stand_in_both_languages_with_lang_attributes(site_zh, kg):
    page = (site_zh / "entity" / "bar-legal-framework.html").read_text(encoding="utf-8")
    assert (
        '<span lang="zh">法律法规建设壁垒</span> <span class="other" lang="en">Barrier of legal and regulatory construction</span>' in page
    )
    for quote in (r["evidence_zh"] for r in rows(run_query("countermeasures-by-barrier", kg, {"barrier": "bar-legal-framework"}))):
        for q in quote.split(" | "):
            assert f'<q lang="zh">{q}</q>' in page


def test_literature_lists_every_cited_work_in_gbt7714_style_with_its_claims(site, kg):
    page = (site / "literature.html").read_text(encoding="utf-8")
    works = rows(run_query("literature", kg))
    assert works
    for work in works:
        assert f'id="{work["id"]}"' in page
    assert (
        '<span lang="zh">王锦泽</span>. <cite lang="zh">我国数字服务贸易发展的优势、壁垒和对策研究</cite>[J]. '
        '<span lang="zh">服务科学和管理</span>, 2025, 14(3). DOI: 10.12677/ssem.2025.143042.'
    ) in page
    # a cited work whose title the graph does not know says so rather than inventing one
    assert re.search(r'<span lang="zh">张祁</span>\. <span class="unknown">\[title unknown\]</span>\. 2024\.', page)
    claim = next(w["claim_zh"] for w in works if w["id"] == "zhang-qi-2024")
    assert f'<p lang="zh">{claim}</p>' in page


def test_statistics_page_shows_the_graphs_trade_figures(site, kg):
    page = (site / "statistics.html").read_text(encoding="utf-8")
    balance = rows(run_query("trade-balance", kg))
    assert len(balance) == 2
    chart = page[page.index('<svg class="chart"') : page.index("</svg>")]
    assert "Unit: bn CNY" in chart
    for r in balance:
        assert r["unit"] == "CNY x 100000000"  # 亿元, shown in bn (10⁹) on an English page
        for flow in ("imports", "exports"):
            assert f"{flow} {reportformat.number(Decimal(str(r[flow])) / 10)}" in chart
    for stat in rows(run_query("statistics", kg)):
        assert f'id="{stat["id"]}"' in page and stat["value_text"] in page


def test_completeness_panel_counts_come_from_the_graph(site, kg):
    page = (site / "index.html").read_text(encoding="utf-8")
    panel = page[page.index('class="completeness"') :]
    barriers = graph_ids(kg, "Barrier")
    explicit = {r["barrier_id"] for r in rows(run_query("countermeasures-by-barrier", kg, {"basis": "explicit"}))}
    assert f"{len(barriers - explicit)} of {len(barriers)}" in panel
    untitled = run_sparql(
        "PREFIX dskg: <https://w3id.org/dskg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT (COUNT(?w) AS ?n) WHERE { ?w a dskg:Work FILTER NOT EXISTS { ?w dcterms:title ?t } }",
        kg,
    )
    assert f"{int(next(iter(untitled))[0])} of {len(rows(run_query('literature', kg)))}" in panel
    labelled = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { "
        'GRAPH <https://w3id.org/dskg/graph/data> { ?s rdfs:label ?l %s } FILTER(STRSTARTS(STR(?s), "%s")) }'
    )
    both = 'FILTER(LANG(?l) = "zh") ?s rdfs:label ?en FILTER(LANG(?en) = "en")'
    counts = [int(next(iter(run_sparql(labelled % (extra, ID), kg)))[0]) for extra in (both, "")]
    assert f"{counts[0]} of {counts[1]}" in panel


def test_a_report_folder_is_replaced_whole_and_other_folders_are_left_alone(kg, tmp_path):
    need("dot", "graphviz")
    target = tmp_path / "site"
    report.write_report(kg, target, lang="en")
    (target / "stale.html").write_text("old")
    report.write_report(kg, target, lang="zh")
    assert not (target / "stale.html").exists()
    assert '<html lang="zh">' in (target / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left behind
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not empty"):
        report.write_report(kg, mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


@pytest.fixture(scope="session")
def gap_site(tmp_path_factory, speed_path) -> tuple[dskg.KnowledgeGraph, Path]:
    """A report of the graph plus a real entry that adds a barrier no countermeasure addresses."""
    need("dot", "graphviz")
    data = tmp_path_factory.mktemp("data")
    (data / "entries").mkdir()
    shutil.copy(Path(__file__).parent / "entries" / "ferracane-van-der-marel-2018.yaml", data / "entries")
    kg = dskg.build(data)
    folder = tmp_path_factory.mktemp("gap") / "site"
    report.write_report(kg, folder, lang="zh")
    return kg, folder


def test_a_barrier_no_countermeasure_addresses_stands_out_as_a_gap(gap_site):
    kg, folder = gap_site
    index = (folder / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr class="barrier gap" data-barrier="bar-data-flow-restrictions">.*?</tr>', index, re.S)
    assert row and "缺口：没有对策应对该壁垒" in row.group(0)
    assert row.group(0).count('data-basis="none"') == len(graph_ids(kg, "Countermeasure"))
    panel = index[index.index('class="completeness"') :]
    assert 'href="entity/bar-data-flow-restrictions.html"' in panel.split("无对策明确应对的壁垒")[0]
    literature = (folder / "literature.html").read_text(encoding="utf-8")
    assert '<cite lang="en">Do Data Policy Restrictions Inhibit Trade in Services?</cite>[R]' in literature
    page = (folder / "entity" / "bar-data-flow-restrictions.html").read_text(encoding="utf-8")
    assert "中文标签为本项目译名，非来源原文。" in page  # label_zh_verbatim: false in the entry
    assert "中文标签为本项目译名" not in (folder / "entity" / "bar-legal-framework.html").read_text(encoding="utf-8")


# -- the CLI -------------------------------------------------------------------------------------


def test_cli_report_and_diagram_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no `dot` anywhere
    runner = CliRunner()
    result = runner.invoke(app, ["report", "-o", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert "Graphviz" in result.output and "apt-get install graphviz" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "site").exists()
    result = runner.invoke(app, ["diagram", "--format", "svg"])
    assert result.exit_code == 2 and "graphviz" in result.output
    for fmt, start in (("dot", "digraph argument_map {"), ("mermaid", "flowchart LR")):
        result = runner.invoke(app, ["diagram", "--format", fmt, "-o", str(tmp_path / f"map.{fmt}")])
        assert result.exit_code == 0, result.output
        assert (tmp_path / f"map.{fmt}").read_text(encoding="utf-8").startswith(start)


def test_cli_rejects_unknown_format_and_language(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["diagram", "--format", "png"]).exit_code == 2
    assert runner.invoke(app, ["report", "-o", str(tmp_path / "s"), "--lang", "fr"]).exit_code == 2


def test_cli_report_writes_the_site(tmp_path):
    need("dot", "graphviz")
    result = CliRunner().invoke(app, ["report", "-o", str(tmp_path / "site"), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()


def test_the_same_graph_gives_the_same_site_and_map_whichever_store_holds_it(kg):
    """A report can be kept under version control: the fresh build in memory and the on-disk build of the cache
    (a second store, whose answers come in another order) write byte-identical pages, DOT and Mermaid."""
    from dskg import diagram
    from dskg.cache import cached_build

    cached_build()  # the first call builds and stores; the second opens the stored build
    fresh, stored = diagram.collect(kg), diagram.collect(cached_build())
    for lang in ("en", "zh"):
        assert report.render_site(stored, lang) == report.render_site(fresh, lang)
        assert diagram.to_dot(stored, lang) == diagram.to_dot(fresh, lang)
        assert diagram.to_mermaid(stored, lang) == diagram.to_mermaid(fresh, lang)


# -- the argument map ------------------------------------------------------------------------------


def test_mermaid_and_dot_have_every_record_and_every_link(kg):
    from dskg import diagram

    data = diagram.collect(kg)
    addressing = rows(run_query("countermeasures-by-barrier", kg))
    addressed = [r for r in addressing if r["basis"] != "none"]
    mermaid = diagram.render(kg, "mermaid", "zh")
    dot = diagram.render(kg, "dot", "en")
    for entity in data.entities:
        node = entity.replace("-", "_")
        assert f"    {node}[" in mermaid and f"    {node} [" in dot
    explicit = [r for r in addressed if r["basis"] == "explicit"]
    assert mermaid.count("==>") == len(explicit)
    assert mermaid.count("-.->") + mermaid.count("==>") == len(data.links)
    assert dot.count('style="dashed"') >= len(addressed) - len(explicit)
    assert "法律法规建设壁垒" in mermaid


def test_svg_map_is_drawn_by_graphviz(kg):
    need("dot", "graphviz")
    from dskg import diagram

    svg = diagram.render(kg, "svg", "zh")
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg') and "法律法规建设壁垒" in svg


# -- in a real browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    need(CHROMIUM, "Debian package chromium")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the Python package playwright (in the `test` extra)")
    with playwright_api.sync_playwright() as pw:
        # Debian's chromium, never a browser Playwright would download
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("DSKG_SCREENSHOTS") or tmp_path_factory.getbasetemp() / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nreport screenshots: {folder}")
    return folder


def open_page(browser, url: str, width: int):
    """A page at `url`, recording console errors, page errors and every request's URL."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = {"errors": [], "requests": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("requestfailed", lambda r: seen["errors"].append(f"failed: {r.url}"))
    page.goto(url, wait_until="load")
    return page, seen


@pytest.mark.fast_path_only("a browser renders the site; its content is checked on both paths by the tests above")
@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["index.html", "entity/bar-tech-innovation.html", "statistics.html", "literature.html", "ontology.html"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_load_offline_without_errors(browser, request, screenshots, lang, path, width):
    site = request.getfixturevalue("site" if lang == "en" else "site_zh")
    page, seen = open_page(browser, (site / path).as_uri(), width)
    try:
        assert page.locator("h1").first.is_visible()
        assert page.evaluate("document.documentElement.lang") == lang
        shot = screenshots / f"{lang}-{path.replace('/', '_').removesuffix('.html')}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert seen["errors"] == []
        assert seen["requests"] and all(u.startswith(("file://", "data:")) for u in seen["requests"]), seen["requests"]
        # readable at this width: the page itself never scrolls sideways (wide tables scroll in their box)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    finally:
        page.close()


@pytest.mark.slow
def test_matrix_has_a_row_per_barrier_and_a_column_per_countermeasure(browser, site, kg, screenshots):
    page, seen = open_page(browser, (site / "index.html").as_uri(), 1280)
    try:
        row_ids = page.locator("#matrix tr[data-barrier]").evaluate_all("rows => rows.map(r => r.dataset.barrier)")
        col_ids = page.locator("#matrix th[data-countermeasure]").evaluate_all("cols => cols.map(c => c.dataset.countermeasure)")
        barriers, countermeasures = graph_ids(kg, "Barrier"), graph_ids(kg, "Countermeasure")
        assert len(row_ids) == len(barriers) and set(row_ids) == barriers
        assert len(col_ids) == len(countermeasures) and set(col_ids) == countermeasures
        # each cell shows the basis of the graph's link (or none)
        basis = {
            (r["barrier_id"], r["countermeasure_id"]): r["basis"]
            for r in rows(run_query("countermeasures-by-barrier", kg))
            if r["countermeasure_id"]
        }
        cells = page.locator("#matrix tr[data-barrier]").evaluate_all(
            "rows => rows.map(r => [...r.querySelectorAll('td')].map(td => td.dataset.basis))"
        )
        for barrier, marks in zip(row_ids, cells):
            assert marks == [basis.get((barrier, cm), "none") for cm in col_ids]
        # hovering a linked cell shows its evidence quote
        link = rows(run_query("countermeasures-by-barrier", kg, {"basis": "explicit"}))[0]
        cell = page.locator(f'#matrix tr[data-barrier="{link["barrier_id"]}"] td[data-basis="explicit"]')
        cell.hover()
        tip = cell.locator(".tip")
        assert tip.is_visible() and link["evidence_zh"].split(" | ")[0] in tip.inner_text()
        page.locator("#matrix").screenshot(path=str(screenshots / "matrix-1280.png"))
        page.locator("figure.map").screenshot(path=str(screenshots / "map-1280.png"))
        # the map links each record to its page
        hrefs = page.locator("figure.map svg a").evaluate_all(
            "links => links.map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))"
        )
        nodes = {h.removeprefix("entity/").removesuffix(".html") for h in hrefs if "#" not in h}
        assert nodes == barriers | countermeasures | graph_ids(kg, "Advantage")
        # ... and each edge to the evidence of its link
        links = len(rows(run_query("countermeasures-by-barrier", kg, {"basis": "explicit"}))) + len(
            rows(run_query("countermeasures-by-barrier", kg, {"basis": "interpretive"}))
        )
        assert len([h for h in hrefs if "#" in h]) >= links
        assert seen["errors"] == []
    finally:
        page.close()


@pytest.mark.slow
def test_gap_row_in_the_browser(browser, gap_site, screenshots):
    kg, folder = gap_site
    page, seen = open_page(browser, (folder / "index.html").as_uri(), 1280)
    try:
        row = page.locator('#matrix tr[data-barrier="bar-data-flow-restrictions"]')
        assert row.locator(".gap-note").is_visible()
        page.locator("#matrix").screenshot(path=str(screenshots / "zh-matrix-with-gap-1280.png"))
        assert seen["errors"] == []
    finally:
        page.close()
