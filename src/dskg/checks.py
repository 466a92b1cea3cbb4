"""The checks that records hold together, made while their triples are written.

Ids are unique across all files, every reference points at a record of the right kind, every
section exists in its source, every quote and verbatim label is found in the source's shipped
text, a DOI names one work. Each problem names file, line, entity, field and the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from . import sourcetext
from .errors import ProblemList
from .records import Citation, Claim, Record, Records, Work

VERBATIM_LABEL_KINDS = ("advantages", "barriers", "countermeasures", "problems", "cases", "documents", "actors", "sectors", "areas")
"""Kinds whose Chinese label is the paper's own words unless `label_zh_verbatim: false`."""


class Index:
    """Every id of the data with the kind and record that owns it, for reference checks."""

    def __init__(self, records: Records, problems: ProblemList):
        self.kind: dict[str, str] = {}
        self.record: dict[str, Record] = {}
        self.problems = problems
        self.tentative = False
        """Records may still come (see loader.stream_triples): an unknown id passes for now and is
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
                "give one of the two records another id (a new record needs an id of its own; to say something about "
                f"the record at {first.file}, write a claim about {rid} or a link to it instead of a record)",
            )
            return
        self.kind[rid] = kind
        self.record[rid] = rec

    def resolve(self) -> bool:
        """True if every id a tentative check let pass exists now, of a kind it allowed."""
        kind = self.kind
        return not self.unresolved and all(rid in kind and kind[rid] in kinds for rid, kinds in self.deferred)


class Checks:
    """The checks of one build over `records`, every problem collected in `problems`."""

    def __init__(self, records: Records, problems: ProblemList):
        self.records = records
        self.problems = problems
        self.index = Index(records, problems)
        self.works = {w.id: w for w in records.works}
        self.dois: dict[str, Work] = {}
        self.shipped = sourcetext.ShippedTexts(records.user_dir, records.data_dir)

    def add_records(self, batch: Records) -> None:
        """Records read after the checks began (already in `self.records`)."""
        self.index.add_records(batch)
        self.works.update((w.id, w) for w in batch.works)

    def reference(self, owner: Record, owner_id: str, field: str, rid: str | None, kinds: Iterable[str]) -> bool:
        """True if `rid` names a record of one of `kinds`; otherwise a problem (None: False, and no problem)."""
        index = self.index
        if rid is None:
            return False
        kinds = tuple(kinds)
        if rid not in index.kind:
            if index.tentative:
                index.deferred.append((rid, kinds))
                return True
            candidates = [i for i, k in index.kind.items() if k in kinds]
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
        if index.kind[rid] not in kinds:
            self.problems.add(
                owner.file,
                owner.line_of(field),
                owner_id,
                field,
                f"{rid!r} is a {index.kind[rid][:-1]}, not a {' or '.join(k[:-1] for k in kinds)}",
                "point this field at a record of the right kind",
            )
            return False
        return True

    def match_target(self, match: Record, rid: str, relation: str, target: str, kind: str) -> bool:
        """True if a match of record `rid` (of `kind`) points at another existing record of its kind."""
        if target == rid:
            self.problems.add(
                match.file,
                match.line_of(relation),
                rid,
                relation,
                f"{rid!r} cannot match itself",
                f"point `{relation}:` at the existing {kind[:-1]} this one corresponds to, or drop the match",
            )
            return False
        return self.reference(match, rid, relation, target, (kind,))

    def work_of(self, source: str | None) -> Work | None:
        """The work a record is stated in; one not read yet leaves a tentative build unresolved."""
        work = self.works.get(source or "")
        if work is None and source and self.index.tentative:
            self.index.unresolved = True
        return work

    def source_text(self, source: str | None, quotes: bool = True) -> Path | None:
        """The shipped text of the work `source`: the paper's kind (`text_file:`), or, when
        `quotes`, a later work's (sources/<id>.txt), against which only quotes are checked: a
        later work's labels and claim texts are a reader's words."""
        work = self.work_of(source)
        if work is None:
            return None
        if work.text_file is not None:
            return None if self.records.data_dir is None else self.records.data_dir / work.text_file
        return self.shipped_text(work.id) if quotes else None

    def shipped_text(self, work_id: str) -> Path | None:
        """A later work's text, `sources/<id>.txt` in the user's data folder or the base's."""
        return self.shipped.path(work_id)

    def quote_checked(self, source: str | None) -> bool | None:
        """Whether the quotes of a later work were checked (its text ships); None for the paper's
        kind of work, whose quotes are always checked and carry no mark."""
        work = self.work_of(source)
        if work is None or work.text_file is not None:
            return None
        return self.shipped_text(work.id) is not None

    def source_and_section(self, rec: Record, rid: str, source: str | None, section: str | None) -> None:
        """The record names its source work, and the section, if given, is one of that work's."""
        if source is None:
            self.problems.add(
                rec.file, rec.line, rid, "source", "no source work", "add `source: <work id>` to the record or at the top of the file"
            )
            return
        if not self.reference(rec, rid, "source", source, ("works",)):
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

    def verbatim(self, rec: Record, rid: str, field: str, source: str | None, texts: Iterable[str]) -> None:
        """Each text is found in the shipped text of the source work (when it ships one; a later
        work's text backs only quotes)."""
        path = self.source_text(source, quotes=field in ("quote", "quotes"))
        if path is None:
            return
        for index, text in enumerate(texts):
            if text and not sourcetext.contains(path, text):
                line = rec.line_of(f"{field}[{index}]")
                self.problems.add(
                    rec.file,
                    rec.line_of(field) if line == rec.line else line,  # a list's item, or a field of one text
                    rid,
                    field,
                    f"not found verbatim in {path.name}: {text[:40]!r}",
                    "copy the passage exactly from the source text (whitespace, and the paper's running headers, are ignored)",
                )

    # -- a work's own fields ------------------------------------------------------------------
    def work_source(self, rec: Work) -> bool:
        """Citations and claims come with the work that states them; False (a problem) if not."""
        if rec.citations and (rec.source is None or rec.source == rec.id):
            self.problems.add(rec.file, rec.line, rec.id, "source", "citations need the citing work", "add `source: <citing work id>`")
            return False
        if rec.claims and rec.source is None:
            self.problems.add(
                rec.file,
                rec.line,
                rec.id,
                "source",
                "claims need the work that reports them",
                "add `source: <work id>` (the work itself for its own claims)",
            )
            return False
        if rec.source is not None and rec.source != rec.id:
            self.reference(rec, rec.id, "source", rec.source, ("works",))
        return True

    def romanised_authors(self, rec: Work) -> None:
        if rec.authors_en and len(rec.authors_en) != len(rec.authors):
            self.problems.add(
                rec.file,
                rec.line_of("authors_en"),
                rec.id,
                "authors_en",
                f"{len(rec.authors_en)} names for {len(rec.authors)} authors",
                "give one romanised name per entry of `authors`, in the same order",
            )

    def not_a_language_tag(self, rec: Work) -> None:
        self.problems.add(
            rec.file,
            rec.line_of("work_language"),
            rec.id,
            "work_language",
            f"{rec.work_language!r} is not a language tag",
            "write the language as a BCP 47 tag, e.g. `en` or `zh`",
        )

    def doi(self, rec: Work) -> None:
        """A DOI names one work, whatever its case."""
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

    def text_file(self, rec: Work) -> str | None:
        """The work's shipped text, relative to its data folder (for dskg:textFile): the paper's
        kind must be there, a later work's needs the licence it ships under."""
        if rec.text_file and self.records.data_dir is not None and not (self.records.data_dir / rec.text_file).is_file():
            self.problems.add(
                rec.file,
                rec.line_of("text_file"),
                rec.id,
                "text_file",
                f"no file {rec.text_file} in the data folder",
                "put the work's text there or correct the path",
            )
        if rec.text_file or self.shipped_text(rec.id) is None:
            return rec.text_file
        if not rec.license:
            self.problems.add(
                rec.file,
                rec.line_of("license"),
                rec.id,
                "license",
                f"the work's text ships ({sourcetext.shipped_name(rec.id)}) but no licence says it may",
                "add `license:` with the text's licence (an SPDX id such as CC-BY-4.0, or its URL), or remove the text",
            )
        return sourcetext.shipped_name(rec.id)

    def unknown_intent(self, citation: Citation, rec: Work) -> None:
        self.problems.add(
            citation.file,
            citation.line_of("intent"),
            rec.id,
            "intent",
            f"{citation.intent!r} is not a CiTO citation property declared in the ontology",
            "use e.g. citesForInformation, citesAsEvidence, usesConclusionsFrom",
        )

    def claim_text(self, claim: Claim) -> None:
        if not (claim.text_zh or claim.text_en):
            self.problems.add(
                claim.file,
                claim.line,
                claim.id,
                "text",
                "a claim needs its text",
                "add `text_zh:` or `text_en:` (in an entry: `text: {en: ...}`)",
            )
