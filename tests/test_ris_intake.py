"""RIS and CNKI's EndNote text as reference managers and CNKI (中国知网) export them (issue 19, point 2):
each work an entry with no claims yet, under the id the same work gets from BibTeX, and every fault
of a file one message with its line, record, field and fix, nothing written.

The expected values are the verified fields of tests/entries/exports/SOURCES.md, not the reader's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from export_works import NORDAS, OUYANG, ZHOU, folder_state, refused_with_one_message
from typer.testing import CliRunner

from dskg import bibtex, intake, ris
from dskg.cli import app

pytestmark = pytest.mark.fast_path_only("RIS is read the same way on both paths; the loader's paths are tested elsewhere")

runner = CliRunner()
EXPORTS = Path(__file__).parent / "entries" / "exports"
ENTRIES = Path(__file__).parent / "entries"


def _text(name: str) -> str:
    """A fixture's text as dskg reads a file: UTF-8, line ends as text mode gives them."""
    return (EXPORTS / name).read_bytes().decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize(
    "name, parse, expected",
    [
        ("two-works-cnki.ris", ris.parse, [ZHOU, OUYANG]),
        ("two-works-cnki.enw", ris.parse_endnote, [ZHOU, OUYANG]),
        ("nordas-rouzet-2017.ris", ris.parse, [NORDAS]),
    ],
)
def test_each_export_gives_the_verified_fields_of_its_works(name, parse, expected):
    found, problems = parse(_text(name), name)
    assert problems == []
    assert [f.data for f in found] == expected


def test_the_fixtures_are_written_as_cnki_and_zotero_write_them():
    """A BOM, CRLF line ends, blank lines between records, several Chinese authors in one field ending in `;`."""
    cnki = (EXPORTS / "two-works-cnki.ris").read_bytes()
    assert cnki.startswith("\ufeff".encode()) and b"\r\n\r\nTY  - JOUR" in cnki and "AU  - 周念利;姚亭亭;".encode() in cnki
    assert b"%N 02\r\n" in (EXPORTS / "two-works-cnki.enw").read_bytes()  # CNKI pads the issue; it is issue 2


def test_the_ris_fixtures_read_alike_with_rispy():
    """An independent RIS reader finds the same records and titles, so the fixtures are RIS, not only what dskg reads."""
    import rispy

    for name in ("two-works-cnki.ris", "nordas-rouzet-2017.ris"):
        records = rispy.loads(_text(name).lstrip("\ufeff"))
        assert [r["title"] for r in records] == [f.data["title"][f.data["language"]] for f in ris.parse(_text(name), name)[0]]


def test_the_same_work_gets_the_same_id_from_bibtex_and_from_ris():
    from_bib = {f.data["id"]: f.data for f in bibtex.parse((ENTRIES / "real.bib").read_text(encoding="utf-8"), "real.bib")[0]}
    [from_ris], _ = ris.parse(_text("nordas-rouzet-2017.ris"), "nordas-rouzet-2017.ris")
    assert from_ris.data["id"] == "nordas-rouzet-2017"
    shared = ("title", "authors", "year", "venue", "volume", "issue", "pages")
    assert {k: from_ris.data[k] for k in shared} == {k: from_bib["nordas-rouzet-2017"][k] for k in shared}


def test_a_record_with_an_id_and_two_works_of_one_author_and_year():
    one = "TY  - RPRT\nAU  - Ferencz, J.\nTI  - {}\nPY  - 2019\n{}ER  - \n\n"
    text = one.format("A", "") + one.format("B", "") + one.format("C", "ID  - ferencz-2019-dstri\n")
    assert [f.data["id"] for f in ris.parse(text, "k.ris")[0]] == ["ferencz-2019", "ferencz-2019b", "ferencz-2019-dstri"]
    # a key that is not an id, for Chinese names, is the id's slug, as for BibTeX
    [zhou], _ = ris.parse("TY  - JOUR\nID  - zhou2021shuju\nAU  - 周念利\nTI  - 题\nPY  - 2021\nER  - \n", "k.ris")
    assert zhou.data["id"] == "zhou2021shuju"


