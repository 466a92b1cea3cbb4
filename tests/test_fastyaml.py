"""The fast YAML path (yaml-rs, fast/yaml.py) reads exactly what the reference path (ruamel) reads, lines included."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from dskg import resources, yamlread
from dskg.entries import read_entries
from dskg.fast import yaml as fastyaml
from dskg.sources import read_folder

ROOT = Path(__file__).resolve().parent.parent
YAML_FILES = sorted([*resources.data_dir().glob("*.yaml"), *(ROOT / "tests").rglob("*.yaml")])


@pytest.fixture(autouse=True)
def _fast_path(monkeypatch):
    """These tests hold the fast path against ruamel: it is on here, whatever the environment says."""
    monkeypatch.delenv("DSKG_REFERENCE_PATH", raising=False)


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
    [
        "yes",
        "no",
        "on",
        "off",
        "y",
        "true",
        "True",
        "FALSE",
        "tRue",
        "null",
        "~",
        "",
        "010",
        "007",
        "+5",
        "-3",
        "1.5",
        "1.",
        "1.0e+3",
        "1e3",
        ".inf",
        "-.Inf",
        "'2025-01-01'",
        '"12:30:45"',
        "'010'",
        '"yes"',
        "[no, 1]",
        "{a: 01}",
        "0x1F",
        "0o10",
        "0b101",
        "1:20",
        "12:30:45",
        "[1:20]",
        "1.5.2",
        "1:2 ratio",
        "'It''s'",
        '"a\\u00e9\\x41"',
        "|\n  x\n  y",
        "|-\n  x\n\n",
        ">+\n  x\n  y\n\n",
        "plain\n  folded\n\n  lines",
        "[a, b]",
        "{b: c, d: [e]}",
        "Wow! no tag",
        "a<b",
        '"First, [a] (b)"',
    ],
)
def test_scalars_read_as_yaml_1_2_like_ruamel(scalar):
    text = f"a: {scalar}\n"
    assert fastyaml.load(text) == _round_trip(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 2025-01-01\n",
        "a: 2025-01-01 10:00:00\n",
        "a: [2025-01-01T10:00:00+08:00]\n",
        "a: 1_000\n",
        "a: _1\n",
        "a: 0X1f\n",
        "a: 1e1_0\n",
        "a: =\n",
        "a: [=]\n",
        "a: .5\n",
        "a: &x 1\n",
        "a: {b: c, {d: e}: f}\n",
        "a: |\nb: 1\n",
        "a: {b: |\n x}\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!str 1\n",
        "a: !foo bar\n",
        "- !foo bar\n",
        "a: 1\na: 2\n",
        "a: {b: 1, b: 2}\n",
        "a: &x {b: 1}\nc:\n  <<: *x\n",
        "a: [\n",
        "a: 1\n---\nb: 2\n",
        "---\na: 1\n...\n---\nb: 2\n",
    ],
)
def test_what_it_would_read_differently_goes_to_ruamel(text):
    with pytest.raises(fastyaml.NotFast):
        fastyaml.load(text)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_every_shipped_and_test_file_reads_the_same(path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return  # refused before any YAML reader sees it (a bad input of tests/)
    try:
        fast = fastyaml.load(text)
    except fastyaml.NotFast:
        return  # ruamel reads it, as before
    assert fast == _round_trip(text)


def test_the_shipped_data_takes_the_fast_path():
    """Otherwise the comparison above compares nothing, and builds pay for ruamel."""
    slow = []
    for path in resources.data_dir().glob("*.yaml"):
        try:
            fastyaml.load(path.read_text(encoding="utf-8"))
        except fastyaml.NotFast as exc:
            slow.append(f"{path.name}: {exc}")
    assert not slow


def test_a_clean_read_of_the_shipped_data_leaves_ruamel_alone(monkeypatch):
    """ruamel reads a file the fast path read only when a line is asked for: a problem to place, a record in a message."""
    parsed = []
    real = yamlread.round_trip
    monkeypatch.setattr(yamlread, "round_trip", lambda text, file: parsed.append(file) or real(text, file))
    records = read_folder(resources.data_dir())
    assert parsed == []
    assert records.works[0].line > 0 and parsed == []  # lines come from the file itself, read again (FileLines)


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
    monkeypatch.setenv("DSKG_REFERENCE_PATH", "1")
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
    monkeypatch.setenv("DSKG_REFERENCE_PATH", "1")
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


# scalars built from the characters where YAML resolvers and parsers differ: numbers, signs, dates,
# times, keywords, indicators, quotes, flow collections, line breaks
_SCALAR_CHARS = "0123456789._:-+eExXoObBTZ aflnrstuy~=!<[]{},#'\"\\|>&*\n?%@`"


def _same_or_refused(text: str) -> None:
    try:
        fast = fastyaml.load(text)
    except fastyaml.NotFast:
        return
    try:
        exact = _round_trip(text)
    except Exception as exc:  # ruamel refuses what the fast path read: a difference
        raise AssertionError(f"fast path read {text!r} as {fast!r}; ruamel refuses it: {exc}") from None
    assert repr(fast) == repr(exact), text  # repr: nan == nan, and 1 != True


_FORMS = (
    "a: {}\n",
    "a:\n  {}\n",
    "{}: x\n",
    "- {}\n",
    "- [{}, x]\n",
    "a: {{b: {}}}\n",
    "a: '{}'\n",
    'a: "{}"\n',
    "- a: {}\n  b: 1\n",
    "a: &x 1\nb: {}\n",
)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.text(alphabet=_SCALAR_CHARS, max_size=12))
def test_any_scalar_reads_as_ruamel_reads_it_or_goes_to_ruamel(scalar):
    for form in _FORMS:
        _same_or_refused(form.format(scalar))
