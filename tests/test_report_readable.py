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
from dskg import report
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


# -- 5. the legend says each term once ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_legend_does_not_repeat_its_terms(sites, lang):
    index = page(sites, lang, "index.html")
    legend = index[index.index('<dl class="legend"'):index.index("</dl>", index.index('<dl class="legend"'))]
    entries = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", legend)
    assert len(entries) >= 3
    for term, meaning in entries:
        word = text(term).strip("●◌⚑· ")
        assert word and not text(meaning).startswith(word), (word, text(meaning))
    assert "explicit explicit" not in text(index) and "明确 明确" not in text(index)
