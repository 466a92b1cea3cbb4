"""A work's triples: what it is, its labels, authors, publication, sections, citations and claims,
and where its metadata comes from (a dskg:MetadataRecord per field, PROV; see the section below).

Part of the loader's builder (loader.Builder), which supplies `add`, `text`, `links`,
`provenance`, the build's `terms` (terms.Terms) and its `checks` (checks.Checks).
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Literal, URIRef

from .records import Claim, MetadataSource, StatedLink, Work
from .sourcetext import squeeze, whole_text
from .terms import BIBO, BOOLEANS, CITO, DCTERMS, DSKG, FABIO, FOAF, LINKS, OWL, PROV, RDF, RDFS, WORK_CLASS, XSD


class WorkTriples:
    """The builder's methods for works (mixed into loader.Builder)."""

    def work(self, rec: Work) -> None:
        """A work's triples, one part of the record at a time (in this order: the triples keep it)."""
        node = self.terms.iri(rec.id)
        self.add(node, RDF.type, DSKG.Work)
        if rec.type in WORK_CLASS:
            self.add(node, RDF.type, WORK_CLASS[rec.type])
        self._work_labels(rec, node)
        self._work_authors(rec, node)
        self._work_publication(rec, node)
        self._work_venue(rec, node)
        self._work_sections(rec, node)
        metadata_triples(self, rec)
        if not self.checks.work_source(rec):
            return
        for number, citation in enumerate(rec.citations, start=1):
            self.citation(rec, number, citation)
        for claim in rec.claims:
            self.claim(rec, claim)
        for link in rec.stated_links:
            self.stated_link(rec, link)

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
            self.add(node, DCTERMS.title, self.terms.literal(rec.title))

    def _work_authors(self, rec: Work, node: URIRef) -> None:
        """Authors as written, and a person for each author with a romanised name."""
        self.add(node, DSKG.authorsText, self.terms.literal(rec.authors_text))
        for name in [*rec.authors, *rec.authors_alt]:
            self.add(node, DSKG.authorName, self.terms.literal(name))
        self.checks.romanised_authors(rec)
        for name_zh, name_en in zip(rec.authors, rec.authors_en):
            person = self.terms.iri(f"author/{'-'.join(name_en.lower().split())}")
            self.add(node, DCTERMS.creator, person)
            self.add(person, RDF.type, DSKG.Person)
            self.text(person, RDFS.label, name_zh, "zh")
            self.text(person, RDFS.label, name_en, "en")
            self.add(person, FOAF.name, self.terms.literal(name_zh, "zh"))
            self.add(person, FOAF.name, self.terms.literal(name_en, "en"))

    def _work_publication(self, rec: Work, node: URIRef) -> None:
        """Year, reference number and languages."""
        self.add(node, DSKG.etAl, BOOLEANS[rec.et_al])
        self.add(node, FABIO.hasPublicationYear, Literal(str(rec.year), datatype=XSD.gYear))
        if rec.ref_number is not None:
            self.add(node, DSKG.refNumber, Literal(rec.ref_number))
        if rec.language:
            self.add(node, DSKG.citationLanguage, self.terms.literal(rec.language))
        if rec.work_language:
            language = self.terms.language_iri(rec.work_language)
            if language is None:
                self.checks.not_a_language_tag(rec)
            else:
                self.add(node, DCTERMS.language, language)
                if language not in self.languages:
                    self.languages.add(language)
                    self.add(language, RDF.type, DCTERMS.LinguisticSystem)

    def _work_venue(self, rec: Work, node: URIRef) -> None:
        """Where the work appeared, its identifiers, licence and shipped text."""
        if rec.venue:
            self.add(node, DSKG.venue, self.terms.literal(rec.venue))
        if rec.url:
            self.add(node, FOAF.page, URIRef(rec.url))
        if rec.pages:
            self.add(node, DSKG.pages, self.terms.literal(rec.pages))
        self.text(node, DSKG.journalTitle, rec.journal_zh, "zh")
        self.text(node, DSKG.journalTitle, rec.journal_en, "en")
        if rec.publisher:
            self.add(node, DSKG.publisherName, self.terms.literal(rec.publisher))
        if rec.doi:
            self.checks.doi(rec)
        text_file = self.checks.text_file(rec)
        for prop, value in ((BIBO.volume, rec.volume), (BIBO.issue, rec.issue), (BIBO.doi, rec.doi), (DSKG.textFile, text_file)):
            if value:
                self.add(node, prop, self.terms.literal(value))
        for page in rec.pages_seen:
            self.add(node, DSKG.pagesSeen, self.terms.literal(page))
        if rec.license:
            self.add(node, DCTERMS.license, URIRef(rec.license))

    def _work_sections(self, rec: Work, node: URIRef) -> None:
        """Its sections, themes and the work it is cited through."""
        for section in rec.sections:
            sec = self.terms.section_iri(rec.id, section.number)
            self.add(sec, RDF.type, DSKG.Section)
            self.add(sec, DSKG.sectionNumber, Literal(section.number))
            self.add(sec, DSKG.sectionOf, node)
            self.add(node, DSKG.hasSection, sec)
            label = "" if section.number == "abstract" else f"{section.number} "
            self.text(sec, RDFS.label, f"{label}{section.title_zh}", "zh")
            self.text(sec, RDFS.label, f"{label}{section.title_en}", "en")
        for theme in rec.themes:
            if self.checks.reference(rec, rec.id, "theme", theme, ("themes",)):
                self.add(node, DSKG.hasTheme, self.terms.iri(theme))
        if self.checks.reference(rec, rec.id, "cited_via", rec.cited_via, ("works",)):
            self.add(node, DSKG.citedVia, self.terms.iri(rec.cited_via))

    def citation(self, rec: Work, number: int, citation) -> None:
        """The citing work cites this one with a CiTO property, qualified by a cito:Citation."""
        citing, cited = self.terms.iri(rec.source), self.terms.iri(rec.id)
        intent = CITO[citation.intent]
        if (intent, RDF.type, OWL.ObjectProperty) not in self.ontology:
            self.checks.unknown_intent(citation, rec)
            return
        self.add(citing, intent, cited)
        node = self.terms.iri(f"citation/{rec.source}/{rec.id}/{number}")
        self.add(node, RDF.type, CITO.Citation)
        self.add(node, CITO.hasCitingEntity, citing)
        self.add(node, CITO.hasCitedEntity, cited)
        self.add(node, CITO.hasCitationCharacterization, intent)
        if citation.section:
            self.checks.source_and_section(citation, rec.id, rec.source, citation.section)
            self.add(node, DSKG.inSection, self.terms.section_iri(rec.source, citation.section))
        for quote in citation.quotes:
            self.text(node, DSKG.quote, quote, "zh")
        self.checks.verbatim(citation, rec.id, "quotes", rec.source, citation.quotes)

    def claim(self, rec: Work, claim: Claim) -> None:
        """A claim the work makes (or reports), with the records it is about."""
        node = self.terms.iri(claim.id)
        self.add(node, RDF.type, DSKG.Claim)
        self.text(node, DSKG.claimText, claim.text_zh, "zh")
        self.text(node, DSKG.claimText, claim.text_en, "en")
        self.checks.claim_text(claim)
        if claim.quote:
            self.text(node, DSKG.quote, claim.quote, rec.work_language or "und")
            self.quote_checked(node, rec.source)
        if claim.page:
            self.add(node, DSKG.page, self.terms.literal(claim.page))
        self.add(self.terms.iri(rec.id), DSKG.makesClaim, node)
        for other in claim.also_made_by:
            if self.checks.reference(claim, claim.id, "also_made_by", other, ("works",)):
                self.add(self.terms.iri(other), DSKG.makesClaim, node)
        self.checks.source_and_section(claim, claim.id, rec.source, claim.section)
        self.checks.verbatim(claim, claim.id, "text_zh", rec.source, [claim.text_zh or ""])
        self.provenance(node, rec.source, claim.section, [])
        self.links("claims", claim, claim.id, rec.source, claim.links)

    def stated_link(self, rec: Work, link: StatedLink) -> None:
        """A link the work states (an entry's `links:`): the same qualified link as the curated
        data's, stated in this work, with its page."""
        direct, cls, subject_kinds, target_kinds = LINKS[link.property]
        subject_ok = self.checks.reference(link, rec.id, "subject", link.subject, subject_kinds)
        if not (self.checks.reference(link, rec.id, "target", link.target, target_kinds) and subject_ok):
            return
        self.checks.verbatim(link, rec.id, "quote", rec.id, link.quotes)
        if link.section:
            self.checks.source_and_section(link, rec.id, rec.id, link.section)
        self.link(link.subject, rec.id, link, direct, cls)  # with its quote marked checked or not
        if link.page:
            self.add(self.terms.link_iri(rec.id, link.subject, link.property, link.target), DSKG.page, self.terms.literal(link.page))


