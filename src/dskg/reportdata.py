"""What the report and the argument map show, read from the graph into plain values.

Every label, quote and number here comes from the graph (asserted + inferred triples) through
SPARQL: the canned queries where one answers the question, and the queries below for what only
the report asks (an entity's definition and quotes, the qualified links with their rationale,
the claims of each work, the completeness counts; the ontology's terms and header come from
`reportontology`). Every list comes in an order of ids or sections, never the store's, so the same
graph gives the same report from any store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import reportontology
from .errors import UsageError
from .graph import KnowledgeGraph
from .queries import rows, run_query, run_sparql
from .reportontology import Ontology, Term
from .vocab import GRAPH

PREFIXES = """
PREFIX dskg: <https://w3id.org/dskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX fabio: <http://purl.org/spar/fabio/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
ID = "https://w3id.org/dskg/id/"
KINDS = {"Advantage": "advantage", "Barrier": "barrier", "Countermeasure": "countermeasure"}
LANGS = ("zh", "en")


def check_lang(lang: str) -> None:
    """The report and the argument map are written in zh or en; library callers get a UsageError for anything else."""
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; use zh or en")


@dataclass
class Text:
    """A text in both languages (either may be missing)."""

    zh: str | None = None
    en: str | None = None

    def get(self, lang: str) -> str | None:
        return self.zh if lang == "zh" else self.en

    def other(self, lang: str) -> str | None:
        return self.en if lang == "zh" else self.zh


@dataclass
class Entity:
    """An advantage, barrier or countermeasure."""

    id: str
    kind: str
    label: Text
    alt: dict[str, list[str]] = field(default_factory=dict)
    description: Text = field(default_factory=Text)
    level: str | None = None
    section: str | None = None
    quotes: list[str] = field(default_factory=list)
    works: list[str] = field(default_factory=list)  # ids of the works whose claims are about it
    label_zh_translated: bool = False  # the zh label is this project's translation, not a source's words
    quote_lang: str = "zh"
    quote_checked: bool = True  # False: the entry's work ships no text, so its quotes were kept unchecked


@dataclass
class Link:
    """A qualified link: a countermeasure addresses a barrier, or builds on an advantage."""

    kind: str  # "addresses" or "builds-on"
    subject: str
    target: str
    basis: str
    quotes: list[str]
    rationale: Text
    section: str | None
    source: str | None
    verified: bool  # its quotes were checked against the source work's shipped text
    stance: str | None = None  # a CiTO stance (supports, disputes...), as entries state it
    page: str | None = None
    quote_checked: bool = True  # False: the work ships no text, so its quote was kept unchecked
    quote_lang: str = "zh"
    shared: bool = False  # another work states the same link too, so the anchor names this link's work

    @property
    def anchor(self) -> str:
        return f"{self.subject}--{self.kind}--{self.target}" + (f"--{self.source}" if self.shared else "")


@dataclass
class Claim:
    id: str
    work: str
    text: Text
    about: list[str]
    stance: str | None
    section: str | None


@dataclass
class Work:
    id: str
    ref_number: int | None
    authors: str
    year: int | None
    language: str | None
    title: Text
    types: list[str]
    venue: Text
    volume: str | None
    issue: str | None
    pages: str | None
    doi: str | None
    url: str | None
    known_only_by_citation: bool
    is_source: bool
    claims: list[Claim] = field(default_factory=list)


@dataclass
class Completeness:
    labelled: tuple[int, int]  # records with both zh and en labels, of all labelled records
    missing_labels: list[tuple[str, str]]  # (id, the language missing)
    verified_links: tuple[int, int]  # qualified links whose quotes were checked, of all with quotes
    unverified_links: list[str]
    uncovered: list[str]  # barrier ids no countermeasure addresses
    no_explicit: list[str]  # barrier ids no countermeasure addresses explicitly
    untitled_works: list[str]
    works: int


