"""The fast YAML path (libyaml) reads exactly what the round-trip path (ruamel) reads, lines included."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dskg import fastyaml, resources
from dskg.entries import read_entries
from dskg.sources import read_folder

ROOT = Path(__file__).resolve().parent.parent
YAML_FILES = sorted([*resources.data_dir().glob("*.yaml"), *(ROOT / "tests").rglob("*.yaml")])


def _plain(value):
    """ruamel's scalar subclasses as plain Python values."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _round_trip(text: str):
    return _plain(YAML(typ="rt").load(text))


@pytest.mark.parametrize(
    "scalar",
    ["yes", "no", "on", "off", "y", "true", "True", "FALSE", "tRue", "null", "~", "", "010", "007", "+5", "-3",
     "1.5", "1.", ".5", "1.0e+3", ".inf", "-.Inf", "2025-01-01", "2025-01-01 10:00:00", "'010'", '"yes"', "[no, 1]", "{a: 01}"],
)
def test_scalars_read_as_yaml_1_2_like_ruamel(scalar):
    text = f"a: {scalar}\n"
    assert fastyaml.load(text) == _round_trip(text)


@pytest.mark.parametrize("text", ["a: 0x1F\n", "a: 0o10\n", "a: 1_000\n", "a: 1:20\n", "a: 1\na: 2\n", "a: &x {b: 1}\nc:\n  <<: *x\n", "a: [\n"])
def test_what_it_would_read_differently_goes_to_ruamel(text):
    with pytest.raises(fastyaml.NotFast):
        fastyaml.load(text)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_every_shipped_and_test_file_reads_the_same(path):
    text = path.read_text(encoding="utf-8")
    try:
        fast = fastyaml.load(text)
    except fastyaml.NotFast:
        return  # ruamel reads it, as before
    assert fast == _round_trip(text)


def _without_fast_path(monkeypatch):
    def refuse(text):
        raise fastyaml.NotFast("test")

    monkeypatch.setattr(fastyaml, "load", refuse)


def _lines(records):
    out = {}
    for record in records.all():
        out[(type(record).__name__, record.id)] = (record.file, record.line, {f: record.line_of(f) for f in type(record).model_fields})
    for work in records.works:
        for claim in work.claims:
            out[("Claim", claim.id)] = (claim.file, claim.line, {f: claim.line_of(f) for f in type(claim).model_fields})
    return out


def test_curated_records_point_at_the_same_lines_on_both_paths(monkeypatch):
    fast = read_folder(resources.data_dir())
    fast_lines = _lines(fast)
    _without_fast_path(monkeypatch)
    exact = read_folder(resources.data_dir())
    assert fast.by_id().keys() == exact.by_id().keys()
    assert [r.model_dump() for r in fast.all()] == [r.model_dump() for r in exact.all()]
    assert fast_lines == _lines(exact)
    assert any(line > 1 for _, line, _ in fast_lines.values())


def test_entry_records_point_at_the_same_lines_on_both_paths(monkeypatch):
    paths = sorted((ROOT / "tests" / "entries").glob("*.yaml"))
    assert paths
    fast = read_entries(paths)
    fast_lines = _lines(fast.records)
    _without_fast_path(monkeypatch)
    exact = read_entries(paths)
    assert [r.model_dump() for r in fast.records.all()] == [r.model_dump() for r in exact.records.all()]
    assert fast_lines == _lines(exact.records)
    assert fast.problems == exact.problems


def test_a_file_gone_before_its_lines_are_asked_for_gives_line_0_not_a_crash(tmp_path):
    entry = tmp_path / "gone.yaml"
    entry.write_text('id: gone-2024\ntype: article\ntitle: {en: Gone}\nauthors: ["Doe, J."]\nyear: 2024\nlanguage: en\n', encoding="utf-8")
    [work] = read_entries([entry]).records.works
    entry.unlink()
    assert work.file == str(entry) and work.line == 0 and work.line_of("year") == 0
