"""The shapes of shapes/ compiled to SPARQL queries that Oxigraph runs once over the whole graph.

SHACL as pySHACL runs it (the reference, `inference='none'`): each shape's focus nodes are those
of its targets; each constraint reports what pySHACL reports for them. Here every check becomes one
SELECT over all focus nodes at once, its targets a subquery that binds `?this`:

- a SPARQL constraint (`sh:select`): its own query with `$this` bound by joining the targets
  rather than pre-bound one node at a time (the same rows where `$this` is read in the top-level
  pattern or its FILTERs, as in every query of shapes/; one with a subquery, OPTIONAL, solution
  modifiers or `$PATH` is not compiled);
- a Core constraint of a node shape or of a property shape under it: a query selecting the focus
  nodes (and value nodes) that fail it, from a SPARQL expression of what conforming means
  (`sh:datatype` -> `DATATYPE(?v) = ...`, `sh:or` -> `||` of its shapes', ...), counts with
  `COUNT(DISTINCT ...)` (the store's union of named graphs repeats a triple held in two).

A shape this module does not know how to compile (an unknown parameter, a shape without an
`sh:message`, whose result pySHACL words itself) is listed in `Plan.fallback`, and its node
shape is left to pySHACL: nothing is skipped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import count

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from . import shaclselect

SUBCLASS = f"<{RDFS.subClassOf}>"
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
_UNSUPPORTED_TARGETS = (SH.target,)
_DESCRIPTIVE = {RDF.type, RDFS.label, RDFS.comment, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group}
_NOT_CONSTRAINTS = _DESCRIPTIVE | {
    SH.path,
    SH.property,
    SH.sparql,
    SH.deactivated,
    SH.flags,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    *TARGETS,
}
_NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger}
_CASTABLE = {XSD.date, XSD.dateTime, XSD.time, XSD.gYear, XSD.gYearMonth, XSD.gMonthDay, XSD.boolean}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_COMPARISONS = {SH.minExclusive: ">", SH.minInclusive: ">=", SH.maxExclusive: "<", SH.maxInclusive: "<="}
_COMPONENT = {
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
}
"""The constraints judged on each value node alone (a result per failing value)."""


class Unsupported(Exception):
    """A construct this compiler does not turn into SPARQL: its node shape goes to pySHACL."""


@dataclass(frozen=True)
class Check:
    """One query and how each of its rows becomes a result.

    `value`: "row" (the row's ?value), "focus" (the focus node: a node shape's value node) or
    "" (none: counts, uniqueLang). `sparql`: the compiled sh:select's projection, when it is one."""

    query: str
    shape: URIRef | BNode
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]
    path: URIRef | BNode | None = None
    value: str = ""
    constraint: URIRef | BNode | None = None
    sparql: tuple[str, ...] = ()
    absent: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(query, variables): a row whose values of the variables are among the query's answers is
    not a result (a NOT EXISTS answered once for the run: shaclselect.anti_joined)."""
    targets: str = ""
    """The group in `query` (and `parts`) that binds ?this to each focus node (`_targets`), which
    shaclsparql may write as the focus nodes themselves."""
    parts: tuple[str, str, str, tuple[str, ...]] = ("", "", "", ())
    """Of a check with `absent`: its query's PREFIX lines, projection, group pattern, and the pattern
    of each query of `absent`, from which shaclsparql.minus_query joins checks into one query."""


@dataclass
class Plan:
    checks: list[Check] = field(default_factory=list)
    fallback: set = field(default_factory=set)
    """Node shapes (with their property shapes) left to pySHACL, with why."""
    reasons: dict = field(default_factory=dict)


def compile_shapes(shapes: Graph, prefixes: dict[str, str]) -> Plan:
    """Every shape with a target, compiled; `prefixes`: those a SPARQL constraint may use undeclared
    (what rdflib binds on the data graph pySHACL queries)."""
    plan = Plan()
    roots = {s for p in (*TARGETS, *_UNSUPPORTED_TARGETS) for s in shapes.subjects(p, None)}
    for shape in sorted(roots, key=str):
        if _deactivated(shapes, shape):
            continue
        try:
            checks = list(_shape_checks(shapes, shape, prefixes))
        except Unsupported as exc:
            plan.fallback.add(shape)
            plan.reasons[shape] = str(exc)
            continue
        plan.checks.extend(checks)
    return plan


def _deactivated(shapes: Graph, shape) -> bool:
    return any(isinstance(o, Literal) and o.toPython() is True for o in shapes.objects(shape, SH.deactivated))


def _shape_checks(g: Graph, shape, prefixes: dict[str, str]):
    if next(g.objects(shape, SH.target), None) is not None:
        raise Unsupported("a SHACL-AF target (sh:target)")
    targets = _targets(g, shape)
    names = count()
    yield from _constraints(g, shape, targets, names)
    for constraint in g.objects(shape, SH.sparql):
        if not _deactivated(g, constraint):
            yield _sparql_check(g, shape, constraint, targets, prefixes)
    for prop in g.objects(shape, SH.property):
        if not _deactivated(g, prop):
            yield from _constraints(g, prop, targets, names)


def _targets(g: Graph, shape) -> str:
    """A group binding ?this to each focus node once."""
    branches = []
    for kind in TARGETS:
        for node in sorted(g.objects(shape, kind), key=str):
            term = _term(node)
            if kind == SH.targetClass:
                branches.append(f"?_tc {SUBCLASS}* {term} . ?this a ?_tc .")
            elif kind == SH.targetSubjectsOf:
                branches.append(f"?this {term} ?_to .")
            elif kind == SH.targetObjectsOf:
                branches.append(f"?_ts {term} ?this .")
            else:
                branches.append(f"BIND({term} AS ?this)")
    union = " UNION ".join("{ " + b + " }" for b in branches)
    return "{ SELECT DISTINCT ?this WHERE { " + union + " } }"


def _term(node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise Unsupported(f"a blank node where a term is needed ({node})")


def path_sparql(g: Graph, path) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if (path, RDF.first, None) in g:
        return "(" + "/".join(path_sparql(g, step) for step in Collection(g, path)) + ")"
    for kind, form in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
        inner = g.value(path, kind)
        if inner is not None:
            return form.format(path_sparql(g, inner))
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_sparql(g, step) for step in Collection(g, alternatives)) + ")"
    raise Unsupported(f"a path this compiler does not know ({path})")


def _messages(g: Graph, shape) -> tuple[Literal, ...]:
    messages = tuple(m for m in g.objects(shape, SH.message) if isinstance(m, Literal))
    if not messages:
        raise Unsupported(f"{shape} has no sh:message (pySHACL words such a result itself)")
    return messages


def _constraints(g: Graph, shape, targets: str, names: count):
    """The Core constraints of one shape (a node shape: its focus nodes; a property shape: the
    values of its path from them)."""
    params = set(g.predicates(shape))
    unknown = {p for p in params if str(p).startswith(str(SH)) and p not in _NOT_CONSTRAINTS and p not in _COMPONENT}
    unknown -= {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape}
    if unknown:
        raise Unsupported(f"{shape} uses {sorted(unknown)}")
    constraining = (params & {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape}) | (params & set(_COMPONENT))
    if not constraining:
        return
    path = g.value(shape, SH.path)
    base = {"shape": shape, "severity": g.value(shape, SH.severity) or SH.Violation, "messages": _messages(g, shape), "path": path}
    base["targets"] = targets
    if path is None:
        yield from _node_constraints(g, shape, params, targets, names, base)
        return
    walk = path_sparql(g, path)
    yield from _counts(g, shape, targets, walk, base)
    for p in sorted(params & set(_COMPONENT), key=str):
        for o in g.objects(shape, p):
            test = _value_test(g, shape, p, o, "?value", names)
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {targets} ?this {walk} ?value . FILTER(!COALESCE({test}, false)) }}"
            yield Check(query, component=_COMPONENT[p], value="row", **base)
    for unique in g.objects(shape, SH.uniqueLang):
        if unique.toPython() is True:
            query = (
                f'SELECT ?this ?lang WHERE {{ {targets} ?this {walk} ?v . FILTER(isLiteral(?v) && LANG(?v) != "") '
                "BIND(LCASE(LANG(?v)) AS ?lang) } GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            yield Check(query, component=SH.UniqueLangConstraintComponent, **base)


def _node_constraints(g: Graph, shape, params: set, targets: str, names: count, base: dict):
    """A node shape's own constraints: its focus node is its value node."""
    if params & {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape}:
        raise Unsupported(f"{shape}: a count on a node shape")
    for p in sorted(params & set(_COMPONENT), key=str):
        for o in g.objects(shape, p):
            test = _value_test(g, shape, p, o, "?this", names)
            query = f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER(!COALESCE({test}, false)) }}"
            yield Check(query, component=_COMPONENT[p], value="focus", **base)


