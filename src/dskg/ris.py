"""The RIS reader, and the reader of EndNote's tagged text as CNKI (中国知网) exports it: a .ris or
.enw file -> each record as entry data (the form of an entry YAML file) with the line of each of
its fields, plus one problem, with its line and fix in the file's own terms, for every fault.

RIS (Zotero, EndNote, NoteExpress, Web of Science ...) is a record per `TY  - JOUR` ... `ER  - `,
one `XX  - value` line per field. CNKI itself exports no RIS: its "EndNote" export is Refer-style
tagged text (`%0 Journal Article`, `%A 周念利`, `%T ...`, ending in `%W CNKI`, with CRLF line ends);
the RIS that reaches users from CNKI's pages keeps CNKI's habits. So both readers take what CNKI
writes: several authors in one field (`马述忠;房超;`, also split at `；`, `，` and `、` when the names
are Chinese), issue and page numbers padded with zeros in its EndNote text (`%N 02`), a BOM, CRLF,
and blank lines between records.

A record's fields map onto an entry's as bibtex.TYPES does for BibTeX's (TY JOUR -> article, CHAP
-> chapter ...; TI/T1 -> title, AU/A1 -> authors in order, T2/JF/JO/JA/BT or the publisher ->
venue, SP/EP -> pages, PY/Y1/DA -> year, DO -> doi without https://doi.org/). A2-A4 are editors,
series editors and translators in RIS, not authors, so they are left out. The language is the
record's LA, else Chinese when the title is written in Chinese, else English. The id is
bibtex.derived_id's, so the same work gets the same id as from BibTeX: the house style's
author-year when the family names are in Latin letters, else the record's ID (its key), else
keyless_id. RIS says nothing of claims.

The lines are read here, not by rispy: rispy gives no line numbers, takes a record without ER or a
line without a tag without a word (or stops at the first), and so cannot report each fault at its
line as the error contract asks. The tag meanings follow the RIS specification as rispy does.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import bibtex
from .bibtex import FieldLines, Found
from .errors import Problem

TYPES = {
    **dict.fromkeys(("JOUR", "JFULL", "EJOUR", "MGZN", "NEWS", "INPR", "ABST"), "article"),
    **dict.fromkeys(("BOOK", "EBOOK", "EDBOOK"), "book"),
    **dict.fromkeys(("CHAP", "ECHAP"), "chapter"),
    **dict.fromkeys(("RPRT", "GOVDOC", "STAND"), "report"),
    "THES": "thesis",
    **dict.fromkeys(("CONF", "CPAPER"), "conference-paper"),
    **dict.fromkeys(("ELEC", "WEB", "BLOG", "GEN"), "webpage"),
    **dict.fromkeys(("DATA", "DBASE", "AGGR"), "dataset"),
}
"""RIS reference types -> entry types (anything else: article, as for BibTeX). GEN is BibTeX's misc."""

ENDNOTE_TYPES = {
    **dict.fromkeys(("journal article", "magazine article", "newspaper article", "electronic article"), "article"),
    **dict.fromkeys(("book", "edited book", "electronic book"), "book"),
    **dict.fromkeys(("book section", "electronic book section"), "chapter"),
    **dict.fromkeys(("report", "government document", "standard"), "report"),
    "thesis": "thesis",
    **dict.fromkeys(("conference proceedings", "conference paper"), "conference-paper"),
    **dict.fromkeys(("web page", "blog", "generic"), "webpage"),
    **dict.fromkeys(("dataset", "online database"), "dataset"),
}
"""EndNote reference types (`%0 Journal Article`) -> entry types (anything else: article)."""

FIXES = {
    "title": "give the title as a line `TI  - ...` in the RIS record",
    "authors": "give each author as a line of their own, `AU  - Family, Given`, in the RIS record",
    "year": "give the year as a line `PY  - 2021` in the RIS record",
    "*": "complete the RIS record",
}
"""Fixes in RIS's own terms, for recordcheck.validated."""

ENDNOTE_FIXES = {
    "title": "give the title as a line `%T ...` in the EndNote record",
    "authors": "give each author as a line of their own, `%A Family, Given`, in the EndNote record",
    "year": "give the year as a line `%D 2021` in the EndNote record",
    "*": "complete the EndNote record",
}
"""Fixes in the terms of EndNote's tagged text, for recordcheck.validated."""

