"""Entries added, replaced or removed: the cached build is updated in place and equals a full build.

After each step of a sequence (`dskg add`, `dskg add --replace`, a file deleted from entries/,
as a user removes an entry), the next cached build must not build whole, and must hold the same
data triples, the same inferred graph and answer the same queries as a full build of the folder.
A crash in the middle of an update leaves no store for the new key and the earlier build whole;
a Turtle entry, and the reference path, still build whole.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest
from typer.testing import CliRunner

from dskg import cache, fast, incremental, intake, pipeline, recordfile
from dskg.cli import app
from dskg.queries import rows, run_query
from dskg.vocab import DSKG, ID

pytestmark = pytest.mark.fast_path_only("an update in place is a fast-path trick: the reference path builds whole (tested below)")

ENTRIES = Path(__file__).parent / "entries"
QUERIES = ("literature", "countermeasures-by-barrier", "barrier-support", "contested", "work-metadata")
runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A data folder with one entry, its build cached (the one full build the sequence starts from)."""
    folder = intake.init_data_dir(tmp_path_factory.mktemp("incremental") / "data")
    shutil.copy(ENTRIES / "nordas-rouzet-2017.yaml", folder / "entries")
    cache.cached_build(folder)
    return folder


def _add(folder: Path, path: Path, *extra: str) -> None:
    result = runner.invoke(app, ["add", str(path), "--data", str(folder), *extra])
    assert result.exit_code == 0, result.output


def _normalised(kg, name: str) -> list[dict]:
    # GROUP_CONCAT has no defined order
    return [
        {k: " | ".join(sorted(v.split(" | "))) if isinstance(v, str) else v for k, v in row.items()} for row in rows(run_query(name, kg))
    ]


def _builds_whole(monkeypatch) -> list:
    """Calls of the full build that cached_build makes from now on."""
    calls: list = []
    for name in ("build", "_build_into"):  # a full build in memory, or straight into the cache's store
        if hasattr(cache, name):
            full = getattr(cache, name)
            monkeypatch.setattr(cache, name, lambda *a, full=full, **k: calls.append(a) or full(*a, **k))
    return calls


def _cached_equals_full_build(folder: Path, monkeypatch, in_place: bool = True):
    calls = _builds_whole(monkeypatch)
    kg = cache.cached_build(folder)
    assert (calls == []) is in_place
    full = pipeline.build(folder)
    assert set(kg.data) == set(full.data)
    assert set(kg.inferred) == set(full.inferred)
    for name in QUERIES:
        assert _normalised(kg, name) == _normalised(full, name), name
    assert _records(kg.records) == _records(full.records)
    monkeypatch.undo()
    # and as the next command reads them from the cache (recordfile: the earlier full pickle and the change since)
    assert _records(cache.cached_build(folder).records) == _records(full.records)
    return kg


def kg_inferred(folder: Path):
    return cache.cached_build(folder).inferred


def _records(records) -> dict:
    """Each kind's records as (id, file, line), the data and user folders: what messages and later stages read."""
    kinds = {kind: sorted((getattr(r, "id", ""), r.file, r.line) for r in items) for kind, items in records.by_kind.items()}
    return {"kinds": kinds, "schemes": sorted(s.id for s in records.schemes), "dirs": (records.data_dir, records.user_dir)}


def test_add_replace_and_remove_update_the_store_to_what_a_full_build_gives(folder, tmp_path, monkeypatch):
    # added as `dskg add` writes them (valid ones, so copied here: the command's validation is tested elsewhere); two entries in one file
    shutil.copy(ENTRIES / "two-works.yaml", folder / "entries")
    _cached_equals_full_build(folder, monkeypatch)

    # an entry that brings a barrier of its own, which its claims are about
    shutil.copy(ENTRIES / "ferracane-van-der-marel-2018.yaml", folder / "entries")
    _cached_equals_full_build(folder, monkeypatch)

    work = ID["ferracane-van-der-marel-2018"]
    assert (work, DSKG.discusses, ID["bar-legal-framework"]) in kg_inferred(folder)

    # replaced: a claim's stance and an author changed; one claim about another barrier (the work
    # no longer discusses the one before), one about a record another of its claims is still about
    text = (ENTRIES / "ferracane-van-der-marel-2018.yaml").read_text(encoding="utf-8")
    changed = text.replace("stance: discusses", "stance: supports").replace("van der Marel, Erik", "Marel, Erik van der")
    changed = changed.replace("about: [bar-legal-framework]", "about: [bar-market-access]")
    changed = changed.replace("about: [bar-data-flow-restrictions]\n", "about: [adv-industry-infrastructure]\n", 1)
    assert changed.count("about: [bar-data-flow-restrictions, adv-industry-infrastructure]") == 1
    (tmp_path / "ferracane-van-der-marel-2018.yaml").write_text(changed, encoding="utf-8")
    _add(folder, tmp_path / "ferracane-van-der-marel-2018.yaml", "--replace")
    kg = _cached_equals_full_build(folder, monkeypatch)
    assert "Marel, Erik van der" in {str(o) for o in kg.data.objects()}
    discussed = set(kg.inferred.objects(work, DSKG.discusses))
    assert {ID["bar-market-access"], ID["bar-data-flow-restrictions"], ID["adv-industry-infrastructure"]} <= discussed
    assert ID["bar-legal-framework"] not in discussed

    # removed as a user removes an entry: its file deleted from entries/ (its author and language stay where others have them);
    # the records past the files a delta keeps: pickled whole again (recordfile)
    (folder / "entries" / "nordas-rouzet-2017.yaml").unlink()
    monkeypatch.setattr(recordfile, "MAX_DELTA_FILES", 1)
    kg = _cached_equals_full_build(folder, monkeypatch)
    assert "Rouzet, Dorothée" not in {str(o) for o in kg.data.objects()}

    # a Turtle entry may state anything about its records: built whole
    shutil.copy(ENTRIES / "smith-2023-example.ttl", folder / "entries")
    _cached_equals_full_build(folder, monkeypatch, in_place=False)
    (folder / "entries" / "smith-2023-example.ttl").unlink()


