"""Issue 18, point 3: a report that never misleads and reads at 390 px.

What each test expects is written from the issue and the paper, counted from the graph where the
data may grow (another record adds a label): a bar of "cited works whose title is unknown: 23 of 23"
reads as a gap, not as the full green bar of "181 of 181 labelled"; the argument map's barriers are
reachable at 390 px in text of a readable size; a Chinese name stands whole on one line; magnitudes
read as the paper writes them (5500 亿美元) and as an English reader expects them (550 bn USD); the
legend does not repeat its terms; the ontology page names its version, license and basis values.

The sites are built once for the module (about half a second each); the browser tests share
tests/test_report.py's Chromium.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from test_report import browser, open_page  # noqa: F401  (the module's Chromium, shared with the report's browser tests)

import dskg
from dskg import report, reportformat
from dskg.queries import rows, run_query, run_sparql
from tools import need

pytestmark = pytest.mark.fast_path_only("renders what the graph holds; the graph's paths are compared by the report's other tests")
PREFIXES = (
    "PREFIX dskg: <https://w3id.org/dskg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
)


@pytest.fixture(scope="module")
def sites(kg, tmp_path_factory) -> dict[str, Path]:
    need("dot", "graphviz")
    out = {}
    for lang in ("en", "zh"):
        out[lang] = tmp_path_factory.mktemp(f"readable-{lang}") / "site"
        report.write_report(kg, out[lang], lang=lang)
    return out


def page(sites: dict[str, Path], lang: str, name: str) -> str:
    return (sites[lang] / name).read_text(encoding="utf-8")


def text(html: str) -> str:
    """What a reader sees: tags dropped, entities decoded, white space collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def count(kg: dskg.KnowledgeGraph, query: str) -> int:
    return int(next(iter(run_sparql(PREFIXES + query, kg)))[0])


# -- 1. completeness bars coloured by meaning ----------------------------------------------------------


def bars(index: str) -> dict[str, tuple[str, float]]:
    """aria-label -> (the bar's class, the width of its filled part in %)."""
    found = re.findall(r'<span class="bar (\w+)" role="img" aria-label="([^"]+)"><span class="bar-fill" style="width: ([\d.]+)%">', index)
    return {unescape(label): (kind, float(width)) for kind, label, width in found}


def test_a_bar_fills_with_the_good_share_and_unknown_titles_read_as_a_gap(sites, kg):
    found = bars(page(sites, "en", "index.html"))
    works = len(rows(run_query("literature", kg)))
    untitled = count(kg, "SELECT (COUNT(?w) AS ?n) WHERE { ?w a dskg:Work FILTER NOT EXISTS { ?w dcterms:title ?t } }")
    assert untitled == 23 and works == 23  # the "23 of 23": the paper's reference list is missing
    titled = next((v for k, v in found.items() if k.startswith("Cited works whose title is known")), None)
    assert titled == ("gap", 0.0), found  # nothing of the bar is filled: no title is known
    labelled = next(v for k, v in found.items() if k.startswith("Records with both a Chinese and an English label"))
    both, total = (
        count(
            kg,
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <https://w3id.org/dskg/graph/data> {{ ?s rdfs:label ?l {extra} }} "
            'FILTER(STRSTARTS(STR(?s), "https://w3id.org/dskg/id/")) }',
        )
        for extra in ('FILTER(LANG(?l) = "zh") ?s rdfs:label ?en FILTER(LANG(?en) = "en")', "")
    )
    assert labelled == ("complete" if both == total else "gap", round(100 * both / total, 1))  # the 181 of 181: full and green
    for label in found:  # each bar says what it measures and how many, in words
        assert re.search(r": \d+ of \d+ \((complete|gap)\)$", label), label
    zh = bars(page(sites, "zh", "index.html"))
    assert zh[f"题名已知的被引文献：0 / {works} (缺口)"] == ("gap", 0.0)


