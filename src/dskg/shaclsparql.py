"""Whole-graph SHACL validation run by Oxigraph: the shapes compiled to SPARQL (shaclcompile), each
query run once over the store's union of named graphs, each row made a result of a SHACL
validation report worded as pySHACL words it.

The graph judged is the one pySHACL is given for the whole graph (validation._validation_graph):
the ontology, data and inferred named graphs and each shipped text as `<work>
dskg:normalisedText "..."`, which is added to the store in a named graph of its own for the
length of the run (on a store opened read-only, a copy in memory is judged instead). Shapes the
compiler does not know are left to pySHACL over that graph, and their results merged in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from .fast import threads
from .shaclcompile import TARGETS, Check, Plan, compile_shapes

TEXTS_GRAPH = "https://w3id.org/dskg/graph/validation-texts"
"""Where the shipped texts sit in the store while a validation runs."""

_PLANS: dict[int, tuple[Graph, Plan]] = {}


def plan_for(shapes: Graph) -> Plan:
    """The shapes compiled (once per shapes graph)."""
    known = _PLANS.get(id(shapes))
    if known is not None and known[0] is shapes:
        return known[1]
    plan = compile_shapes(shapes, {prefix: str(ns) for prefix, ns in Graph().namespaces()})
    _PLANS[id(shapes)] = (shapes, plan)  # the graph kept with its id, so the id is not reused
    return plan


def validate(store: ox.Store, shapes: Graph, texts: Graph, whole_graph: Callable[[], Graph]) -> Graph:
    """A SHACL results graph of `store` (plus `texts`) against `shapes`, as pySHACL's
    `validate(..., inference='none', allow_warnings=True)` gives for the same graph.

    `whole_graph()`: that graph as an rdflib Graph, made only when some shape is left to pySHACL."""
    return results(store, shapes, texts, whole_graph).graph()


class Result(NamedTuple):
    """One result of a validation report: what a finding is made of (`messages`: sh:resultMessage)."""

    focus: Any
    path: Any
    value: Any
    severity: URIRef
    messages: tuple
    shape: Any
    component: URIRef | None = None
    constraint: Any = None


@dataclass
class Results:
    """The results of a run, with the results graph made from them only when asked for (`graph`):
    a report in text or JSON needs the results, not the tens of thousands of triples of the graph."""

    compiled: list[Result]
    """The results of the compiled shapes."""
    shapes: Graph
    merged: Graph | None = None
    """pySHACL's results graph of the shapes left to it."""
    rows: list[Result] = field(init=False)
    """Every result: the compiled shapes' and pySHACL's."""

    def __post_init__(self) -> None:
        self.rows = [*self.compiled, *(rows_of(self.merged) if self.merged is not None else ())]

    def graph(self) -> Graph:
        """The SHACL results graph (sh:ValidationReport), as pySHACL's."""
        graph, report = Graph(), BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        for row in self.compiled:
            _add_result(graph, report, self.shapes, row)
        if self.merged is not None:
            _merge(graph, report, self.merged)
        violations = any(graph.triples((None, SH.resultSeverity, SH.Violation)))
        graph.add((report, SH.conforms, Literal(not violations)))
        return graph


def rows_of(graph: Graph) -> list[Result]:
    """The results of a SHACL results graph (pySHACL's), as rows."""
    return [
        Result(
            graph.value(result, SH.focusNode),
            graph.value(result, SH.resultPath),
            graph.value(result, SH.value),
            graph.value(result, SH.resultSeverity),
            tuple(graph.objects(result, SH.resultMessage)),
            graph.value(result, SH.sourceShape),
            graph.value(result, SH.sourceConstraintComponent),
            graph.value(result, SH.sourceConstraint),
        )
        for result in graph.subjects(RDF.type, SH.ValidationResult)
    ]


def results(store: ox.Store, shapes: Graph, texts: Graph, whole_graph: Callable[[], Graph]) -> Results:
    """The results `validate` gives, as rows."""
    plan = plan_for(shapes)
    alone = [check for check in plan.checks if not check.absent]
    groups = _minus_groups(plan)
    rows: list[Result] = []
    with _with_texts(store, texts) as judged, threads.released_map() as pool:

        def answer_all(queries: list[str]) -> Iterator[list]:
            return pool.map(lambda query: list(judged.query(query, use_default_graph_as_union=True)), queries)

        # the queries are independent and Oxigraph answers them without Python's lock (fast.threads)
        written = _written_targets(plan, answer_all)
        answers = answer_all([*(_focused(check.query, check, written) for check in alone), *(minus_query(g, written) for g in groups)])
        for check, found in zip(alone, answers):  # `alone` first: zip takes nothing more from `answers` when it ends
            rows.extend(_results_of(check, found, {}))
        candidates: dict[int, list] = {}
        for row in (row for found in answers for row in found):
            candidates.setdefault(int(row[CHECK].value), []).append(row)
        shared = sorted({query for index in candidates for query, _ in plan.checks[index].absent})
        absent = {query: _Answers(found) for query, found in zip(shared, answer_all(shared))}
        for index, found in sorted(candidates.items()):
            rows.extend(_results_of(plan.checks[index], found, absent))
    if not plan.fallback:
        return Results(rows, shapes)
    return Results(rows, shapes, _pyshacl(whole_graph(), shapes, plan.fallback))


