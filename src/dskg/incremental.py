"""A few entry files added, changed or removed: the cached build of the folder's earlier state updated in place.

What a full build of the folder's new state would hold, without reading the other files again:
- the records: the earlier build's, less those of the files gone or changed, plus those of the
  files new or changed (read now);
- the data graph: only files added, the triples their records make, checked against all the
  records (a file's triples depend on its own records, the base and the ids of the others);
  any file changed or removed, the data triples of all the records made again and compared with
  the store's (a triple another file also writes, an author or a language, must stay);
- the inferred graph: the instance rules of the ontology (reasoning.py's `rules`) each take one
  triple, so what added triples entail follows from them alone, looked up against the store;
  what a removed triple entailed stays only where the triples left about the same resources
  still entail it (every step of a derivation keeps the resource the conclusion is about).
  A property chain joins two triples: each added triple is joined with the store's, and what a
  chain concluded from a removed triple stays only where the store still holds a pair that joins
  (a chain whose conclusion entails more makes `update` build whole).
Whenever the answer could differ from a full build, `update` says so (None) and the caller builds
whole: Turtle entries (they may state anything about their records), schema or equality axioms in
the data (owlrl's part), any problem in the new files or the records (the full build names it),
a contradiction with the ontology, or more than a few files changed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .entries import READERS, EntrySet, read_entries
from .errors import DskgError, ProblemList
from .fast.loading import gc_paused
from .fast.ntriples import to_ntriples
from .graph import KnowledgeGraph
from .loader import Builder, records_to_triples
from .reasoning import instance_rules, schema_axiom_terms
from .records import Records
from .vocab import GRAPH

MAX_FILES = 50
"""Past this many entry files changed at once, a full build is as quick and far simpler to trust."""
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TABLES = ("super_properties", "super_classes", "domains", "ranges", "inverses")
DATA, INFERRED, ONTOLOGY = (ox.NamedNode(str(GRAPH[name])) for name in ("data", "inferred", "ontology"))
HELD = (DATA, INFERRED, ONTOLOGY)


def digests(data: Path | None) -> dict[str, str]:
    """Every file under the data folder's entries/ (hidden ones aside), by its path in the folder
    (`entries/x.yaml`), with a digest of its bytes. Paths joined as text: this runs on every command."""
    found: dict[str, str] = {}
    if data is None or not os.path.isdir(os.path.join(data, "entries")):
        return found
    folders = ["entries"]
    while folders:
        rel = folders.pop()
        with os.scandir(os.path.join(data, rel)) as listing:
            for item in listing:
                if item.name.startswith("."):
                    continue
                if item.is_dir():
                    folders.append(rel + os.sep + item.name)
                else:
                    found[rel + os.sep + item.name] = hashlib.blake2b(_bytes(item.path), digest_size=16).hexdigest()
    return found


def _bytes(path: str) -> bytes:
    """A file's bytes by os.open and os.read: no buffered file object made for each of thousands of small files."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def manifest_text(files: dict[str, str]) -> str:
    """Entry-file digests as lines `digest path` (read back by `read_manifest`)."""
    return "".join(f"{digest} {name}\n" for name, digest in sorted(files.items()))


def read_manifest(text: str) -> dict[str, str]:
    return {name: digest for digest, _, name in (line.partition(" ") for line in text.splitlines())}


def _entry(name: str) -> bool:
    """A file a build reads: entries/<name> with a reader's suffix (entries.entry_files)."""
    folder, _, rest = name.partition(os.sep)
    return folder == "entries" and os.sep not in rest and os.path.splitext(rest)[1].lower() in READERS


def changed_files(old: dict[str, str], new: dict[str, str]) -> tuple[list[str], list[str]] | None:
    """The entry files gone or changed, and those new or changed, between two states of a folder;
    None when these cannot be taken in place (Turtle entries, too many files)."""
    gone = sorted(n for n in old if old[n] != new.get(n) and _entry(n))
    came = sorted(n for n in new if new[n] != old.get(n) and _entry(n))
    turtle = any(n.lower().endswith(".ttl") and _entry(n) for n in (*old, *new))
    return None if turtle or len(set(gone) | set(came)) > MAX_FILES else (gone, came)


