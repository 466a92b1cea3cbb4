"""Read data -> a typed record: validated by its model, told where it was written, or every
problem with its line, field and fix.

Every reader (curated YAML, entry YAML, BibTeX) hands each item to `validated` with where it
sits in its document (`Where`); pydantic's errors become Problems in one place (`problems_from`),
so a missing field, an unknown one or a malformed DOI reads the same whichever file it is in.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from .errors import SHOWN_CHARS, Problem, brief
from .fast.models import Shortcuts, shortcuts
from .records import CURRENCY, DOI, ID_MAX_LENGTH, LANGUAGE_TAG, LICENSE, SLUG, URL, Origin, Record, locate

RecordT = TypeVar("RecordT", bound=Record)


class Locator(Protocol):
    """The lines of a document's keys (yamlread.TreeLines, yamlread.TextLines, bibtex.FieldLines)."""

    def line_at(self, keys: tuple[Any, ...]) -> int:
        """Line of the deepest node of `keys` that exists, for a problem."""

    def origin(self, file: str, keys: tuple[Any, ...]) -> Origin:
        """The origin of the record at `keys`."""


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

ID_RULE = (
    f"an id is lowercase letters a-z, digits and hyphens, starting with a letter or digit, at most {ID_MAX_LENGTH} characters, "
    "e.g. nordas-rouzet-2017"
)
"""The id rule in words, for every message about an id."""

_PATTERNS = {
    SLUG: ("{} is not an id", f"write it as an id: {ID_RULE}"),
    LANGUAGE_TAG: ("{} is not a language tag", "write the language as a BCP 47 tag, e.g. `en` or `zh`"),
    DOI: ("malformed DOI {}", "write the DOI alone, like `doi: 10.1111/twec.12424` (no https://doi.org/)"),
    URL: ("{} is not a web address", "write the whole address, starting with https:// or http://"),
    LICENSE: ("{} is not a licence", "give the licence's SPDX id, e.g. `license: CC-BY-4.0`, or its URL"),
    CURRENCY: ("{} is not a currency code", "write the ISO 4217 code in capitals, e.g. `currency: USD`"),
}

_MAPPING = "write a mapping: one `key: value` a line, or `{key: value}`"
_WHOLE, _NUMBER, _TRUTH = "write a whole number, e.g. 2021", "write a number, e.g. 3.5", "write true or false"
_TYPES = {
    "string_type": ("{} where text is expected", "write it as text (in quotes where it looks like a number or a date)"),
    "string_too_short": ("the text is empty", "write the text, or leave the field out"),
    "string_too_long": ("the text is longer than {max_length} characters", "shorten it"),
    "too_short": ("{actual_length} item(s) where at least {min_length} are needed", "give at least {min_length}"),
    "int_parsing": ("{} is not a whole number", _WHOLE),
    "int_type": ("{} is not a whole number", _WHOLE),
    "int_from_float": ("{} is not a whole number", _WHOLE),
    "float_parsing": ("{} is not a number", _NUMBER),
    "float_type": ("{} is not a number", _NUMBER),
    "bool_parsing": ("{} is not true or false", _TRUTH),
    "bool_type": ("{} is not true or false", _TRUTH),
    "list_type": ("{} where a list is expected", "write a list: `[a, b]`, or one `- item` a line"),
    "dict_type": ("{} where a mapping is expected", _MAPPING),
    "model_type": ("{} where a mapping is expected", _MAPPING),
    "model_attributes_type": ("{} where a mapping is expected", _MAPPING),
    "date_from_datetime_parsing": ("{} is not a date", "write the date as ISO 8601, e.g. 2025-02-01"),
    "date_type": ("{} is not a date", "write the date as ISO 8601, e.g. 2025-02-01"),
}
"""Each kind of pydantic error in words (`{}`: the value as written; `{name}`: from its context) and its fix."""

MAX_MESSAGE = 2 * SHOWN_CHARS
"""A validator's own message is cut to this: it may quote the value, which may be megabytes."""


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


_OTHER_NAMES = {"journal": "venue", "booktitle": "venue", "publisher": "venue", "author": "authors", "number": "issue"}
"""Fields as BibTeX and reference managers name them, and the entry field that holds them."""


def _suggest(name: str, allowed: list[str]) -> str:
    if _OTHER_NAMES.get(name) in allowed:
        return f"write it as `{_OTHER_NAMES[name]}`"
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else f"remove it or correct its spelling; allowed fields: {', '.join(allowed)}"


