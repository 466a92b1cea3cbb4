"""The BibTeX reader: a .bib file -> each entry as entry data (the form of an entry YAML file)
and the line it starts on, plus a problem for every block that is not BibTeX.

An entry's bibliographic fields map onto an entry's (author -> authors, journal or booktitle ->
venue, number -> issue ...); the language is the entry's `language` field, else Chinese when
the title is written in Chinese, else English. BibTeX says nothing of claims.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problem

TYPES = {
    "article": "article",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "inproceedings": "conference-paper",
    "conference": "conference-paper",
    "online": "webpage",
    "misc": "webpage",
    "dataset": "dataset",
}
"""BibTeX entry types -> entry types (anything else: article)."""

FIXES = {
    "title": "add `title = {...}` to the BibTeX entry",
    "authors": "add `author = {Family, Given and Family, Given}` to the BibTeX entry",
    "year": "add `year = {2021}` to the BibTeX entry",
    "*": "complete the BibTeX entry",
}
"""Fixes in BibTeX's own terms, for recordcheck.validated."""

_VENUE_FIELDS = ("journal", "booktitle", "publisher", "institution", "school")
_LANGUAGES = {"chinese": "zh", "english": "en"}


def _value(text: str) -> str:
    return re.sub(r"[{}]", "", text).strip()


def slug(text: str) -> str:
    """An entry id from a citation key: lowercase letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entry"


def _language(fields: dict[str, str]) -> str:
    language = fields.get("language") or ("zh" if re.search(r"[\u4e00-\u9fff]", fields.get("title", "")) else "en")
    return _LANGUAGES.get(language.lower(), language.lower())


def entry_data(key: str, entry_type: str, fields: dict[str, str]) -> dict[str, Any]:
    """One BibTeX entry's fields (lower-case names, braces removed) as entry data."""
    title, language = fields.get("title", ""), _language(fields)
    data: dict[str, Any] = {
        "id": slug(key),
        "type": TYPES.get(entry_type.lower(), "article"),
        "title": {language: title} if title else {},
        "authors": [a.strip() for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()],
        "year": fields.get("year"),
        "language": language,
    }
    optional = {
        "venue": next((fields[name] for name in _VENUE_FIELDS if fields.get(name)), None),
        "volume": fields.get("volume"),
        "issue": fields.get("number"),
        "pages": fields.get("pages", "").replace("--", "-") or None,
        "doi": fields.get("doi"),
        "url": fields.get("url"),
    }
    data.update((name, value) for name, value in optional.items() if value)
    return data


def read(text: str, file: str) -> tuple[list[tuple[dict[str, Any], int]], list[Problem]]:
    """Each entry of a BibTeX text as (entry data, its 1-based first line), and the syntax problems."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    problems = []
    for block in library.failed_blocks:
        reason = str(getattr(block, "error", "")).splitlines()[-1:] or ["syntax error"]
        problems.append(
            Problem(
                file, block.start_line + 1, "", "", f"BibTeX syntax error: {reason[0].strip()}", "close every brace and quote of that entry"
            )
        )
    entries = [
        (entry_data(bib.key, bib.entry_type, {k.lower(): _value(v.value) for k, v in bib.fields_dict.items()}), bib.start_line + 1)
        for bib in library.entries
    ]
    return entries, problems
