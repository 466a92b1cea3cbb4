"""The dskg ontology's terms as a closed namespace: a typo fails at import, not in a SHACL run.

A test checks this list against ontology/dskg.ttl in both directions.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class DSKG(DefinedNamespace):
    """Terms of https://w3id.org/dskg/ontology#."""

    _NS = Namespace("https://w3id.org/dskg/ontology#")
    _fail = True

    Aboutness: URIRef
    Actor: URIRef
    Addressing: URIRef
    Advantage: URIRef
    Answering: URIRef
    AreaMapping: URIRef
    Barrier: URIRef
    Basis: URIRef
    BuildingOn: URIRef
    Case: URIRef
    Claim: URIRef
    Company: URIRef
    ConceptMapping: URIRef
    Countermeasure: URIRef
    Country: URIRef
    CountryGroup: URIRef
    DSTRIArea: URIRef
    Document: URIRef
    DomesticBarrier: URIRef
    Event: URIRef
    Evidencing: URIRef
    ExecutiveAction: URIRef
    Illustration: URIRef
    InternationalBarrier: URIRef
    LabelOrigin: URIRef
    Law: URIRef
    MetadataRecord: URIRef
    MetadataSource: URIRef
    ModelReference: URIRef
    Organisation: URIRef
    Person: URIRef
    Plan: URIRef
    PolicyDocument: URIRef
    Problem: URIRef
    ProblemCorrespondence: URIRef
    Product: URIRef
    QualifiedLink: URIRef
    Region: URIRef
    Report: URIRef
    Section: URIRef
    ServiceSector: URIRef
    Speech: URIRef
    Statistic: URIRef
    StatisticalRelease: URIRef
    Theme: URIRef
    TradeFactor: URIRef
    Work: URIRef
    addresses: URIRef
    answers: URIRef
    authorName: URIRef
    authorsText: URIRef
    basis: URIRef
    buildsOn: URIRef
    citationLanguage: URIRef
    citedVia: URIRef
    claimOf: URIRef
    claimText: URIRef
    comparator: URIRef
    correspondsTo: URIRef
    critique: URIRef
    currency: URIRef
    dateText: URIRef
    discusses: URIRef
    editorial: URIRef
    etAl: URIRef
    evidences: URIRef
    explicit: URIRef
    fallsUnder: URIRef
    flow: URIRef
    fromAbstract: URIRef
    fromBody: URIRef
    fromHeading: URIRef
    fromTranslation: URIRef
    hasConceptMapping: URIRef
    hasModel: URIRef
    hasQualifiedLink: URIRef
    hasSection: URIRef
    hasTheme: URIRef
    illustrates: URIRef
    inSection: URIRef
    interpretive: URIRef
    involves: URIRef
    isAbout: URIRef
    isAddressedBy: URIRef
    isAnsweredBy: URIRef
    isEvidencedBy: URIRef
    isIllustratedBy: URIRef
    isModelFor: URIRef
    isNamedAsProblem: URIRef
    isSubjectOf: URIRef
    issuedBy: URIRef
    journalTitle: URIRef
    knownOnlyByCitation: URIRef
    labelOrigin: URIRef
    labelVerbatim: URIRef
    level: URIRef
    linkSubject: URIRef
    linkTarget: URIRef
    magnitude: URIRef
    makesClaim: URIRef
    mappingRelation: URIRef
    measure: URIRef
    metadataField: URIRef
    metadataOf: URIRef
    metadataProperty: URIRef
    metadataValue: URIRef
    normalisedText: URIRef
    page: URIRef
    pages: URIRef
    pagesSeen: URIRef
    partOf: URIRef
    period: URIRef
    publisherName: URIRef
    qualifies: URIRef
    quote: URIRef
    quoteChecked: URIRef
    rationale: URIRef
    refNumber: URIRef
    scope: URIRef
    sectionNumber: URIRef
    sectionOf: URIRef
    sector: URIRef
    sourceText: URIRef
    stance: URIRef
    statedIn: URIRef
    statisticSource: URIRef
    textFile: URIRef
    themeNumber: URIRef
    underpins: URIRef
    unit: URIRef
    value: URIRef
    valueText: URIRef
    venue: URIRef


ONTOLOGY = URIRef("https://w3id.org/dskg/ontology")
ID = Namespace("https://w3id.org/dskg/id/")
"""Namespace of every record: its IRI is ID[<record id>]."""
GRAPH = Namespace("https://w3id.org/dskg/graph/")
"""Named graphs: GRAPH.ontology, GRAPH.data, GRAPH.inferred."""
CITO = Namespace("http://purl.org/spar/cito/")
FABIO = Namespace("http://purl.org/spar/fabio/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