# ------------------------------------------------------------------------------------------------
# Where a work's own metadata comes from: a `dskg:MetadataRecord` per field (PROV).
#
# A work's `metadata_from:` (sources.yaml, literature.yaml) names, for each source, the fields taken
# from it: `text` (the work's own text, running headers included), a page's or record's URL (the
# journal's page, https://doi.org/...), or a slug naming a record without a public address (the
# project's seed README), which then needs `label_en`. Each field becomes one node
#
#     <id/wang-jinze-2025/metadata/volume> a dskg:MetadataRecord ;
#         dskg:metadataOf <id/wang-jinze-2025> ; dskg:metadataField "volume" ;
#         dskg:metadataProperty bibo:volume ; dskg:metadataValue "14" ;
#         prov:wasDerivedFrom <id/metadata-source/seed-readme> .
#
# derived from the work itself where its text states the value, so "which metadata comes from
# outside the text, and from where" is one query (queries/work-metadata.rq). A field said to come
# from the text must be found there; a work that says where its metadata comes from says it for
# every field it gives. WorkTriples.work calls metadata_triples with the loader's builder.
# ------------------------------------------------------------------------------------------------

TEXT = "text"
"""The source that is the work's own text."""

FIELDS: dict[str, Any] = {
    "type": None,
    "title_zh": DCTERMS.title,
    "title_en": DCTERMS.title,
    "title": DCTERMS.title,
    "authors_text": DSKG.authorsText,
    "authors": DSKG.authorName,
    "authors_en": DCTERMS.creator,
    "year": FABIO.hasPublicationYear,
    "journal_zh": DSKG.journalTitle,
    "journal_en": DSKG.journalTitle,
    "venue": DSKG.venue,
    "publisher": DSKG.publisherName,
    "volume": BIBO.volume,
    "issue": BIBO.issue,
    "pages": DSKG.pages,
    "pages_seen": DSKG.pagesSeen,
    "doi": BIBO.doi,
    "url": FOAF.page,
    "license": DCTERMS.license,
}
"""A work's bibliographic fields, each with the property the work carries it with (None: its class)."""

