"""The evidence and gap map: barrier x countermeasure cells over the `addresses` links of every work in the graph.

A cell holds each work's statement of the link, so it can say how many works state it, how many
explicitly or by reading, and whether a work disputes it. Records an entry introduces are grouped
through their concept matches (the synthesis rule of issue 16): a record with an exact or close
match counts as its target, one hop, read from the dskg:ConceptMapping node's direction (never the
skos triple, which reasoning may make symmetric); broad and narrow matches are kept beside the row
or column they touch, never merged. Works are counted distinct per cell, as the catalogue's
`evidence-map` counts them: a work whose stance is disputes or refutes counts as disputing, the
others (any other stance; the paper's links carry none) as stating it, explicitly or by reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .graph import KnowledgeGraph
from .reportdata import Link, SiteData, Text, _id, _local, _select, _texts

MERGING = ("exact", "close")
DISPUTING = ("disputes", "refutes")
BASIS_ORDER = ("explicit", "interpretive", "editorial")
PROJECT = "dskg-project"  # the agent a link stated by no work is attributed to


@dataclass
class Match:
    """A concept mapping as its dskg:ConceptMapping node states it: `subject` <relation>Match `target`."""

    subject: str
    relation: str  # exact, close, broad or narrow
    target: str
    basis: str
    work: str | None
    rationale: Text


@dataclass
class Statement:
    """One work's statement that a countermeasure addresses a barrier, as a cell shows it."""

    link: Link
    via: list[str]  # the records as the work names them, where they count as the cell's row or column through a match

    @property
    def work(self) -> str:
        return self.link.source or PROJECT

    @property
    def disputing(self) -> bool:
        return self.link.stance in DISPUTING


@dataclass
class Cell:
    """A countermeasure x barrier cell: every statement of the link, through the matches."""

    countermeasure: str
    barrier: str
    statements: list[Statement] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.countermeasure}--addresses--{self.barrier}"

    def _works(self, keep) -> list[str]:
        return sorted({s.work for s in self.statements if keep(s)})

    @property
    def works(self) -> list[str]:
        """The works that state the link (any stance but disputes or refutes; the paper's links carry none)."""
        return self._works(lambda s: not s.disputing)

    @property
    def explicit_works(self) -> list[str]:
        return self._works(lambda s: not s.disputing and s.link.basis == "explicit")

    @property
    def interpretive_works(self) -> list[str]:
        return self._works(lambda s: not s.disputing and s.link.basis == "interpretive")

    @property
    def disputing_works(self) -> list[str]:
        return self._works(lambda s: s.disputing)

    @property
    def all_works(self) -> list[str]:
        return self._works(lambda s: True)

    @property
    def basis(self) -> str:
        """The strongest basis a stating work gives (explicit, else interpretive); "disputed" when every work disputes it."""
        stated = [s.link.basis for s in self.statements if not s.disputing]
        return min(stated, key=lambda b: BASIS_ORDER.index(b) if b in BASIS_ORDER else len(BASIS_ORDER)) if stated else "disputed"


@dataclass
class Axis:
    """A row (barrier) or column (countermeasure) of the map, with the matches that touch it."""

    id: str
    level: str | None = None
    members: list[Match] = field(default_factory=list)  # records counted as this one (exact/close match to it)
    related: list[Match] = field(default_factory=list)  # broad/narrow matches from or to it: shown, not merged
    gap: bool = False  # no work links it (a barrier no countermeasure addresses; a countermeasure linked to no barrier)


@dataclass
class EvidenceMap:
    """The matrix the report draws: rows, columns and the cells that have at least one statement."""

    barriers: list[Axis]
    countermeasures: list[Axis]
    cells: dict[tuple[str, str], Cell]
    works: list[str]  # every work that states an `addresses` link
    years: dict[str, int | None]  # work id -> year, for the cells' year range
    matches: list[Match] = field(default_factory=list)

    def matches_of(self, rid: str) -> list[Match]:
        """The matches `rid` states or is the target of."""
        return [m for m in self.matches if rid in (m.subject, m.target)]

    @property
    def many_works(self) -> bool:
        """More than the one paper states links: cells then show their counts (with the paper alone the map looks as it always did)."""
        return len(self.works) > 1

    def cell(self, countermeasure: str, barrier: str) -> Cell | None:
        return self.cells.get((countermeasure, barrier))

    def row_groups(self) -> list[tuple[str | None, list[Axis]]]:
        """The rows by level (domestic, international, then any other), in the order of `barriers`."""
        groups: dict[str | None, list[Axis]] = {}
        for axis in self.barriers:
            groups.setdefault(axis.level, []).append(axis)
        return list(groups.items())

    def year_range(self, cell: Cell) -> tuple[int | None, int | None]:
        years = [y for y in (self.years.get(w) for w in cell.all_works) if y is not None]
        return (min(years), max(years)) if years else (None, None)


