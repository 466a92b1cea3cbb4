"""Adding literature entries: every bad input gets file, line, field and fix, an exit code, and nothing written."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from marks import intake_only
from typer.testing import CliRunner

import dskg
from dskg import intake
from dskg.cli import app
from dskg.queries import rows

runner = CliRunner()

GOOD = """\
# a test entry
id: doe-2024
type: article
title: {en: "Data localisation and trade in digital services"}
authors: ["Doe, Jane", "Roe, Richard"]
year: 2024
language: en
doi: 10.9999/dskg-test.2024
claims:
  - about: [bar-market-access]
    stance: supports
    text: {en: "Data localisation rules act as a market-access barrier for digital services."}
"""


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return intake.init_data_dir(tmp_path / "my-data")


def _entry(tmp_path: Path, text: str, name: str = "entry.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _add(path: Path, folder: Path, *extra: str):
    return runner.invoke(app, ["add", str(path), "--data", str(folder), *extra])


def _stored(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "entries").iterdir())


def test_init_makes_a_data_folder_and_refuses_a_non_empty_one(tmp_path):
    folder = intake.init_data_dir(tmp_path / "d")
    assert (folder / "entries").is_dir() and (folder / "README.md").is_file()
    assert intake.init_data_dir(folder) == folder  # idempotent
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x.txt").write_text("x")
    result = runner.invoke(app, ["init", str(busy)])
    assert result.exit_code == 2 and "not empty" in result.stderr


def test_a_valid_entry_is_added_and_shows_up_in_queries_for_its_barrier(tmp_path, folder):
    result = _add(_entry(tmp_path, GOOD), folder)
    assert result.exit_code == 0, result.output
    assert _stored(folder) == ["doe-2024.yaml"]
    assert "# a test entry" in (folder / "entries" / "doe-2024.yaml").read_text(encoding="utf-8")
    query = runner.invoke(app, ["query", "evidence-for", "-p", "entity=bar-market-access", "--data", str(folder), "--format", "csv"])
    assert query.exit_code == 0
    assert "claim-doe-2024-1" in query.stdout and "doe-2024" in query.stdout
    kg = dskg.build(folder)
    [row] = [r for r in rows(dskg.run_query("literature", kg, {"year": 2024})) if r["id"] == "doe-2024"]
    assert row["title"] == "Data localisation and trade in digital services"


@intake_only
def test_adding_the_same_entry_twice_says_so_and_changes_nothing(tmp_path, folder):
    path = _entry(tmp_path, GOOD)
    assert _add(path, folder).exit_code == 0
    before = (folder / "entries" / "doe-2024.yaml").stat().st_mtime_ns
    result = _add(path, folder)
    assert result.exit_code == 0 and "already added" in result.stderr
    assert (folder / "entries" / "doe-2024.yaml").stat().st_mtime_ns == before


@intake_only
def test_same_id_with_different_content_is_a_duplicate(tmp_path, folder):
    assert _add(_entry(tmp_path, GOOD), folder).exit_code == 0
    changed = _entry(tmp_path, GOOD.replace("year: 2024", "year: 2023"), "changed.yaml")
    result = _add(changed, folder)
    assert result.exit_code == 1 and "duplicate id" in result.stdout


@intake_only
def test_dry_run_writes_nothing(tmp_path, folder):
    result = _add(_entry(tmp_path, GOOD), folder, "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.stderr
    assert _stored(folder) == []


@intake_only
def test_an_entry_can_add_a_new_barrier_its_claims_are_about(tmp_path, folder):
    text = (
        GOOD.replace("about: [bar-market-access]", "about: [bar-data-localisation]")
        + """\
barriers:
  - id: bar-data-localisation
    label_en: Data localisation barrier
    label_zh: 数据本地化壁垒
    label_zh_verbatim: false
    level: international