@dataclass
class SiteData:
    """Everything the report shows, read once from the graph."""

    entities: dict[str, Entity]
    links: list[Link]
    works: dict[str, Work]
    statistics: list[dict[str, Any]]
    trade_balance: list[dict[str, Any]]
    evidence: dict[str, list[dict[str, Any]]]
    labels: dict[str, Text]  # every record's labels, for naming cases, documents, sectors...
    completeness: Completeness
    terms: list[Term]
    ontology: Ontology

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]

    @property
    def barriers(self) -> list[Entity]:
        """Domestic first, then international; by section (records an entry introduces, with none, last) and id within a level."""
        order = {"domestic": 0, "international": 1}
        found = self.of_kind("barrier")
        return sorted(found, key=lambda e: (order.get(e.level or "", 2), e.level or "", e.section is None, e.section or "", e.id))

    def ordered(self, kind: str) -> list[Entity]:
        """Barriers as `barriers`; the others by section (records with none last, as entries introduce them) and id."""
        found = self.of_kind(kind)
        return self.barriers if kind == "barrier" else sorted(found, key=lambda e: (e.section is None, e.section or "", e.id))

    def link(self, subject: str, kind: str, target: str) -> Link | None:
        return next((x for x in self.links if (x.subject, x.kind, x.target) == (subject, kind, target)), None)


def _id(value: Any) -> str | None:
    return str(value)[len(ID):] if value is not None and str(value).startswith(ID) else (None if value is None else str(value))


def _select(kg: KnowledgeGraph, query: str) -> list[dict[str, Any]]:
    return rows(run_sparql(PREFIXES + query, kg))


def _texts(kg: KnowledgeGraph, prop: str) -> dict[str, Text]:
    """Subject id -> its `prop` in zh and en."""
    out: dict[str, Text] = defaultdict(Text)
    result = run_sparql(PREFIXES + f"SELECT ?s ?o WHERE {{ ?s {prop} ?o . FILTER(LANG(?o) IN ('zh', 'en')) }}", kg)
    for s, o in result:
        key = _id(s)
        text = out[key]
        if o.language == "zh" and text.zh is None:
            text.zh = str(o)
        elif o.language == "en" and text.en is None:
            text.en = str(o)
    return dict(out)


def _entities(kg: KnowledgeGraph, labels: dict[str, Text]) -> dict[str, Entity]:
    found = _select(kg, """
        SELECT ?e ?class ?level ?section WHERE {
          VALUES ?class { dskg:Advantage dskg:Barrier dskg:Countermeasure }
          ?e a ?class .
          OPTIONAL { ?e dskg:level ?level }
          OPTIONAL { ?e dskg:inSection/dskg:sectionNumber ?section }
        } ORDER BY ?e""")
    descriptions = _texts(kg, "dcterms:description")
    entities: dict[str, Entity] = {}
    for r in found:
        eid = _id(r["e"])
        entities[eid] = Entity(eid, KINDS[str(r["class"]).rsplit("#", 1)[-1]], labels.get(eid, Text()),
                               description=descriptions.get(eid, Text()), level=r["level"], section=r["section"])
    result = run_sparql(PREFIXES + """
        SELECT ?e ?alt WHERE { VALUES ?class { dskg:Advantage dskg:Barrier dskg:Countermeasure } ?e a ?class ; skos:altLabel ?alt }
        ORDER BY ?e ?alt""", kg)
    for e, alt in result:
        entities[_id(e)].alt.setdefault(alt.language or "", []).append(str(alt))
    for e, quote in run_sparql(PREFIXES + """
        SELECT ?e ?quote WHERE { VALUES ?class { dskg:Advantage dskg:Barrier dskg:Countermeasure } ?e a ?class ; dskg:quote ?quote }
        ORDER BY ?e ?quote""", kg):
        entities[_id(e)].quotes.append(str(quote))
        entities[_id(e)].quote_lang = quote.language or "zh"  # an entry's records quote its work, in its language
    for r in _select(kg, """
        SELECT DISTINCT ?e ?work WHERE {
          VALUES ?class { dskg:Advantage dskg:Barrier dskg:Countermeasure } ?e a ?class .
          ?claim a dskg:Claim ; dskg:isAbout ?e ; dskg:claimOf ?work .
        } ORDER BY ?e ?work"""):
        entities[_id(r["e"])].works.append(_id(r["work"]))
    for r in _select(kg, """
        SELECT ?e ?mark WHERE { VALUES ?class { dskg:Advantage dskg:Barrier dskg:Countermeasure }
          VALUES ?mark { dskg:labelVerbatim dskg:quoteChecked } ?e a ?class ; ?mark false }"""):
        if str(r["mark"]).endswith("#labelVerbatim"):
            entities[_id(r["e"])].label_zh_translated = True
        else:
            entities[_id(r["e"])].quote_checked = False
    return entities


