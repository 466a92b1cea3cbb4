"""The triples two versions differ by, read in the domain's terms: records, claims, qualified links
and matches added, removed or changed, each changed field old -> new, labels in zh and en.

Every node the differing triples touch is one change, named by its kind (work, claim, barrier,
countermeasure, link, match, ...). What only exists as part of something else goes with it: a
record's SKOS-XL label nodes, a work's sections, metadata records and citations are fields of
that record; the claims, links, matches, authors and language of a work added or removed whole are
its parts; the triples that point at a changed link (`<cm> dskg:hasQualifiedLink <link>`, the
direct `<cm> dskg:addresses <bar>`) are that link's change, not the record's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef

from .diff import TripleDiff
from .diffread import Side
from .terms import ACTOR_CLASS, CASE_CLASS, DOCUMENT_CLASS, LANGUAGE_SCHEMES, LINKS, MATCHES, PREFIXES, WORK_CLASS
from .vocab import DSKG, ID, SKOSXL

RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")
_ID = str(ID)

KINDS: dict[URIRef, str] = {
    DSKG.Work: "work",
    DSKG.Claim: "claim",
    DSKG.Barrier: "barrier",
    DSKG.DomesticBarrier: "barrier",
    DSKG.InternationalBarrier: "barrier",
    DSKG.Countermeasure: "countermeasure",
    DSKG.Advantage: "advantage",
    DSKG.Problem: "problem",
    DSKG.Statistic: "statistic",
    DSKG.Document: "document",
    DSKG.Case: "case",
    DSKG.Actor: "actor",
    DSKG.ServiceSector: "sector",
    DSKG.Theme: "theme",
    DSKG.DSTRIArea: "area",
    DSKG.MetadataSource: "metadata-source",
    URIRef("http://www.w3.org/2004/02/skos/core#ConceptScheme"): "scheme",
    URIRef("http://xmlns.com/foaf/0.1/Person"): "person",
    URIRef("http://purl.org/dc/terms/LinguisticSystem"): "language",
    **{URIRef(c): "work" for c in WORK_CLASS.values()},
    **{URIRef(c): "document" for c in DOCUMENT_CLASS.values()},
    **{URIRef(c): "case" for c in CASE_CLASS.values()},
    **{URIRef(c): "actor" for c in ACTOR_CLASS.values()},
}
"""The kind of record each class names (the names the data files and queries use)."""

PARTS = {"label": "label node", "citation": "citation", "section": "section", "metadata": "metadata"}
"""Nodes that are part of a record (kind: the record's id is in their IRI)."""
FOLDED = {"claim", "link", "match", "person", "language", "other", *PARTS.values()}
"""Kinds that go with the work (or record) they belong to when that is added or removed whole."""
ORDER = {"added": 0, "removed": 1, "changed": 2}
FIELD_NAMES = {
    RDFS_LABEL: "label",
    SKOS_ALT: "alt_labels",
    DSKG.quote: "quotes",
    DSKG.statedIn: "source",
    DSKG.linkSubject: "subject",
    DSKG.linkTarget: "target",
    DSKG.inSection: "section",
    DSKG.claimText: "text",
    RDF_TYPE: "type",
    URIRef("http://www.w3.org/ns/prov#wasAttributedTo"): "attributed_to",
    URIRef("http://purl.org/spar/fabio/hasPublicationYear"): "year",
    URIRef("http://purl.org/dc/terms/language"): "work_language",
    URIRef("http://purl.org/dc/terms/creator"): "authors_en",
    DSKG.authorName: "authors",
    DSKG.journalTitle: "journal",
}
POINTERS = {DSKG.hasQualifiedLink, DSKG.hasConceptMapping, DSKG.makesClaim, DSKG.hasSection, SKOSXL.prefLabel, SKOSXL.altLabel}
"""A record's triples that point at a node of its own: a change of the node, not of the record."""
DIRECT = {URIRef(cls): URIRef(direct) for direct, cls, *_ in LINKS.values()}
MATCH_PROPS = {URIRef(p) for p in MATCHES.values()}


@dataclass
class FieldChange:
    """One field of a record: the values the old side has and the new one has not, and the reverse."""

    field: str
    old: list[str]
    new: list[str]


@dataclass
class Change:
    """A record (or claim, link, match ...) added, removed or changed."""

    change: str
    kind: str
    id: str
    iri: str
    label: dict[str, str | None]
    fields: list[FieldChange] = field(default_factory=list)
    parts: list[dict[str, str]] = field(default_factory=list)
    link: dict[str, str | None] | None = None


@dataclass
class Diff:
    """What changed from `old` to `new`, in the domain's terms."""

    old: dict
    new: dict
    changes: list[Change]

    @property
    def equal(self) -> bool:
        return not self.changes

    def summary(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {"added": {}, "removed": {}, "changed": {}}
        for c in self.changes:
            counts[c.change][c.kind] = counts[c.change].get(c.kind, 0) + 1
        return counts


@dataclass
class _Node:
    node: URIRef | BNode
    kind: str
    status: str = "changed"
    added: list[tuple] = field(default_factory=list)
    removed: list[tuple] = field(default_factory=list)
    owner: URIRef | None = None


def interpret(diff: TripleDiff) -> Diff:
    """The triple diff grouped into changes of records, claims, links and matches."""
    added, removed = _graph(diff.added), _graph(diff.removed)
    nodes: dict = {}
    for sign, graph in (("added", added), ("removed", removed)):
        for triple in graph:
            node = _anchor(triple[0], graph)
            getattr(nodes.setdefault(node, _Node(node, "")), sign).append(triple)
    old_ctx, new_ctx = _context(diff.old, nodes), _context(diff.new, nodes)
    for n in nodes.values():
        n.kind, n.owner = _kind(n.node, new_ctx, old_ctx)
        in_old, in_new = (n.node, None, None) in old_ctx, (n.node, None, None) in new_ctx
        n.status = "added" if not in_old else "removed" if not in_new else "changed"
    _fold(nodes, added, removed)
    labels_of = _labels((new_ctx, old_ctx))
    changes = _changes(nodes, (old_ctx, new_ctx), (removed, added), labels_of)
    changes.sort(key=lambda c: (ORDER[c.change], c.kind, c.id))
    return Diff(_about_side(diff.old), _about_side(diff.new), changes)


def _about_side(side: Side) -> dict:
    return {"source": side.name, "kind": side.kind, "triples": side.triples, "entry_files_read": side.read_only}


def _graph(lines: list[bytes]) -> Graph:
    graph = Graph()
    if lines:
        graph.parse(data=b"\n".join(lines).decode(), format="nt")
    return graph


def _anchor(node, graph: Graph, depth: int = 0):
    """A blank node's change is its IRI subject's: the record the group hangs from."""
    if not isinstance(node, BNode) or depth > 20:
        return node
    parent = next(graph.subjects(None, node), None)
    return node if parent is None else _anchor(parent, graph, depth + 1)


def _nt(node) -> bytes:
    return f"<{node}>".encode()


def _context(side: Side, nodes: dict) -> Graph:
    """The side's triples about every touched node and the records that own them."""
    wanted = {_nt(n) for n in nodes if isinstance(n, URIRef)}
    wanted |= {_nt(ID[owner]) for n in nodes if (owner := _owner_id(n))}
    wanted |= {_nt(ID[end]) for n in nodes for end in _ends(n)}  # for their labels
    return _graph(side.about(wanted))


def _ends(node) -> tuple[str, ...]:
    """A link's or match's two records, read off its IRI: link/<stated in>/<subject>/<property>/<target>."""
    parts = _short(node).split("/")
    return (parts[2], parts[4]) if parts[0] in ("link", "mapping") and len(parts) == 5 else ()


def _owner_id(node) -> str | None:
    """The record a part node belongs to, read off its IRI (label/<id>/..., <work>/section/<n> ...)."""
    path = str(node).removeprefix(_ID) if str(node).startswith(_ID) else None
    if path is None:
        return None
    head, _, rest = path.partition("/")
    if head == "label":
        return rest.split("/")[0]
    if head == "citation":
        return rest.split("/")[1] if rest.count("/") >= 1 else None
    if rest.startswith(("section/", "metadata/")):
        return head
    return None


def _kind(node, *contexts: Graph) -> tuple[str, URIRef | None]:
    path = str(node).removeprefix(_ID) if str(node).startswith(_ID) else ""
    head, _, rest = path.partition("/")
    if head in ("link", "mapping"):
        return ("link" if head == "link" else "match"), None
    if (owner := _owner_id(node)) is not None:
        part = "section" if rest.startswith("section/") else "metadata" if rest.startswith("metadata/") else head
        return PARTS[part], ID[owner]
    if head in ("author", "person"):
        return "person", None
    for ctx in contexts:
        for cls in ctx.objects(node, RDF_TYPE):
            if cls in KINDS:
                return KINDS[cls], None
    return "other", None


def _fold(nodes: dict, added: Graph, removed: Graph) -> None:
    """A claim, link, author ... added or removed with its work goes with it, as a part."""
    for n in nodes.values():
        if n.status == "changed" or n.kind not in FOLDED:
            continue
        graph = added if n.status == "added" else removed
        parents = [*graph.objects(n.node, DSKG.statedIn), *graph.objects(n.node, DSKG.metadataOf), *graph.subjects(None, n.node)]
        if n.owner is not None:
            parents.append(n.owner)
        for parent in parents:
            p = nodes.get(parent)
            if p is not None and p is not n and p.status == n.status and p.kind not in FOLDED:
                n.owner = parent
                break


def _root(n: _Node, nodes: dict) -> _Node:
    seen = {id(n)}
    while n.owner is not None and n.owner in nodes and id(nodes[n.owner]) not in seen:
        n = nodes[n.owner]
        seen.add(id(n))
    return n


def _labels(graphs: tuple[Graph, ...]):
    """The zh and en labels of every record a change names (its own, or a link's two ends)."""

    def labels(node) -> dict[str, str | None]:
        found: dict[str, str | None] = {"zh": None, "en": None}
        for g in graphs:
            for prop in (RDFS_LABEL, DSKG.claimText):
                for value in g.objects(node, prop):
                    if isinstance(value, Literal) and value.language in found and found[value.language] is None:
                        found[value.language] = str(value)
        return found

    return labels


def _changes(nodes: dict, contexts: tuple[Graph, Graph], diffs: tuple[Graph, Graph], labels_of) -> list[Change]:
    changes: dict = {}
    pointed = {n.node for n in nodes.values() if n.kind in FOLDED}
    links = _link_ends(nodes, *contexts)
    for n in nodes.values():
        root = _root(n, nodes)
        change = changes.get(root.node)
        if change is None:
            change = changes[root.node] = _new_change(root, labels_of)
        if root is n:
            _add_fields(change, n, "", diffs, lambda s, p, o: p in POINTERS and o in pointed or (s, p, o) in links)
        elif root.status != "changed" and n.status == root.status:
            change.parts.append({"kind": n.kind, "id": _short(n.node)})
        else:
            _add_fields(change, n, f"{n.kind} {_short(n.node).rsplit('/', 1)[-1]} ", diffs, lambda s, p, o: False)
    return [change for change in changes.values() if _finished(change)]


def _finished(change: Change) -> bool:
    """Sorts the change's fields and parts; False when nothing of it is left to show."""
    if change.change == "changed":
        _drop_label_echoes(change)
    for fc in change.fields:
        fc.old.sort()
        fc.new.sort()
    change.fields.sort(key=lambda f: f.field)
    change.parts.sort(key=lambda p: (p["kind"], p["id"]))
    return bool(change.fields or change.parts or change.change != "changed")


def _add_fields(change: Change, n: _Node, prefix: str, diffs: tuple[Graph, Graph], shown_elsewhere) -> None:
    """The node's differing triples as fields of `change`, old values and new."""
    for sign, triples, graph in (("new", n.added, diffs[1]), ("old", n.removed, diffs[0])):
        for s, p, o in triples:
            if isinstance(s, BNode) or shown_elsewhere(s, p, o):
                continue  # a blank node's triples are shown inside the value that points at it
            name = prefix + _field(p, o)
            fc = next((f for f in change.fields if f.field == name), None)
            if fc is None:
                fc = FieldChange(name, [], [])
                change.fields.append(fc)
            getattr(fc, sign).append(_value(o, graph))


def _link_ends(nodes: dict, old_ctx: Graph, new_ctx: Graph) -> dict:
    """The direct triples of the touched links (`<cm> dskg:addresses <bar>`), each with its link."""
    ends = {}
    for n in nodes.values():
        if n.kind not in ("link", "match"):
            continue
        for ctx in (new_ctx, old_ctx):
            s, o = ctx.value(n.node, DSKG.linkSubject), ctx.value(n.node, DSKG.linkTarget)
            props = [DIRECT.get(c) for c in ctx.objects(n.node, RDF_TYPE)] + list(ctx.objects(n.node, DSKG.mappingRelation))
            for p in props:
                if s is not None and o is not None and p is not None:
                    ends[(s, p, o)] = n.node
    return ends


def _new_change(n: _Node, labels_of) -> Change:
    change = Change(n.status, n.kind, _short(n.node), str(n.node), labels_of(n.node))
    if _ends(n.node):  # link/<stated in>/<subject>/<property>/<target>
        _, _, subject, prop, target = change.id.split("/")
        ls, lt = labels_of(ID[subject]), labels_of(ID[target])
        change.link = {"subject": subject, "property": prop, "target": target}
        change.label = {lang: f"{ls[lang] or subject} → {lt[lang] or target}" for lang in ("zh", "en")}
    return change


def _drop_label_echoes(change: Change) -> None:
    """A label's SKOS-XL node changes with the label: once is enough."""
    said = {v for f in change.fields if not f.field.startswith("label node") for v in (*f.old, *f.new)}
    change.fields = [f for f in change.fields if not (f.field.startswith("label node") and set(f.old + f.new) <= said)]


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _field(p: URIRef, o) -> str:
    name = FIELD_NAMES.get(p) or _CAMEL.sub("_", _local(p)).lower()
    if isinstance(o, Literal) and o.language and name != "quotes":
        name += f"_{o.language}"
    return name


def _local(iri) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _short(node) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    text = str(node)
    if text.startswith(_ID):
        return text.removeprefix(_ID)
    for scheme in LANGUAGE_SCHEMES.values():
        if text.startswith(scheme):
            return text.removeprefix(scheme)  # a work's language as its code (en, zh)
    for prefix, ns in PREFIXES.items():
        if prefix != "id" and text.startswith(str(ns)):
            return text.removeprefix(str(ns)) if prefix in ("dskg", "cito") else f"{prefix}:{text.removeprefix(str(ns))}"
    return text


def _value(o, graph: Graph, depth: int = 0) -> str:
    if isinstance(o, Literal):
        return str(o)
    if isinstance(o, BNode):
        if depth > 5:
            return "[…]"
        return "[" + "; ".join(sorted(f"{_short(p)} {_value(v, graph, depth + 1)}" for p, v in graph.predicate_objects(o))) + "]"
    return _short(o)
