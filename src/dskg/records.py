"""The typed records dskg reads its sources into, and where each was written (`Origin`).

Records are pydantic models, frozen and closed (an unknown field is an error). Curated files
(sources.py) and literature entries (entries.py) become the same types, so one loader and one
set of checks serve both. Every record knows its origin: the file as messages name it and the
line of the record and of each field, so later stages can point at it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .fast.models import Shortcuts, shortcuts
from .origin import NOWHERE, Origin

ID_MAX_LENGTH = 100  # an id names a file (entries/<id>.yaml): well inside any file system's limit on a name
SLUG = rf"^[a-z0-9][a-z0-9-]{{0,{ID_MAX_LENGTH - 1}}}$"
LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$"
DOI = r"^10\.\d{4,9}/\S+$"
URL = r"^https?://\S+$"
LICENSE = r"^(https?://\S+|[A-Za-z0-9][A-Za-z0-9.+-]*)$"  # a licence's URL or SPDX id (CC-BY-4.0: https://spdx.org/licenses/<id>)
CURRENCY = r"^[A-Z]{3}$"
LABEL_ORIGIN = r"^(abstract|translation|(body|heading) (abstract|\d+(\.\d+)*))$"
"""Where a label comes from: the abstract, a section's body or heading (`body 4.1`), or a translation."""


