"""Two versions of the graph's asserted data compared triple by triple: what one side has and the other has not.

A side is a data folder (a user folder from `dskg init`, layered on the shipped base, or a curated
base folder like the shipped data/), an RDF file (`dskg export` Turtle, TriG, N-Triples), or a
folder or file at a git revision (diffgit.py); diffread.py reads each into N-Triples lines, and
two user folders that differ in a few entry files are compared through those files alone (below).
diffdomain.py says what the differences mean in the domain's terms.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .diffread import Side, folder_kind, read_side, side_from_ntriples
from .errors import DskgError
from .fast.loading import gc_paused
from .fast.ntriples import to_ntriples
from .terms import LINKS, MATCHES

ID_START = b"<https://w3id.org/dskg/id/"
DIRECT_PREDICATES = {f"<{p}>".encode() for p in (*(direct for direct, *_ in LINKS.values()), *MATCHES.values())}


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
        side = side_from_ntriples(name, "user folder", text, None)
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
