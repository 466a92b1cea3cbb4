"""SHACL shapes (shapes/*.ttl): paired valid and invalid examples, and the shipped graph.

Every example in tests/shapes_cases/ is validated the way dskg validates: the data graph is the
ontology + the example (+ the small context every example shares: a source work whose text
ships, its sections, the project agent) + their OWL-RL closure + `dskg:normalisedText` of the
work whose text ships; pySHACL runs with all shapes as dskg runs it on the fast path
(fast.shacl.validate: the SPARQL checks' targets narrowed). A valid example yields no Violation
(warnings and notes are fine); an invalid
one yields the intended result, from the intended shape, at the intended severity, with the
intended message, and no Violation it does not expect.

Examples are named <shape file>-<what>.ttl; every shape file has at least one valid and one
invalid example.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

import dskg
from dskg import resources, sourcetext, validation
from dskg.fast import SWITCH, shacl

CASES = Path(__file__).parent / "shapes_cases"
DSKG = Namespace("https://w3id.org/dskg/ontology#")
CONTEXT_WORK = URIRef("https://w3id.org/dskg/id/src-2025")

V, W, I = "Violation", "Warning", "Info"

# example -> results it must produce: (severity, source shape, fragment of the message).
# An empty list: a valid example (no Violation at all).
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "common-valid.ttl": [],
    "common-two-sections.ttl": [
        (V, "StatedIn", "exactly one source work"),
        (V, "InSection", "one section"),
        (V, "SectionOfSourceShape", "not to https://w3id.org/dskg/id/other-2024, the work this is stated in"),
        (V, "SectionOfSourceShape", "not to https://w3id.org/dskg/id/other-2024, the work this is stated in"),
    ],
    "barrier-valid.ttl": [],
    "barrier-missing-level.ttl": [(V, "BarrierLevel", "A barrier needs its level: add `level: domestic` or `level: international`")],
    "barrier-level-mismatch.ttl": [(V, "BarrierLevelClassShape", "The level `international` does not match the barrier's class")],
    "barrier-unaddressed.ttl": [(W, "BarrierAddressedShape", "No countermeasure addresses this barrier yet")],
    "barrier-missing-en-label.ttl": [(V, "LabelEn", "The English label is missing: add `label_en:`")],
    "barrier-two-zh-labels.ttl": [(V, "OneLabelZh", "more than one Chinese label")],
    "advantage-valid.ttl": [],
    "advantage-missing-zh-label.ttl": [(V, "LabelZh", "The Chinese label is missing: add `label_zh:`")],
    "countermeasure-valid.ttl": [(I, "CountermeasureAddresses", "addresses no barrier")],
    "problem-valid.ttl": [],
    "problem-unknown-records.ttl": [
        (V, "AnsweredByKnownShape", "No countermeasure has the id https://w3id.org/dskg/id/cm-nope"),
        (V, "CorrespondsToKnownShape", "No barrier has the id https://w3id.org/dskg/id/bar-nope"),
        # the properties' ranges make the unknown ids a countermeasure and a barrier, each without a record's fields
        *[(V, shape, text) for shape, text in (("StatedIn", "one source work"), ("LabelZh", "label_zh"), ("LabelEn", "label_en"))] * 2,
        (V, "BarrierLevel", "A barrier needs its level"),
    ],
    "label-valid.ttl": [],
    "label-wrong.ttl": [
        (V, "LabelFromTextShape", "names the work it is stated in and its section"),
        (V, "LabelNodeVerbatimShape", "完善法律体系"),
        (V, "LabelOriginGiven", "Say where the label comes from"),
        (V, "LabelOfItsRecordShape", "健全法律"),
        (V, "LabelTranslationAttributedShape", "attribute it with prov:wasAttributedTo"),
        (V, "LabelLiteralForm", "exactly one label"),  # two
        (V, "LabelLiteralForm", "exactly one label"),  # none
        (V, "LabelOriginGiven", "Say where the label comes from"),  # dskg:explicit is a basis, not an origin
        (V, "LabelOfItsRecordShape", "Improve laws"),
        (V, "LabelOfItsRecordShape", "Sound laws"),
        (V, "LabelFromTextShape", "names the work it is stated in and its section"),  # the basis taken for an origin
        (V, "LabelFromTextShape", "names the work it is stated in and its section"),  # the abstract's, without its section
    ],
    "problem-unanswered.ttl": [
        (W, "ProblemQuote", "add at least one verbatim quote"),
        (I, "ProblemAnswered", "no countermeasure answers this problem"),
    ],
    "model-reference-valid.ttl": [],
    "model-reference-wrong.ttl": [
        (V, "ModelFromActorOrDocumentShape", "Only an actor (actors.yaml) or a document"),  # a barrier
        (V, "ModelForKnownShape", "No countermeasure has the id https://w3id.org/dskg/id/cm-nope"),
        # the property's range makes the unknown id a countermeasure, without a record's fields
        *[(V, shape, text) for shape, text in (("StatedIn", "one source work"), ("LabelZh", "label_zh"), ("LabelEn", "label_en"))],
    ],
    "countermeasure-no-source.ttl": [(V, "StatedIn", "exactly one source work")],
    "qualified-link-valid.ttl": [],
    "concept-mapping-valid.ttl": [],
    "concept-mapping-incomplete.ttl": [
        (V, "MappingRelation", "A match names exactly one relation"),
        (V, "MappingRationale", "why the two records match"),
        (V, "MappingAttribution", "Name who asserts the match"),
    ],
    "concept-mapping-wrong-ends.ttl": [
        (V, "MappingSameKindShape", "https://w3id.org/dskg/id/bar-legal cannot match https://w3id.org/dskg/id/cm-legal"),
        (V, "MappingSameKindShape", "https://w3id.org/dskg/id/bar-legal cannot match https://w3id.org/dskg/id/bar-legal"),
        (V, "MappingRelation", "A match names exactly one relation"),
        (V, "MappingBasis", "not editorial"),
        (W, "EditorialNotStatedShape", "yet is stated in https://w3id.org/dskg/id/src-2025"),
    ],
    "concept-mapping-twice.ttl": [
        (V, "MappingRelation", "A match names exactly one relation"),
        (V, "MappingRationale", "why the two records match"),
        (V, "MappingAttribution", "Name who asserts the match"),  # two agents
        (V, "MappingAttribution", "Name who asserts the match"),  # one a barrier
    ],
    "concept-mapping-no-direct-triple.ttl": [(V, "MappingDirectTripleShape", "http://www.w3.org/2004/02/skos/core#closeMatch")],
    "qualified-link-no-basis.ttl": [(V, "LinkBasis", "exactly one basis")],
    "qualified-link-no-quote.ttl": [(V, "QualifiedLinkShape", "at least one verbatim quote")],
    "qualified-link-not-stated.ttl": [(V, "SourcedLinkStatedInShape", "must name the work that states it")],
    "qualified-link-editorial-unattributed.ttl": [(V, "EditorialLinkAttributedShape", "attribute it with prov:wasAttributedTo")],
    "qualified-link-no-direct-triple.ttl": [(V, "LinkDirectTripleShape", "addresses")],
    "statistic-valid.ttl": [],
    "statistic-no-period.ttl": [(W, "StatisticPeriod", "The figure has no period")],
    "statistic-no-currency.ttl": [(V, "StatisticCurrencyGivenShape", "A money figure needs its currency")],
    "statistic-bad-unit.ttl": [(V, "StatisticUnit", "one `unit:` from the list")],
    "statistic-value-not-decimal.ttl": [
        (V, "StatisticValue", "xsd:decimal"),
        (V, "StatisticMagnitude", "positive `magnitude:`"),
    ],
    "work-valid.ttl": [],
    "work-no-authors.ttl": [(V, "WorkAuthorsShape", "Name the work's authors")],
    "work-implausible-year.ttl": [(V, "WorkYearPlausibleShape", "The publication year 1776 is not plausible")],
    "work-bad-doi.ttl": [(V, "WorkDoiForm", "Write the DOI as 10.")],
    "work-two-dois.ttl": [(V, "WorkDoiCount", "at most one DOI")],
    "work-duplicate-doi.ttl": [(V, "WorkDoiUniqueShape", "has the same DOI")] * 2,
    "claim-valid.ttl": [],
    "claim-about-nothing.ttl": [(W, "ClaimAbout", "This claim is about nothing yet")],
    "claim-no-work.ttl": [(V, "ClaimMadeBy", "Attach the claim to the work that makes it")],
    "claim-about-unknown.ttl": [
        (V, "ClaimAboutKnownShape", "The claim is about https://w3id.org/dskg/id/theme-nowhere, which is not a known record")
    ],
    "claim-no-text.ttl": [(V, "ClaimText", "A claim needs its text")],
    "document-valid.ttl": [],
    "document-bad-date.ttl": [(V, "Date", "ISO 8601")],
    "case-valid.ttl": [],
    "case-part-of-cycle.ttl": [(V, "CasePartOfCycleShape", "break the cycle")] * 2,
    "actor-valid.ttl": [],
    "actor-missing-labels.ttl": [
        (V, "LabelZh", "The Chinese label is missing"),
        (V, "LabelEn", "The English label is missing"),
        (V, "LabelLanguages", "Tag every label"),
    ],
    "sector-valid.ttl": [],
    "sector-no-scheme.ttl": [(V, "SectorScheme", "concept scheme")],
    "dstri-area-valid.ttl": [],
    "dstri-area-two-en-labels.ttl": [(V, "OneLabelEn", "more than one English label")],
    "theme-valid.ttl": [],
    "theme-two-critiques.ttl": [(V, "ThemeCritique", "one critique per language")],
    "section-valid.ttl": [],
    "section-duplicate-number.ttl": [(V, "SectionNumberUniqueShape", 'Section number "4.1" is used twice')] * 2,
    "citation-valid.ttl": [],
    "citation-unknown-intent.ttl": [(V, "CitationIntentDeclaredShape", "is not a CiTO citation property the ontology declares")],
    "references-valid.ttl": [],
    "references-dangling-scope.ttl": [
        (V, "ScopeKnownShape", "No record has the id https://w3id.org/dskg/id/actor-chnia given as `scope:`"),
        # OWL-RL types the missing id dskg:Actor (the range of dskg:scope), so the actor shape
        # also asks for its labels: either fix the id or write the record.
        (V, "LabelZh", "The Chinese label is missing"),
        (V, "LabelEn", "The English label is missing"),
    ],
    "references-section-of-other-work.ttl": [
        (V, "SectionOfSourceShape", "belongs to https://w3id.org/dskg/id/other-2024, not to https://w3id.org/dskg/id/src-2025")
    ],
    "verbatim-valid.ttl": [],
    "verbatim-quote-not-in-text.ttl": [(V, "QuoteVerbatimShape", "Copy the quote exactly from the source text")],
    "verbatim-label-not-in-text.ttl": [(V, "LabelVerbatimShape", 'Copy the Chinese label "法律壁垒" exactly')],
    "verbatim-claim-text.ttl": [(V, "ClaimTextVerbatimShape", "Copy the claim's Chinese text (`text_zh:`) exactly")],
    # Below: examples that make every other constraint of every shape file fire at least once
    # (tests/test_shape_engines.py checks that, and that Jena and rudof report the same).
    "advantage-no-quote.ttl": [
        (W, "AdvantageQuote", "Trace the advantage to the text"),
        (I, "AdvantageBuiltOn", "no countermeasure builds on"),
    ],
    "barrier-two-levels.ttl": [
        (V, "BarrierLevel", "one of them"),
        (V, "BarrierLevelValue", "Write the level as `domestic` or `international`"),  # "domestic"@en: not an xsd:string
        (V, "BarrierLevelValue", "Write the level as `domestic` or `international`"),  # "Domestic"
        (W, "BarrierAddressedShape", "No countermeasure addresses this barrier yet"),
    ],
    "barrier-no-quote.ttl": [(W, "BarrierQuote", "Trace the barrier to the text")],
    "case-fields-twice.ttl": [
        (V, "Date", "Give one date"),
        (V, "CaseDateText", "Give the date as written once"),
        (V, "CasePartOf", "keep one `part_of:`"),
    ],
    "citation-incomplete.ttl": [
        (V, "CitationCiting", "exactly one citing work"),
        (V, "CitationCited", "exactly one cited work"),
        (V, "CitationIntent", "Give the citation one intent"),
        (W, "CitationQuote", "Show where the source cites the work"),
    ],
    "citation-literal-ids.ttl": [
        (V, "CitationCiting", "exactly one citing work"),
        (V, "CitationCited", "exactly one cited work"),
        (V, "CitingKnownShape", "The citing work does not exist (src-2025)"),
        (V, "CitedKnownShape", "The cited work does not exist (zhang-qi-2024)"),
        (V, "CitationDirectTripleShape", "The direct citation triple is missing"),
    ],
    "citation-two-of-each.ttl": [
        (V, "CitationCiting", "exactly one citing work"),
        (V, "CitationCited", "exactly one cited work"),
        (V, "CitationIntent", "Give the citation one intent"),
    ],
    "citation-no-direct-triple.ttl": [
        (V, "CitationDirectTripleShape", "state `<citing> http://purl.org/spar/cito/citesForInformation <cited>` as well")
    ],
    "claim-texts-twice.ttl": [(V, "ClaimTextPerLanguage", "one text per language"), (V, "ClaimPage", "Give one page")],
    "common-literal-source.ttl": [
        (V, "StatedIn", "exactly one source work"),
        (V, "StatedInKnownShape", "No work has the id src-2025 given as `source:`"),
        (V, "InSection", "one section"),
        (V, "InSectionKnownShape", "No section 4.1"),
    ],
    "actor-two-sources.ttl": [
        (V, "StatedInAtMostOne", "keep one `source:`"),  # two works
        (V, "StatedInAtMostOne", "keep one `source:`"),  # one of them a string
        (V, "StatedInKnownShape", "No work has the id other-2024 given as `source:`"),
    ],
    "countermeasure-no-quote.ttl": [(W, "CountermeasureQuote", "Trace the countermeasure to the text")],
    "document-fields-twice.ttl": [
        (V, "DocumentTitle", "one title per language"),
        (V, "DocumentDateText", "Give the date as written once"),
        (V, "DocumentIssuer", "one issuer"),
    ],
    "dstri-area-no-scheme.ttl": [(V, "DSTRIAreaScheme", "DSTRI concept scheme")],
    "qualified-link-bases.ttl": [(V, "LinkBasis", "exactly one basis")] * 2,
    "qualified-link-no-ends.ttl": [(V, "LinkSubject", "starts from exactly one record"), (V, "LinkTarget", "points to exactly one record")],
    "qualified-link-literal-ends.ttl": [
        (V, "LinkSubject", "starts from exactly one record"),
        (V, "LinkTarget", "points to exactly one record"),
        (V, "LinkSubjectKnownShape", "The link starts from a record that does not exist (cm-legal)"),
        (V, "LinkTargetKnownShape", "No record has the id bar-legal given as the link's `target:`"),
        (V, "LinkDirectTripleShape", "The direct triple this link qualifies is missing"),
    ],
    "qualified-link-two-ends.ttl": [
        (V, "LinkSubject", "starts from exactly one record"),
        (V, "LinkTarget", "points to exactly one record"),
    ],
    "qualified-link-untyped.ttl": [(V, "LinkClassShape", "Type the link with the class of its relation")],
    "qualified-link-editorial-stated.ttl": [
        (W, "EditorialNotStatedShape", "yet is stated in https://w3id.org/dskg/id/src-2025"),
        (W, "EditorialRationaleShape", "Say why this editorial mapping holds"),
        (V, "LinkRationale", "one rationale per language"),
    ],
    "qualified-link-aboutness-no-quote.ttl": [(W, "AboutnessQuote", "Back the claim with a verbatim quote")],
    "section-bad-numbers.ttl": [
        (V, "SectionNumber", "Give the section one `number:`"),  # two numbers
        (V, "SectionNumber", "Give the section one `number:`"),  # one an integer
        (V, "SectionNumber", "Give the section one `number:`"),  # the other section has none
        (W, "SectionNumberForm", "Check the section number"),
    ],
    "section-works.ttl": [
        (V, "SectionOfWork", "belongs to exactly one work"),  # none
        (V, "SectionOfWork", "belongs to exactly one work"),  # two
        (V, "SectionOfWork", "belongs to exactly one work"),  # a string
        (V, "SectionOfKnownShape", "The section belongs to a work that does not exist (src-2025)"),
    ],
    "sector-broader-cycle.ttl": [(V, "SectorBroaderCycleShape", "broader than itself")] * 2,
    "statistic-fields-twice.ttl": [
        (V, "StatisticValue", "one `value:`"),
        (V, "StatisticValueText", "Give the figure as written, once"),
        (V, "StatisticUnit", "one `unit:` from the list"),
        (V, "StatisticMagnitude", "one positive `magnitude:`"),
        (V, "StatisticCurrency", "Write one currency"),
        (V, "StatisticOnePeriod", "Give the figure one `period:`"),
        (V, "StatisticComparator", "Write the comparator once"),
        (V, "StatisticFlow", "Write the trade flow once"),
        (V, "StatisticScope", "one scope"),
        (V, "StatisticSector", "one sector"),
        (V, "StatisticSource", "one named source"),
        (W, "StatisticCurrencyUnitShape", "The figure has a currency (USD) but its unit is `percent`"),
        (W, "StatisticCurrencyUnitShape", "The figure has a currency (CNY) but its unit is `percent`"),
    ],
    "statistic-fields-wrong-form.ttl": [
        # "equals"@en, "dollars"@en, "usd"@en, "all"@en: each neither an xsd:string nor a word of the list
        *[
            (V, shape, fragment)
            for shape, fragment in [
                ("StatisticComparator", "Write the comparator once"),
                ("StatisticUnit", "one `unit:` from the list"),
                ("StatisticCurrency", "Write one currency"),
                ("StatisticFlow", "Write the trade flow once"),
            ]
            for _ in range(2)
        ],
        (V, "StatisticOnePeriod", "a string as the text gives it"),  # 2022, an integer
        (V, "StatisticMagnitude", "one positive `magnitude:`"),  # -100000000
        (V, "StatisticMagnitude", "one positive `magnitude:`"),  # "亿": not a decimal ...
        (V, "StatisticMagnitude", "one positive `magnitude:`"),  # ... nor comparable with 0
        (W, "StatisticMagnitudeUsualShape", "Check the magnitude -100000000.0"),
        (W, "StatisticCurrencyUnitShape", "The figure has a currency (usd) but its unit is `dollars`"),
    ],
    "statistic-empty.ttl": [
        (V, "StatisticValue", "one `value:`"),
        (V, "StatisticValueText", "Give the figure as written, once"),
        (V, "StatisticUnit", "one `unit:` from the list"),
        (V, "StatisticMagnitude", "one positive `magnitude:`"),
        (W, "StatisticPeriod", "The figure has no period"),
    ],
    "statistic-unusual.ttl": [
        (W, "StatisticCurrencyUnitShape", "The figure has a currency (USD) but its unit is `percent`"),
        (W, "StatisticMagnitudeUsualShape", "Check the magnitude 1000.0"),
    ],
    "theme-numbers-twice.ttl": [
        (V, "ThemeNumber", "Give the theme one number"),  # two numbers
        (V, "ThemeNumber", "Give the theme one number"),  # "2", a string
        (V, "ThemeDefinition", "one definition per language"),
    ],
    "verbatim-claim-quote.ttl": [(V, "ClaimQuoteVerbatimShape", "Copy the claim's `quote:` exactly from the work that makes the claim")],
    "verbatim-field-not-in-text.ttl": [
        (V, "FieldVerbatimShape", 'Copy "中华人民共和国数据安全法" exactly from https://w3id.org/dskg/id/src-2025')
    ],
    "verbatim-quote-untagged.ttl": [(W, "QuoteLanguage", "Tag the quote with the language")],
    "work-fields-twice.ttl": [
        (V, "WorkAuthorsText", "Write the authors as the citation gives them once"),
        (V, "WorkYear", "exactly one publication year"),
        (V, "WorkEtAl", "Write `et_al:` once"),  # twice
        (V, "WorkEtAl", "Write `et_al:` once"),  # "no", not a boolean
        (V, "WorkRefNumber", "one bracketed reference number"),  # twice
        (V, "WorkRefNumber", "one bracketed reference number"),  # "1", not an integer
    ],
    "work-year-and-doi-datatypes.ttl": [
        (V, "WorkYearDatatype", "as an xsd:gYear"),
        (V, "WorkDoiForm", "Write the DOI as 10."),
        (V, "WorkYear", "exactly one publication year"),
    ],
    "work-known-only-by-citation-with-title.ttl": [
        (V, "WorkKnownOnlyByCitationShape", "yet it has a http://purl.org/dc/terms/title"),
        (V, "WorkCreatorKnownShape", "The author https://w3id.org/dskg/id/person-zhang-qi (dcterms:creator) is not a known record"),
    ],
    "work-text-not-given.ttl": [(I, "WorkTextGivenShape", "the validator was not given it")],
    "work-shipped-text-unlicensed.ttl": [
        (V, "WorkShippedTextLicensedShape", "The text of this work ships (sources/other-2024.txt) but no licence"),
    ],
    "metadata-record-valid.ttl": [],
    "metadata-record-incomplete.ttl": [
        (V, "MetadataOf", "describes exactly one work"),
        (V, "MetadataField", "Name the one field"),
        (V, "MetadataValue", "Give the field's value"),
        (V, "MetadataDerivedFrom", "Say where the field comes from"),  # none
        (V, "MetadataDerivedFrom", "Say where the field comes from"),  # a literal, not a record
        (V, "MetadataValueOfTheWorkShape", 'The value "15" is not the work\'s own http://purl.org/ontology/bibo/volume'),
    ],
    "metadata-record-wrong-forms.ttl": [
        (V, "MetadataOf", "describes exactly one work"),  # two
        (V, "MetadataOf", "describes exactly one work"),  # a literal, not a work
        (V, "MetadataField", "Name the one field"),  # two
        (V, "MetadataField", "Name the one field"),  # a number, not a string
    ],
    # A typo in an id: the reference is reported and, as OWL-RL types the missing id by the range
    # of the property, so is the phantom record (fix the id and both go).
    "references-dangling-from-countermeasure.ttl": [
        (V, "AddressesKnownShape", "No record has the id https://w3id.org/dskg/id/bar-lgeal"),
        (V, "BuildsOnKnownShape", "No record has the id https://w3id.org/dskg/id/adv-markt"),
        *[
            (V, shape, fragment)
            for shape, fragment in [
                ("LabelZh", "Chinese label is missing"),
                ("LabelEn", "English label is missing"),
                ("StatedIn", "exactly one source work"),
            ]
            for _ in range(2)
        ],
        (V, "BarrierLevel", "A barrier needs its level"),
    ],
    "references-dangling-from-case.ttl": [
        (V, "IllustratesKnownShape", "No record has the id https://w3id.org/dskg/id/bar-lgeal"),
        (V, "InvolvesKnownShape", "No record has the id https://w3id.org/dskg/id/actor-huawie listed in `actors:`"),
        (V, "PartOfKnownShape", "No record has the id https://w3id.org/dskg/id/case-standrads given as `part_of:`"),
        (V, "LabelZh", "Chinese label is missing"),
        (V, "LabelEn", "English label is missing"),
        (V, "StatedIn", "exactly one source work"),
    ],
    "references-dangling-from-statistic.ttl": [
        (V, "EvidencesKnownShape", "No record has the id https://w3id.org/dskg/id/bar-lgeal"),
        (V, "SectorKnownShape", "No record has the id https://w3id.org/dskg/id/sector-digtal-services given as `sector:`"),
        (V, "StatisticSourceKnownShape", "No record has the id https://w3id.org/dskg/id/doc-mofcom-reprot given as `statistic_source:`"),
        (V, "LabelZh", "Chinese label is missing"),
        (V, "LabelEn", "English label is missing"),
        (V, "StatedIn", "exactly one source work"),
        (V, "SectorScheme", "concept scheme"),
    ],
    "references-dangling-from-barrier-and-document.ttl": [
        (V, "FallsUnderKnownShape", "No record has the id https://w3id.org/dskg/id/dstri-infrastructur"),
        (V, "IssuedByKnownShape", "No record has the id https://w3id.org/dskg/id/actor-npc given as `issuer:`"),
        *[
            (V, shape, fragment)
            for shape, fragment in [("LabelZh", "Chinese label is missing"), ("LabelEn", "English label is missing")]
            for _ in range(2)
        ],
        (V, "StatedIn", "exactly one source work"),
        (V, "DSTRIAreaScheme", "DSTRI concept scheme"),
    ],
    "references-dangling-from-work.ttl": [
        (V, "HasThemeKnownShape", "No record has the id https://w3id.org/dskg/id/theme-growht given as `theme:`"),
        (V, "CitedViaKnownShape", "No work has the id https://w3id.org/dskg/id/src-2052 given as `cited_via:`"),
        (V, "MakesClaimKnownShape", "The work makes a claim that does not exist (https://w3id.org/dskg/id/claim-zhang-qi-2042)"),
        (V, "ClaimOfKnownShape", "attributed to a work that does not exist (https://w3id.org/dskg/id/zhang-qi-2042)"),
        (V, "LabelZh", "Chinese label is missing"),
        (V, "LabelEn", "English label is missing"),
        (V, "StatedIn", "exactly one source work"),  # the theme
        (V, "StatedIn", "exactly one source work"),  # the claim
        (V, "ClaimText", "A claim needs its text"),
        *[
            (V, shape, fragment)
            for shape, fragment in [("WorkAuthorsShape", "Name the work's authors"), ("WorkYear", "exactly one publication year")]
            for _ in range(2)
        ],
    ],
    "references-dangling-from-sector-and-link.ttl": [
        (V, "BroaderKnownShape", "No record has the id https://w3id.org/dskg/id/sector-digtal-services given as `broader:`"),
        (V, "InSchemeKnownShape", "The concept scheme https://w3id.org/dskg/id/sectros does not exist"),
        (V, "AttributedToKnownShape", "attributed to an agent that does not exist (https://w3id.org/dskg/id/dskg-projcet)"),
        (V, "EditorialLinkAttributedShape", "attribute it with prov:wasAttributedTo"),
    ],
}


SHIPPED = "shipped graph"


@lru_cache(maxsize=1)
def ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


@cache
def example_graph(name: str) -> Graph:
    """The data graph of an example (or of the shipped data, for SHIPPED), as dskg validates it.

    An example: ontology + context + example + their OWL-RL closure + the context work's
    normalised text. The shipped data: exactly what `dskg validate` gives pySHACL.
    """
    if name == SHIPPED:
        return validation._validation_graph(dskg.build())
    asserted = Graph()
    asserted.parse(CASES / "_context.ttl", format="turtle")
    asserted.parse(CASES / name, format="turtle")
    g = Graph()
    g += ontology()
    g += asserted
    g += dskg.infer(ontology(), asserted, engine="reasonable")
    g.add((CONTEXT_WORK, DSKG.normalisedText, Literal(sourcetext.normalised_text(CASES / "_source.txt"))))
    return g


@cache
def dskg_report(name: str) -> Graph:
    """pySHACL's report on an example graph, run as dskg runs it on the fast path, whatever path the
    suite runs on: on the reference path rdflib parses each SPARQL check anew for every node it
    checks (4 s an example, not 0.15). test_shape_engines.py compares the fast path's findings with
    the shapes' as written on every example."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(SWITCH, raising=False)
        return shacl.validate(example_graph(name), validation.load_shapes())


