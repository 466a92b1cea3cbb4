"""An entry file is read once per command: `dskg add` and `dskg validate FILE` open each entry
file once, the stored entry `dskg add` compares a new one with included.

Opens are counted by an audit hook (Python raises an `open` audit event for every file opened,
by `open` or `os.open`): reading the file a second time (to plan what to write, to validate, to
build) opens it again. (Named pipes counted their readers here once; entry files that are not
regular files are refused now, see test_reading_bounds.py.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dskg import intake
from dskg.cli import app

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
    stance: supports
    text: {en: "Data localisation rules act as a market-access barrier for digital services."}
"""

_WATCHED: dict[str, Counted] = {}


def _count_opens(event: str, args: tuple) -> None:
    if event == "open" and _WATCHED and isinstance(args[0], str | bytes | os.PathLike):
        counted = _WATCHED.get(os.path.realpath(os.fsdecode(args[0])))
        if counted is not None:
            counted.opens += 1


sys.addaudithook(_count_opens)  # hooks cannot be removed: it counts only while a file is watched


class Counted:
    """A file at `path` holding `text`, and how often it is opened until `close`."""

    def __init__(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        self.path, self.text, self.opens = path, text, 0
        _WATCHED[os.path.realpath(path)] = self

    def close(self) -> int:
        """Stop counting; the number of times the file was opened."""
        _WATCHED.pop(os.path.realpath(self.path), None)
        return self.opens


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return intake.init_data_dir(tmp_path / "my-data")


def test_add_reads_each_new_entry_file_once(tmp_path, folder):
    files = [
        Counted(tmp_path / "doe.yaml", ENTRY),
        Counted(tmp_path / "refs.bib", "@article{roe2023,\n  title = {Services trade},\n  author = {Roe, Richard},\n  year = {2023}\n}\n"),
        Counted(tmp_path / "smith.ttl", (Path(__file__).parent / "entries" / "smith-2023-example.ttl").read_text(encoding="utf-8")),
    ]
    result = runner.invoke(app, ["add", *(str(p.path) for p in files), "--data", str(folder)])
    assert [p.close() for p in files] == [1, 1, 1]
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / "entries").iterdir()) == ["doe-2024.yaml", "roe-2023.yaml", "smith.ttl"]
    assert (folder / "entries" / "smith.ttl").read_text(encoding="utf-8") == files[2].text  # the Turtle copied as read


def test_validate_reads_the_entry_file_once_and_still_gives_its_lines(tmp_path, folder):
    entry = Counted(tmp_path / "old.yaml", ENTRY.replace("year: 2024", "year: 1850"))
    result = runner.invoke(app, ["validate", str(entry.path), "--data", str(folder)])
    assert entry.close() == 1
    assert result.exit_code == 1
    assert f"{entry.path}:5: Violation: doe-2024" in result.stdout and "1850" in result.stdout  # the year's own line


def test_add_reads_the_stored_entry_it_compares_with_once(tmp_path, folder):
    """The stored entry is read to compare it with the new one, and the build uses that reading."""
    stored = Counted(folder / "entries" / "doe-2024.yaml", ENTRY)
    new = Counted(tmp_path / "doe.yaml", ENTRY.replace("Data localisation and trade", "Data rules and trade"))
    result = runner.invoke(app, ["add", str(new.path), "--data", str(folder)])
    assert (new.close(), stored.close()) == (1, 1)
    assert result.exit_code == 1 and "duplicate id" in result.stdout  # same id, other content: as with plain files
