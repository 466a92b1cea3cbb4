"""One entry's SHACL check run by Oxigraph: the compiled shapes (shaclsparql) over a memory store
holding the entry's subgraph (validation's focus graph), for `dskg add` and `dskg validate FILE`.

pySHACL parses the ~70 SPARQL texts of the shapes with rdflib's pyparsing grammar once in every
process, which costs a one-entry check most of its time; Oxigraph parses the compiled queries in
microseconds. The results graph is the one shaclsparql gives (worded as pySHACL words it; shapes
the compiler does not know are left to pySHACL over the same subgraph), so the findings are
pySHACL's (tests/test_shacl_focus.py). The reference path, and a run asked of pySHACL, is
pySHACL's.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from . import shaclsparql
from .fast import enabled, shacl
from .fast.ntriples import to_ntriples

JUDGED = ox.NamedNode("https://w3id.org/dskg/graph/focus")
"""The named graph the subgraph is loaded into (the compiled queries read the union of the named graphs)."""


def results(data: Graph, shapes: Graph, oxigraph: bool = True) -> Graph | shaclsparql.Results:
    """The SHACL results graph of `data` (a graph made for this run: ontology, data, inferred and
    texts in one) against `shapes`, as pySHACL's `validate(..., inference='none', allow_warnings=True)`
    gives it (Oxigraph's as rows, the graph made when asked for); run by Oxigraph on the fast path
    when `oxigraph`, else by pySHACL."""
    if not (oxigraph and enabled()):
        return shacl.validate(data, shapes, inplace=True)
    store = ox.Store()
    store.load(to_ntriples(data), format=ox.RdfFormat.N_TRIPLES, to_graph=JUDGED)
    return shaclsparql.results(store, shapes, Graph(), lambda: data)
