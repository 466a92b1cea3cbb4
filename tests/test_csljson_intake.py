"""CSL-JSON as Zotero exports it (issue 19, point 2): items read into entries with Chinese names,
diacritics and DOIs intact, the same works and ids as the CNKI RIS export of them, every fault of
a file one message with its line, field and fix (nothing written), and works likely in the graph
already reported by DOI (refused) or by title and year (warned)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from export_works import OUYANG, ZHOU, refused_with_one_message
from ruamel.yaml import YAML
from typer.testing import CliRunner

from dskg import csljson, intake
from dskg.cli import app

pytestmark = pytest.mark.fast_path_only("CSL-JSON is read before the loader; the loader's two paths are tested elsewhere")

runner = CliRunner()
EXPORTS = Path(__file__).parent / "entries" / "exports"
ZOTERO = EXPORTS / "two-works-zotero.json"
CNKI = EXPORTS / "two-works-cnki.ris"


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
    assert {k: v for k, v in work_1.items() if k != "url"} == ZHOU  # no DOI: none was shown
    assert {k: v for k, v in work_2.items() if k != "url"} == OUYANG
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


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """Two fresh data folders: the Zotero export added to one, the CNKI RIS export to the other (once per module)."""
    made = {}
    for name, path in (("zotero", ZOTERO), ("cnki", CNKI)):
        folder = intake.init_data_dir(tmp_path_factory.mktemp(name) / "data")
        result = runner.invoke(app, ["add", str(path), "--data", str(folder)])
        assert result.exit_code == 0, result.output
        made[name] = folder
    return made


def _literature(folder: Path) -> list[dict]:
    result = runner.invoke(app, ["query", "literature", "--data", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    return sorted(({k: v["value"] for k, v in row.items()} for row in rows if row["id"]["value"].startswith("work-")), key=str)


def test_validate_takes_the_export_with_a_no_claims_warning():
    result = runner.invoke(app, ["validate", str(ZOTERO)])
    assert result.exit_code == 0, result.output
    assert result.output.count("the entry has no claims yet") == 2 and "Violation" not in result.output


def test_zotero_and_cnki_exports_of_the_same_two_works_add_the_same_two_works(folders):
    zotero, cnki = folders["zotero"], folders["cnki"]
    names = ["work-2021-18dbec63.yaml", "work-2023-d3bb2dfc.yaml"]
    assert sorted(p.name for p in (zotero / "entries").iterdir()) == names
    assert sorted(p.name for p in (cnki / "entries").iterdir()) == names
    rows = _literature(zotero)
    assert [(r["id"], r["authors"], r["year"], r["title"]) for r in rows] == [
        ("work-2021-18dbec63", "周念利; 姚亭亭", "2021", ZHOU["title"]["zh"]),
        ("work-2023-d3bb2dfc", "欧阳日辉; 梁家骥", "2023", OUYANG["title"]["zh"]),
    ]
    assert rows == _literature(cnki)
    for name in names:  # the written entries agree on every field both exports have (the RIS export has no URL)
        ours, theirs = (YAML(typ="safe").load((folder / "entries" / name).read_text(encoding="utf-8")) for folder in (zotero, cnki))
        ours.pop("url", None)
        assert ours == theirs


def test_a_doi_already_in_the_graph_in_other_letters_is_refused(folders, tmp_path):
    path = tmp_path / "again.json"
    path.write_text(json.dumps([_item(title="Another Title", DOI=OUYANG["doi"].upper())]), encoding="utf-8")
    said = refused_with_one_message(path, folders["zotero"])
    assert "again.json:" in said and "doi" in said and "work-2023-d3bb2dfc" in said


def test_the_title_and_year_of_a_shipped_or_added_work_warn_naming_both(folders, tmp_path):
    path = tmp_path / "same.json"
    items = [
        # the paper's title (data/sources.yaml) with a full-width comma and a space where it has neither
        _item(title="我国数字服务贸易发展的优势， 壁垒和对策研究", issued={"date-parts": [["2025"]]}, **{"citation-key": "wang-2025-copy"}),
        # work 1's title, other spacing and punctuation, under a key of its own
        _item(
            title=" 数据跨境流动限制性措施对数字贸易出口技术复杂度影响的经验研究。",
            issued={"date-parts": [[2021]]},
            **{"citation-key": "zhou-yao-2021"},
        ),
        _item(
            title=OUYANG["title"]["zh"], issued={"date-parts": [[2024]]}, **{"citation-key": "other-year-2024"}
        ),  # another year: no warning
    ]
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--data", str(folders["zotero"])])
    assert result.exit_code == 0, result.output
    warned = [row for row in result.output.splitlines() if "has the title and year" in row]
    assert len(warned) == 2, result.output
    assert "wang-2025-copy" in warned[0] + warned[1] and "wang-jinze-2025" in warned[0] + warned[1]
    assert any("zhou-yao-2021" in row and "work-2021-18dbec63" in row and "Fix:" in row for row in warned)
    assert "other-year-2024" not in " ".join(warned)


ITEM = "\n".join(
    [
        "[",
        "  {",
        '    "type": "article-journal",',
        '    "title": "Data Rules",',
        '    "author": [{"family": "Doe", "given": "Jane"}],',
        '    "issued": {"date-parts": [[2024]]}',
        "  }",
        "]",
        "",
    ]
)

# (case, text, line, field, what the message says, what the fix says): one problem, one message each
FAULTS = [
    ("not-json", ITEM.replace('"Data Rules",', '"Data Rules"'), 5, "", "JSON syntax error at column 5", "`,`"),
    ("trailing-comma", ITEM.replace("[[2024]]}", "[[2024]]},"), 7, "", "JSON syntax error", "double quotes"),
    ("unclosed-string", ITEM.replace('"Data Rules",', '"Data Rules,'), 4, "", "JSON syntax error", 'end the text with `"`'),
    ("empty-file", "", 1, "", "the file is empty", "CSL JSON"),
    ("top-level-text", '"refs"', 1, "", "holds a text, not CSL-JSON items", "JSON array of items"),
    ("empty-array", "[]", 1, "", "holds no CSL-JSON item", "add an item"),
    ("item-not-object", '[\n  "Data Rules"\n]', 2, "", "the item is a text, not a CSL-JSON item", "as an object"),
    ("no-title", ITEM.replace('    "title": "Data Rules",\n', ""), 2, "title", "the item has no title", '"title": "..."'),
    ("empty-title", ITEM.replace('"Data Rules"', '""'), 4, "title", "the title is empty", '"title": "..."'),
    (
        "no-author",
        ITEM.replace('    "author": [{"family": "Doe", "given": "Jane"}],\n', ""),
        2,
        "author",
        "has no author",
        '"author": [{"family"',
    ),
    (
        "empty-author",
        ITEM.replace('[{"family": "Doe", "given": "Jane"}]', "[]"),
        5,
        "author",
        "author list is empty",
        '"author": [{"family"',
    ),
    (
        "author-as-text",
        ITEM.replace('[{"family": "Doe", "given": "Jane"}]', '"Doe, Jane"'),
        5,
        "author",
        "author is a text",
        '"author": [{',
    ),
    (
        "nameless-author",
        ITEM.replace('{"family": "Doe", "given": "Jane"}', "{}"),
        5,
        "author",
        "author 1 has no family, given or literal",
        '"family"',
    ),
    (
        "no-issued",
        ITEM.replace(',\n    "issued": {"date-parts": [[2024]]}', ""),
        2,
        "issued",
        "has no issued date",
        '"issued": {"date-parts"',
    ),
    (
        "issued-no-year",
        ITEM.replace('{"date-parts": [[2024]]}', '{"literal": "forthcoming"}'),
        6,
        "issued",
        "gives no year",
        '"date-parts"',
    ),
    (
        "french-title",
        ITEM.replace('"Data Rules",', '"Data Rules",\n    "language": "fr-FR",'),
        5,
        "language",
        "a title in `fr`",
        '"language": "en"',
    ),
    ("title-as-array", ITEM.replace('"Data Rules"', '["Data Rules"]'), 4, "title", "title is an array, not text", '"title": "..."'),
]


@pytest.mark.parametrize("name, text, line, field, message, fix", FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_of_a_csl_json_file_is_one_message_with_its_line_field_and_fix(tmp_path, name, text, line, field, message, fix):
    folder = intake.init_data_dir(tmp_path / "data")
    path = tmp_path / f"{name}.json"
    path.write_text(text, encoding="utf-8")
    said = refused_with_one_message(path, folder)
    assert f"{name}.json:{line}:" in said and message in said, said
    if field:  # "file:line: Violation: item 1 title: message"
        assert said.split(": Violation: ")[1].startswith(f"item 1 {field}: "), said
    assert fix in said.split("Fix:")[1], said
