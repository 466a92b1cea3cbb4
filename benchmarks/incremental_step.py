"""run.py's step for issue 20's curator loop: `dskg add` of one entry, then one `dskg query` (two whole processes).

On a copy of the corpus with its build cached (one `dskg query` first), each run adds a new entry
(a copy of one entry under a new id and DOI) with `dskg add`, asks one `dskg query` (which finds
the build updated in place, cache.py + incremental.py), then deletes the file of one of the
corpus's entries and asks again (the removal, in place too; a state of the folder not built before,
whose build dskg cannot have kept).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ADD_TARGET = 3.0
"""Seconds `dskg add` of one entry and the next `dskg query` may take together at 1M triples (issue 20)."""
ROWS = ("dskg add of one entry", "the next dskg query (store updated in place)", "dskg query after an entry's file is deleted")


def _timed(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, env=env)
    return time.perf_counter() - start


def add_then_query(data: Path, tmp: Path, runs: int, query: str) -> dict[str, float]:
    """Medians of the three processes of ROWS over `runs` rounds, and the first query's full build."""
    folder = tmp / "data-add"
    if not folder.exists():
        shutil.copytree(data, folder, symlinks=True)
    env = {**os.environ, "DSKG_CACHE": str(tmp / "cache-add")}
    cli = [sys.executable, "-m", "dskg.cli"]
    query_argv = [*cli, "query", query, "--data", str(folder)]
    first = _timed(query_argv, env)
    entries = sorted((folder / "entries").glob("*.yaml"))
    text = entries[len(entries) // 2].read_text(encoding="utf-8")
    times: dict[str, list[float]] = {row: [] for row in ROWS}
    for run in range(runs):
        new = tmp / f"bench-add-{run}.yaml"
        entry = re.sub(r"(?m)^id: .*$", f"id: bench-add-{run}", text)
        new.write_text(re.sub(r"(?m)^doi: .*$", f'doi: "10.5555/dskg-bench.add-{run}"', entry), encoding="utf-8")
        times[ROWS[0]].append(_timed([*cli, "add", str(new), "--data", str(folder)], env))
        assert (folder / "entries" / new.name).is_file(), "dskg add wrote nothing"
        times[ROWS[1]].append(_timed(query_argv, env))
        entries[run].unlink()
        times[ROWS[2]].append(_timed(query_argv, env))
    return {"first dskg query of the copy (builds, caches)": first, **{row: statistics.median(t) for row, t in times.items()}}


def target(results: dict[str, float]) -> tuple[str, bool]:
    """The README's target line and whether it passes."""
    together = results[ROWS[0]] + results[ROWS[1]]
    return (
        f"dskg add of one entry then one dskg query <= {ADD_TARGET:g} s together "
        f"(is {together:.1f} s: add {results[ROWS[0]]:.1f} s, query {results[ROWS[1]]:.1f} s)",
        together <= ADD_TARGET,
    )


def print_rows(results: dict[str, float]) -> None:
    for row in ("first dskg query of the copy (builds, caches)", *ROWS):
        print(f"{row:50s} {results[row]:>10.3f} s")


def alone(data: Path, tmp: Path, runs: int, query: str) -> None:
    """`run.py --only add`: this step alone, its rows and its target."""
    found = add_then_query(data, tmp, runs, query)
    print_rows(found)
    label, ok = target(found)
    print(f"  {'pass' if ok else 'FAIL'}  {label}")
