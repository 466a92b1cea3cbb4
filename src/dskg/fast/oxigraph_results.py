"""Query answers at speed: Oxigraph's own terms kept, rdflib terms made only when asked for, and
rows of Python values read straight from Oxigraph's terms.

At a million triples, making an rdflib term of every value of an answer costs more than small
queries themselves; most callers want the rows' Python values (`rows`), which the common kinds
of term (IRIs, strings, language strings, integers, decimals) give without an rdflib term.

Reference path (DSKG_REFERENCE_PATH=1): the query goes through rdflib's public API (the graph's
`Dataset.query`, which oxrdflib hands to the same Oxigraph store with the same prefixes, over
the union of the named graphs) and rows are the rdflib terms' `toPython()`.

Private names used here (pyproject.toml pins the versions): `oxrdflib._converter.from_ox`
(oxrdflib 0.5: Oxigraph term -> rdflib term, the conversion oxrdflib itself applies to answers),
`OxigraphStore._namespace_for_prefix` (oxrdflib 0.5: the prefixes it hands Oxigraph with a query)
and rdflib's `Result._bindings` (rdflib 7.x: the list `Result.bindings` and `__iter__` read),
which StoreResult fills on first use.
"""

from __future__ import annotations

import re
import threading
from decimal import Decimal
from itertools import islice
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Variable
from rdflib.query import Result

from . import enabled


def query(kg, sparql: str, stop: threading.Event | None = None) -> Result:
    """`sparql` answered by the graph's Oxigraph store over the union of its named graphs, with the
    prefixes bound in the graph. Oxigraph's errors (SyntaxError, ...) pass through. Rows stop being
    read (InterruptedError) once `stop` is set: a caller that gave up on the answer set it."""
    if not enabled():
        return kg.dataset.query(sparql)
    answer = kg.store.query(sparql, use_default_graph_as_union=True, prefixes=_bound_prefixes(kg))
    if isinstance(answer, ox.QueryBoolean):
        result = StoreResult("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QuerySolutions):
        return StoreResult("SELECT", [v.value for v in answer.variables], _solutions(answer, stop))
    from oxrdflib._converter import from_ox

    result = StoreResult("CONSTRUCT")
    result.graph = Graph()
    result.graph += (from_ox(t) for t in _until(stop, answer))
    return result


def _bound_prefixes(kg) -> dict[str, str]:
    """The prefixes bound in the graph, as oxrdflib gives them to Oxigraph: its store's own table,
    copied (rdflib's `namespaces()` walks its namespace manager: a fifth of a small query)."""
    return dict(kg.dataset.store._namespace_for_prefix)


def _solutions(answer: ox.QuerySolutions, stop: threading.Event | None) -> list[tuple]:
    """Every row of a lazy answer as a tuple of terms, read in chunks until `stop` is set (Oxigraph
    computes each row as it is read)."""
    solutions: list[tuple] = []
    while chunk := [tuple(s) for s in islice(answer, 10_000)]:
        solutions += chunk
        if stop is not None and stop.is_set():
            raise InterruptedError("the query was stopped")
    return solutions


def _until(stop: threading.Event | None, answer):
    """The items of a lazy answer, in chunks, until `stop` is set."""
    while chunk := list(islice(answer, 10_000)):
        yield from chunk
        if stop is not None and stop.is_set():
            raise InterruptedError("the query was stopped")


class StoreResult(Result):
    """An answer of the embedded Oxigraph store that keeps Oxigraph's terms.

    It is an rdflib Result (rows of rdflib terms, `vars`, `len`, `serialize`), but the rdflib
    terms are made only when someone asks for them: `rows()` reads Oxigraph's terms directly.
    """

    def __init__(self, type_: str, variables: list[str] | None = None, solutions: list[tuple] | None = None):
        super().__init__(type_)
        self.vars = [Variable(v) for v in variables or []]
        self.solutions = solutions or []
        self.converted = False

    @property  # type: ignore[override]
    def bindings(self):
        if not self.converted:
            from oxrdflib._converter import from_ox

            self._bindings = [{v: from_ox(t) for v, t in zip(self.vars, row) if t is not None} for row in self.solutions]
            self.converted = True
        return self._bindings

    @bindings.setter
    def bindings(self, value) -> None:
        self._bindings = list(value)
        self.converted = True

    def __iter__(self):
        if self.type == "SELECT":
            self.bindings  # noqa: B018 - rdflib's __iter__ reads the converted rows directly
        return super().__iter__()

    def __len__(self) -> int:
        return len(self.solutions) if self.type == "SELECT" and not self.converted else super().__len__()


def rows(result: Result) -> list[dict[str, Any]]:
    """SELECT results as plain dicts of Python values (None where unbound), as rdflib's toPython gives them."""
    names = [str(v) for v in result.vars]
    if isinstance(result, StoreResult) and not result.converted:
        return [{n: _python_value(t) for n, t in zip(names, row)} for row in result.solutions]
    # any other answer (an endpoint's, the reference path's): through its rdflib terms
    return [{n: (row[i].toPython() if row[i] is not None else None) for i, n in enumerate(names)} for row in result]


_OX_LITERAL = ox.Literal
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _python_value(term: Any) -> Any:
    """An Oxigraph term as rdflib's toPython() gives it, without making the rdflib term for the
    common kinds (IRIs, strings, language strings, integers, decimals)."""
    if type(term) is _OX_LITERAL:
        if term.language:
            return term.value
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return term.value
        if datatype == _XSD_INTEGER and term.value.isdigit():
            return int(term.value)
        if datatype == _XSD_DECIMAL and _DECIMAL.fullmatch(term.value):
            return Decimal(term.value)
        from oxrdflib._converter import from_ox

        return from_ox(term).toPython()
    return None if term is None else term.value  # IRIs and blank nodes: rdflib gives their text
