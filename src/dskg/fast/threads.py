"""Independent calls that release Python's lock (Oxigraph answering a query) run on every core.

Reference path: the plain built-in map, one call after another, in the same order.
"""

from __future__ import annotations

import os
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
