"""Literature entries users add: YAML entry files, Turtle using the ontology, and BibTeX, RIS and EndNote exports.

An entry describes one work (title, authors, year, language, venue, DOI ...) with the claims it
makes about existing records, and may add new barriers, countermeasures or advantages. Entries
become the same typed records as the curated data (a Work with Claims), so one loader and one
set of checks serve both. Every problem names the file, the line, the field and the fix.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError
from rdflib import Graph

from . import bibtex, csljson, ris, yamlread
from .bibtex import Found
from .errors import Problem, UnreadableInputError, brief
from .fast import prefetch
from .fast.models import Shortcuts, shortcuts
from .fast.paths import shown
from .fast.yaml import MAX_NODES
from .fileread import FileRead, refusal
from .recordcheck import Where, validated
from .records import (
    DOI,
    LANGUAGE_TAG,
    LICENSE,
    URL,
    Advantage,
    Barrier,
    Basis,
    Claim,
    Countermeasure,
    Link,
    Record,
    Records,
    Slug,
    StatedLink,
    Work,
    built,
    origin_of,
)

ENTRY_TYPES = ("article", "book", "chapter", "report", "thesis", "conference-paper", "webpage", "dataset")
STANCES = ("supports", "disputes", "extends", "qualifies", "discusses", "confirms", "refutes")

TEXT_LANGUAGES = ("en", "zh")
"""The languages a title or a claim's text is kept in: the graph labels works in English and Chinese."""


def _kept_language(tag: str) -> str:
    if tag not in TEXT_LANGUAGES:  # stored under another tag it would be mislabelled: the graph has no place for it
        raise PydanticCustomError(
            "text_language", "a text in `{tag}` cannot be kept: titles and claim texts are kept in en and zh", {"tag": tag}
        )
    return tag


LanguageTag = Annotated[str, StringConstraints(pattern=LANGUAGE_TAG)]
LanguageMap = dict[Annotated[LanguageTag, AfterValidator(_kept_language)], Annotated[str, StringConstraints(min_length=1)]]


def _language_map(name: str):
    def check(value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f'{name} needs its language: write `{name}: {{en: "{value[:30]}"}}` (or zh: ...)')
        if isinstance(value, dict) and not value:
            raise ValueError(f"{name} needs at least one language, e.g. `{name}: {{en: ...}}`")
        return value

    return check


