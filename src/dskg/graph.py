"""The knowledge graph: ontology, data and inferred triples as named graphs of one Oxigraph store.

Queries see the union of the named graphs (asserted plus inferred), through rdflib's API over
oxrdflib: Oxigraph answers joins far faster than rdflib's memory store (benchmarks/bench_store.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from oxrdflib.store import OxigraphStore
from rdflib import Dataset, Graph

from . import resources
from .errors import UnreadableInputError
from .fast.ntriples import to_ntriples
from .records import Records
from .terms import PREFIXES
from .vocab import GRAPH

NAMED_GRAPHS = ("ontology", "data", "inferred")


def dataset_over(store: ox.Store) -> Dataset:
    """An rdflib Dataset over a pyoxigraph Store, its default graph the union of the named graphs."""
    ds = Dataset(store=OxigraphStore(store=store), default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds


@dataclass(frozen=True)
class KnowledgeGraph:
    """A built graph: `store` holds the named graphs GRAPH.ontology, GRAPH.data, GRAPH.inferred.

    `store` is the pyoxigraph Store (bulk loads, native SPARQL); `dataset` the rdflib view of it."""

    store: ox.Store = field(default_factory=ox.Store)
    _records: Records | None = None
    _records_file: Path | None = None
    """Where a cached build keeps its records: read only when asked for (a query never needs them)."""
    dataset: Dataset = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dataset", dataset_over(self.store))

    @property
    def records(self) -> Records | None:
        """The typed records the graph was built from (file and line of each, for messages)."""
        if self._records is None and self._records_file is not None:
            from . import recordfile

            object.__setattr__(self, "_records", recordfile.read(self._records_file))
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

    def prefixes(self) -> dict[str, str]:
        """The prefixes bound in the graph, which queries may use without declaring them."""
        return {prefix: str(namespace) for prefix, namespace in self.dataset.namespaces()}

    def load(self, name: str, ntriples: bytes) -> None:
        """Add N-Triples to a named graph with Oxigraph's own parser (no rdflib terms on the way).

        `load`, not `bulk_load`: into the memory store, in chunks as a build streams them, `load` is
        the faster (benchmarks/README.md)."""
        self.store.load(input=ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH[name]))

    def clear(self, name: str) -> None:
        """Empty a named graph (it stays, empty)."""
        self.store.clear_graph(ox.NamedNode(GRAPH[name]))

    def __len__(self) -> int:
        return len(self.store)  # every triple sits in one of the named graphs


def new_graph(records: Records | None = None) -> KnowledgeGraph:
    """An empty knowledge graph with its three named graphs."""
    kg = KnowledgeGraph(ox.Store(), records)
    for name in NAMED_GRAPHS:
        kg.store.add_graph(ox.NamedNode(GRAPH[name]))
    return kg


def load_ontology(path: Path | None = None) -> Graph:
    """The ontology graph (the shipped ontology/dskg.ttl unless `path` is given)."""
    path = path or resources.ontology_file()
    try:
        return Graph().parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableInputError(f"{path}: cannot read the ontology ({exc}).") from None


def assemble(ontology: Graph, data: Graph, inferred: Graph | None = None, records: Records | None = None) -> KnowledgeGraph:
    """Put the three graphs into a new store as named graphs."""
    kg = new_graph(records)
    for name, g in (("ontology", ontology), ("data", data), ("inferred", inferred)):
        if g is not None:
            kg.load(name, to_ntriples(g))
    return kg