def results(report: Graph) -> list[tuple[str, str, str, str]]:
    """(severity, source shape, message, focus node) of each result of a report.

    The shapes avoid sh:node, whose nested results (sh:detail) a reader of the report would take
    for findings of their own: every result is a top-level result.
    """
    assert not list(report.subjects(SH.detail))
    out = []
    for node in report.subjects(RDF.type, SH.ValidationReport):
        for r in report.objects(node, SH.result):
            out.append(
                (
                    str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                    str(report.value(r, SH.sourceShape)).rsplit("#", 1)[-1],
                    " ".join(str(m) for m in report.objects(r, SH.resultMessage)),
                    str(report.value(r, SH.focusNode)),
                )
            )
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(name):
    found = results(dskg_report(name))
    expected = EXPECTED[name]
    remaining = list(found)
    for severity, shape, fragment in expected:
        match = next((r for r in remaining if r[0] == severity and r[1] == shape and fragment in r[2]), None)
        assert match, f"{name}: expected {severity} from dsh:{shape} saying {fragment!r}; got {found}"
        remaining.remove(match)
    unexpected = [r for r in remaining if r[0] == V]
    assert not unexpected, f"{name}: unexpected violations {unexpected}"


def test_every_example_is_listed_and_every_shape_file_has_a_valid_and_an_invalid_example():
    files = {p.name for p in CASES.glob("*.ttl") if not p.name.startswith("_")}
    assert files == set(EXPECTED)
    for shape_file in sorted(resources.shapes_dir().glob("*.ttl")):
        stem = shape_file.stem
        mine = [n for n in EXPECTED if n.startswith(stem + "-")]
        assert any(not EXPECTED[n] or all(sev != V for sev, _, _ in EXPECTED[n]) for n in mine), f"{stem}: no valid example"
        assert any(any(sev == V for sev, _, _ in EXPECTED[n]) for n in mine), f"{stem}: no invalid example"


def test_messages_are_bilingual_instructions():
    """Every sh:message is English first with Chinese beside it."""
    for message in validation.load_shapes().objects(None, SH.message):
        text = str(message)
        assert text[0].isascii() and any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_shipped_graph_has_no_violation():
    violations = [r for r in results(dskg_report(SHIPPED)) if r[0] == V]
    assert not violations, violations
