"""Build once, query many times: the on-disk build is reused, rebuilt on change, never half-used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dskg import cache, graph
from dskg.errors import InvalidDataError
from dskg.queries import rows, run_query, run_sparql


@pytest.fixture()
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("DSKG_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_second_build_of_the_same_inputs_is_read_from_disk_and_answers_the_same(root, kg):
    first = cache.cached_build()
    [folder] = [p for p in root.iterdir() if not p.name.startswith(".")]
    assert (folder / cache.COMPLETE).is_file()
    second = cache.cached_build()
    assert set(second.data) == set(kg.data) and set(second.inferred) == set(kg.inferred)
    def normalised(result):  # GROUP_CONCAT has no defined order
        return [{k: " | ".join(sorted(v.split(" | "))) if isinstance(v, str) else v for k, v in row.items()} for row in rows(result)]

    for name in ("countermeasures-by-barrier", "literature", "statistics"):
        assert normalised(run_query(name, second)) == normalised(run_query(name, kg))
    assert second.records.ids() == first.records.ids()


def test_a_change_to_the_data_makes_a_new_build(root, data_copy):
    cache.cached_build(base=data_copy, reason=False)
    path = data_copy / "advantages.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Platform advantage", "Platform strength"), encoding="utf-8")
    kg = cache.cached_build(base=data_copy, reason=False)
    assert len([p for p in root.iterdir() if not p.name.startswith(".")]) == 2
    labels = {str(o) for o in kg.data.objects()}
    assert "Platform strength of digital services trade" in labels


def test_a_changed_dskg_module_makes_a_new_key():
    # A checkout whose loader changed keeps its version number; its old builds must not be reused.
    module = Path(graph.__file__)
    before = cache.fingerprint(None, None, None, "owlrl", True)
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert cache.fingerprint(None, None, None, "owlrl", True) != before
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.fingerprint(None, None, None, "owlrl", True) == before


def test_the_reference_path_keeps_builds_of_its_own(monkeypatch):
    """DSKG_REFERENCE_PATH=1 must build on the reference path, not reuse what the fast path built."""
    monkeypatch.delenv("DSKG_REFERENCE_PATH", raising=False)
    fast_key = cache.fingerprint(None, None, None, "rules", True)
    monkeypatch.setenv("DSKG_REFERENCE_PATH", "1")
    assert cache.fingerprint(None, None, None, "rules", True) != fast_key


def test_an_interrupted_build_is_never_used(root, kg):
    key = cache.fingerprint(None, None, None, "owlrl", True)
    broken = root / key
    (broken / "store").mkdir(parents=True)  # as if the process died before marking it complete
    rebuilt = cache.cached_build()
    assert len(rebuilt) == len(kg)
    leftovers = list(root.glob(".tmp-*"))
    assert all(not (p / cache.COMPLETE).exists() or p.exists() for p in leftovers)


def test_a_changed_source_text_of_the_data_folder_makes_a_new_build(root, tmp_path):
    # the quotes of a folder's entries are checked against its sources/ texts: a build made before
    # the text changed says nothing about the text as it is now
    from test_shipped_text import ENTRY, TEXT

    from dskg import intake

    folder = intake.init_data_dir(tmp_path / "mine")
    (folder / "sources").mkdir(exist_ok=True)
    (folder / "sources" / "doe-2024.txt").write_text(TEXT, encoding="utf-8")
    (folder / "entries" / "doe-2024.yaml").write_text(ENTRY, encoding="utf-8")
    checked = cache.cached_build(folder, reason=False)
    marks = "SELECT ?n ?checked WHERE { ?n <https://w3id.org/dskg/ontology#quoteChecked> ?checked FILTER(CONTAINS(STR(?n), 'doe-2024')) }"
    assert {bool(r["checked"]) for r in rows(run_sparql(marks, checked))} == {True}
    (folder / "sources" / "doe-2024.txt").write_text(TEXT.replace("Such rules raise", "Such rules lower"), encoding="utf-8")
    with pytest.raises(InvalidDataError, match="not found verbatim in doe-2024.txt"):  # the claim's quote is no longer in it
        cache.cached_build(folder, reason=False)
