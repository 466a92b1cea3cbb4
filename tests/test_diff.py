"""`dskg diff`: two versions of the data compared in the domain's terms (issue 19, point 1).

The shipped data against a copy with one link's basis changed and one work added must show
exactly those two changes; a folder against itself, its own Turtle/TriG export, or its committed
version, nothing. Each folder is built once per module (the comparisons are made once, in fixtures)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dskg.cli
from dskg import publish, resources
from dskg.diff import compare, compare_paths
from dskg.diffdomain import interpret
from dskg.diffread import read_side
from dskg.difftext import as_json, render

pytestmark = pytest.mark.fast_path_only("compares built triples: the build itself is checked on both paths elsewhere")

LINK = "link/wang-jinze-2025/cm-legal-support/addresses/bar-cross-sector-cooperation"
SCHEMA = resources.schemas_dir() / "diff.schema.json"
ENTRIES = Path(__file__).parent / "entries"
# A real work (tests/entries/nordas-rouzet-2017.yaml, SOURCES.md), as a record of the curated base
NEW_WORK = """
  - id: nordas-rouzet-2017
    type: journal-article
    title_en: The Impact of Services Trade Restrictiveness on Trade Flows
    authors_text: Nordås, Hildegunn Kyvik; Rouzet, Dorothée
    authors: ["Nordås, Hildegunn Kyvik", "Rouzet, Dorothée"]
    year: 2017
    work_language: en
    venue: The World Economy
    volume: "40"
    issue: "6"
    pages: "1155-1183"
