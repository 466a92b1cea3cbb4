"""Citations of the graph's works (issue 19, point 3): CSL-JSON items and GB/T 7714-2015 strings.

Expected values come from data/sources.yaml and data/literature.yaml; every item is checked against
the CSL data schema (tests/csl/). tests/test_citation_formats.py checks `dskg cite` and BibTeX and RIS.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

import dskg
from dskg import citations, report, resources
from dskg.errors import UsageError
from dskg.queries import rows, run_query

pytestmark = pytest.mark.fast_path_only("reads the built graph's works; no speed trick touches how they are cited")

PAPER = "wang-jinze-2025"
PAPER_GBT = "王锦泽. 我国数字服务贸易发展的优势、壁垒和对策研究[J]. 服务科学和管理, 2025, 14(3). DOI: 10.12677/ssem.2025.143042."


def shipped(name: str) -> dict[str, dict]:
    data = YAML(typ="safe").load((resources.data_dir() / name).read_text(encoding="utf-8"))
    return {w["id"]: w for w in data["works"]}


@pytest.fixture(scope="module")
def items(kg: dskg.KnowledgeGraph) -> dict[str, dict]:
    ids = [r["id"] for r in rows(run_query("literature", kg))] + [PAPER]
    return {item["id"]: item for item in citations.csl_json(kg, ids)}


def test_the_papers_item_has_its_title_author_journal_volume_issue_and_doi(items):
    paper = shipped("sources.yaml")[PAPER]
    item = items[PAPER]
    assert item["type"] == "article-journal"
    assert item["title"] == paper["title_zh"]
    assert item["author"] == [{"literal": name} for name in paper["authors"]]
    assert item["container-title"] == paper["journal_zh"]
    assert (item["volume"], item["issue"]) == ("14", "3") == (paper["volume"], paper["issue"])
    assert item["DOI"] == paper["doi"]
    assert item["issued"] == {"date-parts": [[paper["year"]]]}
    assert item["language"] == "zh"
    assert "page" not in item  # sources.yaml: first and last page are not stated


def test_cited_works_have_no_invented_title_venue_or_doi(items):
    cited = shipped("literature.yaml")
    assert cited
    for wid, work in cited.items():
        item = items[wid]
        assert work.get("title") is None and "title" not in item, wid
        assert "container-title" not in item and "DOI" not in item and "volume" not in item, wid
        assert item["issued"] == {"date-parts": [[work["year"]]]}, wid
        # every author the citation names, in its order (CSL-JSON has no field for 等)
        names = [a.get("literal") or f"{a['family']}, {a['given']}" for a in item["author"]]
        assert names == work["authors"], wid


def test_every_item_is_valid_csl_json(items):
    schema = json.loads((Path(__file__).parent / "csl" / "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.validate(list(items.values()), schema)


def test_the_papers_gbt7714_string_is_the_reports(kg):
    work = citations.works(kg, [PAPER])[0]
    assert citations.gbt7714_strings(kg, [PAPER]) == [PAPER_GBT]
    # the report's own rendering (as tests/test_report.py expects it on the literature page), and the plain text of it
    assert str(report.gbt7714(work, "title unknown")) == (
        '<span lang="zh">王锦泽</span>. <cite lang="zh">我国数字服务贸易发展的优势、壁垒和对策研究</cite>[J]. '
        '<span lang="zh">服务科学和管理</span>, 2025, 14(3). DOI: 10.12677/ssem.2025.143042.'
    )
    assert citations.gbt7714_text(work) == PAPER_GBT


def test_an_untitled_work_is_marked_not_titled_in_its_own_language(kg):
    assert citations.gbt7714_strings(kg, ["zhang-qi-2024", "atasoy-2020"]) == [
        "张祁. [题名不详]. 2024.",
        "ATASOY B S. [title unknown]. 2020.",
    ]


def test_an_unknown_id_is_a_usage_error_naming_it(kg):
    with pytest.raises(UsageError, match="no-such-work"):
        citations.csl_json(kg, [PAPER, "no-such-work"])