@pytest.mark.slow
def test_each_bar_is_drawn_as_its_label_says_in_a_browser(browser, sites):  # noqa: F811
    view, seen = open_page(browser, (sites["en"] / "index.html").as_uri(), 390)
    try:
        shown = view.locator(".completeness .bar").evaluate_all("""bars => bars.map(b => {
            const fill = b.querySelector('.bar-fill'), word = b.nextElementSibling.querySelector('.bar-word');
            return {label: b.getAttribute('aria-label'), fill: fill.getBoundingClientRect().width, width: b.getBoundingClientRect().width,
                    fillColour: getComputedStyle(fill).backgroundColor, track: getComputedStyle(b).backgroundImage,
                    word: getComputedStyle(word, '::before').content + word.innerText};
        })""")
        assert len(shown) >= 3
        for bar in shown:  # each bar drawn as its label says: the good share filled green, a gap hatched and named
            good, total = map(int, re.search(r"(\d+) of (\d+)", bar["label"]).groups())
            assert abs(bar["fill"] - (bar["width"] - 2) * good / total) <= 1, bar  # 2: the border
            assert bar["fillColour"] == "rgb(0, 158, 115)"
            if good < total:
                assert "gradient" in bar["track"] and bar["word"] == '"⚠ "gap', bar
            else:
                assert "gradient" not in bar["track"] and bar["word"] == '"✓ "complete', bar
        titled = next(b for b in shown if b["label"].startswith("Cited works whose title is known"))
        assert titled["fill"] == 0 and titled["word"] == '"⚠ "gap'  # 23 of 23 unknown: nothing green
        assert seen["errors"] == []
    finally:
        view.close()


# -- 5. the legend says each term once ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_legend_does_not_repeat_its_terms(sites, lang):
    index = page(sites, lang, "index.html")
    legend = index[index.index('<dl class="legend"') : index.index("</dl>", index.index('<dl class="legend"'))]
    entries = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", legend)
    assert len(entries) >= 3
    for term, meaning in entries:
        word = text(term).strip("●◌⚑· ")
        assert word and not text(meaning).startswith(word), (word, text(meaning))
    assert "explicit explicit" not in text(index) and "明确 明确" not in text(index)


# -- 4. magnitudes in the units of the text ----------------------------------------------------------------


def shown_values(statistics: str) -> dict[str, tuple[str, str]]:
    """Statistic id -> (the value as stated, the value in the page's units), as the figures table shows them."""
    found = re.findall(r'<tr id="(stat-[^"]+)">.*?<td lang="zh">(.*?)</td>\s*<td class="num">(.*?)</td>', statistics, re.S)
    return {sid: (text(stated), text(value)) for sid, stated, value in found}


PAPER = Path(__file__).parents[1] / "data" / "source" / "paper-ssem-2025-143042.txt"


def test_a_chinese_page_writes_each_amount_as_the_paper_does(sites, kg):
    paper = re.sub(r"\s*\n\s*", "", PAPER.read_text(encoding="utf-8"))  # the text's lines break mid-phrase (1 万美\n元)
    shown = shown_values(page(sites, "zh", "statistics.html"))
    large = [r for r in rows(run_query("statistics", kg)) if int(r["magnitude"]) > 1]
    assert len(large) >= 13 and set(shown) >= {r["id"] for r in large}
    for r in large:
        stated, value = shown[r["id"]]
        amount = value.lstrip(">= ")
        assert re.fullmatch(r"[\d.]+ (万|亿|万亿)(美元|元|人)", amount), value
        assert amount in paper, amount  # 5500 亿美元, 14 亿人, 1.42 万亿元(人民币)
        assert stated == r["value_text"]  # the exact value as written stays beside it
    assert "× 10" not in text(page(sites, "zh", "statistics.html"))


