"""A user's entry adds its own work and records, never changes the shipped graph (issue 17, point 2).

Each refusal is checked as a user meets it: `dskg add` exits non-zero without a traceback, the
message names the user's file, the record, the field and a fix, and the data folder is as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dskg
from dskg import intake
from dskg.cli import app
from dskg.queries import rows

pytestmark = pytest.mark.fast_path_only("entry scope is checked before the loader's speed tricks matter; the build is tested on both")

runner = CliRunner()

PREFIXES = """\
@prefix dskg: <https://w3id.org/dskg/ontology#> .
@prefix id: <https://w3id.org/dskg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix cito: <http://purl.org/spar/cito/> .
"""

WORK = """\
id:lee-2024 a dskg:Work , fabio:JournalArticle ;
    rdfs:label "Lee (2024)"@en ;
    dcterms:title "Legal support for services exporters"@en ;
    dskg:authorsText "Lee, Bo" ;
    fabio:hasPublicationYear "2024"^^xsd:gYear .
"""

LINK = "<https://w3id.org/dskg/id/link/lee-2024/{s}/addresses/bar-market-access>"


def addressing(subject: str, with_node: bool = True) -> str:
    """`subject` addresses bar-market-access, stated in lee-2024: with its qualified link node, or bare."""
    direct = f"id:{subject} dskg:addresses id:bar-market-access"
    if not with_node:
        return direct + " .\n"
    node = LINK.format(s=subject)
    return f"""\
{direct} ;
    dskg:hasQualifiedLink {node} .
{node} a dskg:Addressing ;
    dskg:linkSubject id:{subject} ;
    dskg:linkTarget id:bar-market-access ;
    dskg:basis dskg:interpretive ;
    dskg:stance cito:supports ;
    dskg:statedIn id:lee-2024 ;
    dskg:quote "Legal support lowers the barriers to entering foreign markets."@en .
"""


NEW_CM = """\
id:cm-export-help a dskg:Countermeasure ;
    rdfs:label "Export help"@en , "出口帮助"@zh ;
    dskg:statedIn id:lee-2024 ;
    dskg:quote "Legal support lowers the barriers to entering foreign markets."@en .
"""


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return intake.init_data_dir(tmp_path / "my-data")


def _entry(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _add(path: Path, folder: Path, *extra: str):
    return runner.invoke(app, ["add", str(path), "--data", str(folder), *extra])


def _state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".dskg.lock"}


def _clean(result, code: int) -> str:
    """The output of a run that ended with `code` and no traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.output


def _refused(tmp_path, folder, text: str, name: str, *needles: str, fix: str = "Fix:") -> str:
    """Add an entry that must be refused: exit 1, the data folder unchanged; returns the output."""
    before = _state(folder)
    output = _clean(_add(_entry(tmp_path, text, name), folder), 1)
    assert name in output and fix in output
    for needle in needles:
        assert needle in output, output
    assert _state(folder) == before
    return output


def test_a_turtle_entry_may_not_relabel_or_retype_a_shipped_record(tmp_path, folder):
    text = PREFIXES + WORK + 'id:bar-market-access skos:prefLabel "Hacked label" ; a dskg:DomesticBarrier .\n'
    output = _refused(tmp_path, folder, text, "hack.ttl", "bar-market-access skos:prefLabel", "bar-market-access rdf:type", "curators")
    assert "hack.ttl:15:" in output  # the line that names the record
    assert "data/barriers.yaml" in output  # where the shipped record lives
    assert "Hacked label" not in {r["label_en"] for r in rows(dskg.run_query("barriers", dskg.build(reason=False)))}


def test_an_axiom_about_an_ontology_term_is_one_finding_naming_the_file(tmp_path, folder):
    output = _refused(tmp_path, folder, PREFIXES + "dskg:Barrier owl:equivalentClass owl:Nothing .\n", "nothing.ttl")
    assert "nothing.ttl:10:" in output and "dskg:Barrier owl:equivalentClass" in output and "ontology" in output
    assert "1 finding: 1 violation" in output  # not one disjointness line per barrier


def test_a_blank_node_no_record_of_the_entry_reaches_is_refused(tmp_path, folder):
    text = PREFIXES + WORK + '[] skos:prefLabel "a loose node"@en .\n'
    _refused(tmp_path, folder, text, "loose.ttl", "blank node", "skos:prefLabel")