@pytest.mark.parametrize(
    "lines, field, expected",
    [
        ("TY  - CHAP\n", "type", "chapter"),
        ("TY  - CPAPER\n", "type", "conference-paper"),
        ("TY  - THES\n", "type", "thesis"),
        ("TY  - ELEC\n", "type", "webpage"),
        ("TY  - DATA\n", "type", "dataset"),
        ("TY  - XYZ\n", "type", "article"),
        ("TY  - JOUR\nDO  - https://doi.org/10.1111/twec.12424\n", "doi", "10.1111/twec.12424"),
        ("TY  - JOUR\nY1  - 2017/06/01/\n", "year", "2017"),
        ("TY  - JOUR\nDA  - 2017///\n", "year", "2017"),
        ("TY  - JOUR\nLA  - en-US\n", "language", "en"),
        ("TY  - JOUR\nJF  - 管理世界\n", "venue", "管理世界"),
        ("TY  - JOUR\nA1  - 马述忠;房超;\nAU  - Doe, Jane\n", "authors", ["马述忠", "房超", "Doe, Jane"]),
        ("TY  - JOUR\nAU  - 王锦泽;\n", "authors", ["王锦泽"]),
        ("TY  - JOUR\nA2  - Editor, Ed\nAU  - Doe, Jane\n", "authors", ["Doe, Jane"]),  # A2 is an editor in RIS
    ],
)
def test_ris_tags_map_onto_entry_fields(lines, field, expected):
    rest = "".join(line for name, line in (("authors", "AU  - Doe, Jane\n"), ("year", "PY  - 2020\n")) if name != field)
    [found], problems = ris.parse(lines + rest + "TI  - T\nER  - \n", "t.ris")
    assert problems == []
    assert found.data[field] == expected


def test_cnki_endnote_text_as_cnki_writes_it():
    """Forms seen in CNKI's exports (zotero/translators, CNKI Refer.js test cases): authors run together on
    one line, a value wrapped onto an untagged line, page numbers padded with zeros, the DOI in %R."""
    text = (
        "%0 Thesis\n%A 蔺卿 %A 罗格平 %A 陈曦\n%T 一个\n很长的题名\n%I 南昌大学\n%D 2014\n%P 004\n"
        "%R 10.28502/n.cnki.nkjrb.2023.005521\n%X 摘要\n\n摘要的下一段\n%W CNKI\n"
    )
    [found], problems = ris.parse_endnote(text, "t.enw")
    assert problems == []
    assert found.data["type"] == "thesis" and found.data["authors"] == ["蔺卿", "罗格平", "陈曦"]
    assert found.data["title"] == {"zh": "一个很长的题名"} and found.data["venue"] == "南昌大学"
    assert (found.data["pages"], found.data["doi"]) == ("4", "10.28502/n.cnki.nkjrb.2023.005521")


def test_a_field_problem_is_reported_at_the_field_s_line():
    [found], _ = ris.parse("\nTY  - JOUR\nAU  - Smith, Alice\nTI  - Cross-border data rules\nPY  - 19x9\nER  - \n", "y.ris")
    assert found.line == 2 and found.lines.line_at(("year",)) == 5 and found.lines.line_at(("authors", 0)) == 3


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """A fresh data folder the three fixture files were added to, and what `add` and `query literature` said (built once)."""
    folder = intake.init_data_dir(tmp_path_factory.mktemp("ris") / "my-data")
    said = [runner.invoke(app, ["add", str(EXPORTS / n), "--data", str(folder)]) for n in ("two-works-cnki.ris", "nordas-rouzet-2017.ris")]
    query = runner.invoke(app, ["query", "literature", "--data", str(folder), "--format", "json"])
    return folder, said, query


def test_validate_of_a_ris_file_warns_that_its_works_have_no_claims(tmp_path):
    folder = intake.init_data_dir(tmp_path / "my-data")
    result = runner.invoke(app, ["validate", str(EXPORTS / "two-works-cnki.ris"), "--data", str(folder)])
    assert result.exit_code == 0, result.output
    warned = [row for row in result.output.splitlines() if "imported from RIS: the entry has no claims yet" in row]
    assert len(warned) == 2 and "two-works-cnki.ris:1:" in warned[0] and "two-works-cnki.ris:13:" in warned[1]


