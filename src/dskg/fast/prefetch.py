"""Entry files read and parsed on the second core while this one validates what is already read.

Reading thousands of entry files (the text, the YAML screen and yaml-rs) is a large part of a
big build, all on one core (benchmarks/README.md). Here a worker process (`python -m
dskg.fast.prefetch`: a plain subprocess, not multiprocessing, so a user's script is never
re-imported and no thread is forked) reads two chunks of every three and sends back what it
read; this process reads the third meanwhile, and validates them all. Results come back in
file order, so the build reads exactly what it would read alone. With few files, or if the
worker cannot start or dies, everything (or the rest) is read here.

Reference path (DSKG_REFERENCE_PATH=1): every file read here, in order, with no worker.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from ..fileread import FileRead, read_one
from . import enabled

PARALLEL_FROM = 2_000
"""Fewer files than this are read here: starting the worker would cost more than it saves."""

CHUNK = 250
OWN_EVERY = 3
"""This process reads chunk i itself when i % OWN_EVERY == OWN_EVERY - 1: the second core also
loads the triples, so this one takes a third (benchmarks/README.md)."""


def _chunks(paths: list[Path]) -> list[list[str]]:
    return [[str(p) for p in paths[i : i + CHUNK]] for i in range(0, len(paths), CHUNK)]


def _is_own(index: int) -> bool:
    return index % OWN_EVERY == OWN_EVERY - 1


def worker_env() -> dict[str, str]:
    """The environment of a `python -m dskg.<module>` worker: this dskg importable first, from a
    wheel or a source checkout alike."""
    package_parent = Path(__file__).resolve().parent.parent.parent
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(package_parent), os.environ.get("PYTHONPATH")]))}


def start_worker(chunks: list[list[str]], parse: bool, raw: bool) -> subprocess.Popen | None:
    """The worker process, given every chunk it is to read (None when it cannot start)."""
    argv = [sys.executable, "-m", "dskg.fast.prefetch", "--parse" if parse else "--no-parse", "--raw" if raw else "--no-raw"]
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


def read_files(paths: list[Path], parse: bool = True, raw: bool = False) -> Iterator[tuple[Path, FileRead]]:
    """Every path with what fileread.read_one reads of it, in the order given."""
    if not enabled():
        yield from ((path, read_one(str(path), parse, raw)) for path in paths)
        return
    chunks = _chunks(paths)
    proc = start_worker(chunks, parse, raw) if len(paths) >= PARALLEL_FROM else None
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
                reads = [read_one(p, parse, raw) for p in chunk]
            yield from zip(paths[index * CHUNK : (index + 1) * CHUNK], reads)
    finally:
        if proc is not None:
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
    proc.stdout.close()


def _worker(parse: bool, raw: bool) -> None:
    gc.disable()  # everything it makes lives until it is sent; collections would walk it all for nothing
    chunks = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    for chunk in chunks:
        # tuples, not FileRead objects: pickle writes plain tuples without a class to record and rebuild
        pickle.dump([read_one(p, parse, raw).fields() for p in chunk], out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    _worker("--parse" in sys.argv[1:], "--raw" in sys.argv[1:])
