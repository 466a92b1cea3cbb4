"""Entry files read on a second core (fast/prefetch.py) give exactly what the reference path, reading them here, gives."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from dskg import UnreadableInputError
from dskg.entries import read_entries
from dskg.fast import prefetch

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = ROOT / "tests" / "entries"


def _corpus(tmp_path: Path, copies: int) -> list[Path]:
    """Many entry files: the real test entries under new ids, plus files with problems."""
    folder = tmp_path / "entries"
    folder.mkdir()
    sources = sorted(p for p in ENTRIES.glob("*") if p.suffix in (".yaml", ".bib", ".ttl"))
    for n in range(copies):
        for src in sources:
            text = src.read_text(encoding="utf-8")
            if src.suffix == ".yaml":
                text = text.replace("id: ", f"id: c{n}-")  # every id (work, claim, barrier) made unique
                (folder / f"{n:03d}-{src.name}").write_text(text, encoding="utf-8")
            elif n == 0:
                shutil.copy(src, folder / src.name)
    (folder / "500-bad-syntax.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    (folder / "501-bad-field.yaml").write_text(
        'id: bad-field-2020\ntype: article\ntitle: {en: T}\nauthors: ["A, B."]\nyear: 2020\nlanguage: en\nvenu: X\n', encoding="utf-8"
    )
    (folder / "502-date.yaml").write_text(
        'id: dated-2020\ntype: article\ntitle: {en: T}\nauthors: ["A, B."]\nyear: 2020\nlanguage: en\nnote: 2020-01-01\n', encoding="utf-8"
    )
    return sorted(folder.iterdir())


def _read(paths: list[Path], root: Path):
    out = read_entries(paths, display_root=root)
    return (
        [r.model_dump() for r in out.records.all()],
        [(r.file, r.line_of("id")) for r in out.records.all()],
        out.problems,
        len(out.graphs),
    )


@pytest.fixture(autouse=True)
def _fast_path(monkeypatch):
    """The worker is the fast path: on here, whatever the environment says."""
    monkeypatch.delenv("DSKG_REFERENCE_PATH", raising=False)


def test_the_worker_reads_what_the_reference_path_reads(tmp_path, monkeypatch):
    paths = _corpus(tmp_path, 12)
    started = []
    real_start = prefetch.start_worker
    monkeypatch.setattr(prefetch, "start_worker", lambda *a: started.append(1) or real_start(*a))
    monkeypatch.setattr(prefetch, "CHUNK", 3)
    monkeypatch.setattr(prefetch, "PARALLEL_FROM", 1)
    monkeypatch.setenv("DSKG_REFERENCE_PATH", "1")
    reference = _read(paths, tmp_path)
    reference_bytes = [f.raw for f in read_entries(paths, exact=True).files]  # what `dskg add` copies
    assert not started
    monkeypatch.delenv("DSKG_REFERENCE_PATH")
    parallel = _read(paths, tmp_path)
    assert started
    assert parallel == reference
    assert [f.raw for f in read_entries(paths, exact=True).files] == reference_bytes == [p.read_bytes() for p in paths]
    records, _, problems, graphs = parallel
    assert len(records) > 12 * 3 and graphs == 1
    assert {p.file for p in problems} >= {"entries/500-bad-syntax.yaml", "entries/501-bad-field.yaml"}


def test_an_unreadable_file_is_reported_the_same_way(tmp_path, monkeypatch):
    paths = _corpus(tmp_path, 2)
    bad = tmp_path / "entries" / "300-latin1.yaml"
    bad.write_bytes("id: caf\xe9\n".encode("latin-1"))
    paths = sorted([*paths, bad])
    monkeypatch.setattr(prefetch, "CHUNK", 2)
    messages = []
    for parallel_from in (10**9, 1):
        monkeypatch.setattr(prefetch, "PARALLEL_FROM", parallel_from)
        with pytest.raises(UnreadableInputError) as exc:
            read_entries(paths, display_root=tmp_path)
        messages.append(str(exc.value))
    assert messages[0] == messages[1]
    assert "entries/300-latin1.yaml: not UTF-8 text (byte 7)" in messages[0]


def test_without_a_worker_everything_is_read_here(tmp_path, monkeypatch):
    paths = _corpus(tmp_path, 3)
    monkeypatch.setattr(prefetch, "PARALLEL_FROM", 10**9)
    here = _read(paths, tmp_path)
    monkeypatch.setattr(prefetch, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    assert _read(paths, tmp_path) == here


def test_a_worker_that_dies_midway_leaves_the_rest_to_this_process(tmp_path, monkeypatch):
    paths = _corpus(tmp_path, 6)
    monkeypatch.setattr(prefetch, "CHUNK", 2)
    monkeypatch.setattr(prefetch, "PARALLEL_FROM", 10**9)
    here = _read(paths, tmp_path)
    monkeypatch.setattr(prefetch, "PARALLEL_FROM", 1)
    real_start = prefetch.start_worker

    def start_and_kill(*args):
        proc = real_start(*args)
        proc.kill()
        return proc

    monkeypatch.setattr(prefetch, "start_worker", start_and_kill)
    assert _read(paths, tmp_path) == here


@pytest.mark.parametrize(
    "path, root, shown",
    [
        ("/data/my-data/entries/a.yaml", "/data/my-data", "entries/a.yaml"),
        ("/data/my-data/entries/a.yaml", "/data/my-data/", "entries/a.yaml"),
        ("/data/other/a.yaml", "/data/my-data", "/data/other/a.yaml"),
        ("/data/my-data-2/a.yaml", "/data/my-data", "/data/my-data-2/a.yaml"),
        ("entries/a.yaml", ".", "entries/a.yaml"),
        ("my-data/entries/a.yaml", "my-data", "entries/a.yaml"),
        ("/data/a.yaml", None, "/data/a.yaml"),
    ],
)
def test_a_file_is_named_relative_to_the_data_folder_on_both_paths(monkeypatch, path, root, shown):
    from dskg.fast.paths import shown as name

    fast = name(Path(path), None if root is None else Path(root))
    monkeypatch.setenv("DSKG_REFERENCE_PATH", "1")
    assert fast == name(Path(path), None if root is None else Path(root)) == shown
