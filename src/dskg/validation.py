"""Validation: the loader's checks and the SHACL shapes, as one typed report of every finding.

Each finding names the record (id and label, never a bare blank node), the path, the value, an
instruction to the curator and, for records read from YAML, the file and line. New entries are
validated through their own subgraph (plus what it references), so the cost follows the entry,
not the graph (pySHACL's `focus_nodes=` over the whole graph costs more as the graph grows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from . import resources, sourcetext
from .errors import Problem
from .graph import KnowledgeGraph
from .vocab import DSKG, ID

SH = Namespace("http://www.w3.org/ns/shacl#")
BIBO_DOI = URIRef("http://purl.org/ontology/bibo/doi")
CONTEXT_PREDICATES = (RDF.type, RDFS.label, DSKG.claimText, DSKG.statedIn, DSKG.level, DSKG.textFile)
SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Finding:
    """One thing a curator should look at."""

    severity: str
    entity: str
    label: str
    path: str
    value: str
    message: str
    file: str = ""
    line: int = 0
    shape: str = ""

    def sort_key(self) -> tuple:
        return (SEVERITIES.index(self.severity), self.file, self.line, self.entity, self.path, self.message)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        label = f" ({self.label})" if self.label else ""
        path = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value else ""
        who = f" {self.entity}{label}{path}{value}:" if self.entity or self.path else ""
        return f"{where}{self.severity}:{who} {self.message}"


@dataclass
class ValidationReport:
    """Every finding, sorted (Violations first), with the raw SHACL results graph."""

    findings: list[Finding] = field(default_factory=list)
    results_graph: Graph = field(default_factory=Graph)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, fail_on: str = "violation") -> bool:
        """True when a finding is at least as severe as `fail_on` ('violation' or 'warning')."""
        worst = {"violation": ("Violation",), "warning": ("Violation", "Warning")}[fail_on]
        return any(f.severity in worst for f in self.findings)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s.lower()}{'s' if self.count(s) != 1 else ''}" for s in SEVERITIES)
        return f"{len(self.findings)} findings: {counts}"

    def to_text(self) -> str:
        return "".join(f"{f}\n" for f in self.findings) + self.summary() + "\n"

    def to_json(self) -> str:
        doc = {
            "conforms": not self.fails(),
            "summary": {s: self.count(s) for s in SEVERITIES},
            "findings": [asdict(f) for f in self.findings],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def to_turtle(self) -> str:
        return self.results_graph.serialize(format="turtle")


@lru_cache(maxsize=1)
def load_shapes() -> Graph:
    """All shape files of shapes/ as one graph (read once per process)."""
    shapes = Graph()
    for path in sorted(resources.shapes_dir().glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


# How each SHACL Core target selects ?this, as a SPARQL pattern (rdf:type/rdfs:subClassOf*: SHACL's
# "instance of", written with the class bound first, see shapes/README.md on sequence paths).
_TARGET_PATTERNS = {
    SH.targetClass: "?_targetClass <http://www.w3.org/2000/01/rdf-schema#subClassOf>* {} . ?this a ?_targetClass .",
    SH.targetSubjectsOf: "?this {} ?_targetObject .",
    SH.targetObjectsOf: "?_targetSubject {} ?this .",
}
# What else a shape may say and still be narrowed: nothing that selects or checks nodes.
_PASSIVE = {RDF.type, RDFS.label, SH.severity, SH.message, SH.sparql, *_TARGET_PATTERNS}


def _expand(name: str, shapes: Graph, constraint) -> URIRef | None:
    """The IRI a SPARQL term of `constraint`'s query names, through its sh:prefixes declarations."""
    if name.startswith("<") and name.endswith(">"):
        return URIRef(name[1:-1])
    prefix, colon, local = name.partition(":")
    for declared in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(declared, SH.declare):
            if colon and str(shapes.value(declaration, SH.prefix)) == prefix:
                return URIRef(str(shapes.value(declaration, SH.namespace)) + local)
    return None


