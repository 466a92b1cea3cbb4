"""A build written straight into the cache's on-disk store (fast/ondisk.py) is the build the
reference path writes (made in memory, then its dump loaded into RocksDB): the same quads in
the same named graphs, the same records; and a build that fails leaves nothing under any key."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from dskg import InvalidDataError, cache, fast
from dskg.fast import ondisk
from dskg.vocab import GRAPH

ENTRIES = Path(__file__).resolve().parent / "entries"
pytestmark = pytest.mark.fast_path_only("compares the two paths itself")


def _graph(store: ox.Store, name: str) -> tuple[set[str], Counter, int]:
    """A named graph's triples as N-Triples lines; those with blank nodes (named afresh by every
    load, and rdflib's isomorphism test takes minutes on the ontology's lists) with each blank
    node written `_`, counted, and how many blank nodes there are."""
    lines, blank, nodes = set(), Counter(), set()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH[name])):
        terms = (quad.subject, quad.predicate, quad.object)
        if any(isinstance(term, ox.BlankNode) for term in terms):
            nodes.update(term for term in terms if isinstance(term, ox.BlankNode))
            blank[" ".join("_" if isinstance(term, ox.BlankNode) else str(term) for term in terms)] += 1
        else:
            lines.add(str(quad.triple))
    return lines, blank, len(nodes)


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[object, object]:
    """One data folder (the test entries in YAML and Turtle) cached on each path; the loads made
    small, so the fast path gathers, splits and loads on both threads."""
    data = tmp_path_factory.mktemp("ondisk") / "data"
    (data / "entries").mkdir(parents=True)
    for src in ENTRIES.iterdir():
        if src.suffix in (".yaml", ".ttl"):
            shutil.copy(src, data / "entries" / src.name)
    built = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ondisk, "BATCH_BYTES", 20_000)
        for path in ("fast", "reference"):
            patch.setenv("DSKG_CACHE", str(data.parent / f"cache-{path}"))
            patch.setenv(fast.SWITCH, "1" if path == "reference" else "0")
            built[path] = (cache.cached_build(data), cache.cached_build(data))  # built, then read back
    return built["fast"], built["reference"]


def test_the_fast_paths_store_holds_the_reference_paths_quads(both):
    (fast_built, fast_read), (ref_built, ref_read) = both
    assert {str(g) for g in fast_read.store.named_graphs()} == {str(g) for g in ref_read.store.named_graphs()}
    for name in ("ontology", "data", "inferred"):
        assert _graph(fast_read.store, name) == _graph(ref_read.store, name), name
    assert len(fast_built) == len(fast_read) == len(ref_read) > 1_000
    assert not list(fast_read.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def _view(records) -> dict:
    """Every record's fields, file and line (the fast path finds a record's lines only when asked)."""
    kinds = {"schemes": records.schemes, **records.by_kind}
    return {kind: [(r.model_dump(), r._origin.file, r._origin.line) for r in items] for kind, items in kinds.items()}


def test_the_fast_paths_records_are_the_reference_paths(both):
    (fast_built, fast_read), (_, ref_read) = both
    assert fast_built.records == fast_read.records
    assert _view(fast_read.records) == _view(ref_read.records)
    assert fast_read.records.user_dir == ref_read.records.user_dir
    assert fast_read.records.ids() > {"ferracane-van-der-marel-2018", "nordas-rouzet-2017"}


def test_a_graph_cleared_mid_build_is_loaded_afresh(tmp_path):
    """A build whose streamed pass did not check out clears the data graph and loads it again."""
    graphs = {name: ox.NamedNode(str(GRAPH[name])) for name in ("ontology", "data", "inferred")}
    first = b"<http://e/a> <http://e/p> <http://e/b> .\n"
    again = b"<http://e/c> <http://e/p> <http://e/d> .\n"
    with ondisk.loading_into(tmp_path / "store", graphs) as into_store:
        into_store.load("data", first)
        into_store.clear("data")  # only the data graph loaded: a new store
        into_store.load("data", again)
        into_store.load("ontology", b"_:x <http://e/p> _:y .\n_:y <http://e/p> <http://e/o> .\n")
        into_store.load("inferred", first)
        into_store.clear("inferred")  # other graphs loaded: this one emptied
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert [str(q.triple) for q in store.quads_for_pattern(None, None, None, graphs["data"])] == [again.decode().rstrip(" .\n")]
    assert len(store) == 3 and {str(g) for g in store.named_graphs()} == {str(g) for g in graphs.values()}
    [(x,)] = store.query("SELECT ?x WHERE { GRAPH ?g { ?x <http://e/p> ?y . ?y <http://e/p> <http://e/o> } }")
    assert isinstance(x, ox.BlankNode)  # one load: the two triples share their blank node


def test_a_build_that_fails_leaves_nothing_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DSKG_CACHE", str(tmp_path / "cache"))
    (tmp_path / "data" / "entries").mkdir(parents=True)
    shutil.copy(ENTRIES / "nordas-rouzet-2017.yaml", tmp_path / "data" / "entries")
    shutil.copy(ENTRIES / "nordas-rouzet-2017.yaml", tmp_path / "data" / "entries" / "again.yaml")  # every id twice
    with pytest.raises(InvalidDataError):
        cache.cached_build(tmp_path / "data")
    assert [p.name for p in (tmp_path / "cache").iterdir() if not p.name.startswith(".last-")] == []
