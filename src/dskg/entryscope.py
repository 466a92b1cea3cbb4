"""What a user's Turtle entry may state: its own work and its own new records, never the shipped graph's.

A Turtle entry joins the graph triple for triple. Unchecked, it could relabel or retype a curated
barrier, link it with a bare `dskg:addresses` that no qualified link backs (queries that read
direct triples and queries that read qualified links would then disagree), or state an axiom
about an ontology term, which the reasoner applies to every record. So every triple's subject
must be the entry's own: an IRI that nothing else in the build describes (the shipped graph, the
ontology, the other entries) and that is no term of a vocabulary the ontology uses, or a blank
node reached from one. The one triple allowed on another's record is the direct triple of a link
the entry qualifies itself (`<cm> dskg:addresses <bar>` beside its own dskg:Addressing node, and
`<cm> dskg:hasQualifiedLink` that node). A direct link triple always needs that node, on the
entry's own records too (the loader writes both for a YAML entry).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, SH, BNode, Graph, Literal, URIRef

from .errors import Problem
from .vocab import CITO, DSKG, ID

_ID = str(ID)
_LINK_NODE = (DSKG.hasQualifiedLink, DSKG.hasConceptMapping)
_DISPUTING = {CITO.disputes, CITO.refutes}
_ARGUED = {DSKG.addresses, DSKG.buildsOn}
"""As the loader: a work that disputes or refutes an addresses or builds-on link states no direct triple."""


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def vocabulary(ontology: Graph) -> tuple[set, set[str]]:
    """The ontology's subjects, and the namespaces of every term it uses (dskg's, OWL's, SKOS's...)."""
    subjects = set(ontology.subjects())
    namespaces = {_namespace(str(t)) for triple in ontology for t in triple if isinstance(t, URIRef) and not str(t).startswith(_ID)}
    return subjects, namespaces


def direct_properties(ontology: Graph) -> dict[URIRef, URIRef]:
    """Each property that has a qualified form, with the class that qualifies it (dskg:addresses: dskg:Addressing)."""
    return {prop: cls for cls, prop in ontology.subject_objects(DSKG.qualifies)}


def scope_problems(files: Iterable, triples: Iterable[tuple], ontology: Graph, records) -> list[Problem]:
    """Every triple of the Turtle entry files (entries.EntryFile, with a graph) that is not the
    entry's own to state, judged against the build's other data `triples` and `records`."""
    turtle = [f for f in files if f.graph is not None]
    if not turtle:
        return []
    owners = {rid: rec.file for rid, rec in records.by_id().items() if getattr(rec, "file", None)}
    return EntryScope(ontology, {t[0] for t in triples}, owners).problems(turtle)


class EntryScope:
    """The checks of one build's Turtle entries against what the rest of the build describes."""

    def __init__(self, ontology: Graph, described: set, owners: dict[str, str]):
        self.terms, self.namespaces = vocabulary(ontology)
        self.direct = direct_properties(ontology)
        self.described = described
        """Subjects of the build's other triples: the shipped graph's, YAML and BibTeX entries'."""
        self.owners = owners
        """Record id -> the file that holds it, to name it in a message."""

    def problems(self, files: list) -> list[Problem]:
        """Every triple of each Turtle entry file that is not the entry's own to state."""
        found: list[Problem] = []
        subjects = [set(file.graph.subjects()) for file in files]
        for index, file in enumerate(files):
            others = {s: files[i].display for i, subs in enumerate(subjects) if i != index for s in subs}
            found += _FileScope(self, file, others).problems()
        return found


