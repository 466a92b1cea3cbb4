"""Validation: the loader's checks and the SHACL shapes, as one typed report of every finding.

Each finding names the record (id and label, never a bare blank node), the path, the value, an
instruction to the curator and, for records read from YAML, the file and line. New entries are
validated through their own subgraph (plus what it references), so the cost follows the entry,
not the graph (pySHACL's `focus_nodes=` over the whole graph costs more as the graph grows).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from rdflib import FOAF, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from . import resources, shaclfocus, shaclsparql, sourcetext
from .errors import Problem
from .fast import enabled
from .graph import KnowledgeGraph
from .vocab import DSKG, FABIO, ID

SH = Namespace("http://www.w3.org/ns/shacl#")
BIBO_DOI = URIRef("http://purl.org/ontology/bibo/doi")
CONTEXT_PREDICATES = (RDF.type, RDFS.label, DSKG.claimText, DSKG.statedIn, DSKG.level, DSKG.textFile, FOAF.name)  # name: a match's asserter
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
        """Place first; then every field, so two findings of one place print in one order every run."""
        place = (SEVERITIES.index(self.severity), self.file, self.line, self.entity, self.path, self.message)
        return (*place, self.value, self.shape, self.label)

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
    results: Graph | shaclsparql.Results = field(default_factory=Graph, repr=False)
    """The SHACL results: their graph, or the results it is made from when first asked for (`results_graph`)."""

    @property
    def results_graph(self) -> Graph:
        if isinstance(self.results, shaclsparql.Results):
            self.results = self.results.graph()
        return self.results

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, fail_on: str = "violation") -> bool:
        """True when a finding is at least as severe as `fail_on` ('violation' or 'warning')."""
        worst = {"violation": ("Violation",), "warning": ("Violation", "Warning")}[fail_on]
        return any(f.severity in worst for f in self.findings)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s.lower()}{'s' if self.count(s) != 1 else ''}" for s in SEVERITIES)
        return f"{len(self.findings)} finding{'s' if len(self.findings) != 1 else ''}: {counts}"

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
    """The record id a node belongs to: links and concept mappings to their subject, sections and citations to their work."""
    if not isinstance(node, URIRef) or not str(node).startswith(str(ID)):
        return str(node)
    local = str(node)[len(str(ID)) :]
    parts = local.split("/")
    if parts[0] in ("link", "mapping") and len(parts) >= 5:
        return parts[2]
    if parts[0] == "citation" and len(parts) >= 3:
        return parts[2]
    return parts[0]


def _label(graph: Graph, node) -> str:
    labels = {lit.language: str(lit) for lit in graph.objects(node, RDFS.label) if isinstance(lit, Literal)}
    return labels.get("en") or labels.get("zh") or next(iter(labels.values()), "")


def _labels(graph: Graph, nodes: set) -> dict:
    """The label of each node (an English one first), each read once however many findings name it."""
    return {node: _label(graph, node) for node in nodes}


_NAMES = Graph().namespace_manager
"""The prefixes a finding's IRIs are written with (rdflib's usual ones): fixed here, not the
SHACL report's, which pySHACL takes from whichever shapes graph it was given."""


def _short(term) -> str:
    if term is None or isinstance(term, BNode):
        return ""
    if isinstance(term, URIRef):
        if str(term).startswith(str(ID)):
            return str(term)[len(str(ID)) :]
        return term.n3(_NAMES)
    return str(term)


def _texts(kg: KnowledgeGraph, works: set | None = None) -> Graph:
    """Each shipped text (of `works`, or all) as `work dskg:normalisedText "..."`, so quote checks run in SPARQL."""
    g = Graph()
    folder = kg.records.data_dir if kg.records is not None and kg.records.data_dir is not None else resources.data_dir()
    for work, text_file in kg.data.subject_objects(DSKG.textFile):
        if works is not None and work not in works:
            continue
        user = kg.records.user_dir if kg.records is not None else None  # a later work's text may ship in the user's folder
        path = next((f / str(text_file) for f in (folder, user) if f is not None and (f / str(text_file)).exists()), None)
        if path is not None:
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
            sub += g.triples((None, None, node))
    for ref in referenced - nodes:  # enough of each referenced record to show it exists, not its links
        sub += ((ref, p, o) for g in graphs for p in CONTEXT_PREDICATES for o in g.objects(ref, p))
    sub += _same_doi(kg.data, nodes)
    sub += _texts(kg, works=nodes | referenced)
    return sub


