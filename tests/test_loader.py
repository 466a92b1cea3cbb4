"""Bad curated data gets an error naming file, line, entity, field and fix; every problem is listed."""

from __future__ import annotations

from pathlib import Path

import pytest

import dskg
from dskg.errors import InvalidDataError, UnreadableInputError


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _problems(data: Path) -> list:
    with pytest.raises(InvalidDataError) as info:
        dskg.build(base=data, reason=False)
    return info.value.problems


def test_unknown_target_names_file_line_field_and_valid_kind(data_copy):
    path = data_copy / "countermeasures.yaml"
    _replace(path, "target: bar-legal-framework", "target: bar-legal-framwork")
    [problem] = _problems(data_copy)
    assert problem.file == "data/countermeasures.yaml"
    assert problem.line == _line_of(path, "bar-legal-framwork")
    assert problem.entity == "cm-legal-support"
    assert problem.field == "target"
    assert "bar-legal-framwork" in problem.message and "barrier" in problem.message
    assert "did you mean bar-legal-framework" in problem.fix


def test_link_to_wrong_kind_is_refused(data_copy):
    _replace(data_copy / "countermeasures.yaml", "target: bar-legal-framework", "target: adv-platform")
    [problem] = _problems(data_copy)
    assert "advantage" in problem.message and "barrier" in problem.message


def test_duplicate_id_points_at_both_places(data_copy):
    path = data_copy / "advantages.yaml"
    _replace(path, "id: adv-platform", "id: adv-technology")
    problem = next(p for p in _problems(data_copy) if p.field == "id")
    assert "duplicate" in problem.message
    assert f"advantages.yaml:{_line_of(path, 'id: adv-technology')}" in problem.message


def test_missing_label_and_wrong_type_and_typo_all_reported(data_copy):
    path = data_copy / "barriers.yaml"
    _replace(path, "    label_en: Barrier of digital technology innovation capacity\n", "")
    _replace(path, "level: international", "level: global")
    _replace(data_copy / "literature.yaml", "year: 2024", "year: twenty")
    _replace(data_copy / "advantages.yaml", '    section: "3.1"', '    sektion: "3.1"')
    problems = _problems(data_copy)
    found = {(p.file.split("/")[-1], p.field) for p in problems}
    assert ("barriers.yaml", "label_en") in found
    assert ("barriers.yaml", "level") in found
    assert ("literature.yaml", "year") in found
    assert ("advantages.yaml", "sektion") in found
    level = next(p for p in problems if p.field == "level")
    assert "'global'" in level.message and "domestic" in level.message


def test_quote_not_in_the_paper_is_refused(data_copy):
    path = data_copy / "countermeasures.yaml"
    _replace(path, "- 针对数字服务贸易存在法律法规欠缺等问题，我国需要健全法律法规", "- 针对数字服务贸易存在法律法规完全缺失的问题")
    [problem] = _problems(data_copy)
    assert problem.field == "quotes" and "not found verbatim" in problem.message
    assert problem.line == _line_of(path, "法律法规完全缺失")


def test_unknown_section_lists_the_real_ones(data_copy):
    _replace(data_copy / "advantages.yaml", 'section: "3.4"', 'section: "3.9"')
    [problem] = _problems(data_copy)
    assert problem.field == "section" and "3.4" in problem.fix


def test_unquoted_section_number_gets_a_precise_fix(data_copy):
    _replace(data_copy / "advantages.yaml", 'section: "3.4"', "section: 3.4")
    [problem] = _problems(data_copy)
    assert problem.field == "section" and 'section: "3.4"' in problem.message


def test_yaml_syntax_error_names_the_line(data_copy):
    path = data_copy / "advantages.yaml"
    _replace(path, "  - id: adv-platform", "  - id: [adv-platform")
    [problem] = _problems(data_copy)
    assert problem.file.endswith("advantages.yaml") and "YAML" in problem.message


def test_missing_folder_is_unreadable_input(tmp_path):
    with pytest.raises(UnreadableInputError):
        dskg.build(base=tmp_path / "nope", reason=False)


def test_iris_derive_from_ids_not_load_order(data_copy):
    """Reordering records changes nothing: IRIs come from the data."""
    first = dskg.build(base=data_copy, reason=False)
    path = data_copy / "barriers.yaml"
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("  - id: bar-tech-innovation")
    records = ("  - id: bar-tech-innovation" + rest).split("\n  - id: ")
    reordered = head + "\n  - id: ".join(reversed([records[0][len("  - id: ") :]] + records[1:]))
    path.write_text(head + "  - id: " + reordered[len(head) :], encoding="utf-8")
    second = dskg.build(base=data_copy, reason=False)
    assert set(first.data) == set(second.data)


