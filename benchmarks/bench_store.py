"""Store benchmark: rdflib's memory store vs Oxigraph (oxrdflib) on dskg's own graph, scaled up.

Run on demand:  python benchmarks/bench_store.py [copies]
The shipped graph (~4k asserted triples) is copied N times under renamed IRIs (default 25, about
100k triples) and the countermeasures-by-barrier query plus a two-hop join run on both stores.
Prints seconds (median of 3). Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import statistics
import sys
import time

from rdflib import Dataset, URIRef

import dskg
from dskg import queries
from dskg.graph import new_graph
from dskg.vocab import GRAPH, ID

TWO_HOP = """
PREFIX dskg: <https://w3id.org/dskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?cm ?label ?barrier WHERE {
  ?link dskg:linkSubject ?cm ; dskg:linkTarget ?barrier .
  ?cm rdfs:label ?label . FILTER(LANG(?label) = "zh")
}"""


def _scaled(kg: dskg.KnowledgeGraph, copies: int) -> list[tuple]:
    base = [(s, p, o) for name in ("data", "inferred") for s, p, o in kg.graph(name)]
    prefix = str(ID)

    def rename(term, i):
        return URIRef(f"{prefix}c{i}-{term[len(prefix):]}") if isinstance(term, URIRef) and str(term).startswith(prefix) else term

    return [(rename(s, i), p, rename(o, i)) for i in range(copies) for s, p, o in base]


def _time(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(copies: int = 25) -> None:
    start = time.perf_counter()
    kg = dskg.build()
    print(f"build shipped graph (parse, load, owlrl): {time.perf_counter() - start:.2f} s, {len(kg)} triples")
    triples = _scaled(kg, copies)
    canned = queries.get_query("countermeasures-by-barrier").text
    for store in ("Memory", "Oxigraph"):
        ds = Dataset(store=store, default_union=True) if store == "Memory" else new_graph().dataset
        start = time.perf_counter()
        ds.addN((s, p, o, ds.graph(GRAPH.data)) for s, p, o in triples)
        load = time.perf_counter() - start
        join = _time(lambda ds=ds: list(ds.query(TWO_HOP)))
        canned_time = _time(lambda ds=ds: list(ds.query(canned)))
        print(
            f"{store:9s} {len(triples):>8d} triples: load {load:.2f} s, two-hop join {join:.3f} s, "
            f"countermeasures-by-barrier {canned_time:.3f} s"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
