"""`dskg cite` (issue 19, point 3): the works behind a query's rows, or named works, as BibTeX, RIS,
CSL-JSON and GB/T 7714-2015 text, each checked with a real reader of the format (bibtexparser, rispy,
the CSL data schema with jsonschema) and, for GB/T 7714, against the report's own literature page.

Expected values come from data/sources.yaml, data/literature.yaml and tests/entries/real.bib
(whose fields tests/entries/SOURCES.md verifies), never from what `cite` prints.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from ruamel.yaml import YAML
from typer.testing import CliRunner

from dskg import report, resources
from dskg.cli import app

pytestmark = pytest.mark.fast_path_only("citations read the built graph's works; no speed trick touches how they are written")

runner = CliRunner()
ENTRIES = Path(__file__).parent / "entries"
CSL_SCHEMA = json.loads((Path(__file__).parent / "csl" / "csl-data.json").read_text(encoding="utf-8"))


def shipped(name: str) -> dict[str, dict]:
    data = YAML(typ="safe").load((resources.data_dir() / name).read_text(encoding="utf-8"))
    return {w["id"]: w for w in data["works"]}


def dskg(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def explicit_sources() -> list[str]:
    """The works behind `countermeasures-by-barrier -p basis=explicit`, read from its W3C CSV."""
    table = csv.DictReader(io.StringIO(dskg("query", "countermeasures-by-barrier", "-p", "basis=explicit", "--format", "csv")))
    sources = list(dict.fromkeys(row["source"] for row in table))
    assert sources == ["wang-jinze-2025"]  # the paper is the only work behind its explicit links
    return sources


def cite(*args: str) -> str:
    return dskg("cite", "--query", "countermeasures-by-barrier", "-p", "basis=explicit", *args)


def test_the_works_behind_the_explicit_links_are_valid_bibtex_with_the_papers_fields(explicit_sources):
    paper = shipped("sources.yaml")["wang-jinze-2025"]
    library = bibtexparser.parse_string(cite("--format", "bibtex"))
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == explicit_sources
    entry = library.entries[0]
    assert entry.entry_type == "article"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["title"] == paper["title_zh"] and fields["journal"] == paper["journal_zh"]
    assert (fields["year"], fields["volume"], fields["number"]) == (str(paper["year"]), paper["volume"], paper["issue"])
    assert fields["doi"] == paper["doi"] and "pages" not in fields  # the paper's pages are not stated
    assert re.fullmatch(r"\{?王锦泽\}?", fields["author"])


def test_the_works_behind_the_explicit_links_are_valid_ris(explicit_sources):
    paper = shipped("sources.yaml")["wang-jinze-2025"]
    records = rispy.loads(cite("--format", "ris"))
    assert [r["id"] for r in records] == explicit_sources
    record = records[0]
    assert record["type_of_reference"] == "JOUR"
    assert (record["title"], record["secondary_title"], record["authors"]) == (paper["title_zh"], paper["journal_zh"], paper["authors"])
    assert (record["year"], record["volume"], record["number"], record["doi"]) == (
        str(paper["year"]),
        paper["volume"],
        paper["issue"],
        paper["doi"],
    )


def test_the_works_behind_the_explicit_links_are_csl_json_the_csl_schema_accepts(explicit_sources):
    items = json.loads(cite("--format", "csl-json"))
    jsonschema.validate(items, CSL_SCHEMA)
    assert [item["id"] for item in items] == explicit_sources


def reference_on_page(site: Path, work_id: str) -> str:
    """A work's reference on the report's literature page, as plain text (its number and note left out)."""
    page = (site / "literature.html").read_text(encoding="utf-8")
    ref = re.search(rf'<li id="{re.escape(work_id)}">\s*<p class="ref">(.*?)</p>', page, re.DOTALL).group(1)
    ref = re.sub(r'<span class="(refno|note)">.*?</span>', "", ref, flags=re.DOTALL)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", ref)).split())


@pytest.fixture(scope="module")
def sites(kg, tmp_path_factory) -> dict[str, Path]:
    folders = {}
    for lang in ("zh", "en"):
        folders[lang] = tmp_path_factory.mktemp(f"report-{lang}") / "site"
        report.write_report(kg, folders[lang], lang=lang)
    return folders


def test_the_gbt7714_string_is_the_reports_in_the_works_own_language(explicit_sources, sites):
    cited = shipped("literature.yaml")
    ids = [*explicit_sources, "feng-xiaoling-2025", "zhou-f-2022"]
    lines = dskg("cite", *ids).splitlines()
    assert lines[0] == reference_on_page(sites["zh"], "wang-jinze-2025")
    assert lines[0] == "王锦泽. 我国数字服务贸易发展的优势、壁垒和对策研究[J]. 服务科学和管理, 2025, 14(3). DOI: 10.12677/ssem.2025.143042."
    # 冯晓玲、徐豫洋等 (a Chinese citation that names two and says 等): GB/T 7714's ", 等", the unknown title in Chinese
    assert cited["feng-xiaoling-2025"]["authors_text"] == "冯晓玲、徐豫洋等"
    assert lines[1] == reference_on_page(sites["zh"], "feng-xiaoling-2025") == "冯晓玲, 徐豫洋, 等. [题名不详]. 2025."
    # Zhou, F., Wen, H. and Lee, C. (an English work): family names in capitals, initials without points
    assert cited["zhou-f-2022"]["authors"] == ["Zhou, F.", "Wen, H.", "Lee, C."]
    assert lines[2] == reference_on_page(sites["en"], "zhou-f-2022") == "ZHOU F, WEN H, LEE C. [title unknown]. 2022."


def test_gbt7714_names_three_authors_then_et_al():
    # GB/T 7714-2015 8.1.2: more than three authors, the first three and ", 等" / ", et al."
    assert report.gbt_authors("马述忠; 房超; 张洪胜; 李彦陈", "zh") == "马述忠, 房超, 张洪胜, 等"
    assert report.gbt_authors("Nordås, Hildegunn Kyvik; Rouzet, Dorothée", "en") == "NORDÅS H K, ROUZET D"
    names = "Ferracane, Martina Francesca; Lee-Makiyama, Hosuk; van der Marel, Erik; Ferencz, Janos"
    assert report.gbt_authors(names, "en") == "FERRACANE M F, LEE-MAKIYAMA H, VAN DER MAREL E, et al."


def test_what_the_graph_does_not_know_is_left_out_not_invented():
    cited = shipped("literature.yaml")["feng-xiaoling-2025"]
    entry = bibtexparser.parse_string(dskg("cite", "feng-xiaoling-2025", "-f", "bibtex")).entries[0]
    fields = {f.key: f.value for f in entry.fields}
    assert "title" not in fields and "journal" not in fields and "doi" not in fields
    assert fields["year"] == str(cited["year"])
    # BibTeX's own et al.: the citation named two authors and 等
    assert re.split(r"\s+and\s+", fields["author"].replace("{", "").replace("}", "")) == [*cited["authors"], "others"]
    record = rispy.loads(dskg("cite", "feng-xiaoling-2025", "-f", "ris"))[0]
    assert "title" not in record and record["authors"] == cited["authors"]


@pytest.fixture(scope="module")
def user_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cite") / "mine"
    dskg("init", str(folder))
    dskg("add", "--data", str(folder), str(ENTRIES / "real.bib"))
    return folder


def literature(folder: Path) -> dict[str, dict]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(dskg("query", "literature", "--data", str(folder), "--format", "csv")))}


@pytest.mark.parametrize(("fmt", "suffix"), [("bibtex", ".bib"), ("ris", ".ris"), ("csl-json", ".json")])
def test_works_written_by_cite_are_added_back_as_the_same_works(user_folder, tmp_path, fmt, suffix):
    added = {entry.key for entry in bibtexparser.parse_file(str(ENTRIES / "real.bib")).entries}
    ids = sorted(set(literature(user_folder)) - set(literature_of_shipped()))
    assert len(ids) == len(added)
    exported = tmp_path / f"works{suffix}"
    dskg("cite", *ids, "--data", str(user_folder), "-f", fmt, "-o", str(exported))
    fresh = tmp_path / "fresh"
    dskg("init", str(fresh))
    dskg("add", "--data", str(fresh), str(exported))
    before, after = literature(user_folder), literature(fresh)
    assert {i: before[i] for i in ids} == {i: after[i] for i in ids}
    csl = json.loads(dskg("cite", *ids, "--data", str(user_folder), "-f", "csl-json"))
    assert csl == json.loads(dskg("cite", *ids, "--data", str(fresh), "-f", "csl-json"))  # venue, volume, pages, DOI, URL too
    jsonschema.validate(csl, CSL_SCHEMA)
    assert any("family" in a and "å" in a["family"] for item in csl for a in item["author"])  # Nordås survives


def literature_of_shipped() -> dict[str, dict]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(dskg("query", "literature", "--format", "csv")))}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["cite"], "name the works to cite"),
        (["cite", "wang-jinze-2025", "--query", "literature"], "not both"),
        (["cite", "wang-jinze-2025", "-f", "endnote"], "unknown citation format 'endnote'"),
        (["cite", "no-such-work"], "not a work of the graph: no-such-work"),
        (["cite", "--query", "no-such-query"], "no-such-query"),
        (["cite", "wang-jinze-2025", "-p", "basis=explicit"], "-p gives a parameter of --query"),
    ],
)
def test_bad_usage_is_exit_2_with_what_to_do(args, says):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert says in result.stderr and "Traceback" not in result.output


def test_a_query_whose_rows_name_no_work_cites_nothing_and_says_so():
    result = runner.invoke(app, ["cite", "--query", "barriers"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "name no work" in result.stderr


def test_a_title_in_two_languages_survives_the_trip_through_ris():
    # RIS has a field for a translated title (TT): the paper's English title goes there and comes back
    from dskg import ris

    paper = shipped("sources.yaml")["wang-jinze-2025"]
    found, problems = ris.parse(dskg("cite", "wang-jinze-2025", "-f", "ris"), "paper.ris")
    assert problems == []
    assert found[0].data["title"] == {"zh": paper["title_zh"], "en": paper["title_en"]}
    assert found[0].data["doi"] == paper["doi"] and found[0].data["authors"] == paper["authors"]