class _FileScope:
    """One Turtle entry: its own subjects, and a problem for each triple on another's."""

    def __init__(self, scope: EntryScope, file, others: dict):
        self.scope, self.file, self.display, self.graph, self.others = scope, file, file.display, file.graph, others
        self.own = {s for s in self.graph.subjects() if isinstance(s, URIRef) and self.owner(s) is None}
        self.reached = self._reached()
        self.disputed: set[tuple] = set()
        """Direct triples whose only link node here disputes or refutes them (such a link states none)."""
        self.qualified = self._qualified()
        self.disputed -= self.qualified  # another of its nodes may state it
        self.lines: list[str] | None = None

    def owner(self, node: URIRef) -> str | None:
        """Who, other than this entry, a subject belongs to ("the ontology", a file), or None if it is the entry's."""
        scope = self.scope
        if node in scope.terms or (not str(node).startswith(_ID) and _namespace(str(node)) in scope.namespaces):
            return "the ontology"
        if node in self.others:
            return self.others[node]
        if node in scope.described:
            return scope.owners.get(str(node)[len(_ID) :], "the graph already (shipped, or another entry)")
        return None

    def _qualified(self) -> set[tuple]:
        """The direct triples this entry's own qualified link nodes stand behind, and their
        dskg:hasQualifiedLink (or hasConceptMapping) triples."""
        graph, qualified = self.graph, set()
        for node in self.own | self.reached:
            for subject in graph.objects(node, DSKG.linkSubject):
                for target in graph.objects(node, DSKG.linkTarget):
                    props = [p for cls, p in self._qualifies() if (node, RDF.type, cls) in graph]
                    props += graph.objects(node, DSKG.mappingRelation)
                    disputing = any(stance in _DISPUTING for stance in graph.objects(node, DSKG.stance))
                    for prop in props:
                        into = self.disputed if disputing and prop in _ARGUED else qualified
                        into.add((subject, prop, target))
                qualified.update((subject, via, node) for via in _LINK_NODE)
        return qualified

    def _qualifies(self) -> Iterable[tuple]:
        return ((cls, prop) for prop, cls in self.scope.direct.items())

    def problems(self) -> list[Problem]:
        """One problem per subject and predicate whose triple the entry may not state."""
        found, seen = [], set()
        for s, p, o in sorted(self.graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
            if (s, p) in seen or (s, None) in seen:
                continue
            judged = self._judge(s, p, o)
            if judged is not None:
                seen.add((s, None) if self._orphan(s) else (s, p))  # an orphan is one problem, whatever it states
                found.append(self._problem(s, p, *judged))
        return found

    def _orphan(self, s) -> bool:
        """A blank node no record reaches, nor a blank structure whose root is judged."""
        return isinstance(s, BNode) and s not in self.reached and not any(isinstance(t, BNode) for t in self.graph.subjects(None, s))

    def _judge(self, s, p, o) -> tuple[str, str] | None:
        """Why the entry may not state (s, p, o), with the fix; None if it may."""
        if self._orphan(s):
            return "a blank node that no record of the entry reaches", "hang it from one of the entry's own records, or remove it"
        if _schema(p, o):
            return self._axiom(s, p)
        if p in self.scope.direct and (s, p, o) in self.disputed:
            return (
                f"{self.name(s)} {self.name(p)} {self.name(o)} is disputed by this entry's own link node: a work that disputes "
                "or refutes a link states no direct triple (the dispute lives on the node)",
                "remove the direct triple",
            )
        if p in self.scope.direct and (s, p, o) not in self.qualified:
            return self._bare_link(s, p, o), self._link_fix(p)
        if isinstance(s, BNode):
            return None  # reached from a record, or part of a blank structure whose root is judged
        if s in self.own or (s, p, o) in self.qualified:
            return None
        return self._foreign(s, p)

    def _reached(self) -> set:
        """The blank nodes reached from any IRI subject (an own record's, or one a problem names already)."""
        reached, todo = set(), [o for s, _, o in self.graph if isinstance(s, URIRef) and isinstance(o, BNode)]
        while todo:
            node = todo.pop()
            if node not in reached:
                reached.add(node)
                todo.extend(o for o in self.graph.objects(node) if isinstance(o, BNode))
        return reached

    def _foreign(self, s: URIRef, p: URIRef) -> tuple[str, str]:
        owner = self.owner(s)
        prop = self.name(p)
        if owner == "the ontology":
            return (
                f"an entry may not state anything about a term of the ontology or its vocabularies ({prop} of {self.name(s)}): "
                "it would change what every record means",
                "remove the triple; propose a change to the ontology to its curators (an issue)",
            )
        return (
            f"{self.name(s)} is a record of {owner}, not of this entry: an entry may not change or add its {prop}",
            "remove the triple: state what your work says about it as a claim (dskg:Claim with dskg:isAbout, or `claims:` "
            "in a YAML entry) or a link with its qualified node (`links:`), and propose a label or type change to the curators",
        )

    def _bare_link(self, s: URIRef, p: URIRef, o) -> str:
        return f"{self.name(s)} {self.name(p)} {self.name(o)} has no qualified link node in this entry saying which work states it"

    def _link_fix(self, p: URIRef) -> str:
        cls = self.name(self.scope.direct[p])
        return (
            f"add a {cls} node with dskg:linkSubject, dskg:linkTarget, dskg:basis, dskg:statedIn (your work) and a dskg:quote "
            "(or write the link under `links:` in a YAML entry), or remove the triple"
        )

    def _axiom(self, s, p) -> tuple[str, str]:
        return (
            f"an entry states records, not ontology: {self.name(p)} would let the reasoner change records beyond this entry",
            "remove the triple; to say your record is an existing one, use a match (`matches:` in YAML, or skos:closeMatch with "
            "its dskg:ConceptMapping node); propose a change to the ontology to its curators",
        )

    def name(self, term) -> str:
        if isinstance(term, URIRef) and str(term).startswith(_ID):
            return str(term)[len(_ID) :]
        if isinstance(term, BNode):
            return "[]"
        return term.n3(self.graph.namespace_manager)

    def _problem(self, s, p, message: str, fix: str) -> Problem:
        return Problem(self.display, self._line(s), self.name(s), self.name(p), message, fix)

    def _line(self, node) -> int:
        if self.lines is None:
            self.lines = entry_lines(self.file)
        return subject_line(self.lines, self.graph, node)


_SCHEMA_NAMESPACES = (str(OWL), str(SH), str(RDFS), str(RDF))
_RECORD_PREDICATES = {RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso}


def _schema(p, o) -> bool:
    """A triple that makes or changes ontology: an OWL, SHACL or RDFS schema predicate (owl:sameAs,
    rdfs:subClassOf...), or a type that is an ontology construct (owl:Class, rdf:Property...)."""
    if p == RDF.type:
        return isinstance(o, URIRef) and str(o).startswith(_SCHEMA_NAMESPACES)
    return p not in _RECORD_PREDICATES and str(p).startswith(_SCHEMA_NAMESPACES)


def entry_lines(file) -> list[str]:
    """The lines of an entry file (entries.EntryFile): its bytes when it was read exactly, else
    read again (only to place a problem)."""
    try:
        text = file.raw.decode("utf-8") if file.raw is not None else file.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return text.splitlines()


def subject_line(lines: list[str], graph: Graph, node) -> int:
    """The first of a Turtle file's lines that starts with `node` (IRI or prefixed name): where a
    message points for a triple about it; 0 if none does. A blank node's: the `[` or `_:` line
    that opens the statement holding its first literal, else the first such line."""
    if isinstance(node, BNode):
        return _blank_line(lines, graph, node)
    if not isinstance(node, URIRef):
        return 0
    iri = str(node)
    forms = [f"<{iri}>"] + [f"{prefix}:{iri[len(str(ns)) :]}" for prefix, ns in graph.namespaces() if iri.startswith(str(ns))]
    pattern = re.compile(r"^\s*(" + "|".join(re.escape(f) for f in forms if not f.endswith(":")) + r")(\s|;|$)")
    return next((number for number, line in enumerate(lines, start=1) if pattern.match(line)), 0)


def _blank_line(lines: list[str], graph: Graph, node: BNode) -> int:
    opens = [number for number, line in enumerate(lines, start=1) if re.match(r"\s*(\[|_:)", line)]
    texts = [str(o)[:40] for o in graph.objects(node) if isinstance(o, Literal) and str(o).strip()]
    at = next((number for number, line in enumerate(lines, start=1) for t in texts if t in line), 0)
    return max((n for n in opens if n <= at), default=at) if at else (opens[0] if opens else 0)
