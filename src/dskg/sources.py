"""Reads the curated YAML files into typed records, reporting every problem with file:line.

Each data file is a mapping with an optional `source:` (the work its records come from) and
one or more lists named after a kind (`barriers:`, `works:` ...). Records are pydantic models;
each remembers the file and line it came from so later stages can point at it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from . import fastyaml
from .errors import Problem, ProblemList, UnreadableInputError

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Basis = Literal["explicit", "interpretive", "editorial"]
LinkProperty = Literal["addresses", "builds-on", "illustrates", "evidences", "is-about", "falls-under"]


class Record(BaseModel):
    """Base of every record: forbids unknown fields and remembers where it was written."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    _file: str = PrivateAttr(default="")
    _line: int = PrivateAttr(default=0)
    _field_lines: dict[str, int] = PrivateAttr(default_factory=dict)
    _origin: tuple[Path, tuple[Any, ...]] | None = PrivateAttr(default=None)
    """(file, keys to the record in it) for a record read by fastyaml: its lines are found on demand."""

    @property
    def file(self) -> str:
        return self._file

    @property
    def line(self) -> int:
        self._locate()
        return self._line

    def line_of(self, name: str) -> int:
        """Line of a field's key, or of the record when the field is absent."""
        self._locate()
        return self._field_lines.get(name, self._line)

    def _locate(self) -> None:
        if self._origin is None:
            return
        path, keys = self._origin
        try:
            node = _round_trip_tree(path)
            for key in keys:
                node = node[key]
        except (OSError, MarkedYAMLError, KeyError, IndexError, TypeError):  # the file changed or went: no line rather than a wrong one
            self._origin = None
            return
        _attach_origin(self, node, self._file)

    @field_validator("section", mode="before", check_fields=False)
    @classmethod
    def _section_is_text(cls, value: Any) -> Any:
        if isinstance(value, float):
            raise ValueError(f'write the section as a quoted string, e.g. section: "{value}"')
        if isinstance(value, int):
            return str(value)
        return value


RecordT = TypeVar("RecordT", bound=Record)


class Link(Record):
    property: LinkProperty
    target: Slug
    basis: Basis
    section: str | None = None
    quotes: list[NonEmpty] = Field(min_length=1)
    rationale_en: str | None = None
    note: str | None = None
    stance: Literal["supports", "disputes", "extends", "qualifies", "discusses", "confirms", "refutes"] | None = None


class Entity(Record):
    id: Slug
    label_zh: NonEmpty
    label_en: NonEmpty
    alt_labels_zh: list[NonEmpty] = []
    alt_labels_en: list[NonEmpty] = []
    description_en: str | None = None
    description_zh: str | None = None
    section: str | None = None
    quotes: list[NonEmpty] = []
    note: str | None = None
    source: Slug | None = None
    links: list[Link] = []
    label_zh_verbatim: bool = True  # false where label_zh is composed or translated by the curator


class Advantage(Entity):
    pass


class Barrier(Entity):
    level: Literal["domestic", "international"]


class Countermeasure(Entity):
    pass


class Theme(Entity):
    number: int | None = None
    definition_zh: str | None = None
    definition_en: str | None = None
    critique_zh: str | None = None
    critique_en: str | None = None


class Sector(Entity):
    broader: Slug | None = None


class Actor(Entity):
    kind: Literal["country", "region", "country-group", "organisation", "person"]


def _date_value(value: Any) -> Any:
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str) and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?|--\d{2}-\d{2}", value):
        raise ValueError(f"write the date as ISO 8601 as far as the text gives it: 2025-02-01, 2025-02, 2025 or --01-30 (got {value!r})")
    return value


DateValue = Annotated[dt.date | str, BeforeValidator(_date_value)]


class Document(Entity):
    kind: Literal["law", "plan", "report", "executive-action", "speech", "policy-document", "statistical-release"]
    title_zh: str | None = None
    title_en: str | None = None
    date: DateValue | None = None
    date_text: str | None = None
    issuer: Slug | None = None


class Case(Entity):
    kind: Literal["company", "product", "event"]
    date: DateValue | None = None
    date_text: str | None = None
    actors: list[Slug] = []
    part_of: Slug | None = None