def _minus_groups(plan: Plan) -> list[list[tuple[int, Check]]]:
    """(index, check) of the checks with NOT EXISTS patterns answered apart, those with the same patterns together (minus_query)."""
    groups: dict[tuple, list[tuple[int, Check]]] = {}
    for index, check in enumerate(plan.checks):
        if check.absent:
            groups.setdefault((check.absent, check.parts[0], check.parts[3]), []).append((index, check))
    return list(groups.values())


def _results_of(check: Check, rows: list, absent: dict) -> Iterator[Result]:
    return (result for row in _kept(check, rows, absent) if (result := _result(check, row)) is not None)


CHECK = "_dskg_check"
"""The variable that names, in a query of several checks (minus_query), the check a row is of."""


def minus_query(group: list[tuple[int, Check]], written: dict[str, str]) -> str:
    """One query for checks whose NOT EXISTS patterns are the same (Check.parts): each check's query
    a branch of a UNION binding ?_dskg_check to its index, less (MINUS) each pattern's answers.

    Oxigraph answers a MINUS pattern once and drops the rows it matches itself, so the hundred
    thousand references of the "a known record" checks are not each turned into Python terms and
    looked up. MINUS drops a row when an answer agrees with it on the variables both bind, provided
    they share one; NOT EXISTS whenever an answer agrees with it: the query's rows hold every
    result, and `_kept` (the patterns answered apart, only when there are rows) keeps exactly them."""
    preamble, _, _, patterns = group[0][1].parts
    names = sorted({name for _, check in group for name in check.parts[1].split()})
    branch = "{{ SELECT DISTINCT {} ({} AS ?{}) WHERE {{ {}\n}} }}"
    branches = "\nUNION ".join(
        branch.format(check.parts[1], index, CHECK, _focused(check.parts[2], check, written)) for index, check in group
    )
    minus = "".join(f"\nMINUS {{ {pattern}\n}}" for pattern in patterns)
    return f"{preamble}SELECT ?{CHECK} {' '.join(names)} WHERE {{ {branches}{minus}\n}}"


SMALL_TARGET = 1000
"""Most focus nodes a shape's targets are written out as in its queries (VALUES): Oxigraph then
reads the values of those nodes alone, where joined with the targets' subquery it reads the
values of every node of the graph (for a handful of focus nodes, a tenth of a second a query);
past some thousand nodes, reading them all costs less."""


def _written_targets(plan: Plan, answer_all: Callable[[list[str]], Iterator[list]]) -> dict[str, str]:
    """The targets group (Check.targets) of each shape with at most SMALL_TARGET focus nodes, none of
    them a blank node (which VALUES cannot hold), -> a VALUES block of its focus nodes."""
    groups = sorted({check.targets for check in plan.checks if check.targets})
    found = answer_all([f"SELECT ?this WHERE {{ {group} }} LIMIT {SMALL_TARGET + 1}" for group in groups])
    written = {}
    for group, rows in zip(groups, found):
        nodes = [row[0] for row in rows]
        if len(nodes) <= SMALL_TARGET and all(isinstance(node, (ox.NamedNode, ox.Literal)) for node in nodes):
            written[group] = "VALUES ?this { " + " ".join(str(node) for node in nodes) + " }"
    return written


def _focused(text: str, check: Check, written: dict[str, str]) -> str:
    """A check's query (or part of it) with its targets written out when they are (`_written_targets`)."""
    return text.replace(check.targets, written[check.targets], 1) if check.targets in written else text


class _Answers:
    """The answers of a NOT EXISTS pattern answered once (shaclselect.anti_joined), to look a row up in."""

    def __init__(self, rows: list) -> None:
        solutions = [tuple(row) for row in rows]
        self.whole = {s for s in solutions if None not in s}
        self.partial = [s for s in solutions if None in s]  # a variable bound in one branch of a UNION only

    def match(self, values: tuple) -> bool:
        """Whether some answer is compatible with `values` (an unbound value on either side matches anything)."""
        if None not in values and values in self.whole:
            return True
        candidates = self.partial if None not in values else [*self.whole, *self.partial]
        return any(all(a is None or b is None or a == b for a, b in zip(s, values)) for s in candidates)


