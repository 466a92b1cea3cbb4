"""The knowledge graph: ontology, data and inferred triples as named graphs of one Oxigraph store.

Queries see the union of the named graphs (asserted plus inferred), through rdflib's API over
oxrdflib: Oxigraph answers joins far faster than rdflib's memory store (benchmarks/bench_store.py).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from . import resources
from .errors import UnreadableInputError
from .loader import PREFIXES, records_to_triples, to_ntriples
from .sources import Records, read_folder
from .vocab import BIBO, GRAPH, ID

NAMED_GRAPHS = ("ontology", "data", "inferred")


def new_dataset() -> Dataset:
    """An empty Oxigraph-backed dataset whose default graph is the union of its named graphs."""
    ds = Dataset(store="Oxigraph", default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds


@dataclass(frozen=True)
class KnowledgeGraph:
    """A built graph: `dataset` holds the named graphs GRAPH.ontology, GRAPH.data, GRAPH.inferred."""

    dataset: Dataset
    _records: Records | None = None
    _records_file: Path | None = None
    """Where a cached build keeps its records: read only when asked for (a query never needs them)."""

    @property
    def records(self) -> Records | None:
        """The typed records the graph was built from (file and line of each, for messages)."""
        if self._records is None and self._records_file is not None:
            import pickle

            with open(self._records_file, "rb") as fh:
                object.__setattr__(self, "_records", pickle.load(fh))
        return self._records

    def graph(self, name: str) -> Graph:
        """One named graph ('ontology', 'data' or 'inferred'), live on the store."""
        if name not in NAMED_GRAPHS:
            raise ValueError(f"unknown graph {name!r}; expected one of {NAMED_GRAPHS}")
        # a Graph view on the store (Dataset.graph() would try to create it, which a read-only store refuses)
        return Graph(store=self.dataset.store, identifier=GRAPH[name], namespace_manager=self.dataset.namespace_manager)

    @property
    def ontology(self) -> Graph:
        return self.graph("ontology")

    @property
    def data(self) -> Graph:
        return self.graph("data")

    @property
    def inferred(self) -> Graph:
        return self.graph("inferred")

    @property
    def store(self):
        """The pyoxigraph Store under the dataset, for bulk loads and native SPARQL."""
        return store_of(self.dataset)

    def prefixes(self) -> dict[str, str]:
        """The prefixes bound in the graph, which queries may use without declaring them."""
        return {prefix: str(namespace) for prefix, namespace in self.dataset.namespaces()}

    def __len__(self) -> int:
        return len(self.store)  # every triple sits in one of the named graphs


def store_of(dataset: Dataset):
    """The pyoxigraph Store that oxrdflib wraps."""
    return dataset.store._inner


def load_ntriples(dataset: Dataset, name: str, ntriples: bytes) -> None:
    """Add N-Triples to a named graph with Oxigraph's own parser (no rdflib terms on the way).

    `load`, not `bulk_load`: into the memory store, in chunks as a build streams them, `load` is
    the faster (benchmarks/README.md)."""
    import pyoxigraph as ox

    store_of(dataset).load(input=ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH[name]))


def load_ontology(path: Path | None = None) -> Graph:
    """The ontology graph (the shipped ontology/dskg.ttl unless `path` is given)."""
    path = path or resources.ontology_file()
    try:
        return Graph().parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableInputError(f"{path}: cannot read the ontology ({exc}).") from None


def assemble(ontology: Graph, data: Graph, inferred: Graph | None = None, records: Records | None = None) -> KnowledgeGraph:
    """Put the three graphs into a new store as named graphs."""
    ds = new_dataset()
    for name, g in (("ontology", ontology), ("data", data), ("inferred", inferred)):
        ds.graph(GRAPH[name])
        if g is not None:
            load_ntriples(ds, name, to_ntriples(g))
    return KnowledgeGraph(ds, records)


def _check_turtle_dois(records: Records, graphs: list[tuple[str, Graph]], problems) -> None:
    """A DOI names one work, whatever its case: the loader checks YAML and BibTeX works; this, Turtle ones."""
    seen = {w.doi.lower(): w.id for w in records.works if w.doi}
    for display, turtle in graphs:
        for work, doi in sorted(turtle.subject_objects(BIBO.doi)):
            work_id = str(work).removeprefix(str(ID))
            first = seen.setdefault(str(doi).lower(), work_id)
            if first != work_id:
                problems.add(
                    display,
                    0,
                    work_id,
                    "bibo:doi",
                    f"DOI {doi} is already in the graph as {first}",
                    "this work is already there: drop the entry, or correct the DOI",
                )


def require_data_dir(data: Path | str | None) -> None:
    """A user data folder, when given, must exist."""
    if data is not None and not Path(data).is_dir():
        raise UnreadableInputError(f"{data}: no such data folder. Fix: create one with `dskg init {data}`.")


def build(
    data: Path | str | None = None,
    *,
    base: Path | str | None = None,
    entries: list[Path] | None = None,
    reason: bool = True,
    engine: str = "rules",
) -> KnowledgeGraph:
    """Build the knowledge graph: the curated base, with a user's data folder layered on top.

    Args:
        data: a user data folder (made by `dskg init`); its `entries/` files are added.
        base: the curated base folder of `*.yaml`; the data shipped with dskg when None.
        entries: further entry files (YAML, Turtle, BibTeX) to add, e.g. ones being validated.
        reason: materialise OWL-RL entailments into the inferred graph (queries rely on them).
        engine: 'rules' (fast; gives owlrl's entailments), 'owlrl' (reference) or 'reasonable'.

    Raises:
        InvalidDataError: the data does not hold together; lists every problem with file:line.
        InconsistencyError: reasoning found a contradiction with the ontology.
        UnreadableInputError: a folder or file cannot be read.
    """
    from .reasoning import entailments

    dataset = new_dataset()
    for name in NAMED_GRAPHS:
        dataset.graph(GRAPH[name])
    with gc_paused(long_lived=True), loading_behind(dataset) as loader:
        # the data triples go to the loading thread in chunks while the next files are read
        records, ontology, triples = read_sources(
            data,
            base=base,
            entries=entries,
            emit=lambda chunk: loader.load("data", to_ntriples(chunk)),
            discard=lambda: loader.clear("data"),
        )
        loader.load("ontology", to_ntriples(ontology))
        if reason:
            loader.load("inferred", to_ntriples(entailments(ontology, triples, engine=engine)))
        del triples  # before collections resume: the first would walk its million tuples and literals
    return KnowledgeGraph(dataset, records)


class _LoadingThread:
    """Loads N-Triples chunks into named graphs of a dataset on a second thread, in order.

    Chunks, each its own load: one load fed by a pipe as chunks come was slower, its reads
    needing the GIL the builder holds (a file object) or its parser waiting on the pipe (an OS
    pipe)."""

    def __init__(self, dataset: Dataset, pool):
        self.dataset, self.pool, self.pending = dataset, pool, []

    def load(self, name: str, ntriples: bytes) -> None:
        self.pending.append(self.pool.submit(load_ntriples, self.dataset, name, ntriples))

    def clear(self, name: str) -> None:
        """Empty a named graph, once what was queued before is in."""
        import pyoxigraph as ox

        self.pending.append(self.pool.submit(store_of(self.dataset).clear_graph, ox.NamedNode(GRAPH[name])))


@contextmanager
def loading_behind(dataset: Dataset):
    """A _LoadingThread: Oxigraph loads on a second thread (its load releases the GIL)
    while Python writes the next chunk or reasons. On leaving, every chunk is in, or the first
    loading error is raised."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dskg-load") as pool:
        loader = _LoadingThread(dataset, pool)
        yield loader
        for job in loader.pending:
            job.result()


