"""Read data -> a typed record: validated by its model, told where it was written, or every
problem with its line, field and fix.

Every reader (curated YAML, entry YAML, BibTeX) hands each item to `validated` with where it
sits in its document (`Where`); pydantic's errors become Problems in one place (`problems_from`),
so a missing field, an unknown one or a malformed DOI reads the same whichever file it is in.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from .errors import Problem
from .fast.models import Shortcuts, shortcuts
from .records import CURRENCY, DOI, LANGUAGE_TAG, LICENSE, SLUG, URL, Origin, Record, locate

RecordT = TypeVar("RecordT", bound=Record)


class Locator(Protocol):
    """The lines of a document's keys (yamlread.TreeLines, yamlread.TextLines, FixedLine)."""

    def line_at(self, keys: tuple[Any, ...]) -> int:
        """Line of the deepest node of `keys` that exists, for a problem."""

    def origin(self, file: str, keys: tuple[Any, ...]) -> Origin:
        """The origin of the record at `keys`."""


@dataclass(frozen=True)
class FixedLine:
    """A document whose records and keys are all placed on one line (a BibTeX entry's first)."""

    line: int

    def line_at(self, keys: tuple[Any, ...]) -> int:
        return self.line

    def origin(self, file: str, keys: tuple[Any, ...]) -> Origin:
        return Origin(file, self.line)


@dataclass(frozen=True)
class Where:
    """Where an item sits: its file (as messages name it), the document's lines, the keys to it."""

    file: str
    locator: Locator
    keys: tuple[Any, ...] = ()


def validated(
    model: type[RecordT], data: Any, where: Where, entity: str, fixes: Mapping[str, str] | None = None
) -> RecordT | list[Problem]:
    """`data` as a `model` record that knows its origin, or the problems that keep it from being one.

    `entity` names the item in messages; `fixes` replaces the fix for a top-level field (or, for
    '*', any problem without one) with one in the file's own syntax (see bibtex.py)."""
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        return problems_from(exc, model, where, entity, fixes)
    attach(record, where)
    return record


def attach(record: Record, where: Where) -> None:
    """Give a record, and every record in its list fields, its origin."""
    _attach(record, where.file, where.locator, where.keys, shortcuts())


def _attach(record: Record, file: str, locator: Locator, keys: tuple[Any, ...], ways: Shortcuts) -> None:
    locate(record, locator.origin(file, keys), ways)
    for name, value in ways.field_values(record):
        if type(value) is list:
            for index, item in enumerate(value):
                if isinstance(item, Record):
                    _attach(item, file, locator, (*keys, name, index), ways)


# pydantic names the union member it tried (`str`, `list[...]`) in an error's location, after the field
_UNION_TAGS = {"str", "int", "float", "date", "bool", "list", "dict", "none"}

EXAMPLES = {
    "title": "title: {en: ...}",
    "authors": 'authors: ["Family, Given"]',
    "year": "year: 2021",
    "language": "language: en",
    "type": "type: article",
    "about": "about: [bar-market-access]",
    "text": "text: {en: ...}",
}
"""How a missing field is written, where `field: ...` would not show it."""

_PATTERNS = {
    SLUG: ("{!r} is not an id", "use a lowercase slug like `bar-legal-framework` (letters a-z, digits and hyphens)"),
    LANGUAGE_TAG: ("{!r} is not a language tag", "write the language as a BCP 47 tag, e.g. `en` or `zh`"),
    DOI: ("malformed DOI {!r}", "write the DOI alone, like `doi: 10.1111/twec.12424` (no https://doi.org/)"),
    URL: ("{!r} is not a web address", "write the whole address, starting with https:// or http://"),
    LICENSE: ("{!r} is not a licence", "give the licence's SPDX id, e.g. `license: CC-BY-4.0`, or its URL"),
    CURRENCY: ("{!r} is not a currency code", "write the ISO 4217 code in capitals, e.g. `currency: USD`"),
}

_TYPE_FIXES = {
    "string_too_short": "give a non-empty text",
    "too_short": "give at least one item",
    "int_parsing": "write a whole number, e.g. 2021",
    "int_type": "write a whole number, e.g. 2021",
    "int_from_float": "write a whole number, e.g. 2021",
    "float_parsing": "write a number, e.g. 3.5",
    "float_type": "write a number, e.g. 3.5",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "string_type": "write it as text (in quotes where it looks like a number or a date)",
    "list_type": "write a list: `[a, b]`, or one `- item` a line",
    "dict_type": "write a mapping: one `key: value` a line, or `{key: value}`",
    "model_type": "write a mapping: one `key: value` a line, or `{key: value}`",
    "one_relation": "give each match its own item of `matches:`, with one relation and the id it points at",
}


def _path(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The keys of an error's location in the document: union members pydantic tried left out."""
    return tuple(
        part
        for position, part in enumerate(loc)
        if isinstance(part, int) or (isinstance(part, str) and part.isidentifier() and (position == 0 or part not in _UNION_TAGS))
    )


def _record_type(annotation: Any) -> type[Record] | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, Record):
            return arg
    return None


def _fields_at(model: type[Record], path: tuple[Any, ...]) -> list[str]:
    """The fields allowed where `path` ends (to suggest the closest to a misspelt one)."""
    for part in path[:-1]:
        if isinstance(part, str) and part in model.model_fields:
            model = _record_type(model.model_fields[part].annotation) or model
    return list(model.model_fields)


def _suggest(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else f"remove it or correct its spelling; allowed fields: {', '.join(allowed)}"


def _explain(err: Mapping[str, Any], path: tuple[Any, ...], model: type[Record]) -> tuple[str, str]:
    """An error's message and fix, in the curator's terms."""
    kind, last = err["type"], str(path[-1]) if path else ""
    if kind == "extra_forbidden":
        return f"unknown field `{last}`", _suggest(last, _fields_at(model, path))
    if kind == "missing":
        return f"missing field `{last}`", f"add it, e.g. `{EXAMPLES.get(last, last + ': ...')}`"
    if kind == "literal_error":
        return f"{err['msg']} (got {err.get('input')!r})", "use one of the allowed values"
    if kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") in _PATTERNS:
        message, fix = _PATTERNS[err["ctx"]["pattern"]]
        return message.format(err.get("input")), fix
    return err["msg"].removeprefix("Value error, "), _TYPE_FIXES.get(kind, "")


def problems_from(
    error: ValidationError, model: type[Record], where: Where, entity: str, fixes: Mapping[str, str] | None = None
) -> list[Problem]:
    """Each of pydantic's errors as a Problem: file, line of the field, entity, field path, message, fix."""
    problems = []
    for err in error.errors():
        path = _path(tuple(err["loc"]))
        message, fix = _explain(err, path, model)
        if fixes:
            fix = fixes.get(str(path[0]) if path else "") or fix or fixes.get("*", "")
        line = where.locator.line_at((*where.keys, *path))
        problems.append(Problem(where.file, line, entity, ".".join(str(p) for p in path), message, fix))
    return problems