def update(
    store: ox.Store, records: Records, rules: dict, data: Path, gone: list[str], came: list[str], shadow: Path | None = None
) -> tuple[Records, Records] | None:
    """Bring `store` (writable: the build of the folder before the change, reasoned by `rules`)
    and `records` (its records) to the folder's state now; `rules`: `rule_tables` of its ontology.
    `shadow`: a folder holding some of the files `came` in place of the data folder's.
    Returns the new records and those of the files `came` (read now), or None when only a full
    build gives the right answer (the store may then be half changed: drop it)."""
    ruleset = _Rules(rules)
    if _has_axioms((), store) or not ruleset.usable:
        return None
    read = _read(data, came, shadow)
    if read is None:
        return None
    left = set(gone)
    # with no file gone, nothing is left out: the records are not walked (a big folder has a hundred thousand)
    kept = _records_of(records, lambda r: r.file not in left) if left else records.copy()
    kept.user_dir = Path(data)
    new = kept.copy()
    new.add(read.records)
    lost = _records_of(records, lambda r: r.file in left) if left else Records()
    with gc_paused():
        try:
            # the ontology the build holds (its key covers the ontology file), not the file parsed again
            change = _data_change(store, records, new, lost, read.records, KnowledgeGraph(store).ontology)
        except DskgError:
            return None
        if change is None or _has_axioms(change[0], None):
            return None
        plus, minus = change
        for t in minus:
            store.remove(ox.Quad(*t, DATA))
        store.extend(ox.Quad(*t, DATA) for t in plus)
        return (new, read.records) if _reason(store, ruleset, plus, minus) else None


def _read(data: Path, came: list[str], shadow: Path | None) -> EntrySet | None:
    """The files new or changed, read; a file about to be written (`shadow` holds it) from there, as
    entries/<name> all the same. None when one has a problem or is Turtle."""
    planned = [name for name in came if shadow is not None and (shadow / name).is_file()]
    read = read_entries([data / name for name in came if name not in planned], display_root=data)
    if planned:
        read.files.extend(read_entries([shadow / name for name in planned], display_root=shadow).files)
    return None if read.problems or any(file.graph is not None for file in read.files) else read


def as_given(records: Records, written: set[str], given: list) -> Records:
    """`records` with those of the entry files `written` (paths in the folder) replaced by the records
    of the files they are written from (entries.EntryFile), which name those files and their lines."""
    shown = _records_of(records, lambda r: r.file not in written)
    shown.user_dir = records.user_dir
    for file in given:
        shown.add(file.records)
    return shown


def _records_of(records: Records, keep) -> Records:
    return Records({k: [r for r in v if keep(r)] for k, v in records.by_kind.items()}, list(records.schemes), records.data_dir)


def _data_change(store: ox.Store, old: Records, new: Records, gone: Records, came: Records, ontology) -> tuple[set, set] | None:
    """The data triples to add and to remove, as Oxigraph terms; None on a problem (the full build names it)."""
    brought = _written(new, came, ontology)
    if brought is None:
        return None
    plus = {t for t in _terms(brought) if ox.Quad(*t, DATA) not in store}
    if not any(gone.by_kind.values()):
        return plus, set()
    # what the gone records wrote stays where another record writes it too (an author, a language, a link's
    # direct triple): the data triples of all the records are made again (terms, no text) and looked up
    wrote = _written(old, gone, ontology)
    if wrote is None:
        return None
    doubtful = set(wrote) - set(brought)
    still = {t for t in records_to_triples(new, ontology) if t in doubtful}
    return plus, {t for t in _terms(doubtful - still) if ox.Quad(*t, DATA) in store}


def _written(records: Records, some: Records, ontology) -> list | None:
    """The data triples `some` of `records` write, checked against every record as a full build checks them; None on a problem."""
    problems = ProblemList()
    builder = Builder(records, ontology, problems)
    ours = {id(w) for w in some.works}
    builder.checks.dois.update((w.doi.lower(), w) for w in records.works if w.doi and id(w) not in ours)
    builder.build_records(some)
    return None if problems.items else builder.triples