"""Languages as RIS and CNKI write them (`English`, `eng`, `中文;`) -> tags; a tag (`en-US`, `zh-CN`) gives its first part."""
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


@dataclass(frozen=True)
class _Dialect:
    """What tells one tagged format from the other: its line, its tags for each entry field, its words."""

    name: str
    line: re.Pattern
    start: str
    end: str | None
    tags: dict[str, tuple[str, ...]]
    types: dict[str, str]
    example: str
    fixes: dict[str, str]


_RIS = _Dialect(
    "RIS",
    re.compile(r"([A-Z][A-Z0-9])  -(?: (.*))?"),
    "TY",
    "ER",
    {
        "title": ("TI", "T1", "CT"),
        "translated": ("TT",),
        "authors": ("AU", "A1"),
        "year": ("PY", "Y1", "DA"),
        "venue": ("T2", "JF", "JO", "JA", "BT", "PB"),
        "volume": ("VL",),
        "issue": ("IS",),
        "pages": ("SP",),
        "end": ("EP",),
        "doi": ("DO",),
        "url": ("UR",),
        "language": ("LA",),
        "key": ("ID",),
    },
    TYPES,
    "`AU  - Family, Given`: two capitals or a capital and a digit, two spaces, a hyphen, a space, the value",
    FIXES,
)
_ENDNOTE = _Dialect(
    "EndNote",
    re.compile(r"%([0-9A-Za-z@+!#$&()*<>=?\[\]^~])(?: (.*))?"),
    "0",
    None,
    {
        "title": ("T",),
        "translated": ("Q",),
        "authors": ("A",),
        "year": ("D", "8"),
        "venue": ("J", "B", "I"),
        "volume": ("V",),
        "issue": ("N",),
        "pages": ("P",),
        "doi": ("R",),
        "url": ("U",),
        "language": ("G",),
    },
    ENDNOTE_TYPES,
    "`%A Family, Given`: a % sign, the tag's letter, a space, the value",
    ENDNOTE_FIXES,
)


@dataclass
class _Record:
    """One record as scanned: its number in the file, its first line, its fields in order with their lines."""

    number: int
    line: int
    fields: list[tuple[str, str, int]] = field(default_factory=list)
    fault: Problem | None = None

    def first(self, tags: tuple[str, ...]) -> tuple[str, int] | None:
        """The value and line of the first of `tags` the record gives (in the order of `tags`) with a value."""
        for tag in tags:
            found = next(((value, line) for name, value, line in self.fields if name == tag and value), None)
            if found:
                return found
        return None


def parse(text: str, file: str) -> tuple[list[Found], list[Problem]]:
    """Each record of a RIS text (data, first line, field lines), and one problem per fault."""
    return _parse(text, file, _RIS)


def parse_endnote(text: str, file: str) -> tuple[list[Found], list[Problem]]:
    """Each record of EndNote's tagged text, as CNKI exports it (data, first line, field lines), and one problem per fault."""
    return _parse(text, file, _ENDNOTE)


def _parse(text: str, file: str, dialect: _Dialect) -> tuple[list[Found], list[Problem]]:
    records, problems = _scan(text, file, dialect)
    if not records and not problems:
        return [], [Problem(file, 1, "", "", f"the file holds no {dialect.name} record", _empty_fix(dialect))]
    found, used = [], set()
    for record in records:
        if record.fault:  # its fields are not what the user meant: checking them would say the same twice
            problems.append(record.fault)
            continue
        data, lines = _entry_data(record, dialect)
        data["id"] = bibtex.unused_id(data["id"], used)
        found.append(Found(data, record.line, FieldLines(record.line, lines)))
    return found, problems


def _empty_fix(dialect: _Dialect) -> str:
    if dialect.end:
        return "export the works again as RIS: each record begins with `TY  - JOUR` (its type) and ends with `ER  - `"
    return "export the works again in EndNote's format: each record begins with `%0 Journal Article` (its type)"