"""
    )
    assert _add(_entry(tmp_path, text), folder).exit_code == 0
    kg = dskg.build(folder)
    barriers = {r["id"]: r for r in rows(dskg.run_query("barriers", kg))}
    assert barriers["bar-data-localisation"]["level"] == "international"
    evidence = rows(dskg.run_query("evidence-for", kg, {"entity": "bar-data-localisation"}))
    assert [(r["kind"], r["id"], r["source"]) for r in evidence] == [("claim", "claim-doe-2024-1", "doe-2024")]


BAD = [
    ("yaml-syntax", "id: x\ntitle: {en: [unclosed\n", "yaml", 1, "YAML syntax error"),
    ("empty", "", "yaml", 1, "empty"),
    ("list-for-mapping", "- [a, b]\n", "yaml", 1, "must be a mapping"),
    ("authors-not-a-list", GOOD.replace('authors: ["Doe, Jane", "Roe, Richard"]', 'authors: "Doe, Jane"'), "yaml", 1, "authors"),
    (
        "missing-title",
        GOOD.replace('title: {en: "Data localisation and trade in digital services"}\n', ""),
        "yaml",
        1,
        "missing field `title`",
    ),
    ("missing-authors", GOOD.replace('authors: ["Doe, Jane", "Roe, Richard"]\n', ""), "yaml", 1, "missing field `authors`"),
    ("missing-year", GOOD.replace("year: 2024\n", ""), "yaml", 1, "missing field `year`"),
    ("year-as-text", GOOD.replace("year: 2024", "year: next year"), "yaml", 1, "year must be a number"),
    ("malformed-doi", GOOD.replace("doi: 10.9999/dskg-test.2024", "doi: doi.org/10.9999/x"), "yaml", 1, "malformed DOI"),
    (
        "doi-already-in-graph",
        GOOD.replace("doi: 10.9999/dskg-test.2024", "doi: 10.12677/ssem.2025.143042"),
        "yaml",
        1,
        "already in the graph as wang-jinze-2025",
    ),
    ("unknown-key", GOOD.replace("authors:", "autors:"), "yaml", 1, "did you mean `authors`?"),
    (
        "unknown-about-id",
        GOOD.replace("about: [bar-market-access]", "about: [bar-market-acess]"),
        "yaml",
        1,
        "did you mean bar-market-access",
    ),
    (
        "title-without-language",
        GOOD.replace('title: {en: "Data localisation and trade in digital services"}', 'title: "Data localisation"'),
        "yaml",
        1,
        "title needs its language",
    ),
    ("duplicate-id", GOOD.replace("id: doe-2024", "id: zhang-qi-2024"), "yaml", 1, "duplicate id"),
    (
        "turtle-syntax",
        '@prefix dskg: <https://w3id.org/dskg/ontology#> .\n<urn:x> a dskg:Work ;\n  dskg:authorsText "x" \n<urn:y> a .\n',
        "ttl",
        1,
        "Turtle syntax error",
    ),
    (
        "bibtex-unclosed",
        "@article{doe2024,\n  title = {Unclosed,\n  author = {Doe, Jane},\n  year = 2024\n",
        "bib",
        1,
        "BibTeX syntax error",
    ),
]


@intake_only
@pytest.mark.parametrize("name, text, suffix, code, needle", BAD, ids=[b[0] for b in BAD])
def test_bad_entry_gets_a_clear_message_exit_code_and_nothing_written(tmp_path, folder, name, text, suffix, code, needle):
    path = _entry(tmp_path, text, f"{name}.{suffix}")
    result = _add(path, folder)
    assert result.exit_code == code, result.output
    assert needle in result.output
    assert f"{name}.{suffix}" in result.output  # the file is named
    assert "Traceback" not in result.output
    assert _stored(folder) == []


def test_findings_name_the_line_and_field(tmp_path, folder):
    path = _entry(tmp_path, GOOD.replace("authors:", "autors:"), "typo.yaml")
    result = runner.invoke(app, ["validate", str(path), "--data", str(folder)])
    assert result.exit_code == 1
    assert f"{path}:5: Violation: doe-2024 autors" in result.stdout


def test_non_utf8_file_is_unreadable_input(tmp_path, folder):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.replace("Doe", "D\u00f6e").encode("latin-1"))
    result = _add(path, folder)
    assert result.exit_code == 2 and "UTF-8" in result.stderr and "latin1.yaml" in result.stderr
    assert _stored(folder) == []


def test_a_5_mb_file_is_refused_without_reading_it_as_an_entry(tmp_path, folder):
    path = tmp_path / "huge.yaml"
    path.write_text(GOOD + "# " + "x" * 5_000_000 + "\n", encoding="utf-8")
    result = _add(path, folder)
    assert result.exit_code == 2 and "too large" in result.stderr
    assert _stored(folder) == []


def test_missing_file_and_missing_folder_are_usage_errors(tmp_path, folder):
    assert _add(tmp_path / "nope.yaml", folder).exit_code == 2
    result = _add(_entry(tmp_path, GOOD), tmp_path / "not-initialised")
    assert result.exit_code == 2 and "dskg init" in result.stderr


@pytest.mark.fast_path_only("the lock between two adds is the same code on both paths")
def test_two_adds_at_once_both_land_whole(tmp_path, folder):
    first = _entry(tmp_path, GOOD, "a.yaml")
    second = _entry(tmp_path, GOOD.replace("doe-2024", "roe-2024").replace("10.9999/dskg-test.2024", "10.9999/dskg-test.2025"), "b.yaml")
    errors = []

    def add(path):
        try:
            intake.add_entries([path], folder, engine="reasonable")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(p,)) for p in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _stored(folder) == ["doe-2024.yaml", "roe-2024.yaml"]
    dskg.build(folder, reason=False)  # both files are whole and valid


@intake_only
def test_bibtex_import_keeps_chinese_and_warns_there_are_no_claims(tmp_path, folder):
    bib = _entry(
        tmp_path,
        "@article{wang2023demo,\n  title = {数字服务贸易壁垒测试},\n  author = {王某 and 李某},\n"
        "  journal = {测试期刊},\n  year = {2023}\n}\n",
        "demo.bib",
    )
    result = _add(bib, folder)
    assert result.exit_code == 0, result.output
    assert "no claims yet" in result.stdout
    stored = (folder / "entries" / "wang2023demo.yaml").read_text(encoding="utf-8")
    assert "数字服务贸易壁垒测试" in stored and "王某" in stored
    kg = dskg.build(folder, reason=False)
    [row] = [r for r in rows(dskg.run_query("literature", kg)) if r["id"] == "wang2023demo"] or [None]
    assert row is None or row["title"] == "数字服务贸易壁垒测试"


@intake_only
def test_a_turtle_entry_using_the_ontology_is_added_and_queried(folder):
    turtle = Path(__file__).parent / "entries" / "smith-2023-example.ttl"
    result = _add(turtle, folder)
    assert result.exit_code == 0, result.output
    assert _stored(folder) == ["smith-2023-example.ttl"]
    kg = dskg.build(folder)
    evidence = rows(dskg.run_query("evidence-for", kg, {"entity": "bar-market-access"}))
    assert ("claim", "claim-smith-2023-1", "smith-2023") in {(r["kind"], r["id"], r["source"]) for r in evidence}
    assert "already added" in _add(turtle, folder).stderr


@intake_only
def test_dskg_data_environment_variable_layers_the_folder(tmp_path, folder):
    assert _add(_entry(tmp_path, GOOD), folder).exit_code == 0
    result = runner.invoke(app, ["query", "literature", "-p", "year=2024", "--format", "csv"], env={"DSKG_DATA": str(folder)})
    assert result.exit_code == 0 and "doe-2024" in result.stdout
    plain = runner.invoke(app, ["query", "literature", "-p", "year=2024", "--format", "csv"], env={"DSKG_DATA": ""})
    assert "doe-2024" not in plain.stdout


@intake_only
def test_a_bad_entry_is_refused_when_the_graph_without_it_is_cached(tmp_path, folder, monkeypatch):
    # a file that reads into no records writes nothing, so the folder "as the add leaves it" is the
    # folder as it is, whose build may be cached: the add must still find the file's problems
    from dskg import cache

    monkeypatch.setenv("DSKG_CACHE", str(tmp_path / "cache"))
    cache.cached_build(folder)
    path = _entry(tmp_path, GOOD.replace("title:", "titel:"), "typo.yaml")
    result = _add(path, folder)
    assert result.exit_code == 1 and "typo.yaml" in result.output and "title" in result.output, result.output
    assert _stored(folder) == []
