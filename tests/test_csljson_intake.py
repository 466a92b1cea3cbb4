"""CSL-JSON as Zotero exports it (issue 19, point 2): items read into entry data with Chinese names,
diacritics and DOIs intact, the house-style ids of the same works from BibTeX and RIS, and the
fixtures valid against the CSL data schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from dskg import csljson

pytestmark = pytest.mark.fast_path_only("CSL-JSON is read before the loader; the loader's two paths are tested elsewhere")

EXPORTS = Path(__file__).parent / "entries" / "exports"
ZOTERO = EXPORTS / "two-works-zotero.json"

# The two works as tests/entries/exports/SOURCES.md verifies them (ids by its rule for keyless records).
WORK_1 = {
    "id": "work-2021-18dbec63",
    "type": "article",
    "title": {"zh": "数据跨境流动限制性措施对数字贸易出口技术复杂度影响的经验研究"},
    "authors": ["周念利", "姚亭亭"],
    "year": "2021",
    "language": "zh",
    "venue": "广东财经大学学报",
    "volume": "36",
    "issue": "2",
    "pages": "4-15",
}
WORK_2 = {
    "id": "work-2023-d3bb2dfc",
    "type": "article",
    "title": {"zh": "数字贸易发展的内生增长机理与中国策略"},
    "authors": ["欧阳日辉", "梁家骥"],
    "year": "2023",
    "language": "zh",
    "venue": "电子科技大学学报社科版",
    "volume": "25",
    "issue": "4",
    "pages": "1-16",
    "doi": "10.14071/j.1008-8105(2023)-1053",
}


def test_the_fixtures_are_csl_json_the_csl_schema_accepts():
    schema = json.loads((Path(__file__).parent / "csl" / "csl-data.json").read_text(encoding="utf-8"))
    for path in sorted(EXPORTS.glob("*.json")):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def _parse(text: str) -> tuple[list, list]:
    return csljson.parse(text, "refs.json")


def test_zotero_s_export_of_the_two_works_gives_their_verified_fields():
    found, problems = _parse(ZOTERO.read_text(encoding="utf-8"))
    assert problems == []
    work_1, work_2 = (f.data for f in found)
    # the URL (the journal page that verified each work) is the one field the table does not list
    assert {k: v for k, v in work_1.items() if k != "url"} == WORK_1  # no DOI: none was shown
    assert {k: v for k, v in work_2.items() if k != "url"} == WORK_2
    assert work_2["url"] == "http://www.social.uestc.edu.cn/cn/article/doi/10.14071/j.1008-8105(2023)-1053"
    # each item and field at its line in the file, for messages
    assert [f.line for f in found] == [2, 30]
    assert found[1].lines.line_at(("doi",)) == 34 and found[1].lines.line_at(("authors", 0)) == 41


def test_english_names_keep_their_diacritics_and_get_the_house_style_id():
    [found], problems = _parse((EXPORTS / "nordas-rouzet-zotero.json").read_text(encoding="utf-8"))
    assert problems == []
    # as tests/entries/nordas-rouzet-2017.yaml writes this work (tests/entries/SOURCES.md)
    assert found.data["id"] == "nordas-rouzet-2017"
    assert found.data["authors"] == ["Nordås, Hildegunn Kyvik", "Rouzet, Dorothée"]
    assert found.data["title"] == {"en": "The Impact of Services Trade Restrictiveness on Trade Flows"}
    assert "doi" not in found.data


def _item(**fields) -> dict:
    item = {
        "type": "article-journal",
        "title": "Data Rules",
        "author": [{"family": "Doe", "given": "Jane"}],
        "issued": {"date-parts": [[2024]]},
    }
    item.update(fields)
    return {k: v for k, v in item.items() if v is not None}


@pytest.mark.parametrize(
    "name, expected",
    [
        ({"family": "王", "given": "锦泽"}, "王锦泽"),  # a Chinese name: family and given together, no space
        ({"literal": "阿丽亚·艾尔肯"}, "阿丽亚·艾尔肯"),
        ({"literal": "World Bank"}, "World Bank"),
        ({"family": "Marel", "given": "Erik", "non-dropping-particle": "van der"}, "van der Marel, Erik"),  # how Zotero splits him
        ({"family": "Ferencz"}, "Ferencz"),
    ],
)
def test_a_name_is_written_as_the_entries_write_names(name, expected):
    [found], _ = _parse(json.dumps([_item(author=[name])]))
    assert found.data["authors"] == [expected]


def test_ids_are_bibtex_s_for_the_same_work_and_two_works_of_one_author_year_get_b():
    items = [_item(author=[{"family": "Ferencz", "given": "J."}], issued={"date-parts": [["2019"]]}) for _ in range(2)]
    items.append(_item(author=[{"family": "Marel", "given": "Erik", "non-dropping-particle": "van der"}], **{"citation-key": "vdm18"}))
    items.append(_item(**{"citation-key": "ferencz-2019-dstri"}))  # a key written as an id is kept, as from BibTeX
    assert [f.data["id"] for f in _parse(json.dumps(items))[0]] == [
        "ferencz-2019",
        "ferencz-2019b",
        "van-der-marel-2024",
        "ferencz-2019-dstri",
    ]


@pytest.mark.parametrize(
    "fields, language",
    [
        ({"language": "zh-CN"}, "zh"),
        ({"language": "en-US"}, "en"),
        ({"language": "English"}, "en"),
        ({"title": "数据规则"}, "zh"),
        ({}, "en"),
    ],
)
def test_the_language_is_the_item_s_else_the_title_s_script(fields, language):
    [found], _ = _parse(json.dumps([_item(**fields)]))
    assert found.data["language"] == language and list(found.data["title"]) == [language]


def test_numbers_dates_markup_and_a_single_object_as_other_tools_write_them():
    item = _item(volume=40, issue=6, page="1155–1183", title="The <i>Digital</i>  Trade", issued={"raw": "2017-06"}, DOI="10.5555/x")
    [found], problems = _parse(json.dumps(item))  # one object, not an array; 10.5555 is the DOI prefix kept for tests
    assert problems == []
    assert (found.data["volume"], found.data["issue"], found.data["pages"]) == ("40", "6", "1155-1183")
    assert found.data["title"] == {"en": "The Digital Trade"} and found.data["year"] == "2017" and found.data["doi"] == "10.5555/x"
    [literal], _ = _parse(json.dumps([_item(issued={"literal": "Spring 2019"})]))
    assert literal.data["year"] == "2019"