def _links(kg: KnowledgeGraph) -> list[Link]:
    found = _select(kg, """
        SELECT ?link ?class ?s ?t ?basis ?section ?source ?text ?stance ?page ?checked WHERE {
          VALUES ?class { dskg:Addressing dskg:BuildingOn }
          ?link a ?class ; dskg:linkSubject ?s ; dskg:linkTarget ?t ; dskg:basis ?basis .
          OPTIONAL { ?link dskg:inSection/dskg:sectionNumber ?section }
          OPTIONAL { ?link dskg:stance ?stance } OPTIONAL { ?link dskg:page ?page } OPTIONAL { ?link dskg:quoteChecked ?checked }
          OPTIONAL { ?link dskg:statedIn ?source }
          OPTIONAL { ?link (dskg:statedIn|dskg:inSection/dskg:sectionOf)/dskg:textFile ?text }
        } ORDER BY ?s ?t ?link""")
    quotes: dict[str, list[str]] = defaultdict(list)
    langs: dict[str, str] = {}
    query = "SELECT ?link ?q WHERE { VALUES ?class { dskg:Addressing dskg:BuildingOn } ?link a ?class ; dskg:quote ?q } ORDER BY ?link ?q"
    result = run_sparql(PREFIXES + query, kg)
    for link, q in result:
        quotes[str(link)].append(str(q))
        langs[str(link)] = q.language or "zh"
    rationale = _texts(kg, "dskg:rationale")
    links = []
    for r in found:
        key = str(r["link"])
        kind = "addresses" if str(r["class"]).endswith("Addressing") else "builds-on"
        links.append(Link(kind, _id(r["s"]), _id(r["t"]), str(r["basis"]).rsplit("#", 1)[-1], quotes[key],
                          rationale.get(_id(key), Text()), r["section"], _id(r["source"]),
                          bool(quotes[key]) and r["text"] is not None, _local(r["stance"]), r["page"],
                          r["checked"] is not False, langs.get(key, "zh")))
    return links


def _local(iri: Any) -> str | None:
    """The last part of a term's IRI (cito:disputes -> disputes; skos:closeMatch -> closeMatch)."""
    return str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri is not None else None