def _value(value: Any) -> str:
    """The value as a message shows it: its kind when that is the point, else the value (cut short)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}` (true or false)"
    if isinstance(value, list):
        return f"a list {brief(value)}"
    if isinstance(value, dict):
        return f"a mapping {brief(value)}"
    return brief(value)


def _has_id_rule(annotation: Any) -> bool:
    """Whether a type is an id or holds ids (`Slug`, `list[Slug]`, `Slug | None` ...)."""
    return any(getattr(arg, "pattern", None) == SLUG or _has_id_rule(arg) for arg in typing.get_args(annotation))  # Annotated's too


def _is_id(model: type[Record], path: tuple[Any, ...]) -> bool:
    """Whether the field at `path` (inside `model`) holds ids."""
    for position, part in enumerate(path):
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            continue
        if all(isinstance(rest, int) for rest in path[position + 1 :]):
            return _has_id_rule(field.annotation) or any(getattr(m, "pattern", None) == SLUG for m in field.metadata)
        model = _record_type(field.annotation) or model
    return False


def _id_problem(value: Any) -> tuple[str, str]:
    if isinstance(value, str) and len(value) > ID_MAX_LENGTH:
        return f"the id is {len(value)} characters long", f"shorten it: {ID_RULE}"
    if value is None or value == "":
        return "the id is empty", f"write the id: {ID_RULE}"
    return f"{_value(value)} is not an id", f"write it as an id: {ID_RULE}"


def _explain(err: Mapping[str, Any], path: tuple[Any, ...], model: type[Record]) -> tuple[str, str]:
    """An error's message and fix, in the curator's terms."""
    kind, last, value, context = err["type"], str(path[-1]) if path else "", err.get("input"), err.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unknown field `{last}`", _suggest(last, _fields_at(model, path))
    if kind == "missing":
        return f"missing field `{last}`", f"add it, e.g. `{EXAMPLES.get(last, last + ': ...')}`"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        return (
            f"{_value(value)} is not one of {', '.join(allowed)}",
            f"write one of them, e.g. `{last}: {allowed[0] if allowed else '...'}`",
        )
    worded = _worded_value(kind, value, context, last) if not (kind in _ID_KINDS and _is_id(model, path)) else _id_problem(value)
    if worded is not None:
        return worded
    message = err["msg"].removeprefix("Value error, ")  # a validator's own words
    message = message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"
    fix = _FIXES.get(kind, "").format(field=path[-2] if len(path) > 1 else last)
    return message, fix or (f"write it as e.g. `{EXAMPLES[last]}`" if last in EXAMPLES else "")


_ID_KINDS = ("string_type", "string_pattern_mismatch", "string_too_long")


def _worded_value(kind: str, value: Any, context: Mapping[str, Any], last: str) -> tuple[str, str] | None:
    """A value of the wrong type or form, in words with its fix (None for errors worded elsewhere)."""
    if kind == "string_type" and value is None:
        return "the value is empty", f"write a value after `{last}:`, or leave the field out"
    if kind == "string_pattern_mismatch" and context.get("pattern") in _PATTERNS:
        message, fix = _PATTERNS[context["pattern"]]
        return message.format(_value(value)), fix
    if kind in _TYPES:
        message, fix = _TYPES[kind]
        return message.format(_value(value), **context), fix.format(**context) if kind == "too_short" else fix
    return None


_FIXES = {
    "one_relation": "give each match its own item of `matches:`, with one relation and the id it points at",
    "text_language": "write the {field} in English (en) or Chinese (zh), e.g. `{field}: {{en: ...}}`; "
    "the work's own language goes in `language:`",
}
_OTHER_SYNTAX = {"text_language": "give the title in English with `language = {english}` (or in Chinese with `language = {chinese}`)"}
"""Fixes for a file other than YAML (BibTeX), where a file's own fix for the field would mislead."""


def problems_from(
    error: ValidationError, model: type[Record], where: Where, entity: str, fixes: Mapping[str, str] | None = None
) -> list[Problem]:
    """Each of pydantic's errors as a Problem: file, line of the field, entity, field path, message, fix."""
    problems = []
    for err in error.errors():
        path = _path(tuple(err["loc"]))
        message, fix = _explain(err, path, model)
        if fixes:
            own = _OTHER_SYNTAX.get(err["type"])  # the file's own fixes are for a field missing or malformed, not these
            fix = own or fixes.get(str(path[0]) if path else "") or fix or fixes.get("*", "")
        line = where.locator.line_at((*where.keys, *path))
        problems.append(Problem(where.file, line, entity, ".".join(str(p) for p in path), message, fix))
    return problems