def _kept(check: Check, rows: list, absent: dict) -> list:
    """The rows no NOT EXISTS of the check's query matches, one per value of its projection (an
    sh:select's: its query also projects the variables its NOT EXISTS shares; every variable of
    another check's, e.g. each value node of a focus node)."""
    kept, seen = [], set()
    for row in rows:
        if any(absent[query].match(tuple(row[name] for name in names)) for query, names in check.absent):
            continue
        key = tuple(row[name] for name in ("this", *check.sparql)) if check.sparql else tuple(row)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


@contextmanager
def _with_texts(store: ox.Store, texts: Graph) -> Iterator[ox.Store]:
    """The store with the texts in a named graph of their own, taken out again after."""
    graph = ox.NamedNode(TEXTS_GRAPH)
    quads = [ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), graph) for s, p, o in texts]
    if not quads:
        yield store
        return
    try:
        store.extend(quads)
    except (OSError, RuntimeError):  # a store opened read-only (a cached build): judge a copy in memory
        copy = ox.Store()
        copy.load(store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        copy.extend(quads)
        yield copy
        return
    try:
        yield store
    finally:
        store.remove_graph(graph)


def _to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))) if term.datatype else ox.Literal(str(term))


def _from_ox(term):
    """An Oxigraph term as rdflib's term, made as oxrdflib makes it (so values compare with pySHACL's on the same store)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _result(check: Check, row) -> Result | None:
    """A row of a check's query as a result, or None (a SPARQL constraint's row pySHACL makes no result of)."""
    focus = _from_ox(row["this"])
    path, value, messages = check.path, None, check.messages
    if check.sparql:
        found = _sparql_row(check, row, focus)
        if found is None:
            return None
        focus, path, value, bound = found
        messages = tuple(Literal(_worded(str(message.value), bound)) for message in messages)
    elif check.value == "row":
        value = _from_ox(row["value"])
    elif check.value == "focus":
        value = focus
    return Result(focus, path, value, check.severity, messages, check.shape, check.component, check.constraint)


def _add_result(results: Graph, report, shapes: Graph, row: Result) -> None:
    result = BNode()
    results.add((report, SH.result, result))
    results.add((result, RDF.type, SH.ValidationResult))
    results.add((result, SH.sourceConstraintComponent, row.component))
    results.add((result, SH.sourceShape, row.shape))
    results.add((result, SH.resultSeverity, row.severity))
    results.add((result, SH.focusNode, row.focus))
    if row.value is not None:
        results.add((result, SH.value, row.value))
    if row.path is not None:
        results.add((result, SH.resultPath, row.path))
        _copy_structure(shapes, row.path, results)
    if row.constraint is not None:
        results.add((result, SH.sourceConstraint, row.constraint))
    for message in row.messages:
        results.add((result, SH.resultMessage, message))


def _sparql_row(check: Check, row, focus) -> tuple | None:
    """A SPARQL constraint's row as pySHACL reads it: (focus, path, value, bound variables), or
    None for a row that binds none of ?this, ?path and ?value (pySHACL makes no result of it)."""
    found = {name: _from_ox(row[name]) for name in check.sparql}
    found = {name: term for name, term in found.items() if term is not None}
    this, path, value = found.pop("this", None), found.pop("path", None), found.pop("value", None)
    if this is None and path is None and value is None:
        return None
    value = focus if value is None else value  # a node shape's value node is its focus node
    bound = {**found, **{k: v for k, v in (("this", this), ("path", path), ("value", value)) if v is not None}}
    return this or focus, path, value, bound


def _worded(message: str, bound: dict) -> str:
    """`{?var}` and `{$var}` replaced by the row's values, as pySHACL does (re.sub, str of the term)."""
    for var, val in bound.items():
        message = re.sub("{[?$]" + var + "}", str(val), message)
    return message


def _copy_structure(source: Graph, node, into: Graph) -> None:
    """A blank node's triples (a complex path, an RDF list), followed through blank nodes."""
    if not isinstance(node, BNode):
        return
    for p, o in source.predicate_objects(node):
        into.add((node, p, o))
        _copy_structure(source, o, into)


def _pyshacl(data: Graph, shapes: Graph, fallback: set) -> Graph:
    """pySHACL's results for the shapes in `fallback` alone (the others' targets taken away)."""
    from .fast import shacl

    only = Graph()
    only += shapes
    for kind in (*TARGETS, SH.target):
        for shape, target in list(only.subject_objects(kind)):
            if shape not in fallback:
                only.remove((shape, kind, target))
    return shacl.validate(data, only, inplace=True)


def _merge(results: Graph, report, theirs: Graph) -> None:
    for result in theirs.subjects(RDF.type, SH.ValidationResult):
        results.add((report, SH.result, result))
        _copy_structure(theirs, result, results)
