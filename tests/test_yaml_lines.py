"""The lines a finding or a problem points at, for a file the fast reader read, are those of
ruamel's round-trip tree of the same file (the reference), key by key and list item by list item:
on every YAML file shipped (data/) and every YAML fixture (tests/), and on texts libyaml would
count lines in differently or refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dskg import yamlread
from dskg.origin import Origin

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("data/**/*.yaml"), *ROOT.glob("tests/**/*.yaml")])

pytestmark = pytest.mark.fast_path_only("lines come from libyaml on both paths: no trick of the fast path is involved")


def _paths(node: Any, keys: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a round-trip tree, to mappings, lists, items and scalars."""
    found = [keys]
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        found += _paths(value, (*keys, key))
    return found


def _same_lines(text: str, path: Path, records: bool = True) -> int:
    """Assert the fast reader's locators give ruamel's lines for every path of `text` (a problem's
    line, and with `records` a record's lines); how many paths were compared."""
    tree = yamlread.round_trip(text, path.name)
    reference = yamlread.TreeLines(tree)
    later, now = yamlread.FileLines(path), yamlread.TextLines(text, path.name, path)
    paths = _paths(tree)
    for keys in paths:
        assert now.line_at(keys) == reference.line_at(keys), (path, keys)
        assert now.line_at((*keys, "no-such-field", 0)) == reference.line_at((*keys, "no-such-field", 0)), (path, keys)
        found = later.lines(keys) if records else None
        assert not records or (Origin(path.name, *found) if found else Origin(path.name)) == reference.origin(path.name, keys), (path, keys)
    return len(paths)


def test_every_yaml_file_shipped_and_in_the_fixtures_places_each_key_and_item_as_ruamel_does():
    compared = 0
    for path in FILES:
        try:
            compared += _same_lines(path.read_text(encoding="utf-8"), path)
        except (UnicodeDecodeError, yamlread.BadSyntax):
            continue  # the syntax fixtures: no record read from them, no line to find
    assert compared > 1_000  # the curated data alone has thousands of keys


@pytest.mark.parametrize(
    "text",
    [
        'id: a\ntitle: "x\x85y"\nyear: 2020\n',  # NEL, U+2028 and U+2029 break lines in YAML 1.1 (libyaml), not in 1.2 (ruamel)
        "id: a\ntitle: 'x\u2028y'\nyear: 2020\n",
        "id: a\ntitle: x\u2028y\nclaims:\n- 1\n-\n  - 2\n",  # libyaml refuses it: ruamel's lines
        "- id: a\n  claims: [1, 2]\n- id: b\n  '2021': y\n  about:\n    - c\n    - d\n",
    ],
)
def test_texts_libyaml_reads_otherwise_get_ruamels_lines(text, tmp_path):
    path = tmp_path / "entry.yaml"
    path.write_text(text, encoding="utf-8")
    assert _same_lines(text, path) > 3


def test_a_problem_under_a_number_key_is_placed_at_that_key(tmp_path):
    """A pydantic error's location holds the int ruamel made of `2020:`, not the quoted '2021'."""
    text = "id: b\nlabel_origins:\n  '2019': x\n  2020:\n    - y\n  '2021': z\n"
    path = tmp_path / "entry.yaml"
    path.write_text(text, encoding="utf-8")
    assert _same_lines(text, path, records=False) > 5
    assert yamlread.TextLines(text, path.name, path).line_at(("label_origins", 2020, 0)) == 5
