"""SHACL shapes (shapes/*.ttl): paired valid and invalid examples, and the shipped graph.

Every example in tests/shapes_cases/ is validated the way dskg validates: the data graph is the
ontology + the example (+ the small context every example shares: a source work whose text
ships, its sections, the project agent) + their OWL-RL closure + `dskg:normalisedText` of the
work whose text ships; pySHACL runs with all shapes, inference='none', advanced=True,
allow_warnings=True. A valid example yields no Violation (warnings and notes are fine); an invalid
one yields the intended result, from the intended shape, at the intended severity, with the
intended message, and no Violation it does not expect.

Examples are named <shape file>-<what>.ttl; every shape file has at least one valid and one
invalid example.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

import dskg
from dskg import resources, sourcetext

CASES = Path(__file__).parent / "shapes_cases"
DSKG = Namespace("https://w3id.org/dskg/ontology#")
PAPER = URIRef("https://w3id.org/dskg/id/wang-jinze-2025")
PAPER_TEXT = "source/paper-ssem-2025-143042.txt"
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
    "countermeasure-no-source.ttl": [(V, "StatedIn", "exactly one source work")],
    "qualified-link-valid.ttl": [],
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
}


@pytest.fixture(scope="module", autouse=True)
def _parse_each_query_once():
    """Keep rdflib's parse of each SPARQL text, as rdflib's prepareQuery does.

    pySHACL hands rdflib the text of every SPARQL target and constraint on each validation and
    rdflib parses it again (about 15 ms a query: most of the time of a small validation). The
    queries, bindings and answers are unchanged; only the parsing is done once per text.
    """
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    parsed: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in parsed:
                parsed[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
            strOrQuery = parsed[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    patch = pytest.MonkeyPatch()
    patch.setattr(processor.SPARQLProcessor, "query", query)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    g = Graph()
    for path in sorted(resources.shapes_dir().glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def results(report: Graph) -> list[tuple[str, str, str, str]]:
    """(severity, source shape, message, focus node) of each result of a report.

    The shapes avoid sh:node, whose nested results (sh:detail) a reader of the report would take
    for findings of their own: every result is a top-level result.
    """
    assert not list(report.subject_objects(SH.detail))
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


def run(data: Graph, shapes: Graph) -> list[tuple[str, str, str, str]]:
    _conforms, report, _text = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    return results(report)


def example_graph(name: str, ontology: Graph) -> Graph:
    """Ontology + context + example + their OWL-RL closure + the context work's normalised text."""
    asserted = Graph()
    asserted.parse(CASES / "_context.ttl", format="turtle")
    asserted.parse(CASES / name, format="turtle")
    g = Graph()
    g += ontology
    g += asserted
    g += dskg.infer(ontology, asserted, engine="reasonable")
    g.add((CONTEXT_WORK, DSKG.normalisedText, Literal(sourcetext.normalised_text(CASES / "_source.txt"))))
    return g


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(name, shapes, ontology):
    found = run(example_graph(name, ontology), shapes)
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


def test_messages_are_bilingual_instructions(shapes):
    """Every sh:message is English first with Chinese beside it."""
    for message in shapes.objects(None, SH.message):
        text = str(message)
        assert text[0].isascii() and any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_shipped_graph_has_no_violation(shapes):
    kg = dskg.build()
    g = Graph()
    g += kg.ontology
    g += kg.data
    g += kg.inferred
    g.add((PAPER, DSKG.normalisedText, Literal(sourcetext.normalised_text(resources.data_dir() / PAPER_TEXT))))
    found = run(g, shapes)
    violations = [r for r in found if r[0] == V]
    assert not violations, violations