class Statistic(Record):
    id: Slug
    measure_zh: NonEmpty
    measure_en: NonEmpty
    value: float | int | str
    value_text: NonEmpty
    comparator: Literal["eq", "gt"] = "eq"
    unit: Literal["currency", "percent", "persons", "days", "countries", "years", "other"]
    magnitude: int = 1
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    period: str | None = None
    scope: Slug | None = None
    sector: Slug | None = None
    flow: Literal["imports", "exports", "total"] | None = None
    statistic_source: Slug | None = None
    source_text_zh: str | None = None
    description_en: str | None = None
    section: str | None = None
    quotes: list[NonEmpty] = []
    note: str | None = None
    source: Slug | None = None
    links: list[Link] = []

    @field_validator("value", mode="before")
    @classmethod
    def _decimal_text(cls, value: Any) -> Any:
        from decimal import Decimal, InvalidOperation

        try:
            Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"value must be a number as written, e.g. value: 3710.78 (got {value!r})") from None
        return value


class DSTRIArea(Entity):
    pass


class Scheme(Record):
    id: Slug
    label_zh: NonEmpty
    label_en: NonEmpty
    description_en: str | None = None


class Citation(Record):
    section: str | None = None
    intent: str = "cites"
    quotes: list[NonEmpty] = []
    note: str | None = None


class Claim(Record):
    id: Slug
    text_zh: str | None = None
    text_en: str | None = None
    section: str | None = None
    quote: str | None = None  # verbatim from the claiming work (checked where its text ships)
    page: str | None = None
    also_made_by: list[Slug] = []
    links: list[Link] = []
    note: str | None = None


class SectionRecord(Record):
    number: str
    title_zh: NonEmpty
    title_en: NonEmpty

    @field_validator("number", mode="before")
    @classmethod
    def _number_text(cls, value: Any) -> Any:
        if isinstance(value, float):
            raise ValueError(f'write the section number as a quoted string, e.g. number: "{value}"')
        return str(value) if isinstance(value, int) else value


class Work(Record):
    id: Slug
    type: Literal["article", "journal-article", "book", "chapter", "report", "thesis", "conference-paper", "webpage", "dataset", "work"] = (
        "work"
    )
    title_zh: str | None = None
    title_en: str | None = None
    title: str | None = None
    authors_text: NonEmpty
    authors: list[NonEmpty] = []
    authors_en: list[NonEmpty] = []
    authors_alt: list[NonEmpty] = []
    et_al: bool = False
    year: int
    ref_number: int | None = None
    language: str | None = None  # script of the in-text citation (zh: Chinese names, en: Latin names)
    work_language: str | None = None  # the language the work is written in
    theme: Slug | list[Slug] | None = None
    cited_via: Slug | None = None
    journal_zh: str | None = None
    journal_en: str | None = None
    venue: str | None = None
    url: str | None = None
    publisher: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pages_seen: list[str] = []
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    license: str | None = None
    text_file: str | None = None
    sections: list[SectionRecord] = []
    citations: list[Citation] = []
    claims: list[Claim] = []
    note: str | None = None
    source: Slug | None = None

    @field_validator("volume", "issue", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @property
    def themes(self) -> list[str]:
        if self.theme is None:
            return []
        return [self.theme] if isinstance(self.theme, str) else list(self.theme)


KINDS: dict[str, type[Record]] = {
    "works": Work,
    "advantages": Advantage,
    "barriers": Barrier,
    "countermeasures": Countermeasure,
    "themes": Theme,
    "statistics": Statistic,
    "documents": Document,
    "cases": Case,
    "actors": Actor,
    "sectors": Sector,
    "areas": DSTRIArea,
}
"""Top-level list names a data file may hold, and the record type of each item."""


@dataclass
class Records:
    """All records of a data folder, by kind, in file order."""

    by_kind: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})
    schemes: list[Scheme] = field(default_factory=list)
    data_dir: Path | None = None

    def __getattr__(self, name: str) -> list[Any]:
        if name in KINDS:
            return self.by_kind[name]
        raise AttributeError(name)

    def all(self) -> Iterator[Record]:
        for items in self.by_kind.values():
            yield from items

    def by_id(self) -> dict[str, Record]:
        """Every record by id, the claims nested in works included (kept until records are added)."""
        sizes = tuple(len(items) for items in self.by_kind.values())
        cached = self.__dict__.get("_by_id")
        if cached is None or cached[0] != sizes:
            index = {r.id: r for r in self.all()}
            index.update((c.id, c) for w in self.works for c in w.claims)
            cached = self.__dict__["_by_id"] = (sizes, index)
        return cached[1]  # shared: read it, do not change it

    def ids(self) -> set[str]:
        return set(self.by_id())


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