def _counts(g: Graph, shape, targets: str, walk: str, base: dict):
    """minCount, maxCount and the qualified counts: one query each, of the focus nodes that fail."""
    counted = [(SH.minCount, SH.MinCountConstraintComponent, "true"), (SH.maxCount, SH.MaxCountConstraintComponent, "true")]
    qualified = g.value(shape, SH.qualifiedValueShape)
    if qualified is not None:
        if g.value(shape, SH.qualifiedValueShapesDisjoint) is not None:
            raise Unsupported(f"{shape}: sh:qualifiedValueShapesDisjoint")
        test = _conforms(g, qualified, "?v", count(1000))
        counted += [(SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent, test)]
        counted += [(SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent, test)]
    for param, component, test in counted:
        for limit in g.objects(shape, param):
            n = int(limit)
            keep = "" if test == "true" else f" FILTER(COALESCE({test}, false))"
            if param in (SH.minCount, SH.qualifiedMinCount):
                if n <= 0:
                    continue
                if n == 1:
                    query = f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {walk} ?v .{keep} }} }}"
                else:
                    query = (
                        f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {walk} ?v .{keep} }} }} "
                        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})"
                    )
            else:
                query = f"SELECT ?this WHERE {{ {targets} ?this {walk} ?v .{keep} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})"
            yield Check(query, component=component, **base)