@pytest.mark.parametrize(
    "triples, needle",
    [
        ('id:alias owl:sameAs id:bar-market-access ;\n    skos:altLabel "Hacked through an alias"@en .\n', "alias owl:sameAs"),
        ("id:my-kind rdfs:subClassOf dskg:Barrier .\n", "my-kind rdfs:subClassOf"),
        ("id:my-link a owl:ObjectProperty ; rdfs:subPropertyOf dskg:addresses .\n", "my-link rdf:type"),
        ("id:lee-2024 dskg:cites [ owl:sameAs id:bar-market-access ] .\n", "[] owl:sameAs"),
    ],
    ids=["same-as", "subclass", "property", "inside-a-blank-node"],
)
def test_an_entry_may_not_make_ontology_that_reaches_shipped_records(tmp_path, folder, triples, needle):
    _refused(tmp_path, folder, PREFIXES + WORK + triples, "axiom.ttl", needle, "not ontology", "curators")


@pytest.mark.parametrize("subject", ["cm-legal-support", "cm-export-help"], ids=["shipped", "new"])
def test_a_bare_direct_link_is_refused_and_the_qualified_one_agrees_in_both_queries(tmp_path, folder, subject):
    bare = PREFIXES + WORK + NEW_CM + addressing(subject, with_node=False)
    _refused(tmp_path, folder, bare, "bare.ttl", f"{subject} dskg:addresses", "dskg:Addressing")
    qualified = _entry(tmp_path, PREFIXES + WORK + NEW_CM + addressing(subject), "qualified.ttl")
    _clean(_add(qualified, folder), 0)
    kg = dskg.build(folder)
    [barrier] = [r for r in rows(dskg.run_query("barriers", kg)) if r["id"] == "bar-market-access"]
    by_barrier = rows(dskg.run_query("countermeasures-by-barrier", kg, {"barrier": "bar-market-access"}))
    assert int(barrier["countermeasure_count"]) == len({r["countermeasure_id"] for r in by_barrier})
    assert ("lee-2024", subject) in {(r["source"], r["countermeasure_id"]) for r in by_barrier}


def test_a_link_the_entry_disputes_states_no_direct_triple(tmp_path, folder):
    # as the loader writes a disputing YAML link: `barriers` would otherwise count a countermeasure the work disputes
    text = PREFIXES + WORK + addressing("cm-legal-support").replace("cito:supports", "cito:disputes")
    _refused(tmp_path, folder, text, "dispute.ttl", "cm-legal-support dskg:addresses", "disputed by this entry's own link node")
    kept = text.replace("id:cm-legal-support dskg:addresses id:bar-market-access ;\n   ", "id:cm-legal-support")
    _clean(_add(_entry(tmp_path, kept, "dispute.ttl"), folder), 0)


def test_a_turtle_entry_dropped_into_the_folder_by_hand_is_refused_by_every_command(folder):
    (folder / "entries" / "hack.ttl").write_text(PREFIXES + 'id:bar-market-access rdfs:label "Hacked"@en .\n', encoding="utf-8")
    for args in (["validate"], ["query", "barriers"]):
        output = _clean(runner.invoke(app, [*args, "--data", str(folder)]), 1)
        assert "entries/hack.ttl:10:" in output and "bar-market-access" in output and "rdfs:label" in output


def test_a_yaml_entry_may_not_declare_a_record_with_a_shipped_id(tmp_path, folder):
    text = """\
id: doe-2024
type: article
title: {en: "Data localisation"}
authors: ["Doe, Jane"]
year: 2024
language: en
barriers:
  - id: bar-market-access
    label_en: Hacked
    label_zh: 黑
    label_zh_verbatim: false
    level: international
"""
    _refused(
        tmp_path,
        folder,
        text,
        "shadow.yaml",
        "shadow.yaml:8:",
        "bar-market-access id: duplicate id",
        "write a claim about bar-market-access",
    )


