"""An entry file is read once per command: `dskg add` and `dskg validate FILE` open each entry
file once, the stored entry `dskg add` compares a new one with included.

Each entry file here is a named pipe fed by a thread that counts how often it is opened: reading
the file a second time (to plan what to write, to validate, to build) opens it again.
"""

from __future__ import annotations

import os
import threading
import time
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
    text: {en: "Data localisation rules act as a market-access barrier."}
"""


class Pipe:
    """A named pipe at `path` that hands out `text` to each reader and counts the readers."""

    def __init__(self, path: Path, text: str) -> None:
        os.mkfifo(path)
        self.path, self.text, self.opens, self.done = path, text, 0, False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            with open(self.path, "w", encoding="utf-8") as fh:  # returns once a reader opens the pipe
                if self.done:
                    return
                self.opens += 1
                fh.write(self.text)
            self._until_the_reader_closes()

    def _until_the_reader_closes(self) -> None:
        """Opening for writing again at once would feed the same reader twice."""
        while not self.done:
            try:
                probe = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)  # fails (ENXIO) once no reader has the pipe open
            except OSError:
                return
            os.close(probe)
            time.sleep(0.005)

    def close(self) -> int:
        """Stop serving; the number of times the file was opened."""
        self.done = True
        reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # lets the waiting writer's open return
        self.thread.join(10)
        os.close(reader)
        assert not self.thread.is_alive()
        return self.opens


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return intake.init_data_dir(tmp_path / "my-data")


def test_add_reads_each_new_entry_file_once(tmp_path, folder):
    pipes = [
        Pipe(tmp_path / "doe.yaml", ENTRY),
        Pipe(tmp_path / "refs.bib", "@article{roe2023,\n  title = {Services trade},\n  author = {Roe, Richard},\n  year = {2023}\n}\n"),
        Pipe(tmp_path / "smith.ttl", (Path(__file__).parent / "entries" / "smith-2023-example.ttl").read_text(encoding="utf-8")),
    ]
    result = runner.invoke(app, ["add", *(str(p.path) for p in pipes), "--data", str(folder)])
    assert [p.close() for p in pipes] == [1, 1, 1]
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / "entries").iterdir()) == ["doe-2024.yaml", "roe2023.yaml", "smith.ttl"]
    assert (folder / "entries" / "smith.ttl").read_text(encoding="utf-8") == pipes[2].text  # the Turtle copied as read


def test_validate_reads_the_entry_file_once_and_still_gives_its_lines(tmp_path, folder):
    pipe = Pipe(tmp_path / "old.yaml", ENTRY.replace("year: 2024", "year: 1850"))
    result = runner.invoke(app, ["validate", str(pipe.path), "--data", str(folder)])
    assert pipe.close() == 1
    assert result.exit_code == 1
    assert f"{pipe.path}:1: Violation: doe-2024" in result.stdout and "1850" in result.stdout


def test_add_reads_the_stored_entry_it_compares_with_once(tmp_path, folder):
    """The stored entry is read to compare it with the new one, and the build uses that reading."""
    stored = Pipe(folder / "entries" / "doe-2024.yaml", ENTRY)
    new = Pipe(tmp_path / "doe.yaml", ENTRY.replace("Data localisation and trade", "Data rules and trade"))
    result = runner.invoke(app, ["add", str(new.path), "--data", str(folder)])
    assert (new.close(), stored.close()) == (1, 1)
    assert result.exit_code == 1 and "duplicate id" in result.stdout  # same id, other content: as with plain files