Slug = Annotated[str, StringConstraints(pattern=SLUG)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Basis = Literal["explicit", "interpretive", "editorial"]
LabelOrigin = Annotated[str, StringConstraints(pattern=LABEL_ORIGIN)]
LinkProperty = Literal[
    "addresses", "builds-on", "illustrates", "evidences", "is-about", "falls-under", "answered-by", "corresponds-to", "model-for"
]
MATCH_RELATIONS = ("exact_match", "close_match", "broad_match", "narrow_match")


class Record(BaseModel):
    """Base of every record: forbids unknown fields and knows where it was written (`origin`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    _origin: Origin | None = PrivateAttr(default=None)

    @property
    def origin(self) -> Origin:
        """The file and lines the record was read from (NOWHERE for a record made in code)."""
        return self._origin or NOWHERE

    @property
    def file(self) -> str:
        return self.origin.file

    @property
    def line(self) -> int:
        return self.origin.line

    def line_of(self, name: str) -> int:
        """Line of a field's key (`name`, or `name[i]` for an item of a list), or of the record when the field is absent."""
        return self.origin.line_of(name)

    @field_validator("section", "page", "volume", "issue", mode="before", check_fields=False)
    @classmethod
    def _section_is_text(cls, value: Any, info: Any) -> Any:  # YAML reads 4.1 and 12 as numbers; info: pydantic's ValidationInfo
        if isinstance(value, float):
            raise ValueError(f'write the {info.field_name} as a quoted string, e.g. {info.field_name}: "{value}"')
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


class StatedLink(Record):
    """A link a literature entry states between two records: a qualified link stated in the entry's
    work, so two works stating the same link are two nodes, each with its own evidence."""

    subject: Slug
    property: Literal["addresses", "builds-on"]
    target: Slug
    basis: Literal["explicit", "interpretive"]
    stance: Literal["supports", "disputes", "extends", "qualifies", "discusses", "confirms", "refutes"] = "supports"
    section: str | None = None
    page: str | None = None
    quote: NonEmpty | None = None
    rationale_en: str | None = None
    note: str | None = None

    @property
    def quotes(self) -> list[str]:
        return [self.quote] if self.quote else []


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
    label_origins: dict[NonEmpty, LabelOrigin | list[LabelOrigin]] = {}  # label -> where it comes from (labels.py)


class Match(Record):
    """A SKOS mapping from the record that declares it to an existing record of its kind: exactly
    one of the four relations, its basis, who asserts it (the project when no one is named), why."""

    exact_match: Slug | None = None
    close_match: Slug | None = None
    broad_match: Slug | None = None
    narrow_match: Slug | None = None
    basis: Literal["explicit", "interpretive"] = "interpretive"
    asserted_by: NonEmpty | None = None
    rationale_en: NonEmpty
    note: str | None = None

    @model_validator(mode="after")
    def _one_relation(self) -> Match:
        given = [name for name in MATCH_RELATIONS if getattr(self, name) is not None]
        if len(given) != 1:
            names = f"{', '.join(MATCH_RELATIONS)} (got {', '.join(given) or 'none'})"
            raise PydanticCustomError("one_relation", "a match names exactly one of {names}", {"names": names})
        return self


class TradeFactor(Entity):
    matches: list[Match] = []


class Advantage(TradeFactor):
    pass


class Barrier(TradeFactor):
    level: Literal["domestic", "international"]


class Countermeasure(TradeFactor):
    pass


class Problem(Entity):
    """A problem a work names as what its countermeasures answer (the paper's section 5 opens with its list)."""


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
    comparator: Literal["eq", "gt", "ge"] = "eq"
    unit: Literal["currency", "percent", "persons", "days", "countries", "years", "other"]
    magnitude: int = 1
    currency: Annotated[str, StringConstraints(pattern=CURRENCY)] | None = None
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


class MetadataSource(Record):
    """Where some of a work's own fields come from (works.py): `text` (the work's text), a page's URL, or a named record."""

    source: NonEmpty
    label_en: NonEmpty | None = None
    label_zh: NonEmpty | None = None
    fields: list[NonEmpty] = Field(min_length=1)
    note: str | None = None


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
    doi: Annotated[str, StringConstraints(pattern=DOI)] | None = None
    license: str | None = None
    text_file: str | None = None
    sections: list[SectionRecord] = []
    citations: list[Citation] = []
    claims: list[Claim] = []
    stated_links: list[StatedLink] = []
    metadata_from: list[MetadataSource] = []  # where the fields above come from, when given
    note: str | None = None
    source: Slug | None = None

    @property
    def themes(self) -> list[str]:
        if self.theme is None:
            return []
        return [self.theme] if isinstance(self.theme, str) else list(self.theme)


KINDS: dict[str, type[Record]] = {
    **{"works": Work, "advantages": Advantage, "barriers": Barrier, "countermeasures": Countermeasure, "themes": Theme},
    **{"statistics": Statistic, "documents": Document, "cases": Case, "actors": Actor, "sectors": Sector, "areas": DSTRIArea},
    "problems": Problem,
}
"""Top-level list names a data file may hold, and the record type of each item."""


@dataclass
class Records:
    """All records of a data folder, by kind, in file order."""

    by_kind: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})
    schemes: list[Scheme] = field(default_factory=list)
    data_dir: Path | None = None
    user_dir: Path | None = None  # the user's data folder layered on `data_dir` (sourcetext.shipped_text looks in both)

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

    def copy(self) -> Records:
        """The same records in new lists: adding to the copy leaves this one as it is."""
        return Records({kind: list(items) for kind, items in self.by_kind.items()}, list(self.schemes), self.data_dir, self.user_dir)

    def add(self, other: Records) -> None:
        """Append another's records, kind by kind, and its schemes."""
        for kind, items in other.by_kind.items():
            self.by_kind.setdefault(kind, []).extend(items)
        self.schemes.extend(other.schemes)


def locate(record: Record, origin: Origin, ways: Shortcuts | None = None) -> None:
    """Set where a record was written (records are frozen; their origin is not one of their values).

    `ways`: fast.models.shortcuts(), taken once for a batch of records."""
    (ways or shortcuts()).set_private(record, "_origin", origin)


def origin_of(record: Record, ways: Shortcuts) -> Origin:
    """`record.origin`, for a batch of records (`ways`: fast.models.shortcuts(), taken once)."""
    return ways.private(record, "_origin") or NOWHERE


def built(cls: type[RecordT], fields: dict[str, Any], origin: Origin, ways: Shortcuts | None = None) -> RecordT:
    """A record of values already valid (e.g. taken from a validated entry), every field given in
    field order, with its origin: what `cls.model_construct(**fields)` makes, without its cost.

    `ways`: fast.models.shortcuts(), taken once for a batch of records."""
    return (ways or shortcuts()).construct(cls, fields, {"_origin": origin})
