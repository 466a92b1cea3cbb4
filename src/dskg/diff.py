"""Two versions of the graph's asserted data compared triple by triple: what one side has and the other has not.

A side is a data folder (a user folder from `dskg init`, layered on the shipped base, or a curated
base folder like the shipped data/), an RDF file (`dskg export` Turtle, TriG, N-Triples), or a
folder or file at a git revision (`git archive` into a temporary folder). Only the asserted data
is compared: the ontology's triples and the inferred graph are left out (TriG keeps them apart; in
Turtle and N-Triples the shipped ontology's triples are taken out; inferred triples written into a
Turtle file cannot be told from asserted ones, so compare TriG exports or exports without
--inferred). Triples are compared as N-Triples lines, the form the loader and Oxigraph both write,
so order never counts; triples with blank nodes (which only Turtle entries and files bring) are
compared as groups joined by their blank nodes, each in rdflib's canonical form, so labels never
count either. diffdomain.py says what the differences mean in the domain's terms.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import fast
from .errors import DskgError, UnreadableInputError, UsageError
from .fast.loading import gc_paused
from .fast.ntriples import to_ntriples
from .terms import LINKS, MATCHES

ID_START = b"<https://w3id.org/dskg/id/"
WRITTEN_OTHERWISE = re.compile(rb'[\x00-\x09\x0b-\x1f\x7f]|"@[a-zA-Z0-9-]*[A-Z]')  # (lines end in \n)
DIRECT_PREDICATES = {f"<{p}>".encode() for p in (*(direct for direct, *_ in LINKS.values()), *MATCHES.values())}

RDF_FILES = {".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "nt"}


@dataclass
class Side:
    """One side's asserted data: N-Triples lines without blank nodes, and the groups of triples
    joined by blank nodes, each as its canonical form (a frozenset of N-Triples lines)."""

    name: str
    kind: str
    lines: set[bytes]
    blank_groups: Counter = field(default_factory=Counter)
    read_only: int | None = None
    """When only some entry files were read (the others are the same on both sides): how many."""

    @property
    def triples(self) -> int | None:
        if self.read_only is not None:
            return None
        return len(self.lines) + sum(len(group) * n for group, n in self.blank_groups.items())

    def about(self, subjects: set[bytes]) -> list[bytes]:
        """Every line whose subject (as written, `<iri>`) is one of `subjects`; blank-node groups
        are searched whole. One pass over the lines: a side holds a million."""
        found = [line for line in self.lines if line[: line.find(b" ")] in subjects]
        for group in self.blank_groups:
            if any(line[: line.find(b" ")] in subjects for line in group):
                found.extend(group)
        return found


@dataclass
class TripleDiff:
    """What the new side adds (`added`) and the old side has that the new one lacks (`removed`),
    as N-Triples lines; blank nodes carry canonical labels, the same on both sides for the same content."""

    old: Side
    new: Side
    added: list[bytes]
    removed: list[bytes]

    @property
    def equal(self) -> bool:
        return not self.added and not self.removed


def compare(old: Side, new: Side) -> TripleDiff:
    """The triples each side has and the other has not."""
    added = sorted(new.lines - old.lines)
    removed = sorted(old.lines - new.lines)
    for group, n in (new.blank_groups - old.blank_groups).items():
        added.extend(sorted(group) * n)
    for group, n in (old.blank_groups - new.blank_groups).items():
        removed.extend(sorted(group) * n)
    return TripleDiff(old, new, added, removed)


def compare_paths(
    old: Path, new: Path, *, base: Path | str | None = None, old_name: str | None = None, changed_share: float | None = None
) -> TripleDiff:
    """Read both sides (data folders or RDF files) and compare them; both are checked before either is built.

    Two user folders that differ only in a few entry files (at most `changed_share` of them,
    PARTIAL_SHARE by default) are compared through those files (see `_by_changed_entries`), with
    the same answer as building both whole."""
    for path in (old, new):
        if path.is_dir():
            folder_kind(path)
        elif not path.is_file():
            read_side(path)  # raises, naming it
    if old.is_dir() and new.is_dir():
        quick = _by_changed_entries(old, new, base, old_name, PARTIAL_SHARE if changed_share is None else changed_share)
        if quick is not None:
            return quick
    return compare(
        read_side(old, base=base, name=old_name, other_is_folder=new.is_dir()),
        read_side(new, base=base, other_is_folder=old.is_dir()),
    )


# -- two user folders through the entry files that differ ------------------------------------
#
# Two user folders on the same base whose other files (sources/ ...) are the same bytes, and that
# differ in a few YAML or BibTeX entry files: each side's unchanged files give the same triples on
# both sides (an entry's triples depend on its own file, the base and sources/, given that the
# references it makes resolve), so the difference is that of "base + the changed files" on each
# side (two small builds), with three exceptions handled: a changed file that refers to a record of
# an unchanged one does not build alone (then both sides are built whole); and a triple that any
# file may write (`<cm> dskg:addresses <bar>` beside a link, an author, a language) may also come
# from an unchanged file: such a candidate is checked against the other side built whole; and a
# folder with Turtle entries (which may state triples about any record of theirs) is built whole.
# This compares, it does not validate: an id a changed file shares with an unchanged one, or a
# record removed that an unchanged entry still names, is not seen here (`dskg validate` sees it).

PARTIAL_SHARE = 0.05
"""Past this share of changed entry files, building both sides whole is as quick."""
BY_OBJECT = tuple(
    b"<https://w3id.org/dskg/ontology#" + name + b">" for name in (b"makesClaim", b"hasQualifiedLink", b"hasConceptMapping")
) + (b"<http://purl.org/spar/cito/",)
"""Predicates whose triple the file of its object writes: a work makes a claim (also another work's,
through also_made_by), a record has a link or match some work states, a citing work cites a cited
one (the cited work's record says so)."""


def _digests(folder: Path) -> dict[str, bytes]:
    found = {}
    for top, _, names in os.walk(folder):
        for name in names:
            full = os.path.join(top, name)
            with open(full, "rb") as fh:
                found[os.path.relpath(full, folder)] = hashlib.blake2b(fh.read(), digest_size=20).digest()
    return found


def _entry_name(rel: str) -> bool:
    """An entry file a build reads: entries/<name> with a reader's suffix (entries.entry_files)."""
    from .entries import READERS

    folder, _, name = rel.partition(os.sep)
    return folder == "entries" and os.sep not in name and os.path.splitext(name)[1].lower() in READERS


def _split(folder: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """A folder's files by digest: its entry files, and the others."""
    entries, others = {}, {}
    for rel, digest in _digests(folder).items():
        (entries if _entry_name(rel) else others)[rel] = digest
    return entries, others


def _changed_entries(old: Path, new: Path, share: float) -> tuple[list[str], list[str]] | None:
    """The entry files (relative paths) that differ on each side; None when the shortcut does not apply."""
    if folder_kind(old) != "user" or folder_kind(new) != "user":
        return None
    (a, a_others), (b, b_others) = _split(old), _split(new)
    if a_others != b_others or any(k.lower().endswith(".ttl") for k in (*a, *b)):
        return None  # sources/ differs (a quote's check may change anywhere), or a Turtle entry
    gone = sorted(k for k in a if b.get(k) != a[k])
    came = sorted(k for k in b if a.get(k) != b[k])
    if len(gone) + len(came) > share * (len(a) + len(b)):
        return None
    return gone, came


def _partial_side(folder: Path, files: list[str], base: Path | str | None, name: str) -> tuple[Side, set[str]]:
    """The side built from the base and `files` alone (in a folder of links to them), and the ids its entries define."""
    from .pipeline import read_sources

    tmp = Path(tempfile.mkdtemp(prefix="dskg-diff-"))
    try:
        (tmp / "entries").mkdir()
        for item in folder.iterdir():
            if item.name != "entries":
                (tmp / item.name).symlink_to(item.resolve())
        for rel in files:
            (tmp / "entries" / Path(rel).name).symlink_to((folder / rel).resolve())
        with gc_paused():
            records, _, triples = read_sources(tmp, base=base)
            text = to_ntriples(triples)
            del triples
        ids = records.ids()
        ids |= {f"claim:{c.id}" for w in records.works for c in w.claims}  # claims: their is-about links are their own
        side = _side(name, "user folder", text, None)
        side.read_only = len(files)
        return side, ids
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _owned(line: bytes, ids: set[str]) -> bool:
    """Whether only the file defining one of `ids` can write this triple (its subject is that record, or
    a node named after it: its labels, sections, metadata, citations, the links and matches it states)."""
    subject, predicate, rest = line.split(b" ", 2)
    if predicate.startswith(BY_OBJECT):
        return _owner(rest.split(b" ", 1)[0]) in ids
    head = _owner(subject)
    # `<cm> dskg:addresses <bar>` and the like are written beside a link, by whichever file states it
    return head in ids and (f"claim:{head}" in ids or predicate not in DIRECT_PREDICATES)


def _owner(term: bytes) -> str | None:
    """The record whose file writes a node's triples, read off its IRI: link/<work>/..., label/<id>/..., <id>/section/..."""
    if not term.startswith(ID_START):
        return None
    head, _, rest = term[len(ID_START) : -1].decode().partition("/")
    if head in ("link", "mapping", "label"):
        return rest.split("/", 1)[0]
    if head == "citation":
        parts = rest.split("/")
        return parts[1] if len(parts) > 1 else None
    return head


def _by_changed_entries(old: Path, new: Path, base: Path | str | None, old_name: str | None, share: float) -> TripleDiff | None:
    changed = _changed_entries(old, new, share)
    if changed is None:
        return None
    try:
        p_old, ids_old = _partial_side(old, changed[0], base, old_name or str(old))
        p_new, ids_new = _partial_side(new, changed[1], base, str(new))
    except DskgError:
        return None  # a changed file that needs an unchanged one (or is wrong): build both whole, for the whole answer
    ids = (ids_old | ids_new) - _base_ids(base)
    found = compare(p_old, p_new)
    added, removed = found.added, found.removed
    if not all(_owned(line, ids) for line in added):
        p_old = read_side(old, base=base, name=old_name)
        added = [line for line in added if _owned(line, ids) or line not in p_old.lines]
    if not all(_owned(line, ids) for line in removed):
        p_new = read_side(new, base=base)
        removed = [line for line in removed if _owned(line, ids) or line not in p_new.lines]
    return TripleDiff(p_old, p_new, added, removed)


def _base_ids(base: Path | str | None) -> set[str]:
    from . import resources
    from .sources import read_folder

    shipped = read_folder(Path(base) if base is not None else resources.data_dir())
    return shipped.ids() | {f"claim:{c.id}" for w in shipped.works for c in w.claims}


# -- reading a side ---------------------------------------------------------------------------


def read_side(path: Path | str, *, base: Path | str | None = None, name: str | None = None, other_is_folder: bool = True) -> Side:
    """One side from a data folder or an RDF file. `base` is the curated base a user folder is
    layered on (the shipped data when None). Raises UnreadableInputError naming the path and the fix."""
    path = Path(path)
    name = name or str(path)
    if path.is_dir():
        return _folder_side(path, base, name, canonical=not other_is_folder)
    if path.is_file():
        kind = RDF_FILES.get(path.suffix.lower())
        if kind is None:
            raise UsageError(
                f"{name}: not a data folder or an RDF file dskg diff reads. Fix: give a data folder, or a file exported with "
                "`dskg export -f turtle|trig|nt` (.ttl, .trig, .nt)."
            )
        return _rdf_side(path, kind, name)
    raise UnreadableInputError(
        f"{name}: no such file or folder. Fix: give a data folder (from `dskg init`, or data/) or an exported .ttl/.trig/.nt file."
    )


def folder_kind(path: Path) -> str:
    """'user' for a folder from `dskg init` (entries/), 'base' for a curated folder of *.yaml."""
    if (path / "entries").is_dir():
        return "user"
    if any(path.glob("*.yaml")):
        return "base"
    raise UnreadableInputError(
        f"{path}: neither a data folder from `dskg init` (no entries/) nor a curated base folder (no *.yaml). "
        "Fix: give the folder that holds entries/, or one like the shipped data/."
    )


def _folder_side(path: Path, base: Path | str | None, name: str, canonical: bool) -> Side:
    from .pipeline import read_sources

    kind = folder_kind(path)
    try:
        with gc_paused():  # a million triples that all live on: collections would walk them for nothing
            _, _, triples = read_sources(path, base=base) if kind == "user" else read_sources(None, base=path)
            text = to_ntriples(triples)
            del triples
    except DskgError as exc:
        if isinstance(exc, UnreadableInputError | UsageError):
            raise
        raise UnreadableInputError(
            f"{name}: the data does not build, so it cannot be compared:\n{exc}\nFix: correct it (dskg build --base, dskg validate --data)."
        ) from None
    # against an RDF file, each term as Oxigraph writes it: the fast path's writer does but for control
    # characters (written raw, not \uXXXX) and language tags (kept as given, not lowercased)
    if canonical and (not fast.enabled() or WRITTEN_OTHERWISE.search(text)):
        text = _oxigraph_ntriples(text, "nt", name)
    return _side(name, f"{kind} folder", text, ontology=None)


def _rdf_side(path: Path, kind: str, name: str) -> Side:
    import pyoxigraph as ox

    from . import resources
    from .vocab import GRAPH

    try:
        if kind == "trig":
            quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
            data, default = ox.NamedNode(str(GRAPH.data)), ox.DefaultGraph()
            graphs = {q.graph_name for q in quads}
            wanted = data if data in graphs else default  # a TriG of dskg's keeps the data graph apart
            text = ox.serialize([q.triple for q in quads if q.graph_name == wanted], format=ox.RdfFormat.N_TRIPLES)
        else:
            text = _oxigraph_ntriples(path.read_bytes(), kind, name)
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableInputError(
            f"{name}: cannot read it as {kind} ({exc}). Fix: give a file written by `dskg export -f {kind}`."
        ) from None
    ontology = _side("ontology", "ontology", _oxigraph_ntriples(resources.ontology_file().read_bytes(), "turtle", "the ontology"), None)
    return _side(name, f"{kind} file", text, ontology=ontology)


def _oxigraph_ntriples(text: bytes, kind: str, name: str) -> bytes:
    import pyoxigraph as ox

    fmt = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}[kind]
    try:
        return ox.serialize(ox.parse(text, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError) as exc:
        raise UnreadableInputError(f"{name}: cannot read it as {kind} ({exc}). Fix: give a file written by `dskg export`.") from None


def _side(name: str, kind: str, text: bytes, ontology: Side | None) -> Side:
    """Lines with a blank node are set apart and grouped; an RDF file's ontology triples go."""
    lines = set(text.split(b"\n"))
    lines.discard(b"")
    blank = {line for line in _lines_with(text, b"_:") if _has_blank(line)}
    typed = {line for line in _lines_with(text, XSD_TYPED) if XSD_STRING not in line} - blank
    lines -= blank | typed
    lines |= _store_form(typed)
    groups = Counter(_canonical_groups(blank))
    if ontology is not None:
        lines -= ontology.lines
        for group in ontology.blank_groups:
            groups.pop(group, None)
    return Side(name, kind, lines, groups)


XSD_TYPED = b'"^^<http://www.w3.org/2001/XMLSchema#'
XSD_STRING = XSD_TYPED + b"string>"


def _lines_with(text: bytes, marker: bytes) -> list[bytes]:
    """The lines of `text` holding `marker`: found by bytes.find over the whole text, which is
    many times quicker than looking into each of a million lines (few hold it)."""
    found, at = [], text.find(marker)
    while at != -1:
        start, end = text.rfind(b"\n", 0, at) + 1, text.find(b"\n", at)
        end = len(text) if end == -1 else end
        found.append(text[start:end])
        at = text.find(marker, end)
    return found


def _store_form(lines: set[bytes]) -> set[bytes]:
    """Typed literals as a store holds them: Oxigraph keeps numbers and booleans by value, so an
    export writes `14` where the loader wrote `"14.0"^^xsd:decimal`; both sides go through a store."""
    import pyoxigraph as ox

    if not lines:
        return lines
    store = ox.Store()
    store.load(input=b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return {line for line in text.split(b"\n") if line}


def _has_blank(line: bytes) -> bool:
    if line.startswith(b"_:"):
        return True
    rest = line.split(b"> ", 2)  # subject IRI, predicate IRI, object
    return len(rest) == 3 and rest[2].startswith(b"_:")


def _canonical_groups(lines: Iterable[bytes]) -> Iterator[frozenset[bytes]]:
    """Triples joined by blank nodes, each group in rdflib's canonical form (labels from content)."""
    from rdflib import BNode, Graph
    from rdflib.compare import to_canonical_graph

    lines = list(lines)
    if not lines:
        return
    graph = Graph().parse(data=b"\n".join(lines).decode(), format="nt")
    parent: dict = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for s, _, o in graph:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[root(s)] = root(o)
    members: dict = {}
    for triple in graph:
        node = triple[0] if isinstance(triple[0], BNode) else triple[2]
        members.setdefault(root(node), Graph()).add(triple)
    for group in members.values():
        text = to_canonical_graph(group).serialize(format="nt", encoding="utf-8")
        yield frozenset(line for line in text.split(b"\n") if line)