def test_an_entry_with_a_taken_file_name_is_refused_unless_replace(tmp_path, folder):
    first = _entry(tmp_path, PREFIXES + WORK, "lee.ttl")
    _clean(_add(first, folder), 0)
    (tmp_path / "v2").mkdir()
    second = _entry(tmp_path / "v2", PREFIXES + WORK.replace("Lee, Bo", "Lee, Bo and Kim, Ana"), "lee.ttl")
    output = _refused(tmp_path / "v2", folder, second.read_text(encoding="utf-8"), "lee.ttl", "entries/lee.ttl already exists", "--replace")
    assert "duplicate" not in output.lower()  # validated as replacing it, not beside it
    assert "0 violations" in _clean(runner.invoke(app, ["validate", str(second), "--data", str(folder)]), 0)  # so is `validate`
    assert "already added, nothing changed: lee.ttl" in _clean(_add(first, folder), 0)
    assert "added" in _clean(_add(second, folder, "--replace"), 0)
    assert "Kim, Ana" in (folder / "entries" / "lee.ttl").read_text(encoding="utf-8")


def test_a_yaml_entry_with_a_taken_id_says_how_to_replace_it(tmp_path, folder):
    text = 'id: doe-2024\ntype: article\ntitle: {en: "Data rules"}\nauthors: ["Doe, Jane"]\nyear: 2024\nlanguage: en\n'
    _clean(_add(_entry(tmp_path, text, "doe.yaml"), folder), 0)
    changed = text.replace("2024\nlanguage", "2023\nlanguage")
    _refused(tmp_path, folder, changed, "doe-v2.yaml", "doe-v2.yaml:1:", "entries/doe-2024.yaml already exists", "--replace")
    _clean(_add(tmp_path / "doe-v2.yaml", folder, "--replace"), 0)
    assert "year: 2023" in (folder / "entries" / "doe-2024.yaml").read_text(encoding="utf-8")


def _unwritable(folder: Path) -> None:
    """Make the folder unwritable to `dskg add`: chmod where it bites; as root (CI), where it does
    not, a directory where the lock file goes, which fails the same way (an OSError on the lock)."""
    if os.geteuid() != 0:
        (folder / "entries").chmod(0o555)
    else:
        (folder / ".dskg.lock").unlink(missing_ok=True)
        (folder / ".dskg.lock").mkdir()


def test_a_folder_that_cannot_be_written_is_named_with_a_fix(tmp_path, folder):
    entry = _entry(tmp_path, PREFIXES + WORK, "lee.ttl")
    _unwritable(folder)
    try:
        before = _state(folder)
        output = _clean(_add(entry, folder), 2)
        assert str(folder) in output and "cannot write" in output and "Fix:" in output and "chmod" in output
        assert _state(folder) == before
        assert "dry run" in _clean(_add(entry, folder, "--dry-run"), 0)  # checking needs no writing
    finally:
        folder.chmod(0o755)
        (folder / "entries").chmod(0o755)


def test_a_write_that_fails_after_the_lock_is_named_too(tmp_path, folder):
    # a name the file system holds, but not with the temporary file's prefix and suffix (bites as root too)
    entry = _entry(tmp_path, PREFIXES + WORK, "l" * 246 + ".ttl")
    output = _clean(_add(entry, folder), 2)
    assert str(folder) in output and "cannot write" in output and "File name too long" in output and "shorter name" in output
    assert _state(folder) == {"README.md": (folder / "README.md").read_bytes()}


def test_when_one_of_several_writes_fails_the_folder_is_put_back(tmp_path, folder):
    first = _entry(tmp_path, PREFIXES + WORK, "lee.ttl")
    _clean(_add(first, folder), 0)
    before = _state(folder)
    (tmp_path / "v2").mkdir()
    second = _entry(tmp_path / "v2", PREFIXES + WORK.replace("Lee, Bo", "Lee, Bo and Kim, Ana"), "lee.ttl")
    too_long = _entry(tmp_path, PREFIXES + WORK.replace("lee-2024", "kim-2024"), "k" * 246 + ".ttl")
    result = runner.invoke(app, ["add", str(second), str(too_long), "--replace", "--data", str(folder)])
    assert "File name too long" in _clean(result, 2)
    assert _state(folder) == before  # lee.ttl as it was, not the replacement written before the failure


def test_init_where_no_folder_can_be_made_says_so(tmp_path):
    (tmp_path / "a-file").write_text("x")
    output = _clean(runner.invoke(app, ["init", str(tmp_path / "a-file" / "my-data")]), 2)
    assert "a-file/my-data" in output and "cannot create the data folder" in output and "Fix:" in output