def test_an_english_page_writes_amounts_in_thousands_millions_billions_and_trillions(sites):
    statistics = page(sites, "en", "statistics.html")
    shown = {sid: value.lstrip(">= ") for sid, (_, value) in shown_values(statistics).items()}
    assert shown["stat-nvidia-market-value-loss"] == "550 bn USD"  # 超过 5500 亿美元
    assert shown["stat-population"] == "1.4 bn people"  # 超过 14 亿人
    assert shown["stat-middle-income-group"] == "400 million people"  # 超过 4 亿人
    assert shown["stat-gdp-per-capita"] == "10,000 USD"  # 1 万美元以上
    assert shown["stat-digitally-deliverable-services-2024h1"] == "1.42 tn CNY"  # 1.42 万亿元人民币
    assert shown["stat-dst-total-2022"] == "371.078 bn USD"  # 3710.78 亿美元
    assert shown["stat-cloud-computing-market-2023"] == "616.5 bn CNY"  # 6165 亿元
    assert shown["stat-dst-growth-2022"] == "3.2%" and shown["stat-tiktok-restriction-delay"] == "90 days"
    trade = statistics[statistics.index('id="trade-balance"') : statistics.index("</table>", statistics.index('id="trade-balance"'))]
    assert re.search(r"Insurance services.*?<td class=\"num\">121.68</td><td class=\"num\">50.12</td>.*?<td>bn CNY</td>", trade, re.S)
    assert "× 10" not in text(statistics) and "10⁸" not in statistics


@pytest.mark.parametrize(
    ("value", "magnitude", "unit", "zh", "en"),
    [
        (3, 10**6, "CNY", "300 万元", "3 million CNY"),  # a magnitude with no word of its own is multiplied out
        (2.5, 10**4, "persons", "2.5 万人", "25,000 people"),
        (0.8, 10**12, "USD", "0.8 万亿美元", "800 bn USD"),
        (12, 1, "EUR", "12 EUR", "12 EUR"),  # a currency with no Chinese word keeps its code
    ],
)
def test_amounts_in_each_language(value, magnitude, unit, zh, en):
    assert reportformat.amount(value, magnitude, unit, "zh") == zh
    assert reportformat.amount(value, magnitude, unit, "en") == en


# -- 6. the ontology page: version, license, basis values, prefixed names ---------------------------------------------


def test_the_ontology_page_names_its_version_license_and_basis_values(sites, kg):
    ontology = page(sites, "en", "ontology.html")
    shown = text(ontology)
    header = "SELECT ?version ?license WHERE { <https://w3id.org/dskg/ontology> owl:versionInfo ?version ; dcterms:license ?license }"
    version, license_iri = next(iter(run_sparql(PREFIXES + header, kg)))
    assert f"Version {version}" in shown and str(license_iri) in shown
    assert f"版本 {version}" in text(page(sites, "zh", "ontology.html"))
    basis = "SELECT ?v ?label WHERE { ?v a dskg:Basis ; rdfs:label ?label FILTER(LANG(?label) = 'en') }"
    values = {str(v).rsplit("#", 1)[1]: str(label) for v, label in run_sparql(PREFIXES + basis, kg)}
    assert {"explicit", "interpretive", "editorial"} <= set(values)  # the basis of every link, as the issue names them
    section = text(ontology[ontology.index('id="h-values"') :])
    for name, label in values.items():
        assert f"dskg:{name} {label}" in section


def test_the_ontology_page_shows_prefixed_names_not_raw_iris(sites, kg):
    shown = text(page(sites, "en", "ontology.html"))
    assert "prov:Agent" in shown and "xsd:string" in shown  # the example and the commonest range
    for prefix, namespace in kg.prefixes().items():
        raw = re.search(re.escape(namespace) + r"[A-Za-z]", shown)
        assert raw is None, f"{prefix}: {shown[raw.start() - 40 : raw.end() + 40]}"


# -- 3. map labels: a Chinese name whole on its line, lines that do not touch ------------------------------------------


def node_lines(svg: str) -> dict[str, list[str]]:
    """Record id -> the text lines of its node in the map, top to bottom (nodes link to entity/<id>.html)."""
    nodes = re.findall(r'<g id="node\d+" class="node">(.*?)</g>\s*</g>', svg, re.S)
    out = {}
    for node in nodes:
        target = re.search(r'xlink:href="entity/([^"]+)\.html"', node)
        if target:
            out[target.group(1)] = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", node)]
    return out


