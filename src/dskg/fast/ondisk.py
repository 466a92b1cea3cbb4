"""A cached build written straight into its on-disk store: RocksDB loads on two threads while
Python reads the files, makes the triples and reasons, instead of a build in memory that is then
dumped and loaded into RocksDB whole once reasoning is done (the load alone took longer than the
build and the reasoning together: benchmarks/README.md, "A rebuild").

Oxigraph's bulk loader releases Python's lock and writes sorted files (SSTs) that RocksDB takes
in whole; each load here is one of those. The build's chunks are gathered into loads of
BATCH_BYTES (a bigger text is split at line ends), two of them at a time, so that both cores load
once Python is done. The loading threads run at a lower priority: while Python works, its one
thread keeps a core, and the loading takes the rest.

Reference path (DSKG_REFERENCE_PATH=1): not used; the cache builds in memory and loads a dump of
the memory store into RocksDB (cache._write). A test checks both give the same store.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from . import enabled

BATCH_BYTES = 64 << 20
"""N-Triples per load (about 380,000 triples): fewer loads cost less in all and leave a smaller store
(each writes and sorts its own files, which RocksDB merges later: at 1M triples eight loads made
a store of 350 MB where one made 210 MB), more let loading start earlier and end on both cores."""
THREADS = 2
NICE = 5
"""How much lower the loading threads' priority is than Python's (Linux: per thread)."""


def direct() -> bool:
    """Whether a cached build is written straight into its on-disk store (not on the reference path)."""
    return enabled()


def _lower_priority() -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + NICE)


def _pieces(text: bytes, size: int) -> Iterator[bytes]:
    """`text` (N-Triples) cut at line ends into pieces of about `size` bytes."""
    start = 0
    while len(text) - start > size:
        end = text.find(b"\n", start + size) + 1 or len(text)
        yield text[start:end]
        start = end
    if start < len(text):
        yield text[start:]


class DiskLoader:
    """`load(name, ntriples)` and `clear(name)` into the named graphs of a new on-disk store at
    `path`, as fast/loading.py's loaders do for a memory store."""

    def __init__(self, path: Path, graphs: dict[str, ox.NamedNode]):
        self.path, self.graphs = path, graphs
        self.store: ox.Store | None = ox.Store(str(path))
        self.pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="dskg-disk", initializer=_lower_priority)
        self.pending: list[Future] = []
        self.gathered: dict[str, list[bytes]] = {}
        self.loaded: set[str] = set()

    def load(self, name: str, ntriples: bytes) -> None:
        for other in [graph for graph in self.gathered if graph != name]:
            self._flush(other)  # a build loads its graphs one after the other: that one is whole
        if b"_:" in ntriples:  # blank nodes (or text that looks like one): see _load_now
            self._submit(name, ntriples)
            return
        if len(ntriples) >= BATCH_BYTES // 4:  # a graph given whole (the inferred one), not a chunk: on both threads now
            self._flush(name)
            for piece in _pieces(ntriples, len(ntriples) // THREADS + 1):
                self._submit(name, piece)
            return
        parts = self.gathered.setdefault(name, [])
        parts.append(ntriples)
        if sum(map(len, parts)) >= BATCH_BYTES:
            self._flush(name)

    def _flush(self, name: str) -> None:
        text = b"".join(self.gathered.pop(name, []))
        for piece in _pieces(text, BATCH_BYTES):
            self._submit(name, piece)

    def _submit(self, name: str, text: bytes) -> None:
        self.loaded.add(name)
        self.pending.append(self.pool.submit(self._load_now, name, text))

    def _load_now(self, name: str, text: bytes) -> None:
        # Oxigraph names the blank nodes of each load afresh, and its bulk loader parses bytes in
        # several pieces on a machine of four cores or more, each naming them apart: a text with
        # blank nodes goes in one transactional load, which keeps them together
        load = self.store.load if b"_:" in text else self.store.bulk_load
        load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=self.graphs[name])

    def _wait(self) -> None:
        pending, self.pending = self.pending, []
        for job in pending:
            job.result()

    def clear(self, name: str) -> None:
        """Forget what was loaded into graph `name` (a build that makes its triples again)."""
        self.gathered.pop(name, None)
        self._wait()
        if self.loaded <= {name}:  # a new store is quicker than deleting a big graph triple by triple
            self.store = None
            shutil.rmtree(self.path)
            self.store = ox.Store(str(self.path))
        else:
            self.store.clear_graph(self.graphs[name])
        self.loaded.discard(name)

    def finish(self) -> None:
        """Every load in, the graphs there even when empty, written and closed."""
        for name in list(self.gathered):
            self._flush(name)
        self._wait()
        for graph in self.graphs.values():
            self.store.add_graph(graph)
        self.store.flush()

    def close(self) -> None:
        for job in self.pending:
            job.cancel()
        with contextlib.suppress(Exception):  # what went wrong first is what the caller reports
            self._wait()
        self.pool.shutdown(wait=True)
        self.store = None  # the last reference: RocksDB closes


@contextlib.contextmanager
def loading_into(path: Path, graphs: dict[str, ox.NamedNode]) -> Iterator[DiskLoader]:
    """A loader into a new on-disk store at `path`; on leaving without an error, every load is in
    and the store is flushed and closed (it can then be renamed and opened read-only)."""
    loader = DiskLoader(path, graphs)
    try:
        yield loader
        loader.finish()
    finally:
        loader.close()