class _Scan:
    """The walk through a file's lines: the record open, the records read, the faults outside any record."""

    def __init__(self, file: str, dialect: _Dialect):
        self.file, self.dialect = file, dialect
        self.records: list[_Record] = []
        self.current: _Record | None = None
        self.problems: list[Problem] = []
        self.stray: list[int] = []

    def say(self, record: _Record, line: int, tag: str, message: str, fix: str) -> None:
        if record.fault is None:  # one fault a record: what follows the first may only be its echo
            record.fault = Problem(self.file, line, f"record {record.number}", tag, message, fix)

    def open(self, line: int) -> _Record:
        self.close()
        self.current = _Record(len(self.records) + 1, line)
        return self.current

    def close(self) -> None:
        if self.current is not None:
            self.records.append(self.current)
        self.current = None

    def tagged(self, tag: str, value: str, line: int) -> None:
        dialect, record = self.dialect, self.current
        if tag == dialect.start:
            if record is not None and dialect.end:
                self.say(record, record.line, dialect.end, _unclosed(record, f"before the next {dialect.start} at line {line}"), _END_FIX)
            self.open(line).fields.append((tag, value, line))
        elif tag == dialect.end and record is not None:
            self.close()
        elif record is None or tag == dialect.end:
            record = self.open(line)
            starts = f"`{dialect.start}  - JOUR`" if dialect.end else "`%0 Journal Article`"
            self.say(record, line, dialect.start, _no_type(record, dialect, line), f"begin the record with its type, e.g. {starts}")
            if tag == dialect.end:
                self.close()
        else:
            record.fields.append((tag, value, line))

    def untagged(self, text: str, line: int) -> None:
        record = self.current
        if record is not None and not self.dialect.end and record.fields:
            tag, value, at = record.fields[-1]  # EndNote's text wraps a long value onto lines of its own
            joint = "" if bibtex.CJK.match(value[-1:]) and bibtex.CJK.match(text.strip()) else " "  # Chinese has no spaces between words
            record.fields[-1] = (tag, f"{value}{joint}{text.strip()}".strip(), at)
        elif record is not None:
            shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:39] + "…"
            self.say(
                record, line, "", f"line {line} ({shown}) is not a {self.dialect.name} line: a line is {self.dialect.example}", _LINE_FIX
            )
        else:
            self.stray.append(line)

    def finish(self) -> tuple[list[_Record], list[Problem]]:
        record = self.current
        if record is not None and self.dialect.end:
            self.say(record, record.line, self.dialect.end, _unclosed(record, "by the end of the file"), _END_FIX)
        self.close()
        if self.stray:
            first, more = self.stray[0], len(self.stray) - 1
            others = f" (and {more} more line{'s' if more > 1 else ''} like it)" if more else ""
            message = f"line {first} is outside any record and is not a {self.dialect.name} line{others}: a line is {self.dialect.example}"
            self.problems.insert(0, Problem(self.file, first, "", "", message, "remove it, or write it inside a record as a tagged line"))
        return self.records, self.problems


_END_FIX = "end each record with a line `ER  - `"
_LINE_FIX = "write it as a tagged line, e.g. `N1  - ...` for a note, or delete it"


def _unclosed(record: _Record, where: str) -> str:
    return f"record {record.number} (TY at line {record.line}) is not closed by ER {where}"


def _no_type(record: _Record, dialect: _Dialect, line: int) -> str:
    return f"record {record.number} at line {line} does not begin with {dialect.start} (its type)"


def _scan(text: str, file: str, dialect: _Dialect) -> tuple[list[_Record], list[Problem]]:
    """The records of a tagged text and the faults that keep them from being read."""
    scan = _Scan(file, dialect)
    for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = raw.rstrip()  # trailing spaces, and a CR a reader that kept it left
        if not line.strip():
            continue  # EndNote and CNKI write blank lines between records (and CNKI inside an abstract)
        match = dialect.line.fullmatch(line.lstrip() if not dialect.end else line)
        if match:
            scan.tagged(match.group(1), (match.group(2) or "").strip(), number)
        else:
            scan.untagged(line, number)
    return scan.finish()


def _names(value: str) -> list[str]:
    """The authors one field gives: one name, or (as CNKI writes them) several separated by `;`,
    and in Chinese also by `；`, `，` or `、`; never at a plain comma, which separates family and
    given name (`Nordås, Hildegunn Kyvik`)."""
    separators = r"[;；，、]" if bibtex.CJK.search(value) else r"[;；]"
    return [name.strip() for name in re.split(separators, value) if name.strip()]