@functools.lru_cache(maxsize=8)
def _round_trip_tree_at(path: Path, mtime_ns: int, size: int) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8"))


def _round_trip_tree(path: Path) -> Any:
    """The ruamel tree (with lines) of a file, read once while the file is unchanged."""
    stat = path.stat()
    return _round_trip_tree_at(path, stat.st_mtime_ns, stat.st_size)


def _attach_lazy_origin(model: Any, file: str, path: Path, keys: tuple[Any, ...]) -> None:
    """Record on every nested model its file and where in it it was read; lines come on demand."""
    if not isinstance(model, Record):
        return
    private = model.__pydantic_private__  # set directly: pydantic's __setattr__ runs checks for every field
    private["_file"] = file
    private["_origin"] = (path, keys)
    for name, value in model.__dict__.items():
        if type(value) is list:
            for index, item in enumerate(value):
                _attach_lazy_origin(item, file, path, (*keys, name, index))


def built(cls: type[RecordT], fields: dict[str, Any], private: dict[str, Any]) -> RecordT:
    """`cls.model_construct(**fields)` with its private attributes, for records whose values are
    already valid and whose every field is given. pydantic's model_construct walks each field's
    default and initialises private attributes one by one, for each of a big build's records."""
    record = cls.__new__(cls)
    object.__setattr__(record, "__dict__", fields)
    object.__setattr__(record, "__pydantic_fields_set__", set(fields))
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", private)
    return record