"""


def run(*args: str):
    return CliRunner().invoke(dskg.cli.app, ["diff", *args])


@pytest.fixture(scope="module")
def changed(tmp_path_factory) -> Path:
    """The shipped data with one link's basis changed (5.1's interpretive link to the cross-sector
    barrier made explicit: still valid data) and one work added."""
    folder = tmp_path_factory.mktemp("changed") / "data"
    shutil.copytree(resources.data_dir(), folder)
    cms = folder / "countermeasures.yaml"
    text = cms.read_text(encoding="utf-8")
    old = "        target: bar-cross-sector-cooperation\n        basis: interpretive\n"
    assert text.count(old) == 1
    cms.write_text(text.replace(old, old.replace("interpretive", "explicit")), encoding="utf-8")
    with open(folder / "sources.yaml", "a", encoding="utf-8") as fh:
        fh.write(NEW_WORK)
    return folder


@pytest.fixture(scope="module")
def cli_json(changed):
    return run(str(resources.data_dir()), str(changed), "--format", "json")


def test_the_changed_copy_shows_exactly_the_two_changes_in_json(cli_json):
    import jsonschema

    assert cli_json.exit_code == 1, cli_json.output
    doc = json.loads(cli_json.stdout)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert not doc["equal"]
    assert doc["summary"] == {"added": {"work": 1}, "removed": {}, "changed": {"link": 1}}
    added, link = doc["changes"]
    assert (added["change"], added["kind"], added["id"]) == ("added", "work", "nordas-rouzet-2017")
    assert {"field": "year", "old": [], "new": ["2017"]} in added["fields"]
    assert (link["change"], link["kind"], link["id"]) == ("changed", "link", LINK)
    assert link["link"] == {"subject": "cm-legal-support", "property": "addresses", "target": "bar-cross-sector-cooperation"}
    assert link["fields"] == [{"field": "basis", "old": ["interpretive"], "new": ["explicit"]}]
    assert link["label"]["zh"] == "强化数字服务贸易发展的法律法规支撑保障 → 跨界合作壁垒"
    assert link["label"]["en"].startswith("Strengthen legal and regulatory support")


def test_the_changed_copy_in_text_and_markdown(changed):
    text = run(str(resources.data_dir()), str(changed))
    assert text.exit_code == 1
    changes = [line for line in text.stdout.splitlines() if line[:2] in ("+ ", "- ", "~ ")]
    assert len(changes) == 2, text.stdout
    assert changes[0].startswith("+ added work nordas-rouzet-2017")
    assert changes[1].startswith(f"~ changed link {LINK}")
    assert "    basis: interpretive -> explicit" in text.stdout.splitlines()
    md = run(str(resources.data_dir()), str(changed), "-f", "md")
    assert md.exit_code == 1
    assert "| changed | link | 1 |" in md.stdout and "  - `basis`: interpretive → explicit" in md.stdout


def test_a_folder_against_itself_shows_nothing():
    import jsonschema

    result = run(str(resources.data_dir()), str(resources.data_dir()), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert doc["equal"] and doc["changes"] == [] and doc["old"]["triples"] == doc["new"]["triples"] > 4000


@pytest.fixture(scope="module")
def shipped():
    return read_side(resources.data_dir(), other_is_folder=False)


def test_an_export_equals_its_folder(kg, shipped, tmp_path):
    """Turtle with the ontology, TriG with the inferred graph, N-Triples without the ontology: only the asserted data counts.
    A Turtle export with the inferred triples mixed in is refused, saying to export TriG."""
    for name, fmt, options in (
        ("x.ttl", "turtle", {}),
        ("x.trig", "trig", {"inferred": True}),
        ("x.nt", "nt", {"include_ontology": False}),
    ):
        path = tmp_path / name
        path.write_bytes(publish.serialize(kg, fmt, **options))
        found = compare(shipped, read_side(path))
        assert found.equal, (name, found.added[:3], found.removed[:3])
    mixed = tmp_path / "inferred.ttl"
    mixed.write_bytes(publish.serialize(kg, "turtle", inferred=True))
    result = run(str(mixed), str(resources.data_dir()))
    assert result.exit_code == 2 and "inferred.ttl" in result.output and "TriG" in result.output


BLANK_A = """
<https://w3id.org/dskg/id/bar-market-access> <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:a .
_:a <http://www.w3.org/2000/01/rdf-schema#label> "a note"@en .
_:a <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:b .
_:b <http://www.w3.org/2000/01/rdf-schema#label> "%s"@en .
"""
BLANK_B = """
_:x9 <http://www.w3.org/2000/01/rdf-schema#label> "%s"@en .
<https://w3id.org/dskg/id/bar-market-access> <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:y1 .
_:y1 <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:x9 .
_:y1 <http://www.w3.org/2000/01/rdf-schema#label> "a note"@en .
"""


def test_blank_nodes_in_another_order_or_with_other_labels_are_no_change(kg, tmp_path):
    ntriples = publish.serialize(kg, "nt", include_ontology=False)
    a, b, c = tmp_path / "a.nt", tmp_path / "b.nt", tmp_path / "c.nt"
    a.write_bytes(ntriples + (BLANK_A % "inner").encode())
    b.write_bytes((BLANK_B % "inner").encode() + ntriples)
    c.write_bytes(ntriples + (BLANK_B % "changed").encode())
    assert compare(read_side(a), read_side(b)).equal
    found = interpret(compare(read_side(a), read_side(c)))
    assert [(x.change, x.kind, x.id) for x in found.changes] == [("changed", "barrier", "bar-market-access")]
    (see_also,) = found.changes[0].fields
    assert see_also.old != see_also.new and "inner" in see_also.old[0] and "changed" in see_also.new[0]


def test_labels_in_both_languages_and_a_figure_show_old_and_new(kg, tmp_path):
    """An edited export (no build): a barrier's zh and en labels and a statistic's value, each old -> new."""
    text = publish.serialize(kg, "nt", include_ontology=False).decode()
    edits = {
        '"数字技术创新能力壁垒"@zh': '"数字技术创新壁垒"@zh',
        '"Barrier of digital technology innovation capacity"@en': '"Barrier of digital-technology innovation"@en',
        '<https://w3id.org/dskg/ontology#value> "6165"^^': '<https://w3id.org/dskg/ontology#value> "6166"^^',
    }
    for old, new in edits.items():
        assert text.count(old) >= 1
        text = text.replace(old, new)
    (tmp_path / "a.nt").write_bytes(publish.serialize(kg, "nt", include_ontology=False))
    (tmp_path / "b.nt").write_text(text, encoding="utf-8")
    found = interpret(compare(read_side(tmp_path / "a.nt"), read_side(tmp_path / "b.nt")))
    fields = {(c.kind, c.id): {f.field: (f.old, f.new) for f in c.fields} for c in found.changes}
    assert fields[("barrier", "bar-tech-innovation")]["label_zh"] == (["数字技术创新能力壁垒"], ["数字技术创新壁垒"])
    assert fields[("barrier", "bar-tech-innovation")]["label_en"] == (
        ["Barrier of digital technology innovation capacity"],
        ["Barrier of digital-technology innovation"],
    )
    assert fields[("statistic", "stat-cloud-computing-market-2023")] == {"value": (["6165"], ["6166"])}
    assert len(found.changes) == 2  # the labels' SKOS-XL nodes change with them: shown once, on the barrier


def test_user_folders_compared_through_their_changed_entries_give_the_whole_answer(tmp_path):
    """Only the entry files that differ are read; the answer is the one of building both whole."""
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        (folder / "entries").mkdir(parents=True)
        shutil.copy(ENTRIES / "ferracane-van-der-marel-2018.yaml", folder / "entries")
    shutil.copy(ENTRIES / "nordas-rouzet-2017.yaml", old / "entries")
    nordas = (ENTRIES / "nordas-rouzet-2017.yaml").read_text(encoding="utf-8")
    claim_stance = "\n    stance: extends\n"  # the second claim's
    assert nordas.count(claim_stance) == 1
    (new / "entries" / "nordas-rouzet-2017.yaml").write_text(
        nordas.replace(claim_stance, claim_stance.replace("extends", "qualifies")), encoding="utf-8"
    )
    shutil.copy(ENTRIES / "two-works.yaml", new / "entries")
    quick = compare_paths(old, new, changed_share=1.0)  # the shortcut, although most files changed here
    assert quick.new.read_only == 2 and quick.old.read_only in (1, None)
    whole = compare(read_side(old), read_side(new))
    assert (quick.added, quick.removed) == (whole.added, whole.removed)
    summary = interpret(quick).summary()
    # two works and the countermeasure two-works.yaml adds; the stance of the claim's two is-about links
    assert summary == {"added": {"work": 2, "countermeasure": 1}, "removed": {}, "changed": {"link": 2}}


def test_bad_inputs_exit_2_naming_the_path_and_the_fix(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "x.json").write_text("{}")
    (tmp_path / "bad.ttl").write_text("<a> <b> .")
    data = str(resources.data_dir())
    for args, named in (
        ([str(tmp_path / "missing"), data], "missing"),
        ([data, str(tmp_path / "empty")], "empty"),
        ([data, str(tmp_path / "x.json")], "x.json"),
        ([data, str(tmp_path / "bad.ttl")], "bad.ttl"),
        ([data, data, "--format", "xml"], "xml"),
        ([data], "two sides"),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert named in result.output and ("Fix" in result.output or "use one of" in result.output or "give two" in result.output)
        assert "Traceback" not in result.output


def _git_data() -> Path:
    data = resources.data_dir()
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=data, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=data, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the shipped data is not in a git checkout")
    if Path(top) not in data.resolve().parents:
        pytest.skip("the shipped data is not in a git checkout")
    if dirty.strip():
        pytest.skip("data/ has uncommitted changes: HEAD:data is not the working tree's data")
    return data


def test_a_folder_against_its_committed_version_is_equal():
    data = _git_data()
    result = run("--git", "HEAD:data", str(data))
    assert result.exit_code == 0, result.output
    assert "no change" in result.stdout and "HEAD:data" in result.stdout


def test_a_bad_revision_exits_2_with_gits_reason():
    data = _git_data()
    result = run("--git", "no-such-rev-x9:data", str(data))
    assert result.exit_code == 2
    assert "no-such-rev-x9" in result.output and "Fix" in result.output and "Traceback" not in result.output


def test_json_is_as_the_library_gives_it(changed, cli_json):
    """The command prints the library's diff: what a notebook user gets from dskg.diff."""
    assert json.loads(cli_json.stdout) == json.loads(json.dumps(as_json(interpret(compare_paths(resources.data_dir(), changed)))))
    assert render(interpret(compare_paths(resources.data_dir(), resources.data_dir())), "md").count("No change") == 1
