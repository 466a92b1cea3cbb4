"""The CSL-JSON reader: a .json file as Zotero exports it (an array of CSL items, or one item)
-> each item as entry data (the form of an entry YAML file) with the lines of its fields, plus
one problem, with its line and fix in CSL-JSON's terms, for every fault.

An item's variables map onto an entry's (author -> authors, container-title -> venue, page ->
pages, issued -> year ...). A name given as family and given parts is written "Family, Given"
as BibTeX names are (particles kept: "van der Marel, Erik"), but a Chinese name as family and
given name together without a space (王 + 锦泽 -> 王锦泽), as the entries write Chinese names; a
literal name is kept as written. The id is the one the BibTeX reader gives the same work
(bibtex.derived_id: author-year in the house style), from the item's citation-key or id when
that is an id already, and a work with neither a key nor Latin names the RIS reader's
ris.keyless_id; two works of one author and year get b, c ... The language is the item's
`language` (zh-CN -> zh, en-US -> en), else Chinese when the title is written in Chinese.

JSON keeps no lines, so a light scan of the text (after the json module has read it) finds the
line each item starts on and the line of each of its variables. CSL-JSON says nothing of claims.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import bibtex, ris
from .bibtex import FieldLines, Found
from .errors import Problem

TYPES = {
    "article": "article",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "book": "book",
    "chapter": "chapter",
    "entry": "chapter",
    "entry-dictionary": "chapter",
    "entry-encyclopedia": "chapter",
    "report": "report",
    "thesis": "thesis",
    "paper-conference": "conference-paper",
    "webpage": "webpage",
    "post": "webpage",
    "post-weblog": "webpage",
    "dataset": "dataset",
}
"""CSL item types -> entry types (anything else: article, as for BibTeX)."""

FIXES = {
    "title": 'add "title": "..." to the item',
    "authors": 'add "author": [{"family": "...", "given": "..."}] to the item',
    "year": 'add "issued": {"date-parts": [[2021]]} to the item',
    "*": "complete the CSL-JSON item",
}
"""Fixes in CSL-JSON's own terms, for recordcheck.validated."""

_FIELDS = {
    "title": "title",
    "author": "authors",
    "issued": "year",
    "container-title": "venue",
    "publisher": "venue",
    "volume": "volume",
    "issue": "issue",
    "number": "issue",
    "page": "pages",
    "DOI": "doi",
    "doi": "doi",
    "URL": "url",
    "url": "url",
    "language": "language",
    "type": "type",
    "citation-key": "id",
    "id": "id",
}
"""CSL variables -> the entry field each gives (for the lines of problems)."""
_TEXT = ("title", "container-title", "publisher", "volume", "issue", "number", "page", "DOI", "doi", "URL", "url", "language", "type")
"""Variables whose value is text: Zotero writes numbers as strings, other tools as numbers."""
_MARKUP = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^>]*)?>")
"""The rich-text tags CSL allows in a title (Zotero exports its italics as <i>)."""
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"(?P<key>\s*:)?|[\[\]{},]|[^\s\[\]{},:"]+')
"""A JSON token: a string (a key when a colon follows), a bracket, a comma, or a number or literal."""
_EXPORT = "export the items again from Zotero (File > Export Library... or a collection's Export..., format CSL JSON)"
_JSON_FIXES = {
    "Expecting ',' delimiter": "put a `,` between two values, items or fields",
    "Expecting property name enclosed in double quotes": 'write field names in double quotes ("title") and drop a `,` before `}`',
    "Expecting value": "write a value there (text in double quotes, a number, an array or an object), and drop a `,` before `]`",
    "Unterminated string starting at": 'end the text with `"`',
    "Invalid control character at": 'end the text with `"` on its line (a line break inside text is written \\n)',
    "Extra data": "the file must hold one JSON value: put all items in one array [ ..., ... ]",
}


def parse(text: str, file: str) -> tuple[list[Found], list[Problem]]:
    """Each item of a CSL-JSON text (data, first line, field lines), and one problem per fault."""
    read = _document(text.removeprefix("\ufeff"), file)
    if isinstance(read, Problem):
        return [], [read]
    items, lines = read
    found: list[Found] = []
    problems: list[Problem] = []
    used: set[str] = set()
    for index, item in enumerate(items):
        line = lines.items[index] if index < len(lines.items) else 1
        if not isinstance(item, dict):
            message = f"the item is {_kind(item)}, not a CSL-JSON item (an object)"
            problems.append(
                Problem(file, line, f"item {index + 1}", "", message, 'write each item as an object: {"type": ..., "title": ...}')
            )
            continue
        where = lines.fields[index] if index < len(lines.fields) else {}
        faults = _faults(item, _name(item, index), file, line, where)
        if faults:
            problems.extend(faults)
            continue
        data = entry_data(item)
        data["id"] = bibtex.unused_id(data["id"], used)
        at: dict[str, int] = {}
        for key in (key for key in _FIELDS if key in where and item.get(key) is not None):
            at.setdefault(_FIELDS[key], where[key])
        found.append(Found(data, line, FieldLines(line, at)))
    return found, problems