class EntryClaim(Record):
    id: Slug | None = None
    about: list[Slug] = Field(min_length=1)
    stance: Literal[STANCES] = "discusses"  # type: ignore[valid-type]
    basis: Basis = "explicit"
    text: LanguageMap
    quote: str | None = None
    page: str | None = None
    note: str | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _text_has_language(cls, value: Any) -> Any:
        return _language_map("text")(value)

    @field_validator("about", mode="before")
    @classmethod
    def _about_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Entry(Record):
    id: Slug
    type: Literal[ENTRY_TYPES]  # type: ignore[valid-type]
    title: LanguageMap
    authors: list[Annotated[str, StringConstraints(min_length=1)]] = Field(min_length=1)
    year: int
    language: LanguageTag
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: Annotated[str, StringConstraints(pattern=DOI)] | None = None
    url: Annotated[str, StringConstraints(pattern=URL)] | None = None
    license: Annotated[str, StringConstraints(pattern=LICENSE)] | None = None  # of the text shipped as sources/<id>.txt
    claims: list[EntryClaim] = []
    barriers: list[Barrier] = []
    countermeasures: list[Countermeasure] = []
    advantages: list[Advantage] = []
    links: list[StatedLink] = []
    note: str | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _title_has_language(cls, value: Any) -> Any:
        return _language_map("title")(value)

    @field_validator("volume", "issue", "pages", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> Any:
        shown = str(value).lower() if isinstance(value, bool) else brief(value)
        wrong = ValueError(f"year must be a number of four digits, such as 2019, not {shown}")
        if isinstance(value, bool) or (isinstance(value, str) and not value.strip().isdigit()):
            raise wrong  # true is not the year 1
        number = int(value) if isinstance(value, str) else value
        if isinstance(number, int) and not 1000 <= number <= 9999:
            raise wrong
        return number


@dataclass
class EntryFile:
    """What one entry file holds: its entries as records (or its Turtle graph), and its problems."""

    path: Path
    display: str
    """The file as messages name it."""
    records: Records = field(default_factory=Records)
    entries: list[tuple[Entry, Any]] = field(default_factory=list)
    """Each entry and the data it was read from (the round-trip tree when read exactly)."""
    graph: Graph | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    raw: bytes | None = None
    """The file's bytes, when read exactly (to copy it as it is)."""


@dataclass
class EntrySet:
    """What a set of entry files holds, file by file, and all of it together."""

    files: list[EntryFile] = field(default_factory=list)

    @property
    def records(self) -> Records:
        records = Records()
        for file in self.files:
            records.add(file.records)
        return records

    @property
    def graphs(self) -> list[tuple[str, Graph]]:
        return [(f.display, f.graph) for f in self.files if f.graph is not None]

    @property
    def entries(self) -> list[tuple[Path, Entry, Any]]:
        return [(f.path, entry, data) for f in self.files for entry, data in f.entries]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def warnings(self) -> list[Problem]:
        return [p for f in self.files for p in f.warnings]


def _claim_records(entry: Entry, ways: Shortcuts) -> list[Claim]:
    """An entry's claims as Claims, each with an is-about link to every record it is about.

    The entry was validated, so the records are `built` from its values without validating again."""
    claims = []
    for number, claim in enumerate(entry.claims, start=1):
        origin, quotes = origin_of(claim, ways), [claim.quote] if claim.quote else []
        links = [
            built(
                Link,
                {
                    "property": "is-about",
                    "target": target,
                    "basis": claim.basis,
                    "section": None,
                    "quotes": quotes,
                    "rationale_en": None,
                    "note": None,
                    "stance": claim.stance,
                },
                origin,
                ways,
            )
            for target in claim.about
        ]
        fields = {
            "id": claim.id or f"claim-{entry.id}-{number}",
            "text_zh": claim.text.get("zh"),
            "text_en": _text_en(claim.text),
            "section": None,
            "quote": claim.quote,
            "page": claim.page,
            "also_made_by": [],
            "links": links,
            "note": claim.note,
        }
        claims.append(built(Claim, fields, origin, ways))
    return claims


def _text_en(text: dict[str, str]) -> str | None:
    """The English text (Entry admits no other language but Chinese: see TEXT_LANGUAGES)."""
    return text.get("en")


def entry_records(entry: Entry) -> Records:
    """The records an entry stands for: its work, its claims with their is-about links, its new entities."""
    ways = shortcuts()
    fields = _work_defaults()
    fields.update(
        id=entry.id,
        type=entry.type,
        title_zh=entry.title.get("zh"),
        title_en=_text_en(entry.title),
        authors_text="; ".join(entry.authors),
        authors=list(entry.authors),
        year=entry.year,
        work_language=entry.language,
        venue=entry.venue,
        volume=entry.volume,
        issue=entry.issue,
        pages=entry.pages,
        doi=entry.doi,
        url=entry.url,
        license=entry.license if entry.license is None or "://" in entry.license else f"https://spdx.org/licenses/{entry.license}",
        claims=_claim_records(entry, ways),
        stated_links=list(entry.links),
        source=entry.id,
        note=entry.note,
    )
    records = Records()
    records.works.append(built(Work, fields, origin_of(entry, ways), ways))
    for kind in ("barriers", "countermeasures", "advantages"):
        for item in getattr(entry, kind):
            records.by_kind[kind].append(item if item.source is not None else item.model_copy(update={"source": entry.id}))
    return records


@functools.cache
def _work_default_values() -> dict[str, Any]:
    # every field in field order (as model_construct sets them); required ones are set by the caller
    defaults = {name: None if f.is_required() else f.get_default(call_default_factory=True) for name, f in Work.model_fields.items()}
    assert all(v == [] for v in defaults.values() if isinstance(v, list | dict | set)), "mutable defaults other than []"
    return defaults


def _work_defaults() -> dict[str, Any]:
    """Every field of Work, in field order: optional ones at their default (fresh lists)."""
    return {name: ([] if type(value) is list else value) for name, value in _work_default_values().items()}


def _add(out: EntryFile, entry: Entry, data: Any) -> None:
    out.entries.append((entry, data))
    out.records.add(entry_records(entry))


def _read_yaml(out: EntryFile, read: FileRead, exact: bool) -> None:
    plain = read.plain if read.parsed else yamlread.UNPARSED if exact else yamlread.NOT_FAST  # read_one tried the fast reader
    try:
        document = yamlread.read(read.text, out.display, out.path, exact=exact, plain=plain)
    except yamlread.BadSyntax as exc:
        out.problems.append(exc.problem)
        return
    if document.data is None or document.data == []:
        out.problems.append(Problem(out.display, 1, "", "", "the file is empty: it holds no entry", EMPTY_FIX))
        return
    many = isinstance(document.data, list)
    for index, item in enumerate(document.data if many else [document.data]):
        where = Where(out.display, document.locator, (index,) if many else ())
        if not isinstance(item, dict):
            out.problems.append(
                Problem(
                    out.display,
                    document.locator.line_at(where.keys) if many else 1,
                    "",
                    "",
                    "an entry must be a mapping (id: ..., title: ...), not a list or a value",
                    "write one entry as a mapping, or several as a list of mappings",
                )
            )
            continue
        entry = validated(Entry, item, where, _entity(item, index))
        if isinstance(entry, list):
            out.problems.extend(entry)
        else:
            _add(out, entry, item)


EMPTY_FIX = "give at least an id and a title: write an entry with id, type, title, authors, year and language, as in the README's example"


def _entity(item: dict, index: int) -> str:
    """How messages name an entry: its id, if that is text (cut short), else its place in the file."""
    given = item.get("id")
    if isinstance(given, str) and given.strip():
        return given if len(given) <= 60 else given[:59] + "…"
    return f"entry {index + 1}"


def _read_turtle(out: EntryFile, read: FileRead, exact: bool) -> None:
    try:  # the file's own IRI is the base of relative IRIs, as when rdflib reads the file itself
        out.graph = Graph().parse(data=read.text, format="turtle", publicID=out.path.absolute().as_uri())
    except Exception as exc:  # rdflib raises several parser error types
        match = re.search(r"line (\d+)", str(exc), re.IGNORECASE)
        detail = " ".join(str(exc).split())[:300]
        out.problems.append(
            Problem(
                out.display,
                int(match.group(1)) if match else 0,
                "",
                "",
                f"Turtle syntax error: {detail}",
                "correct the Turtle at that line (rapper -c FILE shows it too)",
            )
        )
        return
    if len(out.graph) > MAX_NODES:  # (its bytes are bounded, but a build and a validation of many more triples take long)
        message = f"the file states {len(out.graph):,} triples, more than the {MAX_NODES:,} an entry file may state"
        out.problems.append(Problem(out.display, 1, "", "", message, "keep one work per entry file"))
        out.graph = None
    elif not out.graph:
        out.problems.append(
            Problem(
                out.display,
                1,
                "",
                "",
                "the file is empty: it states no triple",
                'give at least the work, its id and its title, e.g. `id:smith-2023 a dskg:Work ; dcterms:title "..."@en .`',
            )
        )


def _read_bibliographic(
    out: EntryFile,
    read: FileRead,
    exact: bool,
    parse: Callable[[str, str], tuple[list[Found], list[Problem]]],
    fixes: dict,
    format_name: str,
) -> None:
    """A bibliographic export (BibTeX, RIS, EndNote's text; CSL-JSON through csljson.parse): each
    work as an entry with no claims yet. `parse` gives each work's entry data with its fields'
    lines and the file's faults; `fixes` words a missing field's fix in the format's own terms."""
    found, problems = parse(read.text, out.display)
    out.problems.extend(problems)
    if not found and not problems:
        out.problems.append(
            Problem(out.display, 1, "", "", f"the file holds no {format_name} entry", "write one, e.g. `@article{key, title = {...}, ...}`")
        )
    for work in found:
        entry = validated(Entry, work.data, Where(out.display, work.lines), work.data["id"], fixes)
        if isinstance(entry, list):
            out.problems.extend(entry)
            continue
        _add(out, entry, work.data)
        message = f"imported from {format_name}: the entry has no claims yet"
        out.warnings.append(
            Problem(out.display, work.line, entry.id, "claims", message, "add claims (about, stance, text) to say what the work argues")
        )


def _bibliographic(parse: Callable, fixes: dict, format_name: str) -> Callable[[EntryFile, FileRead, bool], None]:
    return functools.partial(_read_bibliographic, parse=parse, fixes=fixes, format_name=format_name)


READERS = {".yaml": _read_yaml, ".yml": _read_yaml, ".ttl": _read_turtle, ".bib": _bibliographic(bibtex.parse, bibtex.FIXES, "BibTeX")}
READERS |= {".ris": _bibliographic(ris.parse, ris.FIXES, "RIS"), ".enw": _bibliographic(ris.parse_endnote, ris.ENDNOTE_FIXES, "EndNote")}
READERS[".json"] = _bibliographic(csljson.parse, csljson.FIXES, "CSL-JSON")


def read_entries(paths: Iterable[Path], display_root: Path | None = None, *, exact: bool = False) -> EntrySet:
    """Read entry files (YAML, Turtle, BibTeX, RIS, EndNote) into records; problems are collected, not raised.

    `exact`: keep each YAML entry as its round-trip tree (comments, key order) and each file's
    bytes, e.g. to copy them.

    Raises UnreadableInputError for a file that cannot be read at all (missing, not UTF-8,
    unknown kind, too large).
    """
    return EntrySet(list(iter_entries(paths, display_root, exact=exact)))


def iter_entries(items: Iterable[Path | EntryFile], display_root: Path | None = None, *, exact: bool = False) -> Iterator[EntryFile]:
    """read_entries a file at a time, yielding each file's EntryFile as it is read (a build turns
    its records into triples while the next files are read). An EntryFile among `items` was read
    already: it is yielded as it is. Raises as read_entries does."""
    items = [item if isinstance(item, EntryFile) else Path(item) for item in items]
    paths = [item for item in items if isinstance(item, Path)]
    for path in paths:
        if path.suffix.lower() not in READERS:
            raise UnreadableInputError(f"{shown(path, display_root)}: not an entry file. Fix: use .yaml, .ttl, .bib, .ris, .enw or .json.")
    with contextlib.closing(prefetch.read_files(paths, parse=not exact, raw=exact)) as reads:
        for item in items:
            if isinstance(item, EntryFile):
                yield item
                continue
            path, read = next(reads)
            out = EntryFile(path, shown(path, display_root), raw=read.raw)
            if read.error is not None:
                raise UnreadableInputError(refusal(out.display, read.error))
            READERS[path.suffix.lower()](out, read, exact)
            yield out


def entry_files(folder: Path) -> list[Path]:
    """The entry files of a user data folder (`entries/` inside it), sorted."""
    entries = Path(folder) / "entries"
    return sorted(p for p in entries.glob("*") if p.suffix.lower() in READERS) if entries.is_dir() else []