@pytest.mark.parametrize(
    "name, text",
    [
        (
            "refs.bib",
            "@article{ferencz2019,\n  title = {Services trade},\n  author = {Ferencz, Janos},\n  journal = {OECD},\n  year = {2019}\n}\n",
        ),
        (
            "ferencz.yaml",
            'id: ferencz2019\ntype: report\ntitle: {en: "Services trade"}\nauthors: ["Ferencz, Janos"]\nyear: 2019\nlanguage: en\n',
        ),
        ("ferencz.ttl", PREFIXES + WORK.replace("lee-2024", "ferencz2019")),
    ],
    ids=["bibtex", "yaml", "turtle"],
)
def test_a_near_duplicate_of_a_curated_work_is_reported(tmp_path, folder, name, text):
    result = _add(_entry(tmp_path, text, name), folder)
    if name.endswith(".bib") and result.exit_code == 1:  # BibTeX may make the house-style id from author and year: the very id
        assert "ferencz-2019 id: duplicate id: already used at data/literature.yaml" in _clean(result, 1)
        return
    output = _clean(result, 0)
    assert "Warning: ferencz2019 id:" in output and "ferencz-2019" in output and "data/literature.yaml" in output, output


def test_a_doi_written_as_a_url_names_the_work_it_repeats(tmp_path, folder):
    work = WORK.replace("fabio:hasPublicationYear", 'bibo:doi "https://doi.org/10.12677/SSEM.2025.143042" ;\n    fabio:hasPublicationYear')
    text = PREFIXES + "@prefix bibo: <http://purl.org/ontology/bibo/> .\n" + work
    output = _refused(tmp_path, folder, text, "doi.ttl", "doi.ttl:11: Violation: lee-2024", "without https://doi.org/")
    assert "doi.ttl:11: Warning: lee-2024 doi:" in output and "wang-jinze-2025" in output


def test_a_near_duplicate_of_a_work_in_the_data_folder_is_reported(tmp_path, folder):
    text = 'id: doe-2024\ntype: article\ntitle: {en: "Data rules"}\nauthors: ["Doe, Jane"]\nyear: 2024\nlanguage: en\n'
    _clean(_add(_entry(tmp_path, text, "doe.yaml"), folder), 0)
    output = _clean(_add(_entry(tmp_path, text.replace("doe-2024", "doe2024"), "doe2.yaml"), folder), 0)
    assert "doe2.yaml:1: Warning: doe2024 id:" in output and "doe-2024 (in entries/doe-2024.yaml)" in output


LINK_YAML = """\
id: doe-2024
type: article
title: {en: "Data localisation"}
authors: ["Doe, Jane"]
year: 2024
language: en
license: CC-BY-4.0
links:
  - subject: cm-legal-support
    property: addresses
    target: bar-market-access
    basis: interpretive
"""
LINK_TEXT = "Data localisation raises the cost of entering foreign markets."
"""doe-2024's text, shipped in the data folder's sources/: a link it states must then quote it."""


def _ship_text(folder: Path) -> None:
    (folder / "sources").mkdir(exist_ok=True)
    (folder / "sources" / "doe-2024.txt").write_text(LINK_TEXT, encoding="utf-8")


def test_a_link_an_entry_states_about_shipped_records_is_judged_and_named_by_the_entry(tmp_path, folder):
    # the link's node belongs to cm-legal-support (data/countermeasures.yaml), but the entry states it
    _ship_text(folder)
    needle = "link.yaml:9: Violation: cm-legal-support"
    _refused(tmp_path, folder, LINK_YAML, "link.yaml", needle, fix="verbatim quote from the source (`quotes:`)")


def test_an_entry_is_not_blamed_for_another_entry_s_link_on_the_same_record(tmp_path, folder):
    _ship_text(folder)
    (folder / "entries" / "doe-2024.yaml").write_text(LINK_YAML, encoding="utf-8")  # written by hand, never checked
    turtle = _entry(tmp_path, PREFIXES + WORK + addressing("cm-legal-support"), "lee.ttl")
    output = _clean(_add(turtle, folder), 0)
    assert "doe-2024" not in output