def read_works(kg: KnowledgeGraph) -> dict[str, Work]:
    """The works the literature query lists and the paper's own sources, with their claims."""
    listed = {r["id"] for r in rows(run_query("literature", kg))}
    details = _select(kg, """
        SELECT ?w ?authors ?year ?lang ?ref ?volume ?issue ?pages ?doi ?url ?known ?text
               (GROUP_CONCAT(DISTINCT STRAFTER(STR(?type), "http://purl.org/spar/fabio/"); separator=" ") AS ?types) WHERE {
          ?w a dskg:Work .
          OPTIONAL { ?w dskg:authorsText ?authors }
          OPTIONAL { ?w fabio:hasPublicationYear ?year }
          OPTIONAL { ?w dskg:citationLanguage ?citation_lang }
          OPTIONAL { ?w dcterms:language ?language_iri . BIND(REPLACE(STR(?language_iri), "^.*/", "") AS ?work_lang) }
          BIND(COALESCE(?citation_lang, ?work_lang) AS ?lang)
          OPTIONAL { ?w dskg:refNumber ?ref }
          OPTIONAL { ?w bibo:volume ?volume } OPTIONAL { ?w bibo:issue ?issue } OPTIONAL { ?w dskg:pages|bibo:pages ?pages }
          OPTIONAL { ?w bibo:doi ?doi } OPTIONAL { ?w foaf:page ?url }
          OPTIONAL { ?w dskg:knownOnlyByCitation ?known } OPTIONAL { ?w dskg:textFile ?text }
          OPTIONAL { ?w a ?type . FILTER(STRSTARTS(STR(?type), "http://purl.org/spar/fabio/") && ?type != fabio:Work) }
        } GROUP BY ?w ?authors ?year ?lang ?ref ?volume ?issue ?pages ?doi ?url ?known ?text ORDER BY ?w""")
    titles = _texts(kg, "dcterms:title")
    venues = _venues(kg, {_id(r["w"]): r["lang"] for r in details})
    works: dict[str, Work] = {}
    for r in details:
        wid = _id(r["w"])
        if wid in listed or r["text"] is not None:
            works[wid] = _work(wid, r, titles.get(wid, Text()), venues.get(wid, Text()))
    _attach_claims(kg, works)
    return works


def _venues(kg: KnowledgeGraph, languages: dict[str, str | None]) -> dict[str, Text]:
    """Work id -> its journal title in zh and en; a plain venue counts in the work's language where there is none."""
    venues = _texts(kg, "dskg:journalTitle")
    plain = {_id(r["w"]): r["v"] for r in _select(kg, "SELECT ?w ?v WHERE { ?w a dskg:Work ; dskg:venue ?v }")}
    for wid, name in plain.items():
        venue = venues.get(wid, Text())
        if not (venue.zh or venue.en):
            venues[wid] = Text(zh=name) if languages.get(wid) == "zh" else Text(en=name)
    return venues


def _work(wid: str, r: dict[str, Any], title: Text, venue: Text) -> Work:
    """A Work from one row of the details query; a work with a shipped text file is one of the paper's sources."""
    year = int(str(r["year"])[:4]) if r["year"] is not None else None
    types = sorted((r["types"] or "").split())  # GROUP_CONCAT's order is the store's: sorted, a work of two types cites the same way
    return Work(wid, r["ref"], r["authors"] or "", year, r["lang"], title, types, venue, r["volume"], r["issue"],
                r["pages"], r["doi"], r["url"], bool(r["known"]), r["text"] is not None)


