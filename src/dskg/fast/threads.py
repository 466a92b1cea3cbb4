"""Threads for Oxigraph's work: independent calls that release Python's lock (Oxigraph answering
a query) run on every core, and a bounded query's worker thread is one kept from an earlier query,
put on the caller's CPU for the first PINNED_SECONDS of the call.

Why the CPU: the caller waits while the worker runs, so the two never need two CPUs at once, and
on these virtual machines waking a thread on another CPU costs ~60 us where the same CPU costs
~5 (benchmarks/README.md, "A small query's hand-off"). A longer call is let go to every CPU the
process may use, for the scheduler to move it off a CPU that got busy.

Reference path: the plain built-in map, one call after another, in the same order; a new thread
for every bounded query, wherever the scheduler puts it.
"""

from __future__ import annotations

import ctypes
import functools
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


PINNED_SECONDS = 0.01
"""How long a call stays on its caller's CPU before it may run on any."""


class _Worker:
    """A daemon thread that runs one call at a time and then waits, idle, for the next: starting a
    thread per query costs about as much as a small query (a third of a millisecond)."""

    kept: list[_Worker] = []
    idle: list[_Worker] = []
    lock = threading.Lock()

    def __init__(self) -> None:
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        self.busy = True
        self.cpus = _allowed_cpus()  # what the process may use, as this thread was made
        self.pinned: int | None = None
        self.thread = threading.Thread(target=self._serve, name=WORKER_NAME, daemon=True)
        self.thread.start()
        _Worker.kept.append(self)

    def _serve(self) -> None:
        while True:
            self._run(*self.calls.get())  # nothing of a call is held while waiting for the next (its graph, its answer)

    def _run(self, call: Callable[[], None], done: threading.Event) -> None:
        try:
            call()
        finally:
            done.set()
            with _Worker.lock:  # a call given up on (timeout, Ctrl-C) comes back here only once it ends
                self.busy = False
                _Worker.idle.append(self)

    def pin(self, cpu: int | None) -> None:
        """Run on `cpu` alone (None: on every CPU the process may use); where the system refuses, as it is."""
        if cpu == self.pinned or self.cpus is None:
            return
        try:
            os.sched_setaffinity(self.thread.native_id, self.cpus if cpu is None else {cpu})
            self.pinned = cpu
        except OSError:
            self.cpus = None  # not allowed here (a container's CPU set): never tried again


class Started:
    """A call handed to a thread; `wait(timeout)` waits for it to end (True) or for the timeout (False)."""

    def __init__(self, done: threading.Event, worker: _Worker | None = None) -> None:
        self.done, self.worker = done, worker

    def wait(self, timeout: float | None) -> bool:
        if self.worker is None or self.worker.pinned is None:
            return self.done.wait(timeout)
        first = PINNED_SECONDS if timeout is None else min(timeout, PINNED_SECONDS)
        # the caller too, while it waits: woken elsewhere, it would be woken on the idle CPU
        own = os.sched_getaffinity(0)
        try:
            os.sched_setaffinity(0, {self.worker.pinned})
        except OSError:
            own = None
        try:
            if self.done.wait(first):
                return True
        finally:
            if own is not None:
                os.sched_setaffinity(0, own)
        with _Worker.lock:
            if self.worker.busy:  # still ours: let it go to every CPU
                self.worker.pin(None)
        return self.done.wait(None if timeout is None else timeout - first)


def on_a_thread(call: Callable[[], None]) -> Started:
    """Start `call` on a thread of its own, named WORKER_NAME: an idle worker kept from an earlier
    call, on the caller's CPU at first, on the fast path; a new daemon thread on the reference path."""
    done = threading.Event()
    if not enabled():

        def run() -> None:
            try:
                call()
            finally:
                done.set()

        threading.Thread(target=run, name=WORKER_NAME, daemon=True).start()
        return Started(done)
    with _Worker.lock:
        worker = _Worker.idle.pop() if _Worker.idle else None
        if worker is not None:
            worker.busy = True
        else:
            worker = _Worker()
        worker.pin(_caller_cpu())
    worker.calls.put((call, done))
    return Started(done, worker)


def _allowed_cpus() -> set[int] | None:
    """The CPUs this process may run on, None where the system does not say (or has one)."""
    try:
        cpus = os.sched_getaffinity(0)
    except (AttributeError, OSError):
        return None
    return cpus if len(cpus) > 1 else None


@functools.cache
def _sched_getcpu() -> Callable[[], int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).sched_getcpu
    except (AttributeError, OSError):
        return None


def _caller_cpu() -> int | None:
    """The CPU the calling thread runs on now (the C library's sched_getcpu), None where unknown."""
    getcpu = _sched_getcpu()
    cpu = getcpu() if getcpu is not None else -1
    return cpu if cpu >= 0 else None


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