def _terms(triples) -> set[tuple]:
    """rdflib triples as Oxigraph's (parsed from their N-Triples, so each literal is as the store holds it)."""
    return {(t.subject, t.predicate, t.object) for t in ox.parse(to_ntriples(triples), format=ox.RdfFormat.N_TRIPLES)}


def rule_tables(ontology) -> dict:
    """The instance rules of an ontology (reasoning.instance_rules) as plain IRIs, to keep beside a build:
    owlrl's closure of the ontology takes seconds, an update milliseconds."""
    schema = instance_rules(ontology)
    tables = {name: {str(a): sorted(map(str, bs)) for a, bs in getattr(schema, name).items()} for name in TABLES}
    tables["disjoint"] = sorted((str(a), str(b)) for a, b in schema.disjoint)
    tables["chains"] = [[str(t) for t in chain] for chain in schema.chains]
    tables["chains_supported"] = schema.chains_supported
    return tables


def _has_axioms(triples: Iterable, store: ox.Store | None) -> bool:
    """Whether data triples (or quads) state schema or equality axioms (the data's closure is then owlrl's);
    with a store, looked up in its data graph by predicate instead."""
    predicates, types = schema_axiom_terms()
    if store is not None:
        for p in predicates:
            if next(iter(store.quads_for_pattern(None, ox.NamedNode(str(p)), None, DATA)), None) is not None:
                return True
        return any(next(iter(store.quads_for_pattern(None, TYPE, ox.NamedNode(str(c)), DATA)), None) is not None for c in types)
    predicate_iris, type_iris = {str(p) for p in predicates}, {str(c) for c in types}
    for t in triples:
        p, o = t[1], t[2]
        if p.value in predicate_iris or (p == TYPE and isinstance(o, ox.NamedNode) and o.value in type_iris):
            return True
    return False


class _Rules:
    """reasoning._Schema's tables (from `rule_tables`) in Oxigraph's terms: the one-premise rules of the instance data."""

    def __init__(self, tables: dict):
        def table(source: dict) -> dict:
            return {ox.NamedNode(a): {ox.NamedNode(b) for b in bs} for a, bs in source.items()}

        self.super_properties, self.super_classes, self.domains, self.ranges, self.inverses = (table(tables[name]) for name in TABLES)
        self.disjoint = {(ox.NamedNode(a), ox.NamedNode(b)) for a, b in tables["disjoint"]}
        self.chains = [tuple(map(ox.NamedNode, chain)) for chain in tables.get("chains", ())]
        concluded = {q for _, _, q in self.chains}
        premises = {p for first, second, _ in self.chains for p in (first, second)}
        ruled = {*self.super_properties, *self.domains, *self.ranges, *self.inverses}
        # what a chain concludes is settled after the one-premise rules (`_withdraw`), so it must
        # entail nothing further (tables of an older build have no chains: build whole)
        self.usable = "chains" in tables and tables["chains_supported"] and not concluded & (premises | ruled)

    def joined(self, store: ox.Store, s, p, o) -> list[tuple]:
        """What one triple concludes by a property chain with the triples the store holds."""
        found = []
        for first, second, concluded in self.chains:
            if p == first and not isinstance(o, ox.Literal):
                found.extend((s, concluded, q.object) for g in HELD for q in store.quads_for_pattern(o, second, None, g))
            if p == second:
                found.extend((q.subject, concluded, o) for g in HELD for q in store.quads_for_pattern(None, first, s, g))
        return found

    def derives(self, store: ox.Store, t: tuple) -> bool:
        """Whether a property chain concludes `t` from the triples the store holds."""
        s, p, o = t
        return any(
            _held_any(store, (middle.object, second, o))
            for first, second, q in self.chains
            if q == p
            for g in HELD
            for middle in store.quads_for_pattern(s, first, None, g)
        )

    def consequences(self, s, p, o) -> list[tuple]:
        """What one triple entails in one step: the rules of reasoning._forward_chain (its `follow`), term for term."""
        if p == TYPE:
            return [(s, TYPE, c) for c in self.super_classes.get(o, ())]
        new = [(s, q, o) for q in self.super_properties.get(p, ())]
        new.extend((s, TYPE, c) for c in self.domains.get(p, ()))
        if not isinstance(o, ox.Literal):
            new.extend((o, q, s) for q in self.inverses.get(p, ()))
            new.extend((o, TYPE, c) for c in self.ranges.get(p, ()))
        return new

    def closure(self, triples: Iterable[tuple]) -> set[tuple]:
        """Everything the triples entail, by the rules alone (not the triples themselves unless entailed)."""
        found: set[tuple] = set()
        queue = list(triples)
        while queue:
            for new in self.consequences(*queue.pop()):
                if new not in found:
                    found.add(new)
                    queue.append(new)
        return found