def read_matches(kg: KnowledgeGraph) -> list[Match]:
    """Every concept mapping, from its node (the direction stated, whatever reasoning does to the skos triples)."""
    found = _select(
        kg,
        """
        SELECT ?m ?s ?relation ?t ?basis ?work WHERE {
          ?m a dskg:ConceptMapping ; dskg:linkSubject ?s ; dskg:linkTarget ?t ; dskg:mappingRelation ?relation .
          OPTIONAL { ?m dskg:basis ?basis } OPTIONAL { ?m dskg:statedIn ?work }
        } ORDER BY ?s ?t ?m""",
    )
    rationale = _texts(kg, "dskg:rationale")
    return [
        Match(
            _id(r["s"]),
            (_local(r["relation"]) or "").removesuffix("Match"),
            _id(r["t"]),
            _local(r["basis"]) or "interpretive",
            _id(r["work"]),
            rationale.get(_id(r["m"]), Text()),
        )
        for r in found
    ]


def _canonical(matches: list[Match], kinds: dict[str, str]) -> dict[str, list[str]]:
    """A record with an exact or close match to a record of its kind -> the records it counts as (one hop)."""
    canonical: dict[str, list[str]] = {}
    for m in matches:
        same_kind = m.subject in kinds and kinds[m.subject] == kinds.get(m.target)
        if m.relation in MERGING and same_kind and m.target not in canonical.get(m.subject, []):
            canonical.setdefault(m.subject, []).append(m.target)
    return canonical


def _axes(ids: list[str], data: SiteData, matches: list[Match], canonical: dict[str, list[str]]) -> list[Axis]:
    """The rows or columns: every record but those counted as another, with the matches that touch each."""
    targets = {t for ts in canonical.values() for t in ts}
    axes = {i: Axis(i, data.entities[i].level) for i in ids if i not in canonical or i in targets}
    for m in matches:
        if m.relation in MERGING:
            if m.subject in canonical and m.target in axes:
                axes[m.target].members.append(m)
            continue
        for end in (m.subject, m.target):
            if end in axes:
                axes[end].related.append(m)
    return list(axes.values())


def _cells(data: SiteData, kinds: dict[str, str], canonical: dict[str, list[str]]) -> dict[tuple[str, str], Cell]:
    """Each addressing link as a statement in the cell of the records it counts as; the paper first in a cell, then by work."""
    cells: dict[tuple[str, str], Cell] = {}
    for link in data.links:
        if link.kind != "addresses" or link.subject not in kinds or link.target not in kinds:
            continue
        for cm in canonical.get(link.subject) or [link.subject]:
            for bar in canonical.get(link.target) or [link.target]:
                via = [x for x in (link.subject, link.target) if x not in (cm, bar)]
                cells.setdefault((cm, bar), Cell(cm, bar)).statements.append(Statement(link, via))
    sources = {w.id for w in data.works.values() if w.is_source}
    for cell in cells.values():
        cell.statements.sort(key=lambda s: (s.work not in sources, s.work, s.link.anchor))
    return cells


def build(data: SiteData, matches: list[Match]) -> EvidenceMap:
    """The map of `data`'s addressing links, grouped through `matches`."""
    kinds = {e.id: e.kind for e in data.entities.values()}
    canonical = _canonical(matches, kinds)
    barriers = _axes([e.id for e in data.barriers], data, matches, canonical)
    countermeasures = _axes([e.id for e in data.ordered("countermeasure")], data, matches, canonical)
    cells = _cells(data, kinds, canonical)
    linked_barriers, linked_countermeasures = {bar for _, bar in cells}, {cm for cm, _ in cells}
    for axis in barriers:
        axis.gap = axis.id not in linked_barriers
    for axis in countermeasures:
        axis.gap = axis.id not in linked_countermeasures
    works = sorted({s.work for c in cells.values() for s in c.statements})
    years = {w: data.works[w].year if w in data.works else None for w in works}
    return EvidenceMap(barriers, countermeasures, cells, works, years, matches)


def collect(kg: KnowledgeGraph, data: SiteData) -> EvidenceMap:
    """Read the concept matches from `kg` and build the map of `data` (read from the same graph)."""
    return build(data, read_matches(kg))
