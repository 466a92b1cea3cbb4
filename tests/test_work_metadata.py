"""Issue 18, point 4: the paper's metadata that comes from outside its text is marked with its source.

A user asks "which of this work's metadata comes from outside its text, and from where" with the
canned query (`dskg query work-metadata -p from_outside=true`) or with PROV in plain SPARQL. The
expected answers come from the paper's text file itself (a value the text does not contain cannot
come from it) and from the issue (volume, issue, publisher and the English journal name are not in
the text; the seed README is the one source of them that could be read).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import dskg
from dskg import queries, resources
from dskg.errors import InvalidDataError

ROOT = Path(__file__).resolve().parents[1]
PAPER = "wang-jinze-2025"
SOURCES = YAML(typ="safe").load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))["works"]
WORK = next(w for w in SOURCES if w["id"] == PAPER)
# the whole extraction, running headers kept (the DOI, the journal's name and the licence are only there)
TEXT = "".join((ROOT / "data" / WORK["text_file"]).read_text(encoding="utf-8").split())
SEED = "seed-readme"
JOURNAL_PAGE = "https://www.hanspub.org/journal/paperinformation?paperid=114007"


def values(field: str) -> list[str]:
    value = WORK[field]
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def in_text(field: str) -> bool:
    return all("".join(v.split()) in TEXT for v in values(field))


@pytest.fixture(scope="module")
def fields(kg) -> dict[str, dict]:
    return {r["field"]: r for r in queries.rows(dskg.run_query("work-metadata", kg, {"work": PAPER}))}


def test_the_fields_the_issue_names_come_from_outside_the_text_from_the_seed_readme(fields):
    """volume 14, issue 3, Hans Publishers, Service Science and Management: not in the text; the seed README alone gives them."""
    assert not in_text("publisher") and not in_text("journal_en")
    for form in ("14(3)", "Vol.14", "第14卷", "No.3"):  # the numbers 14 and 3 are in the text, never as volume or issue
        assert form not in TEXT, form
    for field in ("volume", "issue", "publisher", "journal_en"):
        assert fields[field]["from_outside"] == "true", fields[field]
        assert fields[field]["sources"] == SEED, fields[field]
        assert fields[field]["value"] == str(WORK[field])
    assert "seed README" in fields["volume"]["source_labels"]


def test_a_value_the_text_does_not_contain_is_never_said_to_come_from_it(fields):
    given = [f for f in fields]
    assert {"title_zh", "title_en", "year", "volume", "issue", "publisher", "journal_en", "doi", "license"} <= set(given)
    for field, row in fields.items():
        if field != "type" and not in_text(field):
            assert row["from_outside"] == "true" and "text" not in row["sources"].split(" | "), row
        assert row["sources"], row


def test_the_doi_licence_and_journal_name_are_in_the_texts_running_headers(fields):
    for field in ("doi", "license", "journal_zh", "authors_text"):
        assert in_text(field), field
        assert fields[field]["from_outside"] == "false", fields[field]
        assert "text" in fields[field]["sources"].split(" | "), fields[field]


def test_the_titles_are_not_in_the_text_and_the_journals_page_gives_them(fields):
    """The extraction begins at the abstract: the title is not in it."""
    for field in ("title_zh", "title_en"):
        assert not in_text(field), field
        assert set(fields[field]["sources"].split(" | ")) == {SEED, JOURNAL_PAGE}, fields[field]


def test_the_same_answer_in_plain_prov_sparql(kg, fields):
    """Without the canned query: records not derived from the work itself, and what they are derived from."""
    answer = queries.run_sparql(
        f"""
        PREFIX dskg: <https://w3id.org/dskg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?field ?source WHERE {{
          ?m dskg:metadataOf <https://w3id.org/dskg/id/{PAPER}> ; dskg:metadataField ?field ; prov:wasDerivedFrom ?source .
          FILTER NOT EXISTS {{ ?m prov:wasDerivedFrom <https://w3id.org/dskg/id/{PAPER}> }}
        }}""",
        kg,
    )
    outside: dict[str, set[str]] = {}
    for row in queries.rows(answer):
        outside.setdefault(row["field"], set()).add(str(row["source"]).removeprefix("https://w3id.org/dskg/id/metadata-source/"))
    assert outside == {f: set(r["sources"].split(" | ")) for f, r in fields.items() if r["from_outside"] == "true"}


def test_each_source_of_the_metadata_is_named_in_both_languages(kg):
    """A reader of either language sees what the seed README and the journal's page are (the report counts a record
    with one label as a gap)."""
    answer = queries.run_sparql(
        """
        PREFIX dskg: <https://w3id.org/dskg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?source (GROUP_CONCAT(LANG(?label); separator=" ") AS ?langs) WHERE {
          ?source a dskg:MetadataSource ; rdfs:label ?label } GROUP BY ?source""",
        kg,
    )
    langs = {str(r["source"]): sorted(r["langs"].split()) for r in queries.rows(answer)}
    assert len(langs) == 2 and all(v == ["en", "zh"] for v in langs.values()), langs


def test_every_field_the_paper_gives_says_where_it_comes_from(fields):
    bibliographic = {"title_zh", "title_en", "authors_text", "authors", "authors_en", "year", "journal_zh", "journal_en"}
    bibliographic |= {"publisher", "volume", "issue", "doi", "license", "pages_seen"}
    assert bibliographic == {f for f in bibliographic if WORK.get(f)} <= set(fields)


@pytest.mark.fast_path_only("the loader's checks of metadata_from: no speed trick touches them")
def test_a_wrong_source_is_an_error_naming_the_file_line_and_field(tmp_path):
    """A field said to come from the text that the text lacks (Hans Publishers), a field that is no field, and a field the data forgets."""
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    path = data / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "fields: [authors_text, authors, journal_zh, doi, license, pages_seen]",
        "fields: [authors_text, authors, journal_zh, doi, license, publisher, colour]",
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidDataError) as caught:
        dskg.build(base=data, reason=False)
    messages = {(p.field, p.message) for p in caught.value.problems if p.entity == PAPER}
    line = text.splitlines().index("        fields: [authors_text, authors, journal_zh, doi, license, publisher, colour]") + 1
    assert {p.line for p in caught.value.problems if p.entity == PAPER and p.field.startswith("metadata_from[0]")} == {line}
    assert ("metadata_from[0].fields", "publisher is not found in the work's text") in messages
    assert ("metadata_from[0].fields", "'colour' is not a field of a work") in messages
    assert ("metadata_from", "does not say where pages_seen come from") in messages
