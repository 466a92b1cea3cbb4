"""Records and what reads them: each knows its file and line (`record.origin`), the fast path's
shortcuts through pydantic make what pydantic's own ways make, and one translator words a bad
value the same in a curated file, an entry and a BibTeX file, naming the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dskg.cli import app
from dskg.entries import read_entries
from dskg.sources import read_file

ENTRIES = Path(__file__).parent / "entries"
runner = CliRunner()

ENTRY = """\
id: doe-2024
type: article
title: {en: "Data localisation and trade in digital services"}
authors: ["Doe, Jane"]
year: 2024
language: en
claims:
  - about: [bar-market-access]
    text: {en: "Data localisation rules act as a market-access barrier."}
"""


def _every_record(records):
    for record in records.all():
        yield record
        for claim in getattr(record, "claims", []):
            yield claim
            yield from claim.links
        yield from getattr(record, "links", [])


def _as_made(records) -> list:
    """Everything a record is, as pydantic sees it, and where it was written."""
    return [
        (type(r).__name__, r.model_dump(), sorted(r.model_fields_set), list(r.__dict__), r.origin.file, r.origin.line, r.line_of("quotes"))
        for r in _every_record(records)
    ]


def test_the_fast_path_makes_records_as_pydantic_makes_them(monkeypatch):
    """fast/models.py fills pydantic's instance dictionaries itself; the reference path calls
    model_construct and sets the origin as an attribute."""
    paths = sorted(p for p in ENTRIES.iterdir() if p.suffix in (".yaml", ".bib"))
    monkeypatch.delenv("DSKG_REFERENCE_PATH", raising=False)
    fast = _as_made(read_entries(paths).records)
    monkeypatch.setenv("DSKG_REFERENCE_PATH", "1")
    reference = _as_made(read_entries(paths).records)
    assert fast == reference
    assert any(kind == "Link" for kind, *_ in fast) and all(line > 0 for *_, line, _ in fast)


def test_records_built_from_entries_are_what_pydantic_validation_makes():
    """An entry's work, claims and links are built from its validated values without validating
    again: they must be what validating those values gives."""
    works = read_entries(sorted(ENTRIES.glob("*.yaml"))).records.works
    assert works and any(w.claims for w in works)
    validated = 0
    for work in works:
        assert list(work.__dict__) == list(type(work).model_fields)
        if all(claim.quote for claim in work.claims):  # a claim without a quote makes links without quotes, which validation refuses
            assert type(work).model_validate(work.model_dump()).model_dump() == work.model_dump()
            validated += 1
        for claim in work.claims:
            assert claim.origin.file == work.origin.file and claim.origin.line >= work.origin.line > 0
            for link in claim.links:
                assert link.origin.file == work.origin.file and link.line_of("quotes") >= claim.origin.line
    assert validated


def test_a_record_knows_the_line_of_each_field_and_list_item(tmp_path):
    path = tmp_path / "entry.yaml"
    path.write_text(ENTRY.replace('authors: ["Doe, Jane"]', 'authors:\n  - "Doe, Jane"\n  - "Roe, Richard"'), encoding="utf-8")
    [work] = read_entries([path]).records.works
    assert (work.origin.file, work.origin.line) == (str(path), 1)
    assert (work.line_of("year"), work.line_of("authors[1]"), work.line_of("no-such-field")) == (7, 6, 1)
    [claim] = work.claims
    assert claim.origin.line == 10


def _problems_of_entry(tmp_path: Path, text: str, name: str = "entry.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_entries([path]).problems


def test_a_bad_language_tag_names_the_field_and_the_fix(tmp_path):
    [problem] = _problems_of_entry(tmp_path, ENTRY.replace("language: en", "language: English"))
    assert (problem.line, problem.entity, problem.field) == (6, "doe-2024", "language")
    assert problem.message == "'English' is not a language tag" and "`en`" in problem.fix
    result = runner.invoke(app, ["validate", str(tmp_path / "entry.yaml")])
    assert result.exit_code == 1
    assert "entry.yaml:6: Violation: doe-2024 language: 'English' is not a language tag. Fix: write the language" in result.stdout


def test_a_language_map_with_a_name_for_a_tag_is_placed_on_its_key(tmp_path):
    text = ENTRY.replace('title: {en: "Data localisation and trade in digital services"}', "title:\n  English: Data")
    [problem] = _problems_of_entry(tmp_path, text)
    assert (problem.line, problem.field, problem.message) == (4, "title.English", "'English' is not a language tag")


BARRIER = "barriers:\n  - id: bar-x\n    label_zh: 壁垒\n    label_en: Market access\n    level: domestic\n"


@pytest.mark.parametrize(
    "text, line, field, message, fix",
    [
        (BARRIER.replace("    label_en: Market access\n", ""), 2, "label_en", "missing field `label_en`", "add it, e.g. `label_en: ...`"),
        (BARRIER.replace("level:", "levle:"), 5, "levle", "unknown field `levle`", "did you mean `level`?"),
        (BARRIER + "    source: Not-A-Slug\n", 6, "source", "'Not-A-Slug' is not an id", "write it as an id: an id is lowercase"),
    ],
)
def test_curated_files_get_the_messages_entries_get(tmp_path, text, line, field, message, fix):
    path = tmp_path / "barriers.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = [p for p in read_file(path)[1] if p.field == field]
    assert (problem.file, problem.line, problem.entity, problem.field, problem.message) == ("barriers.yaml", line, "bar-x", field, message)
    assert problem.fix.startswith(fix)


def test_a_malformed_doi_reads_the_same_in_every_format(tmp_path):
    yaml = _problems_of_entry(tmp_path, ENTRY + "doi: https://doi.org/10.1111/x\n")
    bib_text = "@article{doe2024,\n  title = {T},\n  author = {Doe, Jane},\n  year = {2024},\n  doi = {https://doi.org/10.1111/x}\n}\n"
    bib = _problems_of_entry(tmp_path, bib_text, "d.bib")
    curated = tmp_path / "works.yaml"
    curated.write_text("works:\n  - id: w-2024\n    authors_text: Doe\n    year: 2024\n    doi: https://doi.org/10.1111/x\n", "utf-8")
    [from_curated] = read_file(curated)[1]
    assert {(p.field, p.message, p.fix) for p in [*yaml, *bib, from_curated]} == {
        ("doi", "malformed DOI 'https://doi.org/10.1111/x'", "write the DOI alone, like `doi: 10.1111/twec.12424` (no https://doi.org/)")
    }
    assert (yaml[0].line, bib[0].line, from_curated.line) == (10, 5, 5)  # the BibTeX field on its own line


def test_a_bibtex_entry_without_a_year_gets_a_fix_in_bibtex_terms(tmp_path):
    [problem] = _problems_of_entry(tmp_path, "@article{roe2023,\n  title = {Services trade},\n  author = {Roe, Richard}\n}\n", "r.bib")
    assert (problem.line, problem.entity, problem.field) == (1, "roe2023", "year")
    assert problem.fix == "add `year = {2021}` to the BibTeX entry"