def test_a_crash_in_the_middle_of_an_update_leaves_no_store_a_later_command_would_use(folder, monkeypatch):
    cache.cached_build(folder)
    before = cache.fingerprint(folder, None, None, "rules", True)
    text = (ENTRIES / "nordas-rouzet-2017.yaml").read_text(encoding="utf-8")
    (folder / "entries" / "nordas-rouzet-2017.yaml").write_text(text + "# a state of the folder not built before\n", encoding="utf-8")
    after = cache.fingerprint(folder, None, None, "rules", True)

    def killed(store, *args, **kwargs):
        store.clear_graph(incremental.DATA)  # half done, then the process dies
        raise KeyboardInterrupt

    monkeypatch.setattr(incremental, "update", killed)
    with pytest.raises(KeyboardInterrupt):
        cache.cached_build(folder)
    monkeypatch.undo()
    root = cache.cache_root()
    assert not (root / after).exists()
    earlier = pyoxigraph.Store.read_only(str(root / before / "store"))  # the build copied from is whole
    assert (root / before / cache.COMPLETE).is_file() and next(iter(earlier.quads_for_pattern(None, None, None, incremental.DATA)), None)
    del earlier
    _cached_equals_full_build(folder, monkeypatch)


OLD = """id: old-2024
type: article
title: {en: Old}
authors: ["Doe, J."]
year: 1850
language: en
claims:
  - about: [bar-market-access]
    text: {en: x}
"""


def test_dskg_add_validates_on_the_build_updated_in_place_and_the_next_command_finds_it_built(folder, tmp_path, monkeypatch):
    cache.cached_build(folder)
    calls = []
    monkeypatch.setattr(intake, "build", lambda *a, **k: calls.append(a))  # the add must not build whole
    _add(folder, ENTRIES / "ferracane-lee-makiyama-van-der-marel-2018.yaml")
    assert calls == []
    monkeypatch.setattr(cache, "_update", lambda *a, **k: pytest.fail("the build of the folder was not kept"))
    _cached_equals_full_build(folder, monkeypatch)

    # refused by a shape (a year before 1900): the finding names the file given and its line, nothing is written,
    # and the next command brings the build back to the folder as it is, in place
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    monkeypatch.setattr(intake, "build", lambda *a, **k: calls.append(a))
    result = runner.invoke(app, ["add", str(tmp_path / "old.yaml"), "--data", str(folder)])
    assert result.exit_code == 1 and f"{tmp_path / 'old.yaml'}:5: Violation: old-2024" in result.stdout, result.stdout
    assert calls == [] and not (folder / "entries" / "old-2024.yaml").exists()
    monkeypatch.undo()
    _cached_equals_full_build(folder, monkeypatch)


def test_the_reference_path_builds_whole(folder, monkeypatch):
    monkeypatch.setenv(fast.SWITCH, "1")
    cache.cached_build(folder)
    (folder / "entries" / "two-works.yaml").unlink()
    calls = _builds_whole(monkeypatch)
    cache.cached_build(folder)
    assert len(calls) == 1


def test_records_read_early_are_the_records_written_and_a_missing_file_is_raised_when_asked(kg, tmp_path):
    # fast.threads.begun: on a thread of its own on the fast path, at once on the reference path; the same either way
    recordfile.write(kg.records, tmp_path)
    early = recordfile.Reading(tmp_path / recordfile.BASE)
    assert early.records().by_id().keys() == kg.records.by_id().keys()
    assert early.records().by_id().keys() == recordfile.read(tmp_path / recordfile.BASE).by_id().keys()
    missing = recordfile.Reading(tmp_path / "gone" / recordfile.BASE)  # begun without a word
    with pytest.raises(FileNotFoundError):
        missing.records()