@lru_cache(maxsize=1)
def pyshacl_shapes() -> Graph:
    """The shapes as dskg hands them to pySHACL: the same findings as load_shapes(), sooner.

    Each SPARQL check of shapes/ is a node shape with Core targets and one SPARQL constraint,
    which pySHACL runs once per target: a query run per record (each costs rdflib a fraction of a
    millisecond, and a large graph has tens of thousands of records) where hardly any fails. A
    constraint reports nothing on a node its query does not select, so here such a shape's Core
    targets become one SHACL-AF SPARQL target: the targets' pattern joined with the constraint's
    own query (or the query alone where it opens with `$this P ?x` for a target of the subjects
    of P), run once over the graph to select the nodes the constraint will report. pySHACL then
    runs the constraint on those few. A shape that says anything else is left as written.
    tests/test_shape_engines.py checks that the findings are those of the shapes as written,
    under pySHACL and under Jena.
    """
    shapes = Graph()
    shapes += load_shapes()
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        select = shapes.value(constraint, SH.select)
        if set(shapes.predicates(shape)) - _PASSIVE or len(list(shapes.objects(shape, SH.sparql))) != 1 or select is None:
            continue
        where = re.search(r"\bWHERE\s*\{", str(select), re.IGNORECASE)
        body = str(select)[where.end() :].rstrip() if where else ""
        targets = [(kind, node) for kind in _TARGET_PATTERNS for node in shapes.objects(shape, kind) if isinstance(node, URIRef)]
        if not body.endswith("}") or not targets:
            continue  # a solution modifier after the pattern, or no Core target: leave the shape as written
        patterns = [_TARGET_PATTERNS[kind].format(node.n3()) for kind, node in targets]
        selected = patterns[0] if len(patterns) == 1 else " UNION ".join("{ " + pattern + " }" for pattern in patterns)
        first = re.match(r"\s*[$?]this\s+(\S+)\s", body)
        if first and targets == [(SH.targetSubjectsOf, _expand(first.group(1), shapes, constraint))]:
            selected = ""  # the query opens with `$this P ?x`: it selects subjects of P already (and each once)
        target = BNode()
        shapes.add((target, RDF.type, SH.SPARQLTarget))
        shapes.add((target, SH.select, Literal(f"SELECT DISTINCT ?this WHERE {{ {selected} {body[:-1]} }}")))
        for prefixes in shapes.objects(constraint, SH.prefixes):
            shapes.add((target, SH.prefixes, prefixes))
        for kind, node in targets:
            shapes.remove((shape, kind, node))
        shapes.add((shape, SH.target, target))
    return shapes


def problem_finding(problem: Problem, severity: str = "Violation") -> Finding:
    """A problem the build found (a loader check, an entry file) as a finding of the report."""
    return Finding(
        severity,
        problem.entity,
        "",
        problem.field,
        "",
        f"{problem.message}. Fix: {problem.fix}" if problem.fix else problem.message,
        problem.file,
        problem.line,
        "dskg:loader",
    )


def _owner_id(node) -> str:
    """The record id a node belongs to: links to their subject, sections and citations to their work."""
    if not isinstance(node, URIRef) or not str(node).startswith(str(ID)):
        return str(node)
    local = str(node)[len(str(ID)):]
    parts = local.split("/")
    if parts[0] == "link" and len(parts) >= 5:
        return parts[2]
    if parts[0] == "citation" and len(parts) >= 3:
        return parts[2]
    return parts[0]


def _label(graph: Graph, node) -> str:
    labels = {lit.language: str(lit) for lit in graph.objects(node, RDFS.label) if isinstance(lit, Literal)}
    return labels.get("en") or labels.get("zh") or next(iter(labels.values()), "")


def _short(graph: Graph, term) -> str:
    if term is None or isinstance(term, BNode):
        return ""
    if isinstance(term, URIRef):
        if str(term).startswith(str(ID)):
            return str(term)[len(str(ID)):]
        return term.n3(graph.namespace_manager)
    return str(term)


def _texts(kg: KnowledgeGraph, works: set | None = None) -> Graph:
    """Each shipped text (of `works`, or all) as `work dskg:normalisedText "..."`, so quote checks run in SPARQL."""
    g = Graph()
    folder = kg.records.data_dir if kg.records is not None and kg.records.data_dir is not None else resources.data_dir()
    for work, text_file in kg.data.subject_objects(DSKG.textFile):
        if works is not None and work not in works:
            continue
        path = folder / str(text_file)
        if path.is_file():
            g.add((work, DSKG.normalisedText, Literal(sourcetext.normalised_text(path))))
    return g


def _validation_graph(kg: KnowledgeGraph) -> Graph:
    """Ontology + data + inferred + shipped texts: what the shapes judge the whole graph on."""
    g = _texts(kg)
    for name in ("ontology", "data", "inferred"):
        g += kg.graph(name)
    return g


@lru_cache(maxsize=1)
def _shipped_ontology() -> Graph:
    from .graph import load_ontology

    return load_ontology()


def _subgraph(kg: KnowledgeGraph, nodes: set) -> Graph:
    """What SHACL needs to judge `nodes`: their triples and those pointing at them, what shows that
    the records they reference exist (type, label, text, source), the ontology, the shipped texts
    and the works sharing its DOI (for the uniqueness rule). Read from the store by pattern, so the cost
    follows the entry, not the graph."""
    graphs = [kg.data, kg.inferred]
    sub = Graph()
    sub += _shipped_ontology()  # what every build loads; parsed once, not read back from the store
    referenced = set()
    for node in nodes:
        for g in graphs:
            for s, p, o in g.triples((node, None, None)):
                sub.add((s, p, o))
                if isinstance(o, URIRef) and str(o).startswith(str(ID)):
                    referenced.add(o)
            for triple in g.triples((None, None, node)):
                sub.add(triple)
    for ref in referenced - nodes:  # enough of each referenced record to show it exists, not its links
        for g in graphs:
            for p in CONTEXT_PREDICATES:
                for o in g.objects(ref, p):
                    sub.add((ref, p, o))
    for work in [n for n in nodes if (n, BIBO_DOI, None) in kg.data]:  # works sharing the entry's DOI
        for doi in kg.data.objects(work, BIBO_DOI):
            for variant in {str(doi), str(doi).lower(), str(doi).upper()}:
                for other in kg.data.subjects(BIBO_DOI, Literal(variant)):
                    for stored in kg.data.objects(other, BIBO_DOI):
                        sub.add((other, BIBO_DOI, stored))
    sub += _texts(kg, works=nodes | referenced)
    return sub