def _same_doi(data: Graph, nodes: set) -> Iterator[tuple]:
    """The DOI triples of every work whose DOI is one of `nodes`' (in any letter case)."""
    for work in [n for n in nodes if (n, BIBO_DOI, None) in data]:
        for doi in data.objects(work, BIBO_DOI):
            for variant in {str(doi), str(doi).lower(), str(doi).upper()}:
                for other in data.subjects(BIBO_DOI, Literal(variant)):
                    yield from ((other, BIBO_DOI, stored) for stored in data.objects(other, BIBO_DOI))


def _nodes_of(kg: KnowledgeGraph, focus_ids: set[str]) -> set:
    """The IRIs that belong to the focused records: the records, their links, citations and sections."""
    nodes = {ID[i] for i in focus_ids}
    for node in list(nodes):
        nodes |= set(kg.data.objects(node, DSKG.hasQualifiedLink))
        nodes |= set(kg.data.objects(node, DSKG.hasConceptMapping))
        nodes |= set(kg.data.objects(node, DSKG.hasSection))
    cited_entity = URIRef("http://purl.org/spar/cito/hasCitedEntity")
    for record_id in focus_ids:  # a work's citations are named after it and point at it: look them up, not scan all
        nodes.update(c for c in kg.data.subjects(cited_entity, ID[record_id]) if _owner_id(c) == record_id)
    return nodes


SHAPES_ENGINES = ("oxigraph", "pyshacl")
"""Who runs the shapes over the whole graph: Oxigraph, the shapes compiled to SPARQL (shaclsparql,
the same findings), or pySHACL, the reference. A focused run (one entry) is pySHACL's always, and
so is every run on the reference path (DSKG_REFERENCE_PATH=1), which plays no trick."""


def run_shapes(
    kg: KnowledgeGraph, focus_ids: set[str] | None = None, focus_nodes: frozenset = frozenset(), shapes_engine: str = "oxigraph"
) -> ValidationReport:
    """SHACL over the graph, or over the subgraph of the records in `focus_ids` and of the nodes
    in `focus_nodes` (links a work states about records of others, judged alone)."""
    if shapes_engine not in SHAPES_ENGINES:
        raise ValueError(f"unknown shapes engine {shapes_engine!r}; expected one of {SHAPES_ENGINES}")
    if focus_ids is None and shapes_engine == "oxigraph" and enabled():
        data = kg.dataset  # labels of findings are read from the store
        results = shaclsparql.results(kg.store, load_shapes(), _texts(kg), lambda: _validation_graph(kg))
    else:
        data = _validation_graph(kg) if focus_ids is None else _focus_graph(kg, focus_ids, focus_nodes)
        results = shaclfocus.results(data, load_shapes(), focus_ids is not None and shapes_engine == "oxigraph")  # data: made for this run
    rows = results.rows if isinstance(results, shaclsparql.Results) else shaclsparql.rows_of(results)
    index = kg.records.by_id() if kg.records is not None and rows else {}  # only when there is a finding to place: it spans every record
    judged = _judged(rows, index, focus_ids, focus_nodes)
    labels = _labels(data, {named for _, _, named in judged})
    findings = []
    for row, entity, named in judged:
        stated = row.focus if focus_ids is not None and entity not in focus_ids else None
        file, line = _where(index, entity, stated, FIELD_OF_PATH.get(row.path))
        findings.append(_finding(row, entity, labels[named], file, line))
    return ValidationReport(sorted(set(findings), key=Finding.sort_key), results)