def test_add_stores_each_work_and_the_literature_query_shows_them(added):
    folder, said, query = added
    assert [r.exit_code for r in said] == [0, 0], [r.output for r in said]
    assert sorted(p.name for p in (folder / "entries").iterdir()) == [
        "nordas-rouzet-2017.yaml",
        "work-2021-18dbec63.yaml",
        "work-2023-d3bb2dfc.yaml",
    ]
    assert query.exit_code == 0, query.output
    bindings = json.loads(query.output)["results"]["bindings"]  # SPARQL results JSON
    works = {row["id"]["value"]: {name: cell["value"] for name, cell in row.items()} for row in bindings}
    assert works["work-2021-18dbec63"]["authors"] == "周念利; 姚亭亭"
    assert works["work-2023-d3bb2dfc"]["authors"] == "欧阳日辉; 梁家骥"
    assert works["nordas-rouzet-2017"]["authors"] == "Nordås, Hildegunn Kyvik; Rouzet, Dorothée"
    stored = (folder / "entries" / "work-2023-d3bb2dfc.yaml").read_text(encoding="utf-8")
    assert "10.14071/j.1008-8105(2023)-1053" in stored and "数字贸易发展的内生增长机理与中国策略" in stored


def test_the_cnki_endnote_export_of_the_same_works_adds_nothing_new(added):
    folder, _, _ = added
    before = folder_state(folder)
    result = runner.invoke(app, ["add", str(EXPORTS / "two-works-cnki.enw"), "--data", str(folder)])
    # the same works with the same fields: nothing to add, nothing changed
    assert result.exit_code == 0, result.output
    assert "already added, nothing changed: work-2021-18dbec63" in result.output
    assert "already added, nothing changed: work-2023-d3bb2dfc" in result.output
    assert folder_state(folder) == before


RECORD = "TY  - JOUR\nTI  - Data Rules\nAU  - Doe, Jane\nPY  - 2024\nER  - \n"
ENDNOTE = "%0 Journal Article\n%A Doe, Jane\n%T Data Rules\n%D 2024\n"

# (case, suffix, text, line, what the message says, what the fix says): one problem each, one message each
FAULTS = [
    ("no-type", ".ris", RECORD.replace("TY  - JOUR\n", ""), 1, "record 1 at line 1 does not begin with TY", "`TY  - JOUR`"),
    (
        "no-type-second",
        ".ris",
        RECORD + "\n" + RECORD.replace("TY  - JOUR\n", ""),
        7,
        "record 2 at line 7 does not begin with TY",
        "TY  - ",
    ),
    (
        "not-closed-before-next",
        ".ris",
        RECORD.replace("ER  - \n", "") + "\n" + RECORD,
        1,
        "record 1 (TY at line 1) is not closed by ER before the next TY at line 6",
        "`ER  - `",
    ),
    ("not-closed-at-end", ".ris", RECORD + RECORD.replace("ER  - \n", ""), 6, "is not closed by ER by the end of the file", "`ER  - `"),
    ("not-a-ris-line", ".ris", RECORD.replace("TI  - ", "TI - "), 2, "line 2 (TI - Data Rules) is not a RIS line", "tagged line"),
    ("text-outside", ".ris", "Exported by hand\n" + RECORD, 1, "line 1 is outside any record and is not a RIS line", "remove it"),
    ("no-title", ".ris", RECORD.replace("TI  - Data Rules\n", ""), 1, "title", "`TI  - ...`"),
    ("no-author", ".ris", RECORD.replace("AU  - Doe, Jane\n", ""), 1, "authors", "`AU  - Family, Given`"),
    ("no-year", ".ris", RECORD.replace("PY  - 2024\n", ""), 1, "year", "`PY  - 2021`"),
    ("year-not-a-year", ".ris", RECORD.replace("2024", "n.d."), 4, "year must be a number of four digits", "`PY  - 2021`"),
    ("empty", ".ris", "", 1, "the file holds no RIS record", "`TY  - JOUR`"),
    ("blank", ".ris", "\ufeff\n\n", 1, "the file holds no RIS record", "`ER  - `"),
    ("endnote-no-type", ".enw", ENDNOTE.replace("%0 Journal Article\n", ""), 1, "does not begin with 0", "`%0 Journal Article`"),
    ("endnote-no-title", ".enw", ENDNOTE.replace("%T Data Rules\n", ""), 1, "title", "`%T ...`"),
    ("endnote-empty", ".enw", "\n", 1, "the file holds no EndNote record", "`%0 Journal Article`"),
]


@pytest.mark.parametrize("name, suffix, text, line, message, fix", FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_of_an_export_is_one_message_with_its_line_and_fix(tmp_path, name, suffix, text, line, message, fix):
    folder = intake.init_data_dir(tmp_path / "my-data")
    path = tmp_path / f"{name}{suffix}"
    path.write_text(text, encoding="utf-8")
    said = refused_with_one_message(path, folder)
    assert f"{name}{suffix}:{line}:" in said and message in said, said
    assert fix in said.split("Fix:")[1], said
