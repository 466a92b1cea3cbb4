"""A bounded query's worker thread: on the fast path it runs on its caller's CPU for a start (a
thread woken on the other CPU of these virtual machines costs more than a small query), then may
run anywhere; the caller's own CPUs are as they were after each wait. The reference path leaves
both threads where the scheduler puts them."""

from __future__ import annotations

import os
import threading
import time

import pytest

from dskg import fast, querylimits
from dskg.fast import threads

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs a system that sets a thread's CPUs (Linux) and two CPUs",
)


def _affinity_during(seconds: float) -> set[int]:
    """The worker's CPUs `seconds` into a call, as a bounded query's worker sees them."""
    return querylimits.run_bounded(lambda stop: (time.sleep(seconds), os.sched_getaffinity(0))[1], timeout=5)


def test_a_short_call_runs_on_the_callers_cpu_and_the_caller_keeps_its_cpus():
    own = os.sched_getaffinity(0)
    seen = _affinity_during(0)
    if fast.enabled():
        assert len(seen) == 1 and seen <= own
    else:
        assert seen == own
    assert os.sched_getaffinity(0) == own


def test_a_long_call_may_run_on_every_cpu_of_the_process():
    own = os.sched_getaffinity(0)
    assert _affinity_during(threads.PINNED_SECONDS * 5) == own
    assert os.sched_getaffinity(0) == own


@pytest.mark.fast_path_only("the reference path never puts the caller on one CPU")
def test_ctrl_c_while_waiting_gives_the_caller_its_cpus_back(monkeypatch):
    """Ctrl-C comes while the caller waits on its pinned CPU (the first PINNED_SECONDS): that wait
    raises KeyboardInterrupt, as a signal makes it (a real one would stop the whole test run)."""

    class Interrupted:
        def __init__(self, done: threading.Event) -> None:
            self.done = done

        def wait(self, timeout=None):
            if timeout is not None and timeout <= threads.PINNED_SECONDS:
                raise KeyboardInterrupt
            return self.done.wait(timeout)

    hand_over = threads.on_a_thread

    def interrupted(call):
        started = hand_over(call)
        started.done = Interrupted(started.done)
        return started

    own = os.sched_getaffinity(0)
    monkeypatch.setattr(threads, "on_a_thread", interrupted)
    with pytest.raises(KeyboardInterrupt):
        querylimits.run_bounded(lambda stop: stop.wait(5), timeout=5)
    monkeypatch.undo()
    assert os.sched_getaffinity(0) == own
    deadline = time.monotonic() + 10
    while querylimits.still_running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not querylimits.still_running()


def test_a_worker_waiting_for_its_next_call_holds_nothing_of_the_last():
    """The kept thread must not keep the last query's graph and answer alive: a big build's records
    held till exit made the process's last garbage collection walk a million objects (3 s)."""
    import weakref

    class Answer:
        pass

    made = []

    def work(stop):
        answer = Answer()
        made.append(weakref.ref(answer))
        return answer

    assert isinstance(querylimits.run_bounded(work, timeout=5), Answer)
    deadline = time.monotonic() + 5
    while querylimits.still_running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert made[0]() is None