LONG_LIVED_FROM = 200_000
"""Objects made by a build (allocations less deallocations) past which it skips the walk (see gc_paused)."""


@contextmanager
def gc_paused(long_lived: bool = False):
    """No cyclic garbage collection while a build makes millions of objects that all live on:
    each collection would walk them all for nothing.

    `long_lived`: what was made lives on (a big build's records), so on leaving, when it is more
    than LONG_LIVED_FROM objects, it goes straight to the oldest generation (gc.freeze then
    gc.unfreeze: no walk); otherwise the first young collection after would walk all of it
    once. The oldest generation is collected as usual, so what of it
    becomes cyclic garbage is freed, only later (small builds keep the usual collections)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if long_lived and gc.get_count()[0] > LONG_LIVED_FROM:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def read_sources(
    data: Path | str | None = None,
    *,
    base: Path | str | None = None,
    entries: list[Path] | None = None,
    emit: Callable[[list], None] | None = None,
    discard: Callable[[], None] | None = None,
) -> tuple[Records, Graph, list[tuple]]:
    """The records, the ontology and the data triples a build loads (arguments as for `build`).

    `emit`, when given, receives the data triples in chunks as they are made, while later entry
    files are still being read (see loader.stream_triples). When that first pass finds anything
    amiss, `discard()` is called to forget what was emitted, and the whole is checked and made
    again in one pass (records_to_triples), which raises with every problem, or emits it all
    afresh when the pass only met references to records read after them.
    """
    from .entries import EntrySet, entry_files, iter_entries
    from .errors import ProblemList
    from .loader import stream_triples

    require_data_dir(data)
    records = read_folder(Path(base) if base is not None else resources.data_dir())
    paths = [*entry_files(Path(data)), *(entries or [])] if data is not None else list(entries or [])
    ontology = load_ontology()
    added = EntrySet()

    def batches():
        for batch in iter_entries(paths, added, display_root=Path(data) if data is not None else None):
            for kind, items in batch.by_kind.items():
                records.by_kind[kind].extend(items)
            yield batch

    triples = stream_triples(records, ontology, batches(), emit)
    problems = ProblemList(list(added.problems))
    _check_turtle_dois(records, added.graphs, problems)
    if triples is None or problems.items:
        if emit is not None and discard is not None:
            discard()
        triples = records_to_triples(records, ontology, problems, emit)
    for _, turtle in added.graphs:
        made = len(triples)
        triples.extend(turtle)
        if emit is not None:
            emit(triples[made:])
    return records, ontology, triples
