"""Turns typed records into RDF triples, checking on the way that they hold together (checks.py).

Every problem is reported with file, line, entity, field and fix. The terms are in terms.py, a
work's triples in works.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import Graph, Literal, URIRef

from . import sourcetext
from .checks import VERBATIM_LABEL_KINDS, Checks
from .errors import ProblemList
from .labels import LabelTriples
from .records import MATCH_RELATIONS, Case, Document, Entity, Link, Record, Records, Statistic, Theme, TradeFactor, Work
from .terms import (
    ACTOR_CLASS,
    BARRIER_CLASS,
    BOOLEANS,
    CASE_CLASS,
    CITO,
    DCTERMS,
    DOCUMENT_CLASS,
    DSKG,
    FOAF,
    LINKS,
    MATCHES,
    PROJECT,
    PROV,
    RDF,
    RDFS,
    SKOS,
    build_terms,
    date_literal,
    decimal_literal,
)
from .vocab import ID
from .works import WorkTriples

Triple = tuple[URIRef, URIRef, URIRef | Literal]

CHUNK = 50_000
DISPUTING = frozenset({"disputes", "refutes"})
"""Stances that argue against a link rather than for it."""
ARGUED = frozenset({DSKG.addresses, DSKG.buildsOn})
"""Links a work argues for or against; a claim disputing a record is still about it."""
"""Triples per chunk handed to `emit`: small, so loading starts early and little is left to load
once the last is made. Fewer, larger chunks load faster in all (each load costs more than its
share), but the loading thread has time to spare, so whole builds are faster with 50k-triple
chunks than with larger or growing ones (benchmarks/README.md)."""


def records_to_triples(
    records: Records, ontology: Graph, problems: ProblemList | None = None, emit: Callable[[list], None] | None = None
) -> list[Triple]:
    """The data triples of `records` (duplicates possible). Raises InvalidDataError listing every problem.

    `ontology` is consulted for the CiTO citation intents it declares; `problems` may already
    hold problems found earlier (e.g. in entry files), so one error lists them all. `emit`, when
    given, receives the triples in chunks as they are made (every one once, in order), so
    loading can start before the last is written; the error, if any, still comes at the end.
    """
    problems = problems if problems is not None else ProblemList()
    builder = Builder(records, ontology, problems, emit)
    builder.start()
    builder.build_records(records)
    triples = builder.finish()
    problems.raise_if_any()
    return triples


def stream_triples(
    records: Records, ontology: Graph, batches: Iterable[Records], emit: Callable[[list], None] | None = None
) -> list[Triple] | None:
    """records_to_triples of `records` and of every batch as it comes, so that triples reach
    `emit` (and the store) while later files are still being read. Each batch must already be
    in `records` when it is yielded. A reference to an id not read yet is taken as it stands and
    checked once all is read; on success the triples are exactly records_to_triples', in its
    order. None when anything did not check out (or needed a record read later, e.g. the work a
    quote is from): the caller then builds the whole with records_to_triples, for exactly its
    messages.
    """
    problems = ProblemList()
    builder = Builder(records, ontology, problems, emit)
    builder.checks.index.tentative = True
    builder.start()
    builder.build_works(records.works)
    for batch in batches:
        builder.checks.add_records(batch)
        builder.build_works(batch.works)
    # then every other kind, as records_to_triples makes them after all the works: the same
    # triples in the same order, whichever way a graph was built (no canned query's time depends
    # on the order today: at 1M, the paper's records first or last give the same times)
    builder.build_records(records, works=False)
    triples = builder.finish()
    return None if problems.items or not builder.checks.index.resolve() else triples


def turtle_marks(records: Records, graph: Graph) -> list[Triple]:
    """What a Turtle entry leaves to the loader: each quote of a node stated in a later work marked
    dskg:quoteChecked as a YAML entry's is (unless the entry marks it), and a Turtle work whose text
    ships (sources/<id>.txt) given its dskg:textFile, so SHACL checks the quotes against it. A work
    with a text_file of its own (the paper's kind) stays unmarked."""
    shipped = sourcetext.ShippedTexts(records.user_dir, records.data_dir)
    works = {w.id: w for w in records.works}
    own = {work for work, _ in graph.subject_objects(DSKG.textFile)}
    marks: list[Triple] = []
    # every work of the entry whose text ships names it (so SHACL checks its quotes and its licence)
    for work in sorted(set(graph.subjects(RDF.type, DSKG.Work)) - own):
        work_id = str(work).removeprefix(str(ID))
        if work_id not in works and shipped.path(work_id) is not None:
            marks.append((work, DSKG.textFile, Literal(sourcetext.shipped_name(work_id))))
    for node, work in graph.subject_objects(DSKG.statedIn):
        work_id = str(work).removeprefix(str(ID))
        rec = works.get(work_id)
        if (node, DSKG.quote, None) not in graph or (node, DSKG.quoteChecked, None) in graph or work in own or (rec and rec.text_file):
            continue
        marks.append((node, DSKG.quoteChecked, BOOLEANS[shipped.path(work_id) is not None]))
    return marks


class Builder(WorkTriples, LabelTriples):
    """Writes the triples of all records into a list, collecting problems on the way.

    A list, not an rdflib Graph: Graph.add indexes every triple, work thrown away since the
    triples go to Oxigraph as N-Triples anyway.
    """

    def __init__(self, records: Records, ontology: Graph, problems: ProblemList, emit: Callable[[list], None] | None = None):
        self.emit, self.chunk, self.emitted = emit, CHUNK, 0
        self.records = records
        self.ontology = ontology
        self.problems = problems
        self.checks = Checks(records, problems)
        self.triples: list[Triple] = []
        self.languages: set[URIRef] = set()
        self.persons: set[URIRef] = set()
        self.terms = build_terms()

    # -- triples ------------------------------------------------------------------------------
    def add(self, s: URIRef, p: URIRef, o) -> None:
        if o is not None:
            self.triples.append((s, p, o))

    def text(self, s: URIRef, p: URIRef, value: str | None, lang: str) -> None:
        if value:
            self.triples.append((s, p, self.terms.literal(value.strip(), lang)))

    def provenance(self, node: URIRef, source: str | None, section: str | None, quotes: Iterable[str]) -> None:
        if source:
            self.add(node, DSKG.statedIn, self.terms.iri(source))
            if section:
                self.add(node, DSKG.inSection, self.terms.section_iri(source, section))
        for quote in quotes:
            self.text(node, DSKG.quote, quote, self.quote_language(source))
        if quotes:
            self.quote_checked(node, source)

    def quote_checked(self, node: URIRef, source: str | None) -> None:
        """A later work's quotes are marked checked (its text ships) or not; the paper's carry no mark."""
        checked = self.checks.quote_checked(source)
        if checked is not None:
            self.add(node, DSKG.quoteChecked, BOOLEANS[checked])

    def quote_language(self, source: str | None) -> str:
        """Quotes are in the language of the work they are taken from (zh for the paper)."""
        work = self.checks.work_of(source)
        return (work.work_language if work is not None and work.work_language else None) or "zh"

    def entity(self, kind: str, rec: Entity, cls: URIRef) -> URIRef:
        node = self.terms.iri(rec.id)
        self.add(node, RDF.type, cls)
        self.text(node, RDFS.label, rec.label_zh, "zh")
        self.text(node, RDFS.label, rec.label_en, "en")
        for alt in rec.alt_labels_zh:
            self.text(node, SKOS.altLabel, alt, "zh")
        for alt in rec.alt_labels_en:
            self.text(node, SKOS.altLabel, alt, "en")
        self.text(node, DCTERMS.description, rec.description_en, "en")
        self.text(node, DCTERMS.description, rec.description_zh, "zh")
        self.checks.source_and_section(rec, rec.id, rec.source, rec.section)
        self.checks.verbatim(rec, rec.id, "quotes", rec.source, rec.quotes)
        if kind in VERBATIM_LABEL_KINDS and rec.label_zh_verbatim:
            self.checks.verbatim(rec, rec.id, "label_zh", rec.source, [rec.label_zh])
        if not rec.label_zh_verbatim:
            self.add(node, DSKG.labelVerbatim, Literal(False))
        self.label_origins(node, rec)
        self.provenance(node, rec.source, rec.section, rec.quotes)
        self.links(kind, rec, rec.id, rec.source, rec.links)
        if isinstance(rec, TradeFactor):
            self.matches(kind, rec)
        return node

    def links(self, kind: str, owner: Record, owner_id: str, source: str | None, links: list[Link]) -> None:
        for link in links:
            direct, cls, subject_kinds, target_kinds = LINKS[link.property]
            if kind not in subject_kinds:
                self.problems.add(
                    link.file,
                    link.line_of("property"),
                    owner_id,
                    "property",
                    f"a {kind[:-1]} cannot have a `{link.property}` link",
                    f"`{link.property}` goes from {' or '.join(k[:-1] for k in subject_kinds)}",
                )
                continue
            if not self.checks.reference(link, owner_id, "target", link.target, target_kinds):
                continue
            self.checks.verbatim(link, owner_id, "quotes", source, link.quotes)
            if source and link.section:
                self.checks.source_and_section(link, owner_id, source, link.section)
            self.link(owner_id, source, link, direct, cls)

    def link(self, owner_id: str, source: str | None, link: Link, direct: URIRef, cls: URIRef) -> None:
        """The direct triple and the qualified link with its basis, rationale and evidence. A work
        that disputes or refutes an addresses or builds-on link states no direct triple: `<cm>
        dskg:addresses <bar>` says that some work argues it, and the dispute lives on the qualified
        link alone."""
        subject, target = self.terms.iri(owner_id), self.terms.iri(link.target)
        node = self.terms.link_iri(source or "dskg-project", owner_id, link.property, link.target)
        if direct not in ARGUED or getattr(link, "stance", None) not in DISPUTING:
            self.add(subject, direct, target)
        self.add(node, RDF.type, cls)
        self.add(subject, DSKG.hasQualifiedLink, node)
        self.add(node, DSKG.linkSubject, subject)
        self.add(node, DSKG.linkTarget, target)
        self.add(node, DSKG.basis, DSKG[link.basis])
        self.text(node, DSKG.rationale, link.rationale_en, "en")
        if getattr(link, "stance", None):
            self.add(node, DSKG.stance, CITO[link.stance])
        if link.basis == "editorial":
            self.add(node, PROV.wasAttributedTo, PROJECT)
            if source and link.section:
                self.add(node, DSKG.inSection, self.terms.section_iri(source, link.section))
            for quote in link.quotes:
                self.text(node, DSKG.quote, quote, self.quote_language(source))
        else:
            self.provenance(node, source, link.section, link.quotes)

    def matches(self, kind: str, rec: TradeFactor) -> None:
        """Each SKOS match the record declares: the direct triple, and a dskg:ConceptMapping node
        (from the record to the one it matches, stated in the record's work) that says who asserts
        it, on what basis and why. Synthesis reads the direction from the node."""
        subject = self.terms.iri(rec.id)
        for match in rec.matches:
            relation = next(name for name in MATCH_RELATIONS if getattr(match, name) is not None)
            target_id = getattr(match, relation)
            if not self.checks.match_target(match, rec.id, relation, target_id, kind):
                continue
            prop, target = MATCHES[relation], self.terms.iri(target_id)
            node = self.terms.mapping_iri(rec.source or "dskg-project", rec.id, relation, target_id)
            self.add(subject, prop, target)
            self.add(node, RDF.type, DSKG.ConceptMapping)
            self.add(subject, DSKG.hasConceptMapping, node)
            self.add(node, DSKG.linkSubject, subject)
            self.add(node, DSKG.linkTarget, target)
            self.add(node, DSKG.mappingRelation, prop)
            self.add(node, DSKG.basis, DSKG[match.basis])
            self.text(node, DSKG.rationale, match.rationale_en, "en")
            self.provenance(node, rec.source, None, [])
            self.add(node, PROV.wasAttributedTo, self.person(match.asserted_by) if match.asserted_by else PROJECT)

    def person(self, name: str) -> URIRef:
        """The agent a person named only by name is (who asserts a mapping), described once."""
        node = self.terms.person_iri(name)
        if node not in self.persons:
            self.persons.add(node)
            self.add(node, RDF.type, FOAF.Person)
            self.add(node, RDF.type, PROV.Agent)
            self.add(node, FOAF.name, self.terms.literal(name.strip()))
        return node

    # -- the build, kind by kind --------------------------------------------------------------
    def start(self) -> None:
        self.add(PROJECT, RDF.type, PROV.Agent)
        self.add(PROJECT, RDF.type, FOAF.Project)
        self.text(PROJECT, RDFS.label, "dskg project", "en")
        self.text(PROJECT, RDFS.label, "dskg 项目", "zh")

    def build_works(self, works: list[Work]) -> None:
        for work in works:
            self.work(work)
            self.emit_full_chunk()

    def emit_full_chunk(self) -> None:
        if self.emit is not None and len(self.triples) - self.emitted >= self.chunk:
            self.emit(self.triples[self.emitted :])
            self.emitted = len(self.triples)

    def build_records(self, records: Records, works: bool = True) -> None:
        if works:
            self.build_works(records.works)
        for rec in records.advantages:
            self.entity("advantages", rec, DSKG.Advantage)
        for rec in records.barriers:
            node = self.entity("barriers", rec, BARRIER_CLASS[rec.level])
            self.add(node, DSKG.level, Literal(rec.level))
        for rec in records.countermeasures:
            self.entity("countermeasures", rec, DSKG.Countermeasure)
        for rec in records.problems:
            self.entity("problems", rec, DSKG.Problem)
        for rec in records.themes:
            self.theme(rec)
        for rec in records.sectors:
            node = self.entity("sectors", rec, DSKG.ServiceSector)
            self.concept(node, rec, self.terms.iri("sectors"))
            if self.checks.reference(rec, rec.id, "broader", rec.broader, ("sectors",)):
                self.add(node, SKOS.broader, self.terms.iri(rec.broader))
        for scheme in records.schemes:
            node = self.terms.iri(scheme.id)
            self.add(node, RDF.type, SKOS.ConceptScheme)
            self.text(node, RDFS.label, scheme.label_zh, "zh")
            self.text(node, RDFS.label, scheme.label_en, "en")
            self.text(node, SKOS.prefLabel, scheme.label_zh, "zh")
            self.text(node, SKOS.prefLabel, scheme.label_en, "en")
            self.text(node, DCTERMS.description, scheme.description_en, "en")
        for rec in records.areas:
            node = self.entity("areas", rec, DSKG.DSTRIArea)
            self.concept(node, rec, self.terms.iri("dstri"))
            self.add(self.terms.iri("dstri"), SKOS.hasTopConcept, node)
        for rec in records.actors:
            self.entity("actors", rec, ACTOR_CLASS[rec.kind])
        for rec in records.documents:
            self.document(rec)
        for rec in records.cases:
            self.case(rec)
        for rec in records.statistics:
            self.statistic(rec)
        self.emit_full_chunk()

    def finish(self) -> list[Triple]:
        if self.records.sectors:
            sectors = self.terms.iri("sectors")
            self.add(sectors, RDF.type, SKOS.ConceptScheme)
            self.text(sectors, RDFS.label, "Service sectors", "en")
            self.text(sectors, RDFS.label, "服务领域", "zh")
        if self.emit is not None and len(self.triples) > self.emitted:
            self.emit(self.triples[self.emitted :])
        return self.triples

    def concept(self, node: URIRef, rec: Entity, scheme: URIRef) -> None:
        self.add(node, SKOS.inScheme, scheme)
        self.text(node, SKOS.prefLabel, rec.label_zh, "zh")
        self.text(node, SKOS.prefLabel, rec.label_en, "en")

    def theme(self, rec: Theme) -> None:
        node = self.entity("themes", rec, DSKG.Theme)
        scheme = self.terms.iri(f"{rec.source}/themes")
        self.concept(node, rec, scheme)
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.add(scheme, SKOS.hasTopConcept, node)
        self.text(scheme, RDFS.label, f"Literature-review themes of {rec.source}", "en")
        self.text(scheme, RDFS.label, f"{rec.source} 文献综述主题", "zh")
        self.text(node, SKOS.definition, rec.definition_zh, "zh")
        self.text(node, SKOS.definition, rec.definition_en, "en")
        self.text(node, DSKG.critique, rec.critique_zh, "zh")
        self.text(node, DSKG.critique, rec.critique_en, "en")
        if rec.number is not None:
            self.add(node, DSKG.themeNumber, Literal(rec.number))
        self.checks.verbatim(rec, rec.id, "definition_zh", rec.source, [rec.definition_zh or ""])
        self.checks.verbatim(rec, rec.id, "critique_zh", rec.source, [rec.critique_zh or ""])

    def document(self, rec: Document) -> None:
        node = self.entity("documents", rec, DOCUMENT_CLASS[rec.kind])
        self.text(node, DCTERMS.title, rec.title_zh, "zh")
        self.text(node, DCTERMS.title, rec.title_en, "en")
        if rec.title_zh:
            self.checks.verbatim(rec, rec.id, "title_zh", rec.source, [rec.title_zh])
        if rec.date is not None:
            self.add(node, DCTERMS.date, date_literal(rec.date))
        self.text(node, DSKG.dateText, rec.date_text, "zh")
        self.checks.verbatim(rec, rec.id, "date_text", rec.source, [rec.date_text or ""])
        if self.checks.reference(rec, rec.id, "issuer", rec.issuer, ("actors",)):
            self.add(node, DSKG.issuedBy, self.terms.iri(rec.issuer))

    def case(self, rec: Case) -> None:
        node = self.entity("cases", rec, CASE_CLASS[rec.kind])
        if rec.date is not None:
            self.add(node, DCTERMS.date, date_literal(rec.date))
        self.text(node, DSKG.dateText, rec.date_text, "zh")
        self.checks.verbatim(rec, rec.id, "date_text", rec.source, [rec.date_text or ""])
        for actor in rec.actors:
            if self.checks.reference(rec, rec.id, "actors", actor, ("actors", "cases")):
                self.add(node, DSKG.involves, self.terms.iri(actor))
        if self.checks.reference(rec, rec.id, "part_of", rec.part_of, ("cases",)):
            self.add(node, DSKG.partOf, self.terms.iri(rec.part_of))

    def statistic(self, rec: Statistic) -> None:
        node = self.terms.iri(rec.id)
        self.add(node, RDF.type, DSKG.Statistic)
        self.text(node, RDFS.label, f"{rec.measure_zh}：{rec.value_text}", "zh")
        self.text(node, RDFS.label, rec.measure_en, "en")
        self.text(node, DSKG.measure, rec.measure_zh, "zh")
        self.text(node, DSKG.measure, rec.measure_en, "en")
        self.add(node, DSKG.value, decimal_literal(rec.value))
        self.text(node, DSKG.valueText, rec.value_text, "zh")
        self.add(node, DSKG.comparator, Literal(rec.comparator))
        self.add(node, DSKG.unit, Literal(rec.unit))
        self.add(node, DSKG.magnitude, decimal_literal(rec.magnitude))
        for prop, value in ((DSKG.currency, rec.currency), (DSKG.period, rec.period), (DSKG.flow, rec.flow)):
            if value:
                self.add(node, prop, Literal(value))
        self.text(node, DCTERMS.description, rec.description_en, "en")
        self.text(node, DSKG.sourceText, rec.source_text_zh, "zh")
        for field, prop, target, kinds in (
            ("scope", DSKG.scope, rec.scope, ("actors",)),
            ("sector", DSKG.sector, rec.sector, ("sectors",)),
            ("statistic_source", DSKG.statisticSource, rec.statistic_source, ("documents", "works")),
        ):
            if self.checks.reference(rec, rec.id, field, target, kinds):
                self.add(node, prop, self.terms.iri(target))
        self.checks.source_and_section(rec, rec.id, rec.source, rec.section)
        self.checks.verbatim(rec, rec.id, "quotes", rec.source, rec.quotes)
        for field in ("value_text", "source_text_zh"):
            self.checks.verbatim(rec, rec.id, field, rec.source, [getattr(rec, field) or ""])
        self.provenance(node, rec.source, rec.section, rec.quotes)
        self.links("statistics", rec, rec.id, rec.source, rec.links)