def _nodes_of(kg: KnowledgeGraph, focus_ids: set[str]) -> set:
    """The IRIs that belong to the focused records: the records, their links, citations and sections."""
    nodes = {ID[i] for i in focus_ids}
    for node in list(nodes):
        nodes |= set(kg.data.objects(node, DSKG.hasQualifiedLink))
        nodes |= set(kg.data.objects(node, DSKG.hasSection))
    cited_entity = URIRef("http://purl.org/spar/cito/hasCitedEntity")
    for record_id in focus_ids:  # a work's citations are named after it and point at it: look them up, not scan all
        nodes.update(c for c in kg.data.subjects(cited_entity, ID[record_id]) if _owner_id(c) == record_id)
    return nodes


_PREPARED: dict[tuple, Any] = {}


@contextmanager
def _prepared_sparql() -> Iterator[None]:
    """Parse each SPARQL string pySHACL sends once per process, not once per run.

    pySHACL hands rdflib the same ~50 query strings (the shapes' SPARQL targets and constraints)
    on every run, and rdflib parses each anew: most of a one-entry validation's time otherwise.
    rdflib's processor calls translateQuery(parseQuery(text), base, initNs); for the run,
    parsing passes the text through and translating is memoised on all three. A translated
    query is what rdflib's own prepareQuery returns for reuse.
    """
    from rdflib.plugins.sparql import processor

    parse, translate = processor.parseQuery, processor.translateQuery

    def prepared(text, base=None, init_ns=None):
        if not isinstance(text, str):
            return translate(text, base, init_ns)
        key = (text, base, tuple(sorted((k, str(v)) for k, v in (init_ns or {}).items())))
        if key not in _PREPARED:
            _PREPARED[key] = translate(parse(text), base, init_ns)
        return _PREPARED[key]

    processor.parseQuery, processor.translateQuery = (lambda text: text), prepared
    try:
        yield
    finally:
        processor.parseQuery, processor.translateQuery = parse, translate


def run_shapes(kg: KnowledgeGraph, focus_ids: set[str] | None = None) -> ValidationReport:
    """SHACL over the graph, or over the subgraph of the records in `focus_ids`."""
    import pyshacl

    data = _validation_graph(kg) if focus_ids is None else _subgraph(kg, _nodes_of(kg, focus_ids))
    with _prepared_sparql():
        shapes = pyshacl_shapes()
        _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True)
    index: dict = {}
    if kg.records is not None and (None, RDF.type, SH.ValidationResult) in results:
        index = kg.records.by_id()  # only when there is a finding to place: it spans every record
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        if isinstance(focus, BNode):
            continue  # ontology axioms (lists, restrictions) are not curated records
        entity = _owner_id(focus)
        if focus_ids is not None and entity not in focus_ids:
            continue  # records pulled in for context are judged when they are validated themselves
        record = index.get(entity)
        severity = _short(results, results.value(result, SH.resultSeverity)).removeprefix("sh:")
        findings.append(
            Finding(
                severity=severity if severity in SEVERITIES else "Violation",
                entity=entity,
                label=_label(data, ID[entity]) if str(focus).startswith(str(ID)) else _label(data, focus),
                path=_short(results, results.value(result, SH.resultPath)),
                value=_short(results, results.value(result, SH.value))[:120],
                message=str(results.value(result, SH.resultMessage) or ""),
                file=getattr(record, "file", "") or "",
                line=getattr(record, "line", 0) or 0,
                shape=_short(results, results.value(result, SH.sourceShape)),
            )
        )
    return ValidationReport(sorted(set(findings), key=Finding.sort_key), results)


def validate(kg: KnowledgeGraph, focus: Iterable[str | URIRef] | None = None) -> ValidationReport:
    """Every SHACL finding on a built graph, or only those on the records in `focus`, judged in
    the context of the whole graph.

    `focus` holds record ids, or IRIs of the graph (e.g. a Turtle entry's subjects), each standing
    for the record it belongs to (a link for its subject, a citation for its work). Building the
    graph, and turning a build's problems into findings, is the caller's (intake.check)."""
    if focus is None:
        return run_shapes(kg)
    return run_shapes(kg, {_owner_id(node) if isinstance(node, URIRef) else node for node in focus})
