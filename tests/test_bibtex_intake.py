"""BibTeX as reference managers write it (issue 17): LaTeX decoded to Unicode, DOIs and URLs kept
as written, ids in the house style whatever the citation key, and every fault of the file one
message with its line and fix, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_works import folder_state
from typer.testing import CliRunner

import dskg
from dskg import bibtex, intake
from dskg.cli import app
from dskg.queries import rows

# Nothing here depends on the loader's speed tricks: reading BibTeX happens before them.
pytestmark = pytest.mark.fast_path_only("BibTeX is read the same way on both paths; the loader's paths are tested elsewhere")

runner = CliRunner()

# Three works of tests/entries/SOURCES.md (every field verified there), each written with the
# escapes of one exporter: Google Scholar's `{\aa}` and `{\'e}` in names and `--` in pages;
# Zotero's braces around each capitalised word and its `author_word_year` key; JabRef's
# `{\'{o}}` and `Name:year` key. The files those tools write are plain ASCII like these.
EXPORTED = r"""@article{nordas2017impact,
  title={The Impact of Services Trade Restrictiveness on Trade Flows},
  author={Nord{\aa}s, Hildegunn Kyvik and Rouzet, Doroth{\'e}e},
  journal={The World Economy},
  volume={40},
  number={6},
  pages={1155--1183},
  year={2017}
}

@techreport{lopez_gonzalez_digital_2018,
  title = {{Digital} {Trade} and {Market} {Openness}},
  author = {L{\'o}pez Gonz{\'a}lez, Javier and Ferencz, Janos},
  institution = {{OECD} {Publishing}},
  address = {Paris},
  year = {2018},
  url = {https://oecd-ilibrary.org/trade/digital-trade-and-market-openness_1bd89c9a-en},
}

@TechReport{Ferracane:2018,
  author      = {Ferracane, Martina Francesca and Lee-Makiyama, Hosuk and van der Marel, Erik},
  title       = {Digital Trade Restrictiveness Index},
  institution = {European Center for International Political Economy ({ECIPE})},
  year        = {2018},
  url         = {https://ecipe.org/wp-content/uploads/2018/05/DTRI_FINAL.pdf},
}
"""

ENTRIES = Path(__file__).parent / "entries"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return intake.init_data_dir(tmp_path / "my-data")


def _write(tmp_path: Path, text: str, name: str = "refs.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _add(path: Path, folder: Path, *extra: str):
    return runner.invoke(app, ["add", str(path), "--data", str(folder), *extra])


def test_exported_bibtex_is_stored_with_its_accents_under_the_ids_of_the_same_works_yaml(tmp_path, folder):
    result = _add(_write(tmp_path, EXPORTED), folder)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # the ids the YAML fixtures of tests/entries give these works: the same work gets the same id
    assert sorted(p.name for p in (folder / "entries").iterdir()) == [
        "ferracane-lee-makiyama-van-der-marel-2018.yaml",
        "lopez-gonzalez-ferencz-2018.yaml",
        "nordas-rouzet-2017.yaml",
    ]
    stored = (folder / "entries" / "nordas-rouzet-2017.yaml").read_text(encoding="utf-8")
    assert "Nordås, Hildegunn Kyvik" in stored and "Rouzet, Dorothée" in stored and "\\" not in stored
    assert "1155-1183" in stored
    kg = dskg.build(folder, reason=False)
    works = {r["id"]: r for r in rows(dskg.run_query("literature", kg))}
    assert works["nordas-rouzet-2017"]["authors"] == "Nordås, Hildegunn Kyvik; Rouzet, Dorothée"
    assert works["lopez-gonzalez-ferencz-2018"]["authors"] == "López González, Javier; Ferencz, Janos"
    assert works["lopez-gonzalez-ferencz-2018"]["title"] == "Digital Trade and Market Openness"  # Zotero's braces gone
    lopez = (folder / "entries" / "lopez-gonzalez-ferencz-2018.yaml").read_text(encoding="utf-8")
    assert "venue: OECD Publishing" in lopez
    assert "https://oecd-ilibrary.org/trade/digital-trade-and-market-openness_1bd89c9a-en" in lopez  # the underscore kept
    ferracane = (folder / "entries" / "ferracane-lee-makiyama-van-der-marel-2018.yaml").read_text(encoding="utf-8")
    assert "European Center for International Political Economy (ECIPE)" in ferracane
    assert "https://ecipe.org/wp-content/uploads/2018/05/DTRI_FINAL.pdf" in ferracane


def test_the_yaml_entry_of_a_work_added_from_bibtex_meets_it_under_its_id(tmp_path, folder):
    """Adding the README's YAML entry after the same work's BibTeX must not make a second work."""
    assert _add(_write(tmp_path, EXPORTED), folder).exit_code == 0
    before = folder_state(folder)
    result = _add(ENTRIES / "nordas-rouzet-2017.yaml", folder)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "nordas-rouzet-2017" in result.output and "--replace" in result.output
    assert folder_state(folder) == before


@pytest.mark.parametrize(
    "latex, expected",
    [
        (r"Nord{\aa}s", "Nordås"),
        (r"Nord\aa s", "Nordås"),
        (r"Doroth{\'e}e", "Dorothée"),
        (r"Doroth\'{e}e", "Dorothée"),
        (r"M{\"u}ller", "Müller"),
        (r"{\O}stergaard", "Østergaard"),
        (r"Gro{\ss}e", "Große"),
        (r"Gro\ss e", "Große"),
        (r"{\v{S}}ef{\v{c}}ovi{\'c}", "Šefčović"),
        (r"Fran\c{c}ois", "François"),
        (r"Ca\~na", "Caña"),
        (r"{\'\i}", "í"),
        ("The {WTO} and {E}-Commerce", "The WTO and E-Commerce"),
        ("Goods--Services Trade", "Goods–Services Trade"),
        ("Trade---an Overview", "Trade—an Overview"),
        ("Jane~Doe", "Jane Doe"),
        (r"50\% of Services \& Goods", "50% of Services & Goods"),
        ("50% of services", "50% of services"),  # a bare % is no LaTeX comment in a title
        (r"``Digital'' Trade", "“Digital” Trade"),
        (r"\emph{Digital} Trade", "Digital Trade"),
        ("数字贸易", "数字贸易"),
    ],
)
def test_latex_decodes_to_unicode(latex, expected):
    assert bibtex.text(latex) == expected


def test_a_doi_and_a_url_are_kept_as_written(tmp_path):
    # 10.5555 is the DOI prefix set aside for tests: this is no real work
    text = (
        "@article{doe2024,\n  title = {An Example},\n  author = {Doe, Jane},\n  year = {2024},\n"
        "  doi = {10.5555/dskg_test%2F2024--x},\n  url = {https://example.org/a_b%20c?x=1&y=2}\n}\n"
    )
    [found], problems = bibtex.parse(text, "doi.bib")
    assert problems == []
    assert found.data["doi"] == "10.5555/dskg_test%2F2024--x"
    assert found.data["url"] == "https://example.org/a_b%20c?x=1&y=2"
    [escaped], _ = bibtex.parse(text.replace("dskg_test", r"dskg\_test").replace("a_b", r"a\_b"), "doi.bib")
    assert (escaped.data["doi"], escaped.data["url"]) == (found.data["doi"], found.data["url"])
    [ouyang] = [f for f in bibtex.parse((ENTRIES / "real.bib").read_text(encoding="utf-8"), "real.bib")[0] if f.data.get("doi")]
    assert ouyang.data["doi"] == "10.14071/j.1008-8105(2023)-1053"


@pytest.mark.parametrize("key", ["ferencz2019", "Ferencz:2019", "ferencz_2019", "Ferencz2019DSTRI"])
def test_every_key_of_one_work_gives_the_house_style_id(key):
    # author and year as data/literature.yaml gives them for its ferencz-2019
    [found], _ = bibtex.parse(f"@techreport{{{key},\n  author = {{Ferencz, J.}},\n  year = {{2019}}\n}}\n", "k.bib")
    assert found.data["id"] == "ferencz-2019"


def test_a_key_written_as_an_id_is_kept_and_names_in_other_scripts_keep_the_key():
    [chosen], _ = bibtex.parse("@techreport{ferencz-2019-dstri,\n  author = {Ferencz, J.},\n  year = {2019}\n}\n", "k.bib")
    assert chosen.data["id"] == "ferencz-2019-dstri"
    ids = [f.data["id"] for f in bibtex.parse((ENTRIES / "real.bib").read_text(encoding="utf-8"), "real.bib")[0]]
    assert ids == [
        "nordas-rouzet-2017",
        "lopez-gonzalez-ferencz-2018",
        "ferracane-lee-makiyama-van-der-marel-2018",
        "ferracane-van-der-marel-2018",
        "zhou2021shuju",  # 周念利 has no Latin family name to build an id from
        "ouyang2023shuzi",
    ]


def test_two_works_of_one_author_and_year_get_two_ids():
    text = "@misc{a,\n  author = {Ferencz, J.},\n  year = {2019}\n}\n@misc{b,\n  author = {Ferencz, J.},\n  year = {2019}\n}\n"
    assert [f.data["id"] for f in bibtex.parse(text, "two.bib")[0]] == ["ferencz-2019", "ferencz-2019b"]


@pytest.mark.parametrize(
    "field, written, tag",
    [
        ("language", "en-US", "en"),
        ("language", "English", "en"),
        ("language", "eng", "en"),
        ("langid", "english", "en"),
        ("langid", "chinese", "zh"),
    ],
)
def test_a_language_as_zotero_or_biblatex_writes_it_is_a_tag(field, written, tag):
    text = EXPORTED.split("\n\n")[0].replace("  year={2017}", f"  year={{2017}},\n  {field}={{{written}}}")
    [found], problems = bibtex.parse(text, "lang.bib")
    assert problems == [] and found.data["language"] == tag
    assert found.data["title"] == {tag: "The Impact of Services Trade Restrictiveness on Trade Flows"}


def test_a_field_problem_is_reported_at_the_field_s_line():
    text = "@article{smith2023,\n  author = {Smith, Alice},\n  title = {Cross-border data rules},\n  year = {19x9}\n}\n"
    [found], _ = bibtex.parse(text, "y.bib")
    assert found.lines.line_at(("year",)) == 4 and found.lines.line_at(("authors", 0)) == 2 and found.lines.line_at(()) == 1


ENTRY = "@article{doe2024,\n  title = {Data Rules},\n  author = {Doe, Jane},\n  year = {2024}\n}\n"

# (case, text, line, what the message says, what the fix says): one problem each, one message each
FAULTS = [
    (
        "duplicate-key",
        ENTRY + "\n" + ENTRY.replace("Data Rules", "Data Rules Again"),
        7,
        "the key doe2024 is used twice (lines 1 and 7)",
        "give each entry its own key",
    ),
    (
        "key-three-times",
        ENTRY + ENTRY + ENTRY,
        6,
        "the key doe2024 is used 3 times (lines 1, 6 and 11)",
        "give each entry its own key",
    ),
    (
        "duplicate-field",
        ENTRY.replace("  year", "  title = {Other},\n  year"),
        4,
        "the field title is given twice (lines 2 and 4)",
        "keep one",
    ),
    (
        "field-twice-in-other-case",
        ENTRY.replace("  year", "  Title = {Other},\n  year"),
        4,
        "the field title is given twice (lines 2 and 4)",
        "keep one",
    ),
    ("value-unclosed-at-end", ENTRY.replace("{Data Rules}", "{Data Rules")[:-2], 2, "value of title is not closed", "`}`"),
    (
        "value-unclosed-before-next",
        ENTRY.replace("{Data Rules}", "{Data Rules") + ENTRY.replace("doe2024", "roe2024"),
        2,
        "value of title is not closed before the next block at line 6",
        "end it with `}`",
    ),
    (
        "quote-unclosed",
        ENTRY.replace("{Data Rules}", '"Data Rules') + ENTRY.replace("doe2024", "roe2024"),
        2,
        "value of title is not closed",
        'with `"`',
    ),
    ("entry-unclosed", ENTRY[:-2], 1, "the entry doe2024 is not closed by the end of the file", "end it with `}`"),
    ("field-without-value", ENTRY.replace("  year = {2024}\n", "  year\n"), 4, "the field year has no value", "year = {...}"),
    ("field-without-equals", ENTRY.replace("title = {", "title {"), 2, "the field title has no `=`", "title = {...}"),
    ("key-without-comma", ENTRY.replace("doe2024,", "doe2024"), 1, "the key doe2024 is not followed by a comma", "@article{ferencz2019,"),
    ("string-without-equals", "@string{wec {The World Economy}}\n" + ENTRY, 1, "the @string has no `=`", "@string{name = {value}}"),
    (
        "comment-unclosed",
        "@comment{exported by hand\n" + ENTRY,
        1,
        "the @comment block is not closed before the next block at line 2",
        "`}`",
    ),
    (
        "comma-missing-between-fields",
        ENTRY.replace("{Data Rules},", "{Data Rules}"),
        2,
        "the value of title runs into the next field",
        "comma",
    ),
    (
        "undefined-string",
        ENTRY.replace("{Data Rules}", "wec"),
        2,
        "the value of title (wec) is not in braces and no @string",
        "title = {wec}",
    ),
    ("joined-with-hash", ENTRY.replace("{Data Rules}", "wec # { Rules}"), 2, "joins parts with `#`", "write the value whole"),
    ("no-key", ENTRY.replace("doe2024", ""), 1, "the entry has no key", "@article{ferencz2019,"),
]


@pytest.mark.parametrize("name, text, line, message, fix", FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_of_a_bibtex_file_is_one_message_with_its_line_and_fix(tmp_path, folder, name, text, line, message, fix):
    path = _write(tmp_path, text, f"{name}.bib")
    before = folder_state(folder)
    result = _add(path, folder)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    said = [row for row in result.output.splitlines() if ": Violation:" in row]
    assert len(said) == 1, result.output  # one problem, one message (no "add a year" for a year the fault swallowed)
    assert f"{name}.bib:{line}:" in said[0] and message in said[0], result.output
    assert "Fix:" in said[0] and fix in said[0].split("Fix:")[1]
    assert folder_state(folder) == before
