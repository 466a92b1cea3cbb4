"""A build killed while writing the cache leaves its temporary folder; the next command removes it
once its writer is gone, and never one a live process is still writing (issue 17)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dskg import cache

pytestmark = pytest.mark.fast_path_only("the cache's temporary folders are the same on both speed paths")

KEY = "0" * 32

# A process that starts a build's write as dskg does (its temporary folder, a store being
# written in it) and is then killed with SIGKILL before it can finish or clean up.
WRITER = """
import sys, time
from pathlib import Path
import pyoxigraph as ox
from dskg import cache
tmp = cache.temp_folder(Path(sys.argv[1]), sys.argv[2])
store = ox.Store(str(tmp / "store"))
store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o")))
print(tmp.name, flush=True)
time.sleep(120)
"""


@pytest.fixture()
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DSKG_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "cache"
    folder.mkdir()
    return folder


def _writer(root: Path) -> tuple[subprocess.Popen, Path]:
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(root), KEY], stdout=subprocess.PIPE, text=True)
    name = child.stdout.readline().strip()
    assert name.startswith(".tmp-"), name
    return child, root / name


def _killed(root: Path) -> Path:
    child, folder = _writer(root)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    assert folder.is_dir() and (folder / "store").is_dir()  # what kill -9 leaves behind
    return folder


def _aged(folder: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(folder, (then, then))
    return folder


def test_the_next_build_removes_the_folder_of_a_writer_killed_mid_write(root, data_copy):
    left = _killed(root)
    kg = cache.cached_build(base=data_copy, reason=False)
    assert not left.exists()
    assert list(root.glob(".tmp-*")) == []
    [built] = [p for p in root.iterdir() if not p.name.startswith(".")]
    assert (built / cache.COMPLETE).is_file() and len(kg) > 0


def test_only_folders_whose_writer_is_gone_or_cannot_be_told_and_old_are_removed(root):
    dead = _killed(root)
    child, live = _writer(root)  # still writing: must survive
    try:
        ours = cache.temp_folder(root, KEY)  # this process is alive: kept
        reused = root / ours.name.replace(f"-{cache._started(os.getpid())}@", "-1@")  # our pid, another start: a reused number
        reused.mkdir()
        untold_fresh = root / f".tmp-{KEY}-{'b' * 32}"  # the name a build gave before writers were named
        untold_old = root / f".tmp-{KEY}-{'c' * 32}"
        elsewhere = root / f".tmp-{KEY}-dddddddddddd-pid1-1@another-host.example"
        for folder in (untold_fresh, untold_old, elsewhere):
            folder.mkdir()
        _aged(untold_old, cache.STALE_SECONDS + 60)
        cache.clean_stale(root)
        assert not dead.exists() and not reused.exists() and not untold_old.exists()
        assert live.is_dir() and ours.is_dir() and untold_fresh.is_dir() and elsewhere.is_dir()
    finally:
        child.kill()
        child.wait(timeout=10)
        child.stdout.close()


def test_a_cache_root_that_cannot_be_listed_is_no_error(tmp_path):
    cache.clean_stale(tmp_path / "missing")  # nothing to clean, nothing raised