LANGUAGES = {"title_zh": "zh", "journal_zh": "zh", "title_en": "en", "journal_en": "en", "authors_en": "en"}
ADDRESSES = {"url", "license"}  # values that are addresses: xsd:anyURI
URL = re.compile(r"^https?://\S+$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _given(rec: Work, name: str) -> list[str]:
    """The field's values as text (a list field's items), none when the work does not give it."""
    value = getattr(rec, name)
    if name == "type":
        return [] if value == "work" else [value]  # "work" is the default: no source gave it
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if v not in (None, "")]


class _Metadata:
    """The metadata records of one work, made with the loader's builder (`add`, `terms`, `checks`)."""

    def __init__(self, builder: Any, rec: Work) -> None:
        self.builder, self.rec = builder, rec
        self.problem = builder.checks.problems.add
        self.work = builder.terms.iri(rec.id)

    def _source_node(self, src: MetadataSource, index: int) -> URIRef | None:
        """The node a field is derived from: the work (its text), a URL, or a named record; None (a problem) for neither."""
        field, line = f"metadata_from[{index}].source", src.line or self.rec.line_of("metadata_from")
        if src.source == TEXT:
            if self.builder.checks.source_text(self.rec.id) is None:
                self.problem(
                    self.rec.file,
                    line,
                    self.rec.id,
                    field,
                    "`text`, but the work's text does not ship",
                    "ship the text, or name the source the fields come from",
                )
                return None
            return self.work
        if URL.match(src.source):
            node = self.builder.terms.uri(src.source)
        elif SLUG.match(src.source) and src.label_en:
            node = self.builder.terms.iri(f"metadata-source/{src.source}")
        else:
            fix = "give `label_en:` saying what the record is" if SLUG.match(src.source) else "write `text`, the page's URL, or a slug"
            self.problem(self.rec.file, line, self.rec.id, field, f"{src.source!r} names no source a reader can find", fix)
            return None
        self.builder.add(node, RDF.type, DSKG.MetadataSource)
        for lang, label in (("en", src.label_en), ("zh", src.label_zh)):
            if label:
                self.builder.add(node, RDFS.label, self.builder.terms.literal(label, lang))
        return node

    def _fields_of(self, src: MetadataSource, index: int) -> list[str]:
        """The source's fields that the work gives (a problem for each other one, and for text the text lacks)."""
        names = []
        for name in src.fields:
            line, field = src.line_of("fields") or src.line or self.rec.line, f"metadata_from[{index}].fields"
            if name not in FIELDS:
                self.problem(
                    self.rec.file, line, self.rec.id, field, f"{name!r} is not a field of a work", f"use one of: {', '.join(FIELDS)}"
                )
            elif not _given(self.rec, name):
                self.problem(
                    self.rec.file, line, self.rec.id, field, f"the work gives no {name}", f"give `{name}:` or drop it from these fields"
                )
            elif src.source == TEXT and not self._in_text(name):
                self.problem(
                    self.rec.file,
                    line,
                    self.rec.id,
                    field,
                    f"{name} is not found in the work's text",
                    "name the source outside the text it comes from",
                )
            else:
                names.append(name)
        return names

    def _value(self, name: str, text: str) -> Literal:
        """The value as the work carries it: a year as xsd:gYear, an address as xsd:anyURI, a title in its language."""
        if name == "year":
            return Literal(text, datatype=XSD.gYear)
        if name in ADDRESSES:
            return Literal(text, datatype=XSD.anyURI)
        return self.builder.terms.literal(text, LANGUAGES.get(name))

    def _in_text(self, name: str) -> bool:
        path = self.builder.checks.source_text(self.rec.id)
        whole = whole_text(path) if path is not None else ""
        # a number alone (a volume, an issue, a year) is among the text's numbers anyway: not checked
        return all(squeeze(value).isdigit() or squeeze(value) in whole for value in _given(self.rec, name))

    def build(self) -> None:
        derived: dict[str, list[URIRef]] = {}
        for index, src in enumerate(self.rec.metadata_from):
            node = self._source_node(src, index)
            for name in self._fields_of(src, index):
                if node is not None:
                    derived.setdefault(name, []).append(node)
        unsaid = [name for name in FIELDS if _given(self.rec, name) and name not in derived]
        if unsaid:
            self.problem(
                self.rec.file,
                self.rec.line_of("metadata_from"),
                self.rec.id,
                "metadata_from",
                f"does not say where {', '.join(unsaid)} come from",
                "add each field to the `fields:` of the source it is taken from",
            )
        for name, sources in derived.items():
            self._record(name, sources)

    def _record(self, name: str, sources: list[URIRef]) -> None:
        add, node = self.builder.add, self.builder.terms.iri(f"{self.rec.id}/metadata/{name}")
        add(node, RDF.type, DSKG.MetadataRecord)
        add(node, DSKG.metadataOf, self.work)
        add(node, DSKG.metadataField, self.builder.terms.literal(name))
        if FIELDS[name] is not None:  # `type` is the work's class, no property
            add(node, DSKG.metadataProperty, FIELDS[name])
        for text in _given(self.rec, name):
            add(node, DSKG.metadataValue, self._value(name, text))
        for source in sources:
            add(node, PROV.wasDerivedFrom, source)


def metadata_triples(builder: Any, rec: Work) -> None:
    """The work's metadata records, when its data says where its fields come from."""
    if rec.metadata_from:
        _Metadata(builder, rec).build()
