"""Works an entry file adds that are likely in the graph already: an id or a DOI written otherwise,
or the same title and year, each a Warning naming both works and what to do.

The same DOI in any letter case is a Violation already (checks.doi); these are the cases a check
cannot refuse, since two works may share them (two reports titled "Annual Report" of one year).
"""

from __future__ import annotations

import unicodedata

import pyoxigraph as ox
from rdflib import RDF
from rdflib.namespace import DCTERMS

from .entries import EntryFile
from .entryscope import entry_lines, subject_line
from .graph import KnowledgeGraph
from .validation import Finding
from .vocab import BIBO, DSKG, FABIO, GRAPH, ID


def id_key(work_id: str) -> str:
    """An id without hyphens, underscores and letter case (ferencz2019 and ferencz-2019 meet)."""
    return work_id.lower().replace("-", "").replace("_", "")


def doi_key(doi: str) -> str:
    """A DOI without letter case and a doi.org or doi: prefix."""
    doi = doi.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        doi = doi.removeprefix(prefix)
    return doi


def title_key(title: str) -> str:
    """A title without letter case, spaces or punctuation, full-width forms as half-width (NFKC):
    "Digital Trade: an Overview" and "digital trade — an overview" meet, and so do 数字贸易，研究 and 数字贸易, 研究."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return "".join(c for c in folded if c.isalnum())


def _new_works(file: EntryFile) -> list[tuple[str, str | None]]:
    """The works an entry file adds: (id, DOI)."""
    if file.graph is None:
        return [(w.id, w.doi) for w in file.records.works]
    works = sorted(w for w in set(file.graph.subjects(RDF.type, DSKG.Work)) if str(w).startswith(str(ID)))
    return [(str(w)[len(str(ID)) :], next((str(d) for d in file.graph.objects(w, BIBO.doi)), None)) for w in works]


def _work_line(file: EntryFile, work_id: str) -> int:
    if file.graph is None:
        return next((w.line_of("id") for w in file.records.works if w.id == work_id), 0)
    return subject_line(entry_lines(file), file.graph, ID[work_id])


def near_duplicates(kg: KnowledgeGraph, added: list[EntryFile]) -> list[Finding]:
    """A Warning for each new work whose id or DOI is another work's but for hyphens, underscores,
    letter case or a doi.org prefix (ferencz2019 beside ferencz-2019), or whose title and year are
    another's but for case, spaces, punctuation and full-width forms: likely the same work twice.
    `kg` is the graph built with the `added` files; one warning per pair of works."""
    new = [(work_id, doi, file) for file in added for work_id, doi in _new_works(file)]
    if not new:
        return []
    graph = _Known(_works(kg, {work_id for work_id, *_ in new}, {doi for _, doi, _ in new if doi}), {work_id for work_id, *_ in new})
    pairs = [(work_id, file, near) for work_id, doi, file in new for near in graph.near(work_id, doi)]
    records = kg.records.by_id() if pairs and kg.records is not None else {}  # it spans every record: only for a warning
    return [_near(work_id, field, message, other, records, file) for work_id, file, (field, message, other) in pairs]


_WORKS = f"""SELECT ?work ?title ?year ?doi WHERE {{ GRAPH <{GRAPH["data"]}> {{
    {{ SELECT DISTINCT ?work WHERE {{ {{candidates}} }} }}
    ?work a <{DSKG.Work}> .
    OPTIONAL {{ ?work <{DCTERMS.title}> ?title }}
    OPTIONAL {{ ?work <{FABIO.hasPublicationYear}> ?year }}
    OPTIONAL {{ ?work <{BIBO.doi}> ?doi }}
}} }}"""
_YEAR = f"<{FABIO.hasPublicationYear}>"
_NEW_YEARS = f"SELECT ?year WHERE {{ GRAPH <{GRAPH['data']}> {{ VALUES ?work {{ NEW }} OPTIONAL {{ ?work {_YEAR} ?year }} }} }}"
_CANDIDATES = (
    "{ VALUES ?work { NEW } }",
    # a title and year: the works of a new work's year, their titles compared in Python; a year is one literal,
    # looked up as the new work writes it and as a year is written (an xsd:gYear: the shapes' rule), an integer or a string
    f"{{ VALUES ?year {{ YEARS }} ?work {_YEAR} ?year }}",
    f"{{ ?work a <{DSKG.Work}> FILTER NOT EXISTS {{ ?work {_YEAR} ?year }} }}",
    # a DOI: its key is a part of the DOI in lower case (doi_key takes a prefix and spaces off)
    f"{{ ?work <{BIBO.doi}> ?doi FILTER(DOIS) }}",
    # an id: the part of the IRI after the id namespace, without hyphens, underscores and case
    f'{{ ?work a <{DSKG.Work}> FILTER(REPLACE(LCASE(SUBSTR(STR(?work), {len(str(ID)) + 1})), "[-_]", "") IN (IDS)) }}',
)
_XSD = "http://www.w3.org/2001/XMLSchema#"


def _works(kg: KnowledgeGraph, new_ids: set[str], dois: set[str]) -> list[tuple[str, str, str, str]]:
    """(id, title, year, DOI) of the new works and of every work of the graph's data that may be near
    one (of its year, DOI or id key), '' for what it lacks: queries on the store itself, not every
    work of the graph (a folder may hold tens of thousands)."""
    names = " ".join(str(ox.NamedNode(str(ID[work_id]))) for work_id in sorted(new_ids))
    years = [r["year"] for r in kg.store.query(_NEW_YEARS.replace("NEW", names))]
    parts = [_CANDIDATES[0].replace("NEW", names), *_year_parts(years)]
    if dois:
        keys = [str(ox.Literal(doi_key(doi))) for doi in sorted(dois)]
        parts.append(_CANDIDATES[3].replace("DOIS", " || ".join(f"CONTAINS(LCASE(STR(?doi)), {key})" for key in keys)))
    parts.append(_CANDIDATES[4].replace("IDS", ", ".join(str(ox.Literal(id_key(work_id))) for work_id in sorted(new_ids))))
    query = _WORKS.replace("{candidates}", " UNION ".join(parts))
    return [(_value(r["work"])[len(str(ID)) :], _value(r["title"]), _value(r["year"]), _value(r["doi"])) for r in kg.store.query(query)]


def _year_parts(years: list) -> list[str]:
    """The candidates by year of new works whose years (None: none) are `years`."""
    parts = []
    given = {year for year in years if year is not None}
    if given:
        variants = set(given)
        for text in {year.value for year in given}:
            variants |= {ox.Literal(text, datatype=ox.NamedNode(_XSD + kind)) for kind in ("gYear", "integer", "string")}
        parts.append(_CANDIDATES[1].replace("YEARS", " ".join(map(str, variants))))
    if None in years:  # a new work without a year meets the others without one
        parts.append(_CANDIDATES[2])
    return parts


def _value(term) -> str:
    return term.value if term is not None else ""


class _Known:
    """The graph's works but the new ones, by id key, DOI key and (title key, year); the new ones' titles."""

    def __init__(self, rows: list[tuple[str, str, str, str]], new_ids: set[str]):
        self.by_id: dict[str, list[str]] = {}
        self.by_doi: dict[str, list[tuple[str, str]]] = {}
        self.by_title: dict[tuple[str, str], list[str]] = {}
        self.titles: dict[str, set[tuple[str, str]]] = {}
        works: dict[str, tuple[set[tuple[str, str]], set[str]]] = {}
        for work_id, title, year, doi in rows:
            keys, dois = works.setdefault(work_id, (set(), set()))
            if title_key(title):
                keys.add((title_key(title), year))
            if doi:
                dois.add(doi)
        for work_id, (keys, dois) in works.items():
            if work_id in new_ids:
                self.titles[work_id] = keys
                continue
            self.by_id.setdefault(id_key(work_id), []).append(work_id)
            for doi in sorted(dois):
                self.by_doi.setdefault(doi_key(doi), []).append((work_id, doi))
            for key in keys:
                self.by_title.setdefault(key, []).append(work_id)

    def near(self, work_id: str, doi: str | None) -> list[tuple[str, str, str]]:
        """(field, message, other work) for each work the new one is likely to be."""
        near = [("id", f"{work_id} is nearly the id of {other}", other) for other in self.by_id.get(id_key(work_id), [])]
        same_doi = self.by_doi.get(doi_key(doi), []) if doi else []
        near += [
            ("doi", f"DOI {doi} is {other}'s DOI {written} written otherwise", other)
            for other, written in same_doi
            if written.lower() != doi.lower()
        ]
        named = {other for *_, other in near} | {other for other, _ in same_doi}  # the same DOI in any case: a Violation already
        for title, year in sorted(self.titles.get(work_id, ())):
            for other in self.by_title.get((title, year), []):
                if other not in named:
                    near.append(("title", f"{work_id} has the title and year ({year}) of {other}", other))
                    named.add(other)
        return near


def _near(work_id: str, field: str, message: str, other: str, records: dict, file: EntryFile) -> Finding:
    where = getattr(records.get(other), "file", "") or "a Turtle entry"
    message = f"{message} (in {where}), perhaps the same work twice"
    fix = f"if it is the same work, drop this entry and write its claims in an entry for {other}; if not, ignore this warning"
    return Finding("Warning", work_id, "", field, "", f"{message}. Fix: {fix}", file.display, _work_line(file, work_id), "dskg:add")
