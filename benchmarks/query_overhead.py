"""What dskg adds to a small query: the same SPARQL through pyoxigraph, through dskg, and the
parts of dskg's path (the bounded wait's hand-off to its worker thread), in microseconds per call.

    python benchmarks/query_overhead.py [--query literature-by-theme] [--data DIR] [--calls 3000]

Each line is the mean of --calls calls in a row, after one call to warm up; the two paths
alternate three times, so a busy moment of the machine falls on both. Run it with
DSKG_REFERENCE_PATH=1 for the reference path (a new thread per query, wherever the scheduler puts it).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import dskg
from dskg import fast, queries, querylimits


def per_call(fn, calls: int) -> float:
    """Mean microseconds of `calls` calls of `fn` in a row."""
    fn()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--query", default="literature-by-theme", help="a canned query's name")
    parser.add_argument("--data", type=Path, help="a data folder (default: the shipped graph)")
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()

    kg = dskg.build(args.data)
    canned = queries.catalogue()[args.query]
    params = {p.name: p.example for p in canned.header.params if p.required}
    text = queries.with_values(canned.text, queries.bindings_for(canned, params, kg))
    store = kg.store
    steps = {
        "pyoxigraph: store.query, every row read": lambda: [tuple(s) for s in store.query(text, use_default_graph_as_union=True)],
        "dskg: queries.rows(queries.run_sparql(...))": lambda: queries.rows(queries.run_sparql(text, kg)),
        "dskg's bounded wait of a call doing nothing": lambda: querylimits.run_bounded(lambda stop: None),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(3):
        for name, fn in steps.items():
            times[name].append(per_call(fn, args.calls))
    path = "fast" if fast.enabled() else "reference"
    graph = "the shipped graph" if args.data is None else args.data
    print(f"{args.query} on {graph} ({len(kg):,} triples), {path} path, {args.calls:,} calls")
    for name, samples in times.items():
        print(f"  {name:48s} {statistics.median(samples):9.1f} us")
    native, ours = (statistics.median(times[name]) for name in list(steps)[:2])
    print(f"  ratio to pyoxigraph: {ours / native:.2f}x")


if __name__ == "__main__":
    main()