def _document(text: str, file: str) -> tuple[list[Any], _Lines] | Problem:
    """The items of a CSL-JSON text (an array of them, or one) with their lines, or why there are none."""
    if not text.strip():
        return Problem(file, 1, "", "", "the file is empty: it holds no CSL-JSON item", _EXPORT)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return _syntax(exc, file)
    except RecursionError:  # nesting deeper than Python's stack: no export does that
        return Problem(file, 1, "", "", "the JSON is nested too deeply to be CSL-JSON", _EXPORT)
    if isinstance(document, dict):
        return [document], _Lines(text, single=True)
    if not isinstance(document, list):
        return Problem(
            file, 1, "", "", f"the file holds {_kind(document)}, not CSL-JSON items", 'write a JSON array of items: [{"type": ...}]'
        )
    if not document:
        return Problem(file, 1, "", "", "the array holds no CSL-JSON item", 'add an item, e.g. [{"type": "article-journal", "title": ...}]')
    return document, _Lines(text, single=False)


def entry_data(item: dict[str, Any]) -> dict[str, Any]:
    """One CSL item (checked by _faults) as entry data."""
    title = " ".join(_MARKUP.sub("", _text(item["title"])).split())
    authors = [_written(name) for name in item["author"]]
    year = _year(item["issued"])
    language = bibtex.language_tag(_text(item.get("language", "")), title)
    families = ["{" + _family(name) + "}" for name in item["author"]]
    made = bibtex.derived_id(_key(item), families, year)
    data: dict[str, Any] = {
        "id": ris.keyless_id(title, year) if made == bibtex.slug("") else made,
        "type": TYPES.get(_text(item.get("type", "")).lower(), "article"),
        "title": {language: title},
        "authors": authors,
        "year": year,
        "language": language,
    }
    optional = {
        "venue": _first(item, "container-title", "publisher"),
        "volume": _first(item, "volume"),
        "issue": _first(item, "issue", "number"),
        "pages": re.sub("[\u2013\u2014]", "-", _first(item, "page") or "") or None,
        "doi": _first(item, "DOI", "doi"),
        "url": _first(item, "URL", "url"),
    }
    data.update((name, value) for name, value in optional.items() if value)
    return data


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _first(item: dict[str, Any], *names: str) -> str | None:
    return next((_text(item[name]) for name in names if _text(item.get(name))), None)


def _written(name: dict[str, Any]) -> str:
    """A CSL name as the entries write names: "Family, Given" (particles and suffix in BibTeX's
    order), a Chinese name family and given together (王锦泽), a literal name as it is."""
    if _text(name.get("literal")):
        return _text(name["literal"])
    family = _family(name)
    given = " ".join(_text(name.get(part)) for part in ("given", "dropping-particle") if _text(name.get(part)))
    if bibtex.CJK.search(family + given):
        return family + given
    suffix = _text(name.get("suffix"))
    return ", ".join(part for part in (family, suffix, given) if part)


def _family(name: dict[str, Any]) -> str:
    """The family name with its non-dropping particle (van der Marel), or the literal name: what
    an id is made of (a dropping particle stays with the given name, as Zotero keeps it)."""
    if _text(name.get("literal")):
        return _text(name["literal"])
    parts = (name.get("non-dropping-particle"), name.get("family"))
    return " ".join(_text(part) for part in parts if _text(part)) or _text(name.get("given"))


def _year(issued: dict[str, Any]) -> str:
    """The year of a CSL date: its first date-part, else four digits in its raw or literal text."""
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = _text(parts[0][0])
        if first:
            return first
    written = _text(issued.get("raw")) or _text(issued.get("literal"))
    found = re.search(r"(?<!\d)\d{4}(?!\d)", written)
    return found.group(0) if found else ""


def _key(item: dict[str, Any]) -> str:
    """The item's own key: its citation-key, else its id when that is a key (Zotero's id is an
    item's URI, another tool's may be a number: no key), else ''."""
    key = _text(item.get("citation-key"))
    given = item.get("id")
    return key or (given.strip() if isinstance(given, str) and "://" not in given else "")