def record_labels(kg: dskg.KnowledgeGraph) -> dict[str, dict[str, str]]:
    """Advantage, barrier and countermeasure id -> its rdfs:label by language."""
    query = (
        "SELECT ?r ?l WHERE { VALUES ?class { dskg:Advantage dskg:Barrier dskg:Countermeasure } ?r a ?class ; rdfs:label ?l "
        "FILTER(LANG(?l) IN ('zh', 'en')) }"
    )
    out: dict[str, dict[str, str]] = {}
    for record, label in run_sparql(PREFIXES + query, kg):
        out.setdefault(str(record).rsplit("/", 1)[1], {})[label.language] = str(label)
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_chinese_name_stands_whole_on_one_line_and_english_breaks_at_spaces(sites, kg, lang):
    lines = node_lines((sites[lang] / "map.svg").read_text(encoding="utf-8"))
    labels = record_labels(kg)
    assert set(lines) == set(labels)
    for record, label in labels.items():
        shown = lines[record]
        assert label["zh"] in shown, (record, shown)  # 数字服务贸易的市场与政策优势 on one line, never 市场与政 / 策优势
        english = [x for x in shown if x != label["zh"] and not re.fullmatch(r"\d+ (works?|篇文献)", x)]
        assert " ".join(english) == label["en"], (record, shown)  # wrapped at spaces only: the lines rejoin to the label


# the ink of each line of a node (canvas measureText: the glyphs' real extent in the browser's font), in px on screen
LINE_INK = """svg => {
  const ctx = document.createElement('canvas').getContext('2d'), scale = svg.getScreenCTM().a;
  return [...svg.querySelectorAll('g.node')].map(g => [...g.querySelectorAll('text')].map(t => {
    const size = parseFloat(t.getAttribute('font-size')), y = parseFloat(t.getAttribute('y'));
    ctx.font = `${getComputedStyle(t).fontWeight} ${size}px ${t.getAttribute('font-family')}`;
    const m = ctx.measureText(t.textContent);
    return {text: t.textContent, top: (y - m.actualBoundingBoxAscent) * scale, bottom: (y + m.actualBoundingBoxDescent) * scale,
            px: size * scale};
  }).sort((a, b) => a.top - b.top));
}"""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_map_lines_do_not_touch_and_read_at_11_px_on_a_phone(browser, sites, lang):  # noqa: F811
    view, seen = open_page(browser, (sites[lang] / "index.html").as_uri(), 390)
    try:
        nodes = view.locator("figure.map svg").evaluate(LINE_INK)
        assert len(nodes) >= 15
        for lines in nodes:
            for line in lines:
                assert line["px"] >= 11, line  # the map's smallest text, as drawn at 390 px
            for upper, lower in zip(lines, lines[1:]):  # an English descender (g, p, y) never reaches the Chinese line below
                assert lower["top"] - upper["bottom"] >= 1, (upper, lower)
        assert seen["errors"] == []
    finally:
        view.close()


# -- 2. the argument map at 390 px: every barrier within reach ---------------------------------------------------------


@pytest.mark.slow
def test_every_barrier_of_the_map_can_be_scrolled_into_view_at_390_px(browser, sites, kg):  # noqa: F811
    view, seen = open_page(browser, (sites["en"] / "index.html").as_uri(), 390)
    try:
        barriers = sorted(str(b).rsplit("/", 1)[1] for (b,) in run_sparql(PREFIXES + "SELECT ?b WHERE { ?b a dskg:Barrier }", kg))
        assert len(barriers) >= 6
        assert view.locator(".map-hint").is_visible()  # says the map scrolls sideways
        for barrier in barriers:
            node = view.locator(f'figure.map svg a[*|href="entity/{barrier}.html"]').first
            node.scroll_into_view_if_needed()
            box, frame = node.bounding_box(), view.locator(".map-scroll").bounding_box()
            assert box["x"] >= frame["x"] - 1 and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, barrier
            assert 0 <= box["x"] and box["x"] + box["width"] <= 390, barrier  # on screen, not only inside the box
        assert view.evaluate("document.documentElement.scrollWidth") <= 391  # the box scrolls, not the page
        assert seen["errors"] == []
    finally:
        view.close()