def _value_test(g: Graph, shape, p, o, v: str, names: count) -> str:
    """A SPARQL expression true when the value node `v` conforms to the constraint `p o` of `shape`."""
    if p in _COMPARISONS:
        if not isinstance(o, Literal):
            raise Unsupported(f"{p} {o}")
        return f"({v} {_COMPARISONS[p]} {o.n3()})"
    if p not in _TESTS:
        raise Unsupported(f"{p}")
    return _TESTS[p](g, shape, o, v, names)


def _node_kind_test(g: Graph, shape, o, v: str, names: count) -> str:
    if o not in _NODE_KINDS:
        raise Unsupported(f"sh:nodeKind {o}")
    return _NODE_KINDS[o].format(v=v)


def _datatype_test(g: Graph, shape, o, v: str, names: count) -> str:
    test = f"isLiteral({v}) && DATATYPE({v}) = <{o}>"
    if o in _NUMERIC:
        test += f" && isNumeric({v})"  # an ill-typed literal does not conform (pySHACL: ill_typed)
    elif o in _CASTABLE:
        test += f" && COALESCE(STRLEN(STR(<{o}>(STR({v})))) >= 0, false)"
    return f"({test})"


def _class_test(g: Graph, shape, o, v: str, names: count) -> str:
    t = f"?_c{next(names)}"
    return f"EXISTS {{ {v} a {t} . {t} {SUBCLASS}* {_term(o)} }}"


def _in_test(g: Graph, shape, o, v: str, names: count) -> str:
    return _any(f"sameTerm({v}, {_term(m)})" for m in Collection(g, o))


def _pattern_test(g: Graph, shape, o, v: str, names: count) -> str:
    flags = g.value(shape, SH.flags)
    extra = f", {json.dumps(str(flags))}" if flags is not None else ""
    return f"(!isBlank({v}) && REGEX(STR({v}), {json.dumps(str(o), ensure_ascii=False)}{extra}))"


def _language_in_test(g: Graph, shape, o, v: str, names: count) -> str:
    return f"(isLiteral({v}) && {_any(f'langMatches(LANG({v}), {json.dumps(str(tag).lower())})' for tag in Collection(g, o))})"


def _or_test(g: Graph, shape, o, v: str, names: count) -> str:
    return _any(_conforms(g, member, v, names) for member in Collection(g, o))


def _any(tests) -> str:
    tests = list(tests)
    return "(" + " || ".join(tests) + ")" if tests else "false"


_TESTS = {
    SH.nodeKind: _node_kind_test,
    SH.datatype: _datatype_test,
    SH["class"]: _class_test,
    SH["in"]: _in_test,
    SH.pattern: _pattern_test,
    SH.languageIn: _language_in_test,
    SH["or"]: _or_test,
}


