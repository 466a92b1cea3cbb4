"""Turns typed records into RDF triples, after checking that they hold together.

Checks: ids unique across all files, every reference points at a record of the right kind,
every section exists in its source, every quote and verbatim label is found in the source's
shipped text. Every problem is reported with file, line, entity, field and fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from . import sourcetext
from .errors import InvalidDataError, Problem, ProblemList
from .records import (
    Case,
    Claim,
    Document,
    Entity,
    Link,
    Record,
    Records,
    Statistic,
    Theme,
    Work,
)
from .vocab import BIBO, CITO, DSKG, FABIO, ID

PROJECT = ID["dskg-project"]
"""The agent behind editorial links (this project's own mappings)."""

PREFIXES = {
    "dskg": DSKG._NS,
    "id": ID,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "foaf": FOAF,
    "cito": CITO,
    "fabio": FABIO,
    "bibo": BIBO,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
}

class _Terms:
    """A namespace whose terms are made once, then read as plain attributes: rdflib makes (and,
    for RDF, RDFS, OWL..., checks) a new URIRef on every access, and the loader asks for a few
    million. The same objects also let dict lookups by term skip __eq__."""

    def __init__(self, namespace: Any):
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term


# below, the loader's own names for the namespaces (PREFIXES above keeps rdflib's)
OWL, RDF, RDFS, SKOS, XSD, DCTERMS, FOAF, PROV, BIBO, CITO, DSKG, FABIO = (
    _Terms(ns) for ns in (OWL, RDF, RDFS, SKOS, XSD, DCTERMS, FOAF, PROV, BIBO, CITO, DSKG, FABIO)
)

LINKS: dict[str, tuple[URIRef, URIRef, tuple[str, ...], tuple[str, ...]]] = {
    # yaml name: (direct property, qualified class, subject kinds, target kinds)
    "addresses": (DSKG.addresses, DSKG.Addressing, ("countermeasures",), ("barriers",)),
    "builds-on": (DSKG.buildsOn, DSKG.BuildingOn, ("countermeasures",), ("advantages",)),
    "illustrates": (
        DSKG.illustrates,
        DSKG.Illustration,
        ("cases", "documents", "statistics"),
        ("advantages", "barriers", "countermeasures"),
    ),
    "evidences": (DSKG.evidences, DSKG.Evidencing, ("statistics", "cases", "documents"), ("advantages", "barriers", "countermeasures")),
    "is-about": (DSKG.isAbout, DSKG.Aboutness, ("claims",), ("advantages", "barriers", "countermeasures", "sectors", "themes", "areas")),
    "falls-under": (DSKG.fallsUnder, DSKG.AreaMapping, ("barriers",), ("areas",)),
}

BARRIER_CLASS = {"domestic": DSKG.DomesticBarrier, "international": DSKG.InternationalBarrier}
ACTOR_CLASS = {
    "country": DSKG.Country,
    "region": DSKG.Region,
    "country-group": DSKG.CountryGroup,
    "organisation": DSKG.Organisation,
    "person": DSKG.Person,
}
DOCUMENT_CLASS = {
    "law": DSKG.Law,
    "plan": DSKG.Plan,
    "report": DSKG.Report,
    "executive-action": DSKG.ExecutiveAction,
    "speech": DSKG.Speech,
    "policy-document": DSKG.PolicyDocument,
    "statistical-release": DSKG.StatisticalRelease,
}
WORK_CLASS = {
    "article": FABIO.JournalArticle,
    "journal-article": FABIO.JournalArticle,
    "book": FABIO.Book,
    "chapter": FABIO.BookChapter,
    "report": FABIO.ReportDocument,
    "thesis": FABIO.Thesis,
    "conference-paper": FABIO.ConferencePaper,
    "webpage": FABIO.WebContent,
    "dataset": FABIO.DataFile,
}
"""FaBiO's Expression classes: a dskg:Work is a fabio:Expression (see ontology/dskg.ttl), and FRBR
declares Expressions disjoint from Works and Manifestations (fabio:WebPage is a Manifestation)."""
CASE_CLASS = {"company": DSKG.Company, "product": DSKG.Product, "event": DSKG.Event}
VERBATIM_LABEL_KINDS = ("advantages", "barriers", "countermeasures", "cases", "documents", "actors", "sectors", "areas")


_ID = str(ID)


def _uri(text: str) -> URIRef:
    """URIRef(text) without its check, which only logs: to_ntriples refuses a bad IRI, naming it."""
    return str.__new__(URIRef, text)


def iri(record_id: str) -> URIRef:
    return _uri(_ID + record_id)  # what ID[record_id] gives, without Namespace's lookup


def section_iri(work_id: str, number: str) -> URIRef:
    return _uri(f"{_ID}{work_id}/section/{number}")


def link_iri(source: str, subject: str, prop: str, target: str) -> URIRef:
    return _uri(f"{_ID}link/{source}/{subject}/{prop}/{target}")


LANGUAGE_SCHEMES = {2: "http://id.loc.gov/vocabulary/iso639-1/", 3: "http://id.loc.gov/vocabulary/iso639-2/"}
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(-[A-Za-z0-9]+)*")


def language_iri(tag: str) -> URIRef | None:
    """The language of a BCP 47 tag as an IRI, the value DCMI wants for dcterms:language (a
    dcterms:LinguisticSystem, not a string): the Library of Congress's ISO 639-1 IRI for a
    two-letter code, ISO 639-2 for a three-letter one; subtags (zh-Hans) name no other language.
    None for what is not such a tag."""
    match = _LANGUAGE_TAG.fullmatch(tag)
    return _uri(LANGUAGE_SCHEMES[len(match[1])] + match[1]) if match else None


_CHECKED_TAGS: set[str | None] = {None}


def string_literal(text: Any, lang: str | None = None) -> Literal:
    """`Literal(text, lang=lang)`, made directly for a str: rdflib's constructor casts, normalises
    and checks the tag on every call (a million literals at 1M triples), though for a
    plain string the lexical form and value are the text itself. Each tag is checked once."""
    if type(text) is not str:
        return Literal(text, lang=lang)
    if lang not in _CHECKED_TAGS:
        Literal("", lang=lang)  # raises ValueError for an invalid tag, as rdflib would
        _CHECKED_TAGS.add(lang)
    literal = str.__new__(Literal, text)
    literal._language, literal._datatype, literal._value, literal._ill_typed = lang, None, text, None
    return literal


_BOOLEANS = {True: Literal(True), False: Literal(False)}


def _date_literal(value: dt.date | str) -> Literal:
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if value.startswith("--"):
        return Literal(value, datatype=XSD.gMonthDay)
    return Literal(value, datatype={4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(value)])


def _decimal(value: float | int | str) -> Literal:
    """An xsd:decimal in canonical form ("14.0", "3710.78"), as every RDF writer prints it back."""
    text = format(Decimal(str(value)), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


class _Index:
    """Every id of the data with the kind and record that owns it, for reference checks."""

    def __init__(self, records: Records, problems: ProblemList):
        self.kind: dict[str, str] = {}
        self.record: dict[str, Record] = {}
        self.problems = problems
        self.tentative = False
        """Records may still come (see stream_triples): an unknown id passes for now and is
        checked again in `resolve`; whatever needs the unknown record sets `unresolved`."""
        self.unresolved = False
        self.deferred: list[tuple[str, tuple[str, ...]]] = []
        self.add_records(records)

    def add_records(self, records: Records) -> None:
        for kind, items in records.by_kind.items():
            for rec in items:
                self._add(rec.id, kind, rec)
                if isinstance(rec, Work):
                    for claim in rec.claims:
                        self._add(claim.id, "claims", claim)
        for scheme in records.schemes:
            self._add(scheme.id, "schemes", scheme)

    def _add(self, rid: str, kind: str, rec: Record) -> None:
        if rid in self.record:
            first = self.record[rid]
            self.problems.add(
                rec.file,
                rec.line_of("id"),
                rid,
                "id",
                f"duplicate id: already used at {first.file}:{first.line_of('id')}",
                "give one of the two records another id",
            )
            return
        self.kind[rid] = kind
        self.record[rid] = rec

    def resolve(self) -> bool:
        """True if every id a tentative check let pass exists now, of a kind it allowed."""
        kind = self.kind
        return not self.unresolved and all(rid in kind and kind[rid] in kinds for rid, kinds in self.deferred)

    def check(self, owner: Record, owner_id: str, field: str, rid: str | None, kinds: Iterable[str]) -> bool:
        """True if `rid` exists and is of one of `kinds`; otherwise record a problem."""
        if rid is None:
            return False
        kinds = tuple(kinds)
        if rid not in self.kind:
            if self.tentative:
                self.deferred.append((rid, kinds))
                return True
            candidates = [i for i, k in self.kind.items() if k in kinds]
            close = difflib.get_close_matches(rid, candidates, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}?" if close else f"use the id of an existing {' or '.join(k[:-1] for k in kinds)}"
            wanted = " or ".join(k[:-1] for k in kinds)
            self.problems.add(
                owner.file,
                owner.line_of(field),
                owner_id,
                field,
                f"unknown id {rid!r} (expected a {wanted})",
                f"{hint} (ids are listed by `dskg query`), or add that record",
            )
            return False
        if self.kind[rid] not in kinds:
            self.problems.add(
                owner.file,
                owner.line_of(field),
                owner_id,
                field,
                f"{rid!r} is a {self.kind[rid][:-1]}, not a {' or '.join(k[:-1] for k in kinds)}",
                "point this field at a record of the right kind",
            )
            return False
        return True


CHUNK = 50_000
"""Triples per chunk handed to `emit`: small, so loading starts early and little is left to load
once the last is made. Fewer, larger chunks load faster in all (each load costs more than its
share), but the loading thread has time to spare, so whole builds are faster with 50k-triple
chunks than with larger or growing ones (benchmarks/README.md)."""


class _Builder:
    """Writes the triples of all records into a list, collecting problems on the way.

    A list, not an rdflib Graph: Graph.add indexes every triple, work thrown away since the
    triples go to Oxigraph as N-Triples anyway (see to_ntriples).
    """

    def __init__(
        self, records: Records, ontology: Graph, problems: ProblemList, emit: Callable[[list], None] | None = None, chunk: int = CHUNK
    ):
        self.emit, self.chunk, self.emitted = emit, chunk, 0
        self.records = records
        self.ontology = ontology
        self.problems = problems
        self.index = _Index(records, problems)
        self.triples: list[tuple[URIRef, URIRef, URIRef | Literal]] = []
        self.works = {w.id: w for w in records.works}
        self.dois: dict[str, Work] = {}
        self.languages: set[URIRef] = set()

    # -- checks -------------------------------------------------------------------------------
    def work_of(self, source: str | None) -> Work | None:
        """The work a record is stated in; one not read yet leaves a tentative build unresolved."""
        work = self.works.get(source or "")
        if work is None and source and self.index.tentative:
            self.index.unresolved = True
        return work

    def source_text(self, source: str | None) -> Path | None:
        work = self.work_of(source)
        if work is None or work.text_file is None or self.records.data_dir is None:
            return None
        return self.records.data_dir / work.text_file

    def check_source_and_section(self, rec: Record, rid: str, source: str | None, section: str | None) -> None:
        if source is None:
            self.problems.add(
                rec.file, rec.line, rid, "source", "no source work", "add `source: <work id>` to the record or at the top of the file"
            )
            return
        if not self.index.check(rec, rid, "source", source, ("works",)):
            return
        work = self.work_of(source)
        if work is None:  # a tentative pass, the work not read yet
            return
        if section is not None and work.sections and section not in {s.number for s in work.sections}:
            known = ", ".join(s.number for s in work.sections)
            self.problems.add(
                rec.file,
                rec.line_of("section"),
                rid,
                "section",
                f"section {section!r} is not a section of {source}",
                f"use one of: {known}",
            )

    def check_verbatim(self, rec: Record, rid: str, field: str, source: str | None, texts: Iterable[str]) -> None:
        path = self.source_text(source)
        if path is None:
            return
        for index, text in enumerate(texts):
            if text and not sourcetext.contains(path, text):
                self.problems.add(
                    rec.file,
                    rec.line_of(f"{field}[{index}]"),
                    rid,
                    field,
                    f"not found verbatim in {path.name}: {text[:40]!r}",
                    "copy the passage exactly from the source text (whitespace and running headers are ignored)",
                )

    # -- triples ------------------------------------------------------------------------------
    def add(self, s: URIRef, p: URIRef, o) -> None:
        if o is not None:
            self.triples.append((s, p, o))

    def text(self, s: URIRef, p: URIRef, value: str | None, lang: str) -> None:
        if value:
            self.triples.append((s, p, string_literal(value.strip(), lang)))

    def provenance(self, node: URIRef, source: str | None, section: str | None, quotes: Iterable[str]) -> None:
        if source:
            self.add(node, DSKG.statedIn, iri(source))
            if section:
                self.add(node, DSKG.inSection, section_iri(source, section))
        for quote in quotes:
            self.text(node, DSKG.quote, quote, self.quote_language(source))

    def quote_language(self, source: str | None) -> str:
        """Quotes are in the language of the work they are taken from (zh for the paper)."""
        work = self.work_of(source)
        return (work.work_language if work is not None and work.work_language else None) or "zh"

    def entity(self, kind: str, rec: Entity, cls: URIRef) -> URIRef:
        node = iri(rec.id)
        self.add(node, RDF.type, cls)
        self.text(node, RDFS.label, rec.label_zh, "zh")
        self.text(node, RDFS.label, rec.label_en, "en")
        for alt in rec.alt_labels_zh:
            self.text(node, SKOS.altLabel, alt, "zh")
        for alt in rec.alt_labels_en:
            self.text(node, SKOS.altLabel, alt, "en")
        self.text(node, DCTERMS.description, rec.description_en, "en")
        self.text(node, DCTERMS.description, rec.description_zh, "zh")
        self.check_source_and_section(rec, rec.id, rec.source, rec.section)
        self.check_verbatim(rec, rec.id, "quotes", rec.source, rec.quotes)
        if kind in VERBATIM_LABEL_KINDS and rec.label_zh_verbatim:
            self.check_verbatim(rec, rec.id, "label_zh", rec.source, [rec.label_zh])
        if not rec.label_zh_verbatim:
            self.add(node, DSKG.labelVerbatim, Literal(False))
        self.provenance(node, rec.source, rec.section, rec.quotes)
        self.links(kind, rec, rec.id, rec.source, rec.links)
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
            if not self.index.check(link, owner_id, "target", link.target, target_kinds):
                continue
            self.check_verbatim(link, owner_id, "quotes", source, link.quotes)
            if source and link.section:
                self.check_source_and_section(link, owner_id, source, link.section)
            subject, target = iri(owner_id), iri(link.target)
            node = link_iri(source or "dskg-project", owner_id, link.property, link.target)
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
                    self.add(node, DSKG.inSection, section_iri(source, link.section))
                for quote in link.quotes:
                    self.text(node, DSKG.quote, quote, self.quote_language(source))
            else:
                self.provenance(node, source, link.section, link.quotes)

    # -- kinds --------------------------------------------------------------------------------
    def build(self) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
        self.start()
        self.build_records(self.records)
        return self.finish()

    def start(self) -> None:
        self.add(PROJECT, RDF.type, PROV.Agent)
        self.add(PROJECT, RDF.type, FOAF.Project)
        self.text(PROJECT, RDFS.label, "dskg project", "en")
        self.text(PROJECT, RDFS.label, "dskg 项目", "zh")

    def extend(self, batch: Records) -> None:
        """The triples of the works of records read after the builder was made (already in
        `self.records`); their other records are built with the rest by `build_records(works=False)`."""
        self.index.add_records(batch)
        self.works.update((w.id, w) for w in batch.works)
        self.build_works(batch.works)

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
        for rec in records.themes:
            self.theme(rec)
        for rec in records.sectors:
            node = self.entity("sectors", rec, DSKG.ServiceSector)
            self.concept(node, rec, ID["sectors"])
            if self.index.check(rec, rec.id, "broader", rec.broader, ("sectors",)):
                self.add(node, SKOS.broader, iri(rec.broader))
        for scheme in records.schemes:
            node = iri(scheme.id)
            self.add(node, RDF.type, SKOS.ConceptScheme)
            self.text(node, RDFS.label, scheme.label_zh, "zh")
            self.text(node, RDFS.label, scheme.label_en, "en")
            self.text(node, SKOS.prefLabel, scheme.label_zh, "zh")
            self.text(node, SKOS.prefLabel, scheme.label_en, "en")
            self.text(node, DCTERMS.description, scheme.description_en, "en")
        for rec in records.areas:
            node = self.entity("areas", rec, DSKG.DSTRIArea)
            self.concept(node, rec, ID["dstri"])
            self.add(ID["dstri"], SKOS.hasTopConcept, node)
        for rec in records.actors:
            self.entity("actors", rec, ACTOR_CLASS[rec.kind])
        for rec in records.documents:
            self.document(rec)
        for rec in records.cases:
            self.case(rec)
        for rec in records.statistics:
            self.statistic(rec)
        self.emit_full_chunk()

    def finish(self) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
        if self.records.sectors:
            self.add(ID["sectors"], RDF.type, SKOS.ConceptScheme)
            self.text(ID["sectors"], RDFS.label, "Service sectors", "en")
            self.text(ID["sectors"], RDFS.label, "服务领域", "zh")
        if self.emit is not None and len(self.triples) > self.emitted:
            self.emit(self.triples[self.emitted :])
        return self.triples

    def concept(self, node: URIRef, rec: Entity, scheme: URIRef) -> None:
        self.add(node, SKOS.inScheme, scheme)
        self.text(node, SKOS.prefLabel, rec.label_zh, "zh")
        self.text(node, SKOS.prefLabel, rec.label_en, "en")

    def theme(self, rec: Theme) -> None:
        node = self.entity("themes", rec, DSKG.Theme)
        scheme = ID[f"{rec.source}/themes"]
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
        self.check_verbatim(rec, rec.id, "definition_zh", rec.source, [rec.definition_zh or ""])
        self.check_verbatim(rec, rec.id, "critique_zh", rec.source, [rec.critique_zh or ""])

    def document(self, rec: Document) -> None:
        node = self.entity("documents", rec, DOCUMENT_CLASS[rec.kind])
        self.text(node, DCTERMS.title, rec.title_zh, "zh")
        self.text(node, DCTERMS.title, rec.title_en, "en")
        if rec.title_zh:
            self.check_verbatim(rec, rec.id, "title_zh", rec.source, [rec.title_zh])
        if rec.date is not None:
            self.add(node, DCTERMS.date, _date_literal(rec.date))
        self.text(node, DSKG.dateText, rec.date_text, "zh")
        self.check_verbatim(rec, rec.id, "date_text", rec.source, [rec.date_text or ""])
        if self.index.check(rec, rec.id, "issuer", rec.issuer, ("actors",)):
            self.add(node, DSKG.issuedBy, iri(rec.issuer))

    def case(self, rec: Case) -> None:
        node = self.entity("cases", rec, CASE_CLASS[rec.kind])
        if rec.date is not None:
            self.add(node, DCTERMS.date, _date_literal(rec.date))
        self.text(node, DSKG.dateText, rec.date_text, "zh")
        self.check_verbatim(rec, rec.id, "date_text", rec.source, [rec.date_text or ""])
        for actor in rec.actors:
            if self.index.check(rec, rec.id, "actors", actor, ("actors", "cases")):
                self.add(node, DSKG.involves, iri(actor))
        if self.index.check(rec, rec.id, "part_of", rec.part_of, ("cases",)):
            self.add(node, DSKG.partOf, iri(rec.part_of))

    def statistic(self, rec: Statistic) -> None:
        node = iri(rec.id)
        self.add(node, RDF.type, DSKG.Statistic)
        self.text(node, RDFS.label, f"{rec.measure_zh}：{rec.value_text}", "zh")
        self.text(node, RDFS.label, rec.measure_en, "en")
        self.text(node, DSKG.measure, rec.measure_zh, "zh")
        self.text(node, DSKG.measure, rec.measure_en, "en")
        self.add(node, DSKG.value, _decimal(rec.value))
        self.text(node, DSKG.valueText, rec.value_text, "zh")
        self.add(node, DSKG.comparator, Literal(rec.comparator))
        self.add(node, DSKG.unit, Literal(rec.unit))
        self.add(node, DSKG.magnitude, _decimal(rec.magnitude))
        if rec.currency:
            self.add(node, DSKG.currency, Literal(rec.currency))
        if rec.period:
            self.add(node, DSKG.period, Literal(rec.period))
        if rec.flow:
            self.add(node, DSKG.flow, Literal(rec.flow))
        self.text(node, DCTERMS.description, rec.description_en, "en")
        self.text(node, DSKG.sourceText, rec.source_text_zh, "zh")
        if self.index.check(rec, rec.id, "scope", rec.scope, ("actors",)):
            self.add(node, DSKG.scope, iri(rec.scope))
        if self.index.check(rec, rec.id, "sector", rec.sector, ("sectors",)):
            self.add(node, DSKG.sector, iri(rec.sector))
        if self.index.check(rec, rec.id, "statistic_source", rec.statistic_source, ("documents", "works")):
            self.add(node, DSKG.statisticSource, iri(rec.statistic_source))
        self.check_source_and_section(rec, rec.id, rec.source, rec.section)
        self.check_verbatim(rec, rec.id, "quotes", rec.source, rec.quotes)
        for field in ("value_text", "source_text_zh"):
            self.check_verbatim(rec, rec.id, field, rec.source, [getattr(rec, field) or ""])
        self.provenance(node, rec.source, rec.section, rec.quotes)
        self.links("statistics", rec, rec.id, rec.source, rec.links)

    def work(self, rec: Work) -> None:
        """A work's triples, one part of the record at a time (in this order: the triples keep it)."""
        node = iri(rec.id)
        self.add(node, RDF.type, DSKG.Work)
        if rec.type in WORK_CLASS:
            self.add(node, RDF.type, WORK_CLASS[rec.type])
        self._work_labels(rec, node)
        self._work_authors(rec, node)
        self._work_publication(rec, node)
        self._work_venue(rec, node)
        self._work_sections(rec, node)
        if rec.citations and (rec.source is None or rec.source == rec.id):
            self.problems.add(rec.file, rec.line, rec.id, "source", "citations need the citing work", "add `source: <citing work id>`")
            return
        if rec.claims and rec.source is None:
            self.problems.add(
                rec.file,
                rec.line,
                rec.id,
                "source",
                "claims need the work that reports them",
                "add `source: <work id>` (the work itself for its own claims)",
            )
            return
        if rec.source is not None and rec.source != rec.id:
            self.index.check(rec, rec.id, "source", rec.source, ("works",))
        for number, citation in enumerate(rec.citations, start=1):
            self.citation(rec, number, citation)
        for claim in rec.claims:
            self.claim(rec, claim)

    def _work_labels(self, rec: Work, node: URIRef) -> None:
        """Label and titles; a work known only by its citation is labelled by authors and year."""
        ref = f" [{rec.ref_number}]" if rec.ref_number is not None else ""
        if rec.title_zh or rec.title_en or rec.title:
            self.text(node, RDFS.label, rec.title_zh, "zh")
            self.text(node, RDFS.label, rec.title_en or rec.title, "en")
        else:
            self.text(node, RDFS.label, f"{rec.authors_text}{ref}，{rec.year}", "zh")
            self.text(node, RDFS.label, f"{rec.authors_text}{ref}, {rec.year}", "en")
            self.add(node, DSKG.knownOnlyByCitation, Literal(rec.doi is None))
        self.text(node, DCTERMS.title, rec.title_zh, "zh")
        self.text(node, DCTERMS.title, rec.title_en, "en")
        if rec.title:
            self.add(node, DCTERMS.title, string_literal(rec.title))

    def _work_authors(self, rec: Work, node: URIRef) -> None:
        """Authors as written, and a person for each author with a romanised name."""
        self.add(node, DSKG.authorsText, string_literal(rec.authors_text))
        for name in [*rec.authors, *rec.authors_alt]:
            self.add(node, DSKG.authorName, string_literal(name))
        if rec.authors_en and len(rec.authors_en) != len(rec.authors):
            self.problems.add(
                rec.file,
                rec.line_of("authors_en"),
                rec.id,
                "authors_en",
                f"{len(rec.authors_en)} names for {len(rec.authors)} authors",
                "give one romanised name per entry of `authors`, in the same order",
            )
        for name_zh, name_en in zip(rec.authors, rec.authors_en):
            person = ID[f"author/{'-'.join(name_en.lower().split())}"]
            self.add(node, DCTERMS.creator, person)
            self.add(person, RDF.type, DSKG.Person)
            self.text(person, RDFS.label, name_zh, "zh")
            self.text(person, RDFS.label, name_en, "en")
            self.add(person, FOAF.name, string_literal(name_zh, "zh"))
            self.add(person, FOAF.name, string_literal(name_en, "en"))

    def _work_publication(self, rec: Work, node: URIRef) -> None:
        """Year, reference number and languages."""
        self.add(node, DSKG.etAl, _BOOLEANS[rec.et_al])
        self.add(node, FABIO.hasPublicationYear, Literal(str(rec.year), datatype=XSD.gYear))
        if rec.ref_number is not None:
            self.add(node, DSKG.refNumber, Literal(rec.ref_number))
        if rec.language:
            self.add(node, DSKG.citationLanguage, string_literal(rec.language))
        if rec.work_language:
            language = language_iri(rec.work_language)
            if language is None:
                self.problems.add(
                    rec.file,
                    rec.line_of("work_language"),
                    rec.id,
                    "work_language",
                    f"{rec.work_language!r} is not a language tag",
                    "write the language as a BCP 47 tag, e.g. `en` or `zh`",
                )
            else:
                self.add(node, DCTERMS.language, language)
                if language not in self.languages:
                    self.languages.add(language)
                    self.add(language, RDF.type, DCTERMS.LinguisticSystem)

    def _work_venue(self, rec: Work, node: URIRef) -> None:
        """Where the work appeared, its identifiers, licence and shipped text."""
        if rec.venue:
            self.add(node, DSKG.venue, string_literal(rec.venue))
        if rec.url:
            self.add(node, FOAF.page, URIRef(rec.url))
        if rec.pages:
            self.add(node, DSKG.pages, string_literal(rec.pages))
        self.text(node, DSKG.journalTitle, rec.journal_zh, "zh")
        self.text(node, DSKG.journalTitle, rec.journal_en, "en")
        if rec.publisher:
            self.add(node, DSKG.publisherName, string_literal(rec.publisher))
        if rec.doi:
            first = self.dois.setdefault(rec.doi.lower(), rec)
            if first is not rec:
                self.problems.add(
                    rec.file,
                    rec.line_of("doi"),
                    rec.id,
                    "doi",
                    f"DOI {rec.doi} is already in the graph as {first.id} ({first.file}:{first.line_of('doi')})",
                    "this work is already there: drop the entry, or correct the DOI",
                )
        for prop, value in ((BIBO.volume, rec.volume), (BIBO.issue, rec.issue), (BIBO.doi, rec.doi), (DSKG.textFile, rec.text_file)):
            if value:
                self.add(node, prop, string_literal(value))
        for page in rec.pages_seen:
            self.add(node, DSKG.pagesSeen, string_literal(page))
        if rec.license:
            self.add(node, DCTERMS.license, URIRef(rec.license))
        if rec.text_file and self.records.data_dir is not None and not (self.records.data_dir / rec.text_file).is_file():
            self.problems.add(
                rec.file,
                rec.line_of("text_file"),
                rec.id,
                "text_file",
                f"no file {rec.text_file} in the data folder",
                "put the work's text there or correct the path",
            )

    def _work_sections(self, rec: Work, node: URIRef) -> None:
        """Its sections, themes and the work it is cited through."""
        for section in rec.sections:
            sec = section_iri(rec.id, section.number)
            self.add(sec, RDF.type, DSKG.Section)
            self.add(sec, DSKG.sectionNumber, Literal(section.number))
            self.add(sec, DSKG.sectionOf, node)
            self.add(node, DSKG.hasSection, sec)
            label = "" if section.number == "abstract" else f"{section.number} "
            self.text(sec, RDFS.label, f"{label}{section.title_zh}", "zh")
            self.text(sec, RDFS.label, f"{label}{section.title_en}", "en")
        for theme in rec.themes:
            if self.index.check(rec, rec.id, "theme", theme, ("themes",)):
                self.add(node, DSKG.hasTheme, iri(theme))
        if self.index.check(rec, rec.id, "cited_via", rec.cited_via, ("works",)):
            self.add(node, DSKG.citedVia, iri(rec.cited_via))

    def citation(self, rec: Work, number: int, citation) -> None:
        citing, cited = iri(rec.source), iri(rec.id)
        intent = CITO[citation.intent]
        if (intent, RDF.type, OWL.ObjectProperty) not in self.ontology:
            self.problems.add(
                citation.file,
                citation.line_of("intent"),
                rec.id,
                "intent",
                f"{citation.intent!r} is not a CiTO citation property declared in the ontology",
                "use e.g. citesForInformation, citesAsEvidence, usesConclusionsFrom",
            )
            return
        self.add(citing, intent, cited)
        node = ID[f"citation/{rec.source}/{rec.id}/{number}"]
        self.add(node, RDF.type, CITO.Citation)
        self.add(node, CITO.hasCitingEntity, citing)
        self.add(node, CITO.hasCitedEntity, cited)
        self.add(node, CITO.hasCitationCharacterization, intent)
        if citation.section:
            self.check_source_and_section(citation, rec.id, rec.source, citation.section)
            self.add(node, DSKG.inSection, section_iri(rec.source, citation.section))
        for quote in citation.quotes:
            self.text(node, DSKG.quote, quote, "zh")
        self.check_verbatim(citation, rec.id, "quotes", rec.source, citation.quotes)

    def claim(self, rec: Work, claim: Claim) -> None:
        node = iri(claim.id)
        self.add(node, RDF.type, DSKG.Claim)
        self.text(node, DSKG.claimText, claim.text_zh, "zh")
        self.text(node, DSKG.claimText, claim.text_en, "en")
        if not (claim.text_zh or claim.text_en):
            self.problems.add(
                claim.file,
                claim.line,
                claim.id,
                "text",
                "a claim needs its text",
                "add `text_zh:` or `text_en:` (in an entry: `text: {en: ...}`)",
            )
        if claim.quote:
            self.text(node, DSKG.quote, claim.quote, rec.work_language or "und")
        if claim.page:
            self.add(node, DSKG.page, string_literal(claim.page))
        self.add(iri(rec.id), DSKG.makesClaim, node)
        for other in claim.also_made_by:
            if self.index.check(claim, claim.id, "also_made_by", other, ("works",)):
                self.add(iri(other), DSKG.makesClaim, node)
        self.check_source_and_section(claim, claim.id, rec.source, claim.section)
        self.check_verbatim(claim, claim.id, "text_zh", rec.source, [claim.text_zh or ""])
        self.provenance(node, rec.source, claim.section, [])
        self.links("claims", claim, claim.id, rec.source, claim.links)


def records_to_triples(
    records: Records, ontology: Graph, problems: ProblemList | None = None, emit: Callable[[list], None] | None = None
) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The data triples of `records` (duplicates possible). Raises InvalidDataError listing every problem.

    `ontology` is consulted for the CiTO citation intents it declares; `problems` may already
    hold problems found earlier (e.g. in entry files), so one error lists them all. `emit`, when
    given, receives the triples in chunks as they are made (every one once), so loading can
    start before the last is written; the error, if any, still comes at the end.
    """
    problems = problems if problems is not None else ProblemList()
    triples = _Builder(records, ontology, problems, emit).build()
    problems.raise_if_any()
    return triples


def stream_triples(
    records: Records, ontology: Graph, batches: Iterable[Records], emit: Callable[[list], None] | None = None
) -> list[tuple[URIRef, URIRef, URIRef | Literal]] | None:
    """records_to_triples of `records` and of every batch as it comes, so that triples reach
    `emit` (and the store) while later files are still being read. Each batch must already be
    in `records` when it is yielded. A reference to an id not read yet is taken as it stands and
    checked once all is read; on success the triples are exactly records_to_triples'. None when
    anything did not check out (or needed a record read later, e.g. the work a quote is from):
    the caller then builds the whole with records_to_triples, for exactly its messages.
    """
    problems = ProblemList()
    builder = _Builder(records, ontology, problems, emit)
    builder.index.tentative = True
    builder.start()
    builder.build_works(records.works)
    for batch in batches:
        builder.extend(batch)
    # then every other kind, in the order records_to_triples makes them: it matters to queries,
    # Oxigraph's memory store lists the newest first (a FILTER NOT EXISTS on the paper's links
    # stops at once when they come after the entries' 75,000 links, not behind them)
    builder.build_records(records, works=False)
    triples = builder.finish()
    return None if problems.items or not builder.index.resolve() else triples


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_ESCAPES = re.compile(r'[\\"\n\r]')


_XSD_STRING = XSD.string


def _bad_iri(term: Any) -> InvalidDataError:
    return InvalidDataError(
        [Problem("", 0, str(term), "", f"{str(term)!r} is not a valid IRI", 'remove spaces and <>"{}|^` from URLs and ids')]
    )


def to_ntriples(triples: Iterable[tuple[URIRef, URIRef, URIRef | Literal]]) -> bytes:
    """N-Triples of rdflib terms, written directly: rdflib's serializer is the slow part of a big build.

    One pass, written as UTF-8 pieces joined once: the text of each IRI is encoded once (a dict
    by IRI), a literal's from its lexical form, language and datatype read off the term (not
    through its properties). Bytes pieces, not one str encoded at the end: joining a million
    lines into a str that holds Chinese widens every ASCII line first.
    Raises InvalidDataError for an IRI N-Triples cannot hold (a space, `<`, `"` ...), naming it.
    """
    texts: dict[Any, bytes] = {}
    forbidden = _IRI_FORBIDDEN.search
    needs_escape = _LITERAL_ESCAPES.search

    def node_text(term: URIRef | BNode) -> bytes:
        if isinstance(term, BNode):
            text = texts[term] = f"_:b{term} ".encode()
            return text
        if forbidden(term):
            raise _bad_iri(term)
        text = texts[term] = f"<{term}> ".encode()
        return text

    known = texts.get
    end = b".\n"
    pieces: list[bytes] = []
    append = pieces.append
    for s, p, o in triples:
        append(known(s) or node_text(s))
        append(known(p) or node_text(p))
        kind = type(o)
        if kind is Literal or (kind is not URIRef and isinstance(o, Literal)):
            text = str(o)
            if needs_escape(text):
                text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            if o._language:
                append(f'"{text}"@{o._language} .\n'.encode())
            elif o._datatype is not None and o._datatype != _XSD_STRING:
                append(f'"{text}"^^<{o._datatype}> .\n'.encode())
            else:
                append(f'"{text}" .\n'.encode())
        else:  # an IRI or a blank node
            append(known(o) or node_text(o))
            append(end)
    return b"".join(pieces)
