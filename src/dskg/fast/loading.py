"""Building at speed: Oxigraph loads on a second thread while Python makes the next chunk, and
the cyclic garbage collector stays out of a build that makes millions of long-lived objects.

Reference path (DSKG_REFERENCE_PATH=1): each chunk is loaded as it comes, on the calling
thread, and the collector runs as usual."""

from __future__ import annotations

import gc
from contextlib import contextmanager

from . import enabled


class _Now:
    """The reference loader: every call done at once, on this thread."""

    def __init__(self, kg):
        self.kg = kg

    def load(self, name: str, ntriples: bytes) -> None:
        self.kg.load(name, ntriples)

    def clear(self, name: str) -> None:
        self.kg.clear(name)


class _Behind:
    """Loads N-Triples chunks into named graphs of a graph on a second thread, in order.

    Chunks, each its own load: one load fed by a pipe as chunks come was slower, its reads
    needing the GIL the builder holds (a file object) or its parser waiting on the pipe (an OS
    pipe)."""

    def __init__(self, kg, pool):
        self.kg, self.pool, self.pending = kg, pool, []

    def load(self, name: str, ntriples: bytes) -> None:
        self.pending.append(self.pool.submit(self.kg.load, name, ntriples))

    def clear(self, name: str) -> None:
        """Empty a named graph, once what was queued before is in."""
        self.pending.append(self.pool.submit(self.kg.clear, name))


@contextmanager
def loading_behind(kg):
    """A loader with `load(name, ntriples)` and `clear(name)` for the graph `kg`: Oxigraph loads on
    a second thread (its load releases the GIL) while Python writes the next chunk or reasons.
    On leaving, every chunk is in, or the first loading error is raised."""
    if not enabled():
        yield _Now(kg)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dskg-load") as pool:
        loader = _Behind(kg, pool)
        yield loader
        for job in loader.pending:
            job.result()


LONG_LIVED_FROM = 200_000
"""Objects made by a build (allocations less deallocations) past which it skips the walk (see gc_paused)."""


@contextmanager
def gc_paused(long_lived: bool = False):
    """No cyclic garbage collection while a build makes millions of objects that all live on:
    each collection would walk them all for nothing.

    `long_lived`: what was made lives on (a big build's records), so on leaving, when it is more
    than LONG_LIVED_FROM objects, it goes straight to the oldest generation (gc.freeze then
    gc.unfreeze: no walk); otherwise the first young collection after would walk all of it
    once. The oldest generation is collected as usual, so what of it becomes cyclic garbage is
    freed, only later (small builds keep the usual collections)."""
    if not enabled():
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if long_lived and gc.get_count()[0] > LONG_LIVED_FROM:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