def _conforms(g: Graph, shape, v: str, names: count) -> str:
    """A SPARQL expression true when the node `v` conforms to `shape` (a shape nested in sh:or or
    sh:qualifiedValueShape: value tests, and on a path minCount 1, maxCount 0 and value tests)."""
    params = set(g.predicates(shape)) - {RDF.type, SH.path, SH.flags}
    path = g.value(shape, SH.path)
    tests = []
    if path is None:
        for p in params:
            if p not in _COMPONENT:
                raise Unsupported(f"{p} in a nested shape")
            tests += [_value_test(g, shape, p, o, v, names) for o in g.objects(shape, p)]
    else:
        walk, x = path_sparql(g, path), f"?_x{next(names)}"
        for p in params:
            for o in g.objects(shape, p):
                if p == SH.minCount and int(o) <= 1:
                    tests.append(f"EXISTS {{ {v} {walk} {x} }}" if int(o) == 1 else "true")
                elif p == SH.maxCount and int(o) == 0:
                    tests.append(f"NOT EXISTS {{ {v} {walk} {x} }}")
                elif p in _COMPONENT:
                    tests.append(f"NOT EXISTS {{ {v} {walk} {x} FILTER(!COALESCE({_value_test(g, shape, p, o, x, names)}, false)) }}")
                else:
                    raise Unsupported(f"{p} {o} in a nested shape with a path")
    return "(" + " && ".join(tests) + ")" if tests else "true"


# ---------------------------------------------------------------------------------------------
# SPARQL constraints
# ---------------------------------------------------------------------------------------------


def _sparql_check(g: Graph, shape, constraint, targets: str, prefixes: dict[str, str]) -> Check:
    """An sh:select run once for all focus nodes: `$this` bound by the targets' group, joined first;
    a NOT EXISTS of triples alone answered once for the whole run (Check.absent)."""
    if g.value(shape, SH.path) is not None:
        raise Unsupported(f"{shape}: a SPARQL constraint on a property shape")
    found = shaclselect.joinable(str(g.value(constraint, SH.select) or ""))
    if found is None:
        raise Unsupported(f"{constraint}: a query this compiler does not join with its targets")
    projected, body = found
    preamble = _preamble(g, constraint, prefixes)
    pattern, hoisted = shaclselect.anti_joined(body)
    absent = tuple(
        (f"{preamble}SELECT DISTINCT {' '.join('?' + v for v in shared)} WHERE {{ {inner}\n}}", shared) for inner, shared in hoisted
    )
    extra = sorted({v for _, shared in hoisted for v in shared} - set(projected) - {"this"})
    selected = " ".join(f"?{name}" for name in [*(n for n in projected if n != "this"), *extra])
    query = f"{preamble}SELECT DISTINCT ?this {selected} WHERE {{ {targets} {pattern}\n}}"
    severity = g.value(shape, SH.severity) or SH.Violation
    messages = _sparql_messages(g, shape, constraint)
    parts = (preamble, f"?this {selected}", f"{targets} {pattern}", tuple(inner for inner, _ in hoisted))
    return Check(
        query,
        shape,
        SH.SPARQLConstraintComponent,
        severity,
        messages,
        constraint=constraint,
        sparql=projected,
        absent=absent,
        targets=targets,
        parts=parts,
    )


def _preamble(g: Graph, constraint, prefixes: dict[str, str]) -> str:
    """PREFIX lines: those the data graph's rdflib binds (pySHACL's query sees them) and the constraint's sh:prefixes."""
    declared = dict(prefixes)
    for declaration in (d for node in g.objects(constraint, SH.prefixes) for d in g.objects(node, SH.declare)):
        declared[str(g.value(declaration, SH.prefix))] = str(g.value(declaration, SH.namespace))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declared.items())


def _sparql_messages(g: Graph, shape, constraint) -> tuple[Literal, ...]:
    """The shape's messages and the constraint's, as pySHACL gives a SPARQL constraint's result."""
    messages = tuple(m for m in g.objects(shape, SH.message) if isinstance(m, Literal))
    return messages + tuple(m for m in g.objects(constraint, SH.message) if isinstance(m, Literal) and m not in messages)