def _attach_claims(kg: KnowledgeGraph, works: dict[str, Work]) -> None:
    """Each claim goes to its work's `claims`, in claim id order (claims of works not shown are left out)."""
    claims = _select(kg, """
        SELECT ?c ?w ?stance ?section (GROUP_CONCAT(DISTINCT STR(?about); separator=" ") AS ?abouts) WHERE {
          ?c a dskg:Claim ; dskg:claimOf ?w .
          OPTIONAL { ?c dskg:isAbout ?about }
          OPTIONAL { ?c dskg:stance ?stance }
          OPTIONAL { ?c dskg:inSection/dskg:sectionNumber ?section }
        } GROUP BY ?c ?w ?stance ?section ORDER BY ?c""")
    texts = _texts(kg, "dskg:claimText")
    for r in claims:
        wid = _id(r["w"])
        if wid in works:
            about = sorted(_id(a) for a in (r["abouts"] or "").split())  # GROUP_CONCAT joins them in the store's order
            stance = str(r["stance"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1] if r["stance"] else None
            works[wid].claims.append(Claim(_id(r["c"]), wid, texts.get(_id(r["c"]), Text()), about, stance, r["section"]))


def _completeness(
    kg: KnowledgeGraph, labels: dict[str, Text], entities: dict[str, Entity], links: list[Link], works: dict[str, Work]
) -> Completeness:
    ids, missing = _missing_labels(kg, labels)
    quoted, unverified = _unverified_links(kg)
    cited = [w for w in works.values() if not w.is_source]
    return Completeness(
        labelled=(len(ids) - len({i for i, _ in missing}), len(ids)),
        missing_labels=missing,
        verified_links=(quoted - len(unverified), quoted),
        unverified_links=unverified,
        uncovered=_unaddressed_barriers(entities, links),
        no_explicit=_unaddressed_barriers(entities, links, basis="explicit"),
        untitled_works=sorted(w.id for w in cited if not (w.title.zh or w.title.en)),
        works=len(cited),
    )


def _missing_labels(kg: KnowledgeGraph, labels: dict[str, Text]) -> tuple[list[str], list[tuple[str, str]]]:
    """The ids of the data's labelled records, and (id, language) for each label one of them lacks."""
    labelled = _select(kg, f"""
        SELECT DISTINCT ?s WHERE {{ GRAPH <{GRAPH.data}> {{ ?s rdfs:label ?l }} FILTER(STRSTARTS(STR(?s), "{ID}")) }}""")
    ids = sorted(_id(r["s"]) for r in labelled)
    return ids, [(i, lang) for i in ids for lang in ("zh", "en") if not labels.get(i, Text()).get(lang)]


def _unverified_links(kg: KnowledgeGraph) -> tuple[int, list[str]]:
    """How many qualified links carry quotes, and those whose quotes no shipped source text backs."""
    quoted = _select(kg, """
        SELECT ?link (SAMPLE(?text) AS ?file) WHERE {
          ?link a dskg:QualifiedLink ; dskg:quote ?q .
          OPTIONAL { ?link (dskg:statedIn|dskg:inSection/dskg:sectionOf)/dskg:textFile ?text }
        } GROUP BY ?link ORDER BY ?link""")
    return len(quoted), [_id(r["link"]) for r in quoted if r["file"] is None]


def _unaddressed_barriers(entities: dict[str, Entity], links: list[Link], basis: str | None = None) -> list[str]:
    """Barrier ids, sorted, that no countermeasure addresses (on that `basis`, when one is given)."""
    covered = {x.target for x in links if x.kind == "addresses" and basis in (None, x.basis)}
    return sorted(e.id for e in entities.values() if e.kind == "barrier" and e.id not in covered)


def collect(kg: KnowledgeGraph) -> SiteData:
    """Read everything the report shows from the graph."""
    rdfs_labels = _texts(kg, "rdfs:label")
    labels = {key: Text(text.zh, text.en) for key, text in rdfs_labels.items()}
    for key, text in _texts(kg, "dcterms:title").items():  # documents and works named by title
        merged = labels.setdefault(key, Text())
        merged.zh, merged.en = merged.zh or text.zh, merged.en or text.en
    entities = _entities(kg, labels)
    links = _links(kg)
    works = read_works(kg)
    stated = Counter((x.subject, x.kind, x.target) for x in links)
    for x in links:  # the paper's link keeps the plain anchor the map's edges and older links point to
        x.shared = stated[(x.subject, x.kind, x.target)] > 1 and not (x.source in works and works[x.source].is_source)
    evidence = {eid: rows(run_query("evidence-for", kg, {"entity": eid})) for eid in entities}
    terms, ontology = reportontology.collect(kg, lambda graph, prop: defaultdict(Text, _texts(graph, prop)))
    return SiteData(
        entities=entities,
        links=links,
        works=works,
        statistics=rows(run_query("statistics", kg)),
        trade_balance=rows(run_query("trade-balance", kg)),
        evidence=evidence,
        labels=labels,
        completeness=_completeness(kg, rdfs_labels, entities, links, works),
        terms=terms,
        ontology=ontology,
    )
