"""Benchmark dskg against the naive rdflib + owlrl + pySHACL stack, with pyoxigraph as the floor.

    python benchmarks/run.py --size 100k [--runs 3] [--cap 120] [--json out.json]

Generates a synthetic corpus of the requested size (benchmarks/generate.py), then measures, on
the same data: build, reasoning, full validation, validating one new entry, every canned query
(and the same SPARQL run natively by pyoxigraph), Turtle export, `dskg --help` cold start and
peak memory; and the naive pipeline with a time cap per step ("> cap" rather than waiting).
Prints a table with the targets of issue 6 and writes JSON. Not a test: the machines are noisy,
read the ratios.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _capped_worker(name, nt_path, shapes_path, queue):
    """One naive step in its own process, so a cap can stop it."""
    from rdflib import Graph

    start = time.perf_counter()
    g = Graph()
    g.parse(nt_path, format="nt")
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    if name == "parse":
        queue.put(parsed)
        return
    if name == "owlrl":
        import owlrl

        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False, axiomatic_triples=False, datatype_axioms=False).expand(g)
    elif name == "pyshacl":
        import pyshacl

        pyshacl.validate(g, shacl_graph=Graph().parse(shapes_path, format="turtle"), inference="none", advanced=True, allow_warnings=True)
    elif name == "serialize":
        g.serialize(format="turtle")
    elif name == "query":
        from dskg import queries

        g.query(queries.get_query("countermeasures-by-barrier").text)
    queue.put(time.perf_counter() - start)


def capped(name: str, nt_path: str, shapes_path: str, cap: float) -> float | None:
    queue: mp.Queue = mp.Queue()
    proc = mp.Process(target=_capped_worker, args=(name, nt_path, shapes_path, queue))
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


def fmt(value: float | None, cap: float) -> str:
    return f"> {cap:g} s" if value is None else f"{value:.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="10k, 100k, 1m or a number of triples")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per naive step")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=None, help="use this generated data folder")
    args = parser.parse_args()
    target = SIZES.get(args.size.lower()) or int(args.size)

    import pyoxigraph as ox

    import dskg
    from dskg import publish, queries
    from dskg.reasoning import infer
    from dskg.validation import run_shapes

    tmp = Path(tempfile.mkdtemp(prefix="dskg-bench-"))
    data = args.data or tmp / "data"
    if args.data is None:
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(target), "-o", str(data)], check=True)
    results: dict[str, float | None] = {}

    start = time.perf_counter()
    kg = dskg.build(data, reason=False)
    results["build (YAML -> graph)"] = time.perf_counter() - start
    asserted = len(kg.data) + len(kg.ontology)

    nt_path = tmp / "graph.nt"
    nt_path.write_bytes(publish.serialize(kg, "nt", inferred=False))
    floor_store = ox.Store()
    start = time.perf_counter()
    floor_store.bulk_load(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
    results["floor: pyoxigraph raw load"] = time.perf_counter() - start

    start = time.perf_counter()
    inferred = infer(kg.ontology, kg.data, engine="reasonable")
    results["reasoning (reasonable)"] = time.perf_counter() - start
    kg = dskg.graph.assemble(kg.ontology, kg.data, inferred, kg.records)

    start = time.perf_counter()
    report = run_shapes(kg)
    results["full validation (pySHACL, shapes)"] = time.perf_counter() - start

    one = sorted((data / "entries").glob("*.yaml"))[0]
    entry_id = one.stem
    results["validate one entry (focus subgraph)"] = median_time(lambda: run_shapes(kg, {entry_id}), args.runs)

    query_times = {}
    native_times = {}
    for name, canned in queries.catalogue().items():
        params = {p.name: p.example for p in canned.header.params if p.required}
        bindings = queries.bindings_for(canned, params, kg)
        text = queries.with_values(canned.text, bindings)
        query_times[name] = median_time(lambda text=text: list(queries.run_sparql(text, kg)), args.runs)
        native_times[name] = median_time(lambda text=text: list(floor_store.query(text, use_default_graph_as_union=True)), args.runs)
    results["turtle export"] = median_time(lambda: publish.serialize(kg, "turtle"), 1)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dskg.cli", "--help"], capture_output=True, check=True)
    results["dskg --help cold start"] = time.perf_counter() - start
    results["peak memory (GB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6

    shapes = tmp / "shapes.ttl"
    from dskg.validation import load_shapes

    load_shapes().serialize(shapes, format="turtle")
    naive = {step: capped(step, str(nt_path), str(shapes), args.cap) for step in ("parse", "query", "owlrl", "pyshacl", "serialize")}

    print(f"\ndskg benchmark: {asserted} asserted triples (+{len(inferred)} inferred), {len(list((data / 'entries').glob('*')))} entries, {report.summary()}")
    print(f"{'step':45s} {'dskg':>12s} {'naive':>12s}")
    pairs = [
        ("build (YAML -> graph)", "parse"),
        ("reasoning (reasonable)", "owlrl"),
        ("full validation (pySHACL, shapes)", "pyshacl"),
        ("turtle export", "serialize"),
    ]
    for ours, theirs in pairs:
        print(f"{ours:45s} {fmt(results[ours], args.cap):>12s} {fmt(naive[theirs], args.cap):>12s}")
    for key in ("floor: pyoxigraph raw load", "validate one entry (focus subgraph)", "dskg --help cold start"):
        print(f"{key:45s} {fmt(results[key], args.cap):>12s}")
    print(f"{'peak memory':45s} {results['peak memory (GB)']:>10.2f} GB")
    print(f"\n{'query':30s} {'dskg':>10s} {'pyoxigraph':>12s} {'ratio':>7s}")
    for name in query_times:
        ratio = query_times[name] / native_times[name] if native_times[name] else float("nan")
        print(f"{name:30s} {query_times[name]:>9.3f}s {native_times[name]:>11.3f}s {ratio:>7.1f}")
    print(f"{'naive rdflib countermeasures-by-barrier':45s} {fmt(naive['query'], args.cap)}")
    build_ratio = results["build (YAML -> graph)"] / results["floor: pyoxigraph raw load"]
    print(f"\nbuild / raw load ratio: {build_ratio:.1f} (target <= 2 at 1M)")
    if args.json:
        args.json.write_text(json.dumps({"triples": asserted, "results": results, "naive": naive, "queries": query_times, "native": native_times}, indent=2))


if __name__ == "__main__":
    main()