def _year(value: str) -> str:
    """A year as RIS writes dates (`2017`, `2017///`, `2017/06/01/`, `2017-06`): its first four digits, else the value."""
    match = re.match(r"\s*(\d{4})(?!\d)", value)
    return match.group(1) if match else value


def keyless_id(title: str, year: str) -> str:
    """The id of a work whose record brings no key and whose authors' names are not in Latin
    letters (so no author-year id can be made): `work-<year>-` and the first 8 hex digits of the
    SHA-1 of its title (UTF-8, NFC, whitespace collapsed), the same from every export of it."""
    normal = " ".join(unicodedata.normalize("NFC", title).split())
    digest = hashlib.sha1(normal.encode("utf-8")).hexdigest()[:8]
    return "-".join(["work", *([year] if re.fullmatch(r"\d{4}", year) else []), digest])


def _pages(record: _Record, dialect: _Dialect) -> str | None:
    start = record.first(dialect.tags["pages"])
    end = record.first(dialect.tags.get("end", ()))
    if not start:
        return end[0] if end else None
    pages = start[0] if not end or "-" in start[0] else f"{start[0]}-{end[0]}"
    pages = re.sub("[\u2013\u2014~]", "-", pages)
    return pages if dialect.end else re.sub(r"(?<!\d)0+(?=\d)", "", pages)  # CNKI's `004` is page 4


def _number(value: str, dialect: _Dialect) -> str:
    return value if dialect.end else re.sub(r"^0+(?=\d)", "", value)  # CNKI's `%N 02` is issue 2


def _authors(record: _Record, dialect: _Dialect) -> list[str]:
    """The record's authors in the order its author fields give them, several to a field as CNKI writes them."""
    given = [text for tag, text, _ in record.fields if tag in dialect.tags["authors"]]
    if not dialect.end:  # CNKI's EndNote text may run several `%A` tags together on one line
        given = [part for text in given for part in re.split(r"\s+%A\s+", text)]
    return [name for text in given for name in _names(text)]


def _record_id(key: str, authors: list[str], year: str, title: str) -> str:
    """bibtex.derived_id's id (author-year, else the key's slug); keyless_id when there is no key to fall back to."""
    made = bibtex.derived_id(key, authors, year) if key or authors else "entry"
    return made if key or made != "entry" else keyless_id(title, year)


def _entry_data(record: _Record, dialect: _Dialect) -> tuple[dict[str, Any], dict[str, int]]:
    """A record's fields as entry data, and the line of each entry field."""
    tags = dialect.tags

    def value(name: str) -> str:
        return (record.first(tags.get(name, ())) or ("", 0))[0]

    kind = record.fields[0][1].strip()  # the record's first field is its type (TY, %0): else it is a fault, not read
    title = " ".join(value("title").split())
    authors, year = _authors(record, dialect), _year(value("year"))
    language = bibtex.language_tag(value("language"), title)
    data: dict[str, Any] = {
        "id": _record_id(value("key"), authors, year, title),
        "type": dialect.types.get(kind.upper() if dialect.end else kind.lower(), "article"),
        "title": _titles(title, language, " ".join(value("translated").split())),
        "authors": authors,
        "year": year or None,
        "language": language,
    }
    optional = {
        "venue": " ".join(value("venue").split()),
        "volume": _number(value("volume"), dialect),
        "issue": _number(value("issue"), dialect),
        "pages": _pages(record, dialect),
        "doi": _DOI_PREFIX.sub("", value("doi")).strip(),
        "url": value("url"),
    }
    data.update((name, text) for name, text in optional.items() if text)
    named = ("title", "authors", "year", *optional, "language")
    return data, {name: found[1] for name in named if (found := record.first(tags.get(name, ())))}


def _titles(title: str, language: str, translated: str) -> dict[str, str]:
    """The title in its language, and the translated title (RIS TT, EndNote %Q) in the other one when
    its script says it is the other (a Chinese work's English title): titles in two languages survive."""
    titles = {language: title} if title else {}
    other = "zh" if bibtex.CJK.search(translated) else "en"
    if title and translated and other != language and other in ("zh", "en") and language in ("zh", "en"):
        titles[other] = translated
    return titles