def test_a_later_work_adds_its_own_barrier_and_countermeasure(data_copy):
    """The paper is the first source, not a special case: another work's records load too."""
    (data_copy / "later.yaml").write_text(
        """
works:
  - id: doe-2026
    authors_text: Doe, J.
    authors: ["Doe, J."]
    year: 2026
    title: A later study
barriers:
  - id: bar-data-localisation
    source: doe-2026
    label_zh: 数据本地化壁垒
    label_en: Data localisation barrier
    level: international
countermeasures:
  - id: cm-data-agreements
    source: doe-2026
    label_zh: 数据流动协定
    label_en: Data-flow agreements
    links:
      - property: addresses
        target: bar-data-localisation
        basis: explicit
        quotes: ["Data-flow agreements answer localisation rules."]
""",
        encoding="utf-8",
    )
    kg = dskg.build(base=data_copy, reason=False)
    rows = dskg.queries.rows(
        dskg.queries.run_sparql(
            """PREFIX dskg: <https://w3id.org/dskg/ontology#>
            SELECT ?cm ?work WHERE { ?l a dskg:Addressing ; dskg:linkSubject ?cm ;
              dskg:linkTarget <https://w3id.org/dskg/id/bar-data-localisation> ; dskg:statedIn ?work }""",
            kg,
        )
    )
    assert rows == [{"cm": "https://w3id.org/dskg/id/cm-data-agreements", "work": "https://w3id.org/dskg/id/doe-2026"}]


def test_a_turtle_entry_repeating_a_doi_in_another_case_is_refused(tmp_path):
    """DOIs are case-insensitive: the loader finds the repeat in Turtle entries too (the shape joins exact values)."""
    entry = tmp_path / "copy.ttl"
    entry.write_text(
        "@prefix bibo: <http://purl.org/ontology/bibo/> .\n@prefix id: <https://w3id.org/dskg/id/> .\n"
        'id:copy-of-the-paper bibo:doi "10.12677/SSEM.2025.143042" .\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidDataError) as info:
        dskg.build(entries=[entry], reason=False)
    message = str(info.value)
    assert "copy.ttl" in message and "copy-of-the-paper" in message
    assert "already in the graph as wang-jinze-2025" in message


def test_triples_handed_over_in_chunks_are_the_triples_each_once_in_order(monkeypatch):
    """build() hands chunks to the store as the loader makes them: all of them, once, in order."""
    from dskg import loader, resources
    from dskg.graph import load_ontology
    from dskg.sources import read_folder

    monkeypatch.setattr(loader, "CHUNK", 20)
    records, ontology = read_folder(resources.data_dir()), load_ontology()
    chunks: list[list] = []
    triples = loader.records_to_triples(records, ontology, emit=chunks.append)
    assert len(chunks) > 10
    assert [t for chunk in chunks for t in chunk] == triples
    streamed: list[list] = []
    assert loader.stream_triples(records, ontology, [], emit=streamed.append) == triples
    assert [t for chunk in streamed for t in chunk] == triples


def test_a_streamed_build_holds_what_the_records_make(tmp_path):
    kg = dskg.build(reason=False)
    from dskg.pipeline import read_sources

    _, _, triples = read_sources()
    assert len(kg.data) == len(set(triples)) and len(kg.ontology) > 0 and len(kg.inferred) == 0


def test_a_works_language_is_a_linguistic_system_iri_and_queries_still_show_its_code(tmp_path):
    """DCMI's range for dcterms:language is a dcterms:LinguisticSystem: the paper is in Chinese
    (id.loc.gov's ISO 639-1 `zh`), an added work in English; the literature query shows `zh`/`en`."""
    from rdflib import RDF, Literal, URIRef
    from rdflib.namespace import DCTERMS

    from dskg.queries import rows

    entries = Path(__file__).parent / "entries"
    kg = dskg.build(entries=[entries / "nordas-rouzet-2017.yaml"], reason=False)
    zh, en = URIRef("http://id.loc.gov/vocabulary/iso639-1/zh"), URIRef("http://id.loc.gov/vocabulary/iso639-1/en")
    assert set(kg.data.objects(URIRef("https://w3id.org/dskg/id/wang-jinze-2025"), DCTERMS.language)) == {zh}
    assert set(kg.data.objects(URIRef("https://w3id.org/dskg/id/nordas-rouzet-2017"), DCTERMS.language)) == {en}
    assert {zh, en} <= set(kg.data.subjects(RDF.type, DCTERMS.LinguisticSystem))
    assert not [o for o in kg.data.objects(None, DCTERMS.language) if isinstance(o, Literal)]
    [row] = [r for r in rows(dskg.run_query("literature", kg)) if r["id"] == "nordas-rouzet-2017"]
    assert row["language"] == "en"


def test_a_work_language_that_is_no_language_tag_is_reported(data_copy):
    path = data_copy / "sources.yaml"
    _replace(path, "work_language: zh", "work_language: Chinese")
    [problem] = _problems(data_copy)
    assert (problem.file, problem.line, problem.entity, problem.field) == (
        "data/sources.yaml",
        _line_of(path, "work_language: Chinese"),
        "wang-jinze-2025",
        "work_language",
    )
    assert "'Chinese' is not a language tag" in problem.message and "`zh`" in problem.fix


def test_language_iri_keeps_the_language_of_a_tag():
    from dskg.terms import build_terms

    language_iri = build_terms().language_iri
    assert str(language_iri("en")) == "http://id.loc.gov/vocabulary/iso639-1/en"
    assert str(language_iri("zh-Hans")) == "http://id.loc.gov/vocabulary/iso639-1/zh"
    assert str(language_iri("yue")) == "http://id.loc.gov/vocabulary/iso639-2/yue"
    assert language_iri("Chinese") is None and language_iri("") is None