def _judged(rows: list, index: dict, focus_ids: set[str] | None, focus_nodes: frozenset) -> list[tuple]:
    """(result, record id, the node whose label names it) of each result to report, those of one
    file together: a finding's line is read from its file's YAML tree, of which yamlread keeps only the last few."""
    judged = []
    for row in rows:
        if isinstance(row.focus, BNode):
            continue  # ontology axioms (lists, restrictions) are not curated records
        entity = _owner_id(row.focus)
        if focus_ids is not None and entity not in focus_ids and row.focus not in focus_nodes:
            continue  # records pulled in for context are judged when they are validated themselves
        judged.append((row, entity, ID[entity] if str(row.focus).startswith(str(ID)) else row.focus))
    return sorted(judged, key=lambda item: str(getattr(index.get(item[1]), "file", "") or ""))


def _focus_graph(kg: KnowledgeGraph, focus_ids: set[str], focus_nodes: frozenset) -> Graph:
    data = _subgraph(kg, _nodes_of(kg, focus_ids) | set(focus_nodes))
    for node in focus_nodes:  # the direct triple a link judged alone qualifies: its subject's are not pulled in
        for subject, target in ((s, t) for s in kg.data.objects(node, DSKG.linkSubject) for t in kg.data.objects(node, DSKG.linkTarget)):
            data += (triple for g in (kg.data, kg.inferred) for triple in g.triples((subject, None, target)))
    return data


def _finding(row, entity: str, label: str, file: str, line: int) -> Finding:
    severity = _short(row.severity).removeprefix("sh:")
    return Finding(
        severity=severity if severity in SEVERITIES else "Violation",
        entity=entity,
        label=label,
        path=_short(row.path),
        value=_short(row.value)[:120],
        message=str(row.messages[0]) if row.messages else "",
        file=file,
        line=line,
        shape=_short(row.shape),
    )


FIELD_OF_PATH = {FABIO.hasPublicationYear: "year", BIBO_DOI: "doi"}
"""The entry field a finding's result path was written as, so the finding points at that field's line."""


def _where(index: dict, entity: str, stated=None, field: str | None = None) -> tuple[str, int]:
    """The file and line of a finding: its record's (its `field`'s, when given and written), or, for a
    link node judged alone (`stated`), the `links:` item of the work that states it
    (link/<work>/<subject>/<property>/<target>); blank when that work has no file (a Turtle entry's,
    which the caller places)."""
    if stated is None:
        record = index.get(entity)
        if record is not None and field and hasattr(record, "origin"):
            return record.origin.file or "", record.origin.line_of(field) or 0
        return getattr(record, "file", "") or "", getattr(record, "line", 0) or 0
    parts = str(stated)[len(str(ID)) :].split("/")
    work = index.get(parts[1]) if len(parts) > 1 else None
    link = next((k for k in getattr(work, "stated_links", []) if [k.subject, k.property, k.target] == parts[2:5]), work)
    return getattr(work, "file", "") or "", getattr(link, "line", 0) or 0


def validate(kg: KnowledgeGraph, focus: Iterable[str | URIRef] | None = None, shapes_engine: str = "oxigraph") -> ValidationReport:
    """Every SHACL finding on a built graph, or only those on the records in `focus`, judged in
    the context of the whole graph.

    `focus` holds record ids, or IRIs of the graph (e.g. a Turtle entry's subjects): a record's IRI
    stands for the record; a node that belongs to a record (a link, a citation) is judged alone,
    its findings named by the record it belongs to (a link's subject). Building the graph, and
    turning a build's problems into findings, is the caller's (intake.check). `shapes_engine`:
    one of SHAPES_ENGINES, for the whole graph."""
    if focus is None:
        return run_shapes(kg, shapes_engine=shapes_engine)
    ids, nodes = set(), set()
    for item in focus:
        if isinstance(item, URIRef) and str(item).startswith(str(ID)) and _owner_id(item) != str(item)[len(str(ID)) :]:
            nodes.add(item)
        else:
            ids.add(_owner_id(item) if isinstance(item, URIRef) else item)
    return run_shapes(kg, ids, frozenset(nodes))
