"""The terms of dskg's graph: prefixes, record IRIs, the class each kind of record gets, literals.

Records are `https://w3id.org/dskg/id/<id>`; a work's sections and the qualified links have
IRIs made from the ids they join, so IRIs derive from the data, never from load order.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib import namespace as rdf_namespaces

from . import vocab
from .fast.terms import Constructed, Made, Names, made_directly

PREFIXES = {
    "dskg": vocab.DSKG._NS,
    "id": vocab.ID,
    "skos": rdf_namespaces.SKOS,
    "skosxl": vocab.SKOSXL,
    "dcterms": rdf_namespaces.DCTERMS,
    "prov": rdf_namespaces.PROV,
    "foaf": rdf_namespaces.FOAF,
    "cito": vocab.CITO,
    "fabio": vocab.FABIO,
    "bibo": vocab.BIBO,
    "owl": rdf_namespaces.OWL,
    "rdfs": rdf_namespaces.RDFS,
    "xsd": rdf_namespaces.XSD,
}
"""The prefixes every rendering of the graph binds (Turtle, JSON-LD's @context, the dataset)."""

# The namespaces as the loader reads them, a few million times in a big build (on the fast path
# of fast/terms.py each term is made once); the terms are the namespaces' own.
OWL, RDF, RDFS, SKOS, XSD, DCTERMS, FOAF, PROV = (
    Names(getattr(rdf_namespaces, name)) for name in ("OWL", "RDF", "RDFS", "SKOS", "XSD", "DCTERMS", "FOAF", "PROV")
)
BIBO, CITO, DSKG, FABIO, SKOSXL = (Names(ns) for ns in (vocab.BIBO, vocab.CITO, vocab.DSKG, vocab.FABIO, vocab.SKOSXL))

PROJECT = vocab.ID["dskg-project"]
"""The agent behind editorial links (this project's own mappings)."""

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
    "answered-by": (DSKG.isAnsweredBy, DSKG.Answering, ("problems",), ("countermeasures",)),
    "corresponds-to": (DSKG.correspondsTo, DSKG.ProblemCorrespondence, ("problems",), ("barriers",)),
    # an actor (or a document) a work holds up as a model to study for a countermeasure (学习日本、美国等发达国家...)
    "model-for": (DSKG.isModelFor, DSKG.ModelReference, ("actors", "documents"), ("countermeasures",)),
}

MATCHES = {"exact_match": SKOS.exactMatch, "close_match": SKOS.closeMatch, "broad_match": SKOS.broadMatch, "narrow_match": SKOS.narrowMatch}
"""A match's yaml name and the SKOS mapping property of its direct triple."""

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

_ID = str(vocab.ID)
LANGUAGE_SCHEMES = {2: "http://id.loc.gov/vocabulary/iso639-1/", 3: "http://id.loc.gov/vocabulary/iso639-2/"}
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(-[A-Za-z0-9]+)*")


class Terms:
    """The IRIs and plain-string literals of one build (see `build_terms`): `uri(text)` is
    URIRef(text) and `literal(text, lang=None)` is Literal(text, lang=lang), made directly
    (fast/terms.py) or by rdflib's constructors: the same terms either way."""

    def uri(self, text: str) -> URIRef:
        raise NotImplementedError

    def literal(self, text: str, lang: str | None = None) -> Literal:
        raise NotImplementedError

    def iri(self, record_id: str) -> URIRef:
        """A record's IRI: ID[record_id]."""
        return self.uri(_ID + record_id)

    def section_iri(self, work_id: str, number: str) -> URIRef:
        return self.uri(f"{_ID}{work_id}/section/{number}")

    def link_iri(self, source: str, subject: str, prop: str, target: str) -> URIRef:
        """A qualified link's IRI: the work that states it, the two records and the property."""
        return self.uri(f"{_ID}link/{source}/{subject}/{prop}/{target}")

    def mapping_iri(self, source: str, subject: str, relation: str, target: str) -> URIRef:
        """A concept mapping's IRI: the work whose record declares it, the two records, the relation (close-match)."""
        return self.uri(f"{_ID}mapping/{source}/{subject}/{relation.replace('_', '-')}/{target}")

    def label_iri(self, record_id: str, kind: str, lang: str, index: int) -> URIRef:
        """A SKOS-XL label's IRI: the record, pref or alt, the language and the label's place among them."""
        return self.uri(f"{_ID}label/{record_id}/{kind}-{lang}-{index}")

    def person_iri(self, name: str) -> URIRef:
        """A person named only by name (who asserts a mapping): person/<the name, lowercased, hyphens for spaces>."""
        return self.uri(f"{_ID}person/{quote('-'.join(name.lower().split()), safe='-')}")

    def language_iri(self, tag: str) -> URIRef | None:
        """The language of a BCP 47 tag as an IRI, the value DCMI wants for dcterms:language (a
        dcterms:LinguisticSystem, not a string): the Library of Congress's ISO 639-1 IRI for a
        two-letter code, ISO 639-2 for a three-letter one; subtags (zh-Hans) name no other
        language. None for what is not such a tag."""
        match = _LANGUAGE_TAG.fullmatch(tag)
        return self.uri(LANGUAGE_SCHEMES[len(match[1])] + match[1]) if match else None


class _MadeTerms(Made, Terms):
    """The fast path's terms."""


class _ConstructedTerms(Constructed, Terms):
    """The reference path's terms."""


def build_terms() -> Terms:
    """The terms of a build starting now, made on the path fast/terms.py chooses for it."""
    return _MadeTerms() if made_directly() else _ConstructedTerms()


BOOLEANS = {True: Literal(True), False: Literal(False)}


def date_literal(value: dt.date | str) -> Literal:
    """A date, or the part of one a record gives: xsd:date, gYearMonth, gYear or gMonthDay."""
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if value.startswith("--"):
        return Literal(value, datatype=XSD.gMonthDay)
    return Literal(value, datatype={4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(value)])


def decimal_literal(value: float | int | str) -> Literal:
    """An xsd:decimal in canonical form ("14.0", "3710.78"), as every RDF writer prints it back."""
    text = format(Decimal(str(value)), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)
