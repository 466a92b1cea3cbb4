"""Where each label of a record comes from, as SKOS-XL label nodes beside the plain labels.

A record may say, in `label_origins`, where each of its labels is from: the abstract, the body or
a heading of a section (`body 4.1`, `heading 5.4`), or a translation. Each label then also becomes a
`skosxl:Label` (skosxl:prefLabel for rdfs:label, skosxl:altLabel for skos:altLabel) with its
literal form, origin, section and work; a translation is attributed to the project. The plain
labels stay as they are, so no query that reads them changes. English labels not listed are
translations; a Chinese label not listed is a problem, since only the text can say where it is.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Literal, URIRef

from .checks import Checks
from .errors import ProblemList
from .records import Entity
from .terms import DSKG, PROJECT, PROV, RDF, SKOSXL, Terms

ORIGINS = {"abstract": DSKG.fromAbstract, "body": DSKG.fromBody, "heading": DSKG.fromHeading, "translation": DSKG.fromTranslation}
FIX = "give each as `<label>: abstract`, `body <section>`, `heading <section>` or `translation` (a list for several places)"


def labels_of(rec: Entity) -> list[tuple[str, str, int, str]]:
    """Every label of a record: (pref or alt, language, place among its kind, text)."""
    alts = [("alt", "zh", i, text) for i, text in enumerate(rec.alt_labels_zh)] + [
        ("alt", "en", i, text) for i, text in enumerate(rec.alt_labels_en)
    ]
    return [("pref", "zh", 0, rec.label_zh), ("pref", "en", 0, rec.label_en), *alts]


class LabelTriples:
    """The label nodes of the loader's Builder (its `add`, `text`, `terms`, `checks`, `problems`)."""

    add: Callable[[URIRef, URIRef, URIRef | Literal | None], None]
    text: Callable[[URIRef, URIRef, str | None, str], None]
    terms: Terms
    checks: Checks
    problems: ProblemList

    def label_origins(self, node: URIRef, rec: Entity) -> None:
        if not rec.label_origins:
            return
        labels = labels_of(rec)
        known = {text for *_, text in labels}
        for text in rec.label_origins:
            if text not in known:
                self.label_problem(
                    rec,
                    f"{text!r} is none of the record's labels",
                    "write the label exactly as label_zh, label_en or an alt label gives it",
                )
        for kind, lang, index, text in labels:
            given = rec.label_origins.get(text)
            if given is None and lang == "zh":
                self.label_problem(rec, f"where the label {text!r} comes from is not given", FIX)
                continue
            origins = ["translation"] if given is None else [given] if isinstance(given, str) else given
            self.label_node(node, rec, (kind, lang, index, text), origins)

    def label_node(self, node: URIRef, rec: Entity, label: tuple[str, str, int, str], origins: list[str]) -> None:
        kind, lang, index, text = label
        xl = self.terms.label_iri(rec.id, kind, lang, index)
        self.add(node, SKOSXL.prefLabel if kind == "pref" else SKOSXL.altLabel, xl)
        self.add(xl, RDF.type, SKOSXL.Label)
        self.text(xl, SKOSXL.literalForm, text, lang)
        sourced = [origin for origin in origins if origin != "translation"]
        if len(sourced) < len(origins):
            self.add(xl, DSKG.labelOrigin, DSKG.fromTranslation)
            self.add(xl, PROV.wasAttributedTo, PROJECT)
        if not sourced or rec.source is None:
            return
        self.add(xl, DSKG.statedIn, self.terms.iri(rec.source))
        work = self.checks.work_of(rec.source)
        sections = {s.number for s in work.sections} if work is not None else set()
        for origin in sourced:
            name, _, section = origin.partition(" ")
            section = section or "abstract"
            self.add(xl, DSKG.labelOrigin, ORIGINS[name])
            if sections and section not in sections:
                self.label_problem(
                    rec, f"section {section!r} of {text!r} is not a section of {rec.source}", f"use one of: {', '.join(sorted(sections))}"
                )
                continue
            self.add(xl, DSKG.inSection, self.terms.section_iri(rec.source, section))
        if lang == "zh":  # the English abstract's words are hyphenated across lines in the text: checked by tests, not here
            self.checks.verbatim(rec, rec.id, "label_origins", rec.source, [text])

    def label_problem(self, rec: Entity, message: str, fix: str) -> None:
        self.problems.add(rec.file, rec.line_of("label_origins"), rec.id, "label_origins", message, fix)
