"""The build: source files -> records -> triples -> the store -> reasoning, as one pipeline.

Each stage is a call that returns a value; this module only strings them together (and, for
speed, hands the data triples to the store chunk by chunk while later files are still read:
fast/loading.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from . import loader, resources
from .entryscope import scope_problems
from .errors import ProblemList, UnreadableInputError
from .fast.loading import gc_paused, loading_behind
from .fast.ntriples import to_ntriples
from .graph import KnowledgeGraph, load_ontology, new_graph
from .records import Records
from .sources import read_folder
from .vocab import BIBO, ID

if TYPE_CHECKING:
    from .entries import EntryFile, EntrySet


def _check_turtle_dois(records: Records, graphs: list[tuple[str, Graph]], problems) -> None:
    """A DOI names one work, whatever its case: the loader checks YAML and BibTeX works; this, Turtle ones."""
    seen = {w.doi.lower(): w.id for w in records.works if w.doi}
    for display, turtle in graphs:
        for work, doi in sorted(turtle.subject_objects(BIBO.doi)):
            work_id = str(work).removeprefix(str(ID))
            first = seen.setdefault(str(doi).lower(), work_id)
            if first != work_id:
                problems.add(
                    display,
                    0,
                    work_id,
                    "bibo:doi",
                    f"DOI {doi} is already in the graph as {first}",
                    "this work is already there: drop the entry, or correct the DOI",
                )


def require_data_dir(data: Path | str | None) -> None:
    """A user data folder, when given, must exist."""
    if data is not None and not Path(data).is_dir():
        raise UnreadableInputError(f"{data}: no such data folder. Fix: create one with `dskg init {data}`.")


def build(
    data: Path | str | None = None,
    *,
    base: Path | str | None = None,
    entries: Sequence[Path | EntryFile] | EntrySet | None = None,
    reason: bool = True,
    engine: str = "rules",
) -> KnowledgeGraph:
    """Build the knowledge graph: the curated base, with a user's data folder layered on top.

    Args:
        data: a user data folder (made by `dskg init`); its `entries/` files are added.
        base: the curated base folder of `*.yaml`; the data shipped with dskg when None.
        entries: further entry files (YAML, Turtle, BibTeX) to add, e.g. ones being validated: paths,
            or files read already (entries.EntryFile, or an EntrySet), which are not read again; one
            of the data folder's files read already takes that file's place in the folder's order.
        reason: materialise OWL-RL entailments into the inferred graph (queries rely on them).
        engine: 'rules' (fast; gives owlrl's entailments), 'owlrl' (reference) or 'reasonable'.

    Raises:
        InvalidDataError: the data does not hold together; lists every problem with file:line.
        InconsistencyError: reasoning found a contradiction with the ontology.
        UnreadableInputError: a folder or file cannot be read.
    """
    kg = new_graph()
    with gc_paused(long_lived=True), loading_behind(kg) as into_store:
        records = load_build(into_store, data, base=base, entries=entries, reason=reason, engine=engine)
    return KnowledgeGraph(kg.store, records)


def load_build(
    into_store,
    data: Path | str | None = None,
    *,
    base: Path | str | None = None,
    entries: Sequence[Path | EntryFile] | EntrySet | None = None,
    reason: bool = True,
    engine: str = "rules",
) -> Records:
    """`build`'s work, its graphs handed to `into_store` (`load(name, ntriples)`, `clear(name)`:
    a memory store's loader, or the cache's on-disk one, fast/ondisk.py); the build's records."""
    from .reasoning import entailments

    # the data triples go to the store in chunks while the next files are read
    records, ontology, triples = read_sources(
        data,
        base=base,
        entries=entries,
        emit=lambda chunk: into_store.load("data", to_ntriples(chunk)),
        discard=lambda: into_store.clear("data"),
    )
    into_store.load("ontology", to_ntriples(ontology))
    if reason:
        into_store.load("inferred", to_ntriples(entailments(ontology, triples, engine=engine)))
    del triples  # before collections resume: the first would walk its million tuples and literals
    return records


def _entry_items(data: Path | str | None, entries: Sequence[Path | EntryFile] | EntrySet | None) -> list[Path | EntryFile]:
    """The entry files a build reads, in order: the data folder's, then `entries`; a file given
    already read stands in for itself."""
    from .entries import EntryFile, EntrySet, entry_files

    given = list(entries.files if isinstance(entries, EntrySet) else entries or [])
    read = {item.path: item for item in given if isinstance(item, EntryFile)}
    folder = [read.pop(path, path) for path in entry_files(Path(data))] if data is not None else []
    return [*folder, *(item for item in given if not isinstance(item, EntryFile) or item.path in read)]


def read_sources(
    data: Path | str | None = None,
    *,
    base: Path | str | None = None,
    entries: Sequence[Path | EntryFile] | EntrySet | None = None,
    emit: Callable[[list], None] | None = None,
    discard: Callable[[], None] | None = None,
) -> tuple[Records, Graph, list[tuple]]:
    """The records, the ontology and the data triples a build loads (arguments as for `build`).

    `emit`, when given, receives the data triples in chunks as they are made, while later entry
    files are still being read (see loader.stream_triples). When that first pass finds anything
    amiss, `discard()` is called to forget what was emitted, and the whole is checked and made
    again in one pass (records_to_triples), which raises with every problem, or emits it all
    afresh when the pass only met references to records read after them.
    """
    from .entries import EntrySet, iter_entries

    require_data_dir(data)
    base_records = read_folder(Path(base) if base is not None else resources.data_dir())
    records = base_records.copy()  # the build's own, which each entry file joins as it is read; the base stays as read
    records.user_dir = Path(data) if data is not None else None  # its sources/ holds the texts of entries' works
    ontology = load_ontology()
    added = EntrySet()

    def batches():
        for file in iter_entries(_entry_items(data, entries), display_root=Path(data) if data is not None else None):
            added.files.append(file)
            records.add(file.records)
            yield file.records

    triples = loader.stream_triples(records, ontology, batches(), emit)
    problems = ProblemList(list(added.problems))
    _check_turtle_dois(records, added.graphs, problems)
    if triples is None or problems.items:
        if emit is not None and discard is not None:
            discard()
        triples = loader.records_to_triples(records, ontology, problems, emit)
    ProblemList(scope_problems(added.files, triples, ontology, records)).raise_if_any()  # a Turtle entry states only its own
    for _, turtle in added.graphs:
        made = len(triples)
        triples.extend(turtle)
        triples.extend(loader.turtle_marks(records, turtle))  # quotes marked checked or not, as a YAML entry's
        if emit is not None:
            emit(triples[made:])
    return records, ontology, triples