# Faults: what keeps an item from being read as the user meant, each one problem with its line and a
# fix in CSL-JSON's terms. An item with one is left out, so the entry checks do not say it twice.


def _kind(value: Any) -> str:
    kinds = {bool: "true or false", str: "a text", int: "a number", float: "a number", list: "an array", dict: "an object"}
    return "null" if value is None else kinds.get(type(value), "a value")


def _name(item: dict[str, Any], index: int) -> str:
    """How messages name an item: its citation-key or id, if it has one, else its place in the file."""
    given = _text(item.get("citation-key")) or _text(item.get("id"))
    return given if given and len(given) <= 60 else f"item {index + 1}"


def _faults(item: dict[str, Any], name: str, file: str, line: int, where: dict[str, int]) -> list[Problem]:
    def say(key: str, message: str, fix: str) -> Problem:
        return Problem(file, where.get(key, line), name, key, message, fix)

    faults = [
        say(key, f"{key} is {_kind(item[key])}, not text", f'write it as text: "{key}": "..."') for key in _TEXT if _wrong_text(item, key)
    ]
    if not _text(item.get("title")) and "title" not in [p.field for p in faults]:
        faults.append(say("title", "the item has no title" if "title" not in item else "the title is empty", FIXES["title"]))
    faults += _author_faults(item, say)
    faults += _issued_faults(item, say)
    language = bibtex.language_tag(_text(item.get("language")), _text(item.get("title")))
    if not faults and language not in ("en", "zh"):  # entries keep titles in en and zh only (entries.TEXT_LANGUAGES)
        message = f"a title in `{language}` cannot be kept: titles are kept in English and Chinese"
        faults.append(say("language", message, 'give the title in English with "language": "en" (or in Chinese with "language": "zh-CN")'))
    return faults


def _wrong_text(item: dict[str, Any], key: str) -> bool:
    return isinstance(item.get(key), list | dict | bool)


def _author_faults(item: dict[str, Any], say) -> list[Problem]:
    authors = item.get("author")
    if authors is None or authors == []:
        return [say("author", "the item has no author" if "author" not in item else "the author list is empty", FIXES["authors"])]
    if not isinstance(authors, list):
        shown = f' ("{authors[:40]}")' if isinstance(authors, str) else ""
        return [say("author", f"author is {_kind(authors)}{shown}, not an array of names", FIXES["authors"])]
    for number, name in enumerate(authors, start=1):
        if not isinstance(name, dict):
            return [
                say(
                    "author",
                    f"author {number} is {_kind(name)}, not a name object",
                    '{"family": "...", "given": "..."} or {"literal": "..."}',
                )
            ]
        if not _written(name):
            return [say("author", f"author {number} has no family, given or literal name", 'write it as {"family": "...", "given": "..."}')]
    return []


def _issued_faults(item: dict[str, Any], say) -> list[Problem]:
    issued = item.get("issued")
    if issued is None:
        return [say("issued", "the item has no issued date", FIXES["year"])]
    if not isinstance(issued, dict):
        return [say("issued", f"issued is {_kind(issued)}, not a date object", FIXES["year"])]
    if not _year(issued):
        return [say("issued", "the issued date gives no year", FIXES["year"])]
    return []


def _syntax(exc: json.JSONDecodeError, file: str) -> Problem:
    fix = next((fix for start, fix in _JSON_FIXES.items() if exc.msg.startswith(start)), "correct the JSON at that line and column")
    return Problem(file, exc.lineno, "", "", f"JSON syntax error at column {exc.colno}: {exc.msg}", fix)


class _Lines:
    """The line each item of a JSON text starts on and the lines of its top-level keys, found by
    a scan of its tokens (the text is valid JSON: the json module read it first)."""

    def __init__(self, text: str, single: bool):
        self.items: list[int] = []
        self.fields: list[dict[str, int]] = []
        breaks = [m.start() for m in re.finditer("\n", text)]
        item_depth = 1 if single else 2  # the depth inside an item's braces
        depth, line, seen = 0, 1, 0
        for token in _TOKEN.finditer(text):
            start = token.start()
            while seen < len(breaks) and breaks[seen] < start:
                seen += 1
            line = seen + 1
            mark = token.group(0)
            if depth == item_depth - 1 and mark not in ",]}":
                self.items.append(line)
                self.fields.append({})
            if token.group("key") is not None and depth == item_depth and self.fields:
                self.fields[-1].setdefault(json.loads(mark[: mark.rindex(":")]), line)
            if mark in "[{":
                depth += 1
            elif mark in "]}":
                depth -= 1