def _line_at(node: Any, loc: tuple[Any, ...]) -> int:
    """1-based line of the deepest node of `loc` that exists in the YAML tree."""
    line = getattr(getattr(node, "lc", None), "line", 0) + 1
    for key in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, CommentedMap) and key in node:
                line = lc.key(key)[0] + 1
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line = lc.item(key)[0] + 1
            else:
                break
            node = node[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def _attach_origin(model: Any, node: Any, file: str) -> None:
    """Record on every nested model the file and line it was read from."""
    if not isinstance(model, Record) or not isinstance(node, CommentedMap):
        return
    model._file = file
    model._origin = None
    model._line = node.lc.line + 1
    model._field_lines = {k: node.lc.key(k)[0] + 1 for k in node}
    for name in type(model).model_fields:
        value = getattr(model, name)
        child = node.get(name)
        if isinstance(value, list) and isinstance(child, CommentedSeq):
            for index, (item, sub) in enumerate(zip(value, child)):
                model._field_lines[f"{name}[{index}]"] = child.lc.item(index)[0] + 1
                _attach_origin(item, sub, file)


_FIXES = {
    "extra_forbidden": "remove the field or correct its spelling (the allowed fields are in data/README.md)",
    "missing": "add the field",
    "literal_error": "use one of the allowed values",
    "string_pattern_mismatch": "use a lowercase slug like `bar-legal-framework`",
    "string_too_short": "give a non-empty text",
    "too_short": "give at least one item",
}


_UNION_TAGS = {"str", "int", "float", "date", "bool", "list", "none"}


def _is_field_name(part: object) -> bool:
    """pydantic puts the union member it tried (`str`, `list[...]`) into error locations; skip those."""
    return isinstance(part, str) and part.isidentifier() and part not in _UNION_TAGS


def _problems_from(error: ValidationError, node: Any, file: str, kind: str, index: int) -> list[Problem]:
    item = node[kind][index] if isinstance(node.get(kind), CommentedSeq) else None
    entity = str(item.get("id", f"{kind}[{index}]")) if isinstance(item, CommentedMap) else f"{kind}[{index}]"
    out = []
    for err in error.errors():
        loc = tuple(err["loc"])
        path = [p for p in loc if isinstance(p, int) or _is_field_name(p)]
        field_name = ".".join(str(p) for p in path)
        message = err["msg"]
        if err["type"] == "literal_error":
            message = f"{message} (got {err.get('input')!r})"
        out.append(Problem(file, _line_at(node, (kind, index, *path)), entity, field_name, message, _FIXES.get(err["type"], "")))
    return out


DONE = object()
"""read_yaml_text's answer when nothing is left to do: the fast path read the file, or a syntax problem was added."""


_UNPARSED = object()


def read_yaml_text(text: str, file: str, read_plain: Callable[[Any], bool] | None, problems: list[Problem], plain: Any = _UNPARSED) -> Any:
    """The fast reader first (fastyaml): `read_plain` takes its plain data and says whether it read all of it cleanly.
    Otherwise the ruamel tree, with the line of every node for messages (None for an empty
    document), or DONE after adding a syntax problem. `read_plain=None` goes to ruamel at once.
    `plain`: fastyaml's data of `text` when it was parsed already (see prefetch)."""
    try:
        if read_plain is not None and read_plain(fastyaml.load(text) if plain is _UNPARSED else plain):
            return DONE
    except fastyaml.NotFast:
        pass
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.append(
            Problem(
                file,
                mark.line + 1 if mark else 0,
                "",
                "",
                f"YAML syntax error: {exc.problem or exc}",
                "correct the YAML syntax at that line",
            )
        )
        return DONE


def _read_plain(node: Any, path: Path, file: str, records: Records) -> bool:
    """Read a file parsed by fastyaml; False (adding nothing) when it has any problem to report."""
    if node is None:
        return True
    if not isinstance(node, dict):
        return False
    read: list[tuple[str, Record]] = []
    default_source = node.get("source")
    for key, items in node.items():
        if key == "source":
            continue
        try:
            if key == "scheme":
                scheme = Scheme.model_validate(items)
                _attach_lazy_origin(scheme, file, path, (key,))
                read.append(("scheme", scheme))
                continue
            if key not in KINDS or not isinstance(items, list):
                return False
            model = KINDS[key]
            for index, item in enumerate(items):
                if isinstance(item, dict) and default_source and "source" not in item and "source" in model.model_fields:
                    item = {**item, "source": default_source}
                record = model.model_validate(item)
                _attach_lazy_origin(record, file, path, (key, index))
                read.append((key, record))
        except ValidationError:
            return False
    for kind, record in read:
        (records.schemes if kind == "scheme" else records.by_kind[kind]).append(record)
    return True


def read_file(path: Path, records: Records, problems: ProblemList, display: str | None = None) -> None:
    """Read one YAML file into `records`, adding a Problem for every invalid item."""
    file = display or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableInputError(f"{file}: cannot read the file ({exc}). Fix: check the path and that it is UTF-8 text.") from None
    node = read_yaml_text(text, file, lambda plain: _read_plain(plain, path, file, records), problems.items)
    if node is DONE or node is None:
        return
    if not isinstance(node, CommentedMap):
        problems.add(
            file, 1, "", "", "a data file must be a mapping with lists such as `barriers:`", "start the file with e.g. `barriers:`"
        )
        return
    default_source = node.get("source")
    for key in node:
        line = node.lc.key(key)[0] + 1
        if key == "source":
            continue
        if key == "scheme":
            try:
                scheme = Scheme.model_validate(node[key])
                _attach_origin(scheme, node[key], file)
                records.schemes.append(scheme)
            except ValidationError as exc:
                for err in exc.errors():
                    problems.add(
                        file,
                        _line_at(node, (key, *err["loc"])),
                        "scheme",
                        ".".join(map(str, err["loc"])),
                        err["msg"],
                        _FIXES.get(err["type"], ""),
                    )
            continue
        if key not in KINDS:
            problems.add(file, line, "", key, f"unknown list {key!r}", f"use one of: {', '.join(sorted(KINDS))}, scheme, source")
            continue
        items = node[key]
        if not isinstance(items, CommentedSeq):
            problems.add(file, line, "", key, f"`{key}` must be a list of records", f"write each record as `- id: ...` under `{key}:`")
            continue
        model = KINDS[key]
        for index, item in enumerate(items):
            if isinstance(item, CommentedMap) and default_source and "source" not in item and "source" in model.model_fields:
                data = dict(item)
                data["source"] = default_source
            else:
                data = item
            try:
                record = model.model_validate(data)
            except ValidationError as exc:
                problems.items.extend(_problems_from(exc, node, file, key, index))
                continue
            _attach_origin(record, item, file)
            records.by_kind[key].append(record)


def read_folder(folder: Path) -> Records:
    """Read every `*.yaml` file of a data folder (sorted by name). Raises InvalidDataError."""
    if not folder.is_dir():
        raise UnreadableInputError(f"{folder}: not a folder of curated data. Fix: pass the path of a data/ folder.")
    records = Records(data_dir=folder)
    problems = ProblemList()
    for path in sorted(folder.glob("*.yaml")):
        read_file(path, records, problems, display=f"{folder.name}/{path.name}")
    problems.raise_if_any()
    return records
