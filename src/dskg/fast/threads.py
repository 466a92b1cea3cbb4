"""Threads for Oxigraph's work: independent calls that release Python's lock (Oxigraph answering
a query) run on every core, and a bounded query's worker thread is one kept from an earlier query.

Reference path: the plain built-in map, one call after another, in the same order; a new thread
for every bounded query.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from . import enabled

T = TypeVar("T")
R = TypeVar("R")
MOST_THREADS = 4


class _InOrder:
    """The reference path's stand-in for a pool: map is the built-in map."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)


@contextmanager
def released_map() -> Iterator[Executor | _InOrder]:
    """Something with a `map(fn, items)` giving fn's answers in the items' order: a thread per
    core on the fast path, the built-in map on the reference path."""
    if not enabled():
        yield _InOrder()
        return
    with ThreadPoolExecutor(max_workers=min(MOST_THREADS, os.cpu_count() or 1)) as pool:
        yield pool


WORKER_NAME = "dskg-query"


class _Worker:
    """A daemon thread that runs one call at a time and then waits, idle, for the next: starting a
    thread per query costs about as much as a small query (a third of a millisecond)."""

    kept: list[_Worker] = []
    idle: list[_Worker] = []
    lock = threading.Lock()

    def __init__(self) -> None:
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        self.busy = True
        self.thread = threading.Thread(target=self._serve, name=WORKER_NAME, daemon=True)
        self.thread.start()
        _Worker.kept.append(self)

    def _serve(self) -> None:
        while True:
            self.calls.get()()
            with _Worker.lock:  # a call given up on (timeout, Ctrl-C) comes back here only once it ends
                self.busy = False
                _Worker.idle.append(self)


def on_a_thread(call: Callable[[], None]) -> None:
    """Run `call` on a thread of its own, named WORKER_NAME, and return at once: an idle worker
    kept from an earlier call on the fast path, a new daemon thread on the reference path."""
    if not enabled():
        threading.Thread(target=call, name=WORKER_NAME, daemon=True).start()
        return
    with _Worker.lock:
        worker = _Worker.idle.pop() if _Worker.idle else None
        if worker is not None:
            worker.busy = True
        else:
            worker = _Worker()
    worker.calls.put(call)


def running() -> bool:
    """Whether a call handed to on_a_thread still runs (a kept worker waiting for its next call does not)."""
    kept = {w.thread for w in _Worker.kept}
    with _Worker.lock:
        if any(w.busy for w in _Worker.kept):
            return True
    return any(t.name == WORKER_NAME and t.is_alive() and t not in kept for t in threading.enumerate())


class _Later:
    """The reference path's stand-in for a call begun on a thread: made in this thread when its value is asked for."""

    def __init__(self, call: Callable[[], T]) -> None:
        self.call = call

    def result(self) -> T:
        return self.call()


class _Begun:
    """A call running on a daemon thread of its own; `result()` waits for it and gives its value or raises its error."""

    def __init__(self, call: Callable[[], T]) -> None:
        self.call, self.value, self.error = call, None, None
        self.thread = threading.Thread(target=self._run, name="dskg-early", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.value = self.call()
        except BaseException as exc:  # noqa: BLE001 - raised again where the value is asked for
            self.error = exc

    def result(self) -> T:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value


def begun(call: Callable[[], T]) -> _Begun | _Later:
    """`call` begun now, its value (or error) given by `.result()`: on a thread of its own on the fast
    path, so that work done meanwhile that releases Python's lock (file reads, RocksDB) overlaps it;
    made when asked for on the reference path (`.result()` once)."""
    return _Begun(call) if enabled() else _Later(call)