def _reason(store: ox.Store, rules: _Rules, plus: set[tuple], minus: set[tuple]) -> bool:
    """Bring the inferred graph in line with the data graph, which lost `minus` and gained `plus`.
    False on a contradiction with the ontology (the full build reports it)."""
    _withdraw(store, rules, minus)
    return _consistent(store, rules, _entail(store, rules, plus))


def _held(store: ox.Store, t: tuple, graph: ox.NamedNode) -> bool:
    return ox.Quad(*t, graph) in store


def _held_any(store: ox.Store, t: tuple) -> bool:
    return any(_held(store, t, graph) for graph in HELD)


def _withdraw(store: ox.Store, rules: _Rules, minus: set[tuple]) -> None:
    """What the removed triples entailed, and themselves: each stays inferred only if what is left entails it.
    What a chain concludes is settled last, once the triples it joins are."""
    doubtful = set(minus) | rules.closure(minus)
    support = set()
    for node in {t[0] for t in doubtful}:
        support.update((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(node, None, None, DATA))
        support.update((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, node, DATA))
    entailed = rules.closure(support)
    concluded = {q for _, _, q in rules.chains}
    joined = _joined_doubtful(store, rules, doubtful)
    for t in doubtful - joined:
        if t[1] not in concluded:
            _settle(store, t, t in entailed)
    for t in doubtful | joined:
        if t[1] in concluded:
            _settle(store, t, t in entailed or rules.derives(store, t))


def _joined_doubtful(store: ox.Store, rules: _Rules, doubtful: set[tuple]) -> set[tuple]:
    """What the chains concluded from the doubtful triples, with the store's or with each other
    (a removed pair is in the store no more)."""
    found = {new for t in doubtful for new in rules.joined(store, *t)}
    for first, second, concluded in rules.chains:
        ends: dict = {}  # the doubtful seconds, by subject
        for s, p, o in doubtful:
            if p == second:
                ends.setdefault(s, set()).add(o)
        found.update((s, concluded, z) for s, p, o in doubtful if p == first for z in ends.get(o, ()))
    return found


def _settle(store: ox.Store, t: tuple, entailed: bool) -> None:
    """`t` in the inferred graph exactly when entailed and not stated."""
    should = entailed and not _held(store, t, DATA) and not _held(store, t, ONTOLOGY)
    if should != _held(store, t, INFERRED):
        (store.add if should else store.remove)(ox.Quad(*t, INFERRED))


def _entail(store: ox.Store, rules: _Rules, plus: set[tuple]) -> set:
    """Add what the added triples entail, looked up against the store (an added triple is no longer
    inferred); returns the resources given a class."""
    typed = {t[0] for t in plus if t[1] == TYPE}
    for t in plus:
        if _held(store, t, INFERRED):
            store.remove(ox.Quad(*t, INFERRED))
    queue = list(plus)
    while queue:
        t = queue.pop()
        for new in [*rules.consequences(*t), *rules.joined(store, *t)]:
            if not _held_any(store, new):
                store.add(ox.Quad(*new, INFERRED))
                queue.append(new)
                if new[1] == TYPE:
                    typed.add(new[0])
    return typed


def _consistent(store: ox.Store, rules: _Rules, nodes: set) -> bool:
    """No node newly typed is an individual of two classes the ontology declares disjoint."""
    for node in nodes:
        classes = {q.object for graph in (DATA, INFERRED) for q in store.quads_for_pattern(node, TYPE, None, graph)}
        if any(a in classes and b in classes for a, b in rules.disjoint):
            return False
    return True
