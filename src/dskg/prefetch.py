"""Entry files read and parsed on the second core while this one validates what is already read.

At a million triples, reading 15,000 entry files (the text, fastyaml's screen and yaml-rs)
took ~1.8 s of the build, all on one core. Here a worker process (`python -m dskg.prefetch`:
a plain subprocess, not multiprocessing, so a user's script is never re-imported and no thread
is forked) reads two chunks of every three and sends back their texts and plain data; this
process reads the third meanwhile, and validates them all. Results come back in file order, so
the build reads exactly what it read before. With few files, or if the worker cannot start or
dies, everything (or the rest) is read here.

Only the standard library and fastyaml are imported: the worker must start in milliseconds.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fastyaml

MAX_BYTES = 2_000_000
"""Entry files larger than this are refused: an entry is a few kilobytes; megabytes mean a wrong file."""

PARALLEL_FROM = 2_000
"""Fewer files than this are read here: starting the worker (~60 ms) would cost more than it saves."""

CHUNK = 250
OWN_EVERY = 3
"""This process reads chunk i itself when i % OWN_EVERY == OWN_EVERY - 1: the second core also
loads the triples, so this one takes a third (faster builds than a half or a fifth:
benchmarks/README.md)."""

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FileRead:
    """One file as read: its text (ruamel reads it again when a message needs lines) and, if
    `parsed`, fastyaml's plain data (not for other files, exact reading, or a form only ruamel
    reads); or, for a file that cannot be read, why."""

    text: str | None = None
    parsed: bool = False
    plain: Any = None
    error: tuple[str, Any] | None = None
    """('too-large', size) | ('not-utf8', byte offset) | ('os', strerror)"""


def read_one(path: str, parse: bool) -> FileRead:
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            return FileRead(error=("too-large", size))
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        return FileRead(error=("not-utf8", exc.start))
    except OSError as exc:
        return FileRead(error=("os", exc.strerror))
    if parse and path.lower().endswith(YAML_SUFFIXES):
        try:
            return FileRead(text, True, fastyaml.load(text))
        except fastyaml.NotFast:
            pass
    return FileRead(text=text)


def _chunks(paths: list[Path]) -> list[list[str]]:
    return [[str(p) for p in paths[i : i + CHUNK]] for i in range(0, len(paths), CHUNK)]


def _is_own(index: int) -> bool:
    return index % OWN_EVERY == OWN_EVERY - 1


def worker_env() -> dict[str, str]:
    """The environment of a `python -m dskg.<module>` worker: this dskg importable first, from a
    wheel or a source checkout alike."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")])),
    }


def _start_worker(chunks: list[list[str]], parse: bool) -> subprocess.Popen | None:
    argv = [sys.executable, "-m", "dskg.prefetch", "--parse" if parse else "--no-parse"]
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=worker_env())
    except OSError:
        return None
    try:
        pickle.dump([c for i, c in enumerate(chunks) if not _is_own(i)], proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        proc.stdin.close()
    except OSError:  # the worker died at once
        proc.kill()
        proc.wait()
        return None
    return proc


def read_files(paths: list[Path], parse: bool = True) -> Iterator[tuple[Path, FileRead]]:
    """Every path with what was read of it, in the order given. `parse`: YAML through fastyaml."""
    chunks = _chunks(paths)
    proc = _start_worker(chunks, parse) if len(paths) >= PARALLEL_FROM else None
    try:
        for index, chunk in enumerate(chunks):
            reads = None
            if proc is not None and not _is_own(index):
                try:
                    reads = [FileRead(*fields) for fields in pickle.load(proc.stdout)]
                except (EOFError, pickle.UnpicklingError, OSError, TypeError):
                    _stop(proc)  # the worker failed: read the rest here
                    proc = None
            if reads is None:
                reads = [read_one(p, parse) for p in chunk]
            yield from zip(paths[index * CHUNK : (index + 1) * CHUNK], reads)
    finally:
        if proc is not None:
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
    proc.stdout.close()


def _worker(parse: bool) -> None:
    gc.disable()  # everything it makes lives until it is sent; collections would walk it all for nothing
    chunks = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    for chunk in chunks:
        # tuples, not FileRead objects: pickle writes plain tuples without a class to record and rebuild
        pickle.dump(
            [(r.text, r.parsed, r.plain, r.error) for r in (read_one(p, parse) for p in chunk)], out, protocol=pickle.HIGHEST_PROTOCOL
        )
        out.flush()


if __name__ == "__main__":
    _worker(sys.argv[1:] == ["--parse"])
