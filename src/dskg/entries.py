"""Literature entries users add: YAML entry files, Turtle using the ontology, and BibTeX.

An entry describes one work (title, authors, year, language, venue, DOI ...) with the claims it
makes about existing records, and may add new barriers, countermeasures or advantages. Entries
become the same typed records as the curated data (a Work with Claims), so one loader and one
set of checks serve both. Every problem names the file, the line, the field and the fix.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, field_validator
from rdflib import Graph
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import prefetch
from .errors import Problem
from .prefetch import MAX_BYTES, FileRead
from .sources import (
    DONE,
    Advantage,
    Barrier,
    Basis,
    Claim,
    Countermeasure,
    Link,
    Record,
    Records,
    Slug,
    Work,
    _attach_lazy_origin,
    _attach_origin,
    _line_at,
    built,
    read_yaml_text,
)

ENTRY_TYPES = ("article", "book", "chapter", "report", "thesis", "conference-paper", "webpage", "dataset")
STANCES = ("supports", "disputes", "extends", "qualifies", "discusses", "confirms", "refutes")

LanguageMap = dict[
    Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")], Annotated[str, StringConstraints(min_length=1)]
]


def _language_map(name: str):
    def check(value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"{name} needs its language: write `{name}: {{en: \"{value[:30]}\"}}` (or zh: ...)")
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
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    claims: list[EntryClaim] = []
    barriers: list[Barrier] = []
    countermeasures: list[Countermeasure] = []
    advantages: list[Advantage] = []
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
        if isinstance(value, str) and not value.strip().isdigit():
            raise ValueError(f"year must be a number like 2021, not {value!r}")
        return value


@dataclass
class EntrySet:
    """What a set of entry files holds: entries as records, Turtle graphs, and every problem."""

    records: Records = field(default_factory=Records)
    graphs: list[tuple[str, Graph]] = field(default_factory=list)
    entries: list[tuple[Path, Entry, Any]] = field(default_factory=list)  # (file, entry, its YAML node)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _suggest(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else f"allowed fields: {', '.join(allowed)}"


def _entry_fields(loc: tuple) -> list[str]:
    """Allowed field names at an error location (to suggest the closest to a typo)."""
    model: type[Record] = Entry
    for part in loc[:-1]:
        if isinstance(part, str) and part in model.model_fields:
            annotation = model.model_fields[part].annotation
            inner = getattr(annotation, "__args__", (None,))[0]
            if isinstance(inner, type) and issubclass(inner, Record):
                model = inner
    return list(model.model_fields)


def _problems(error: ValidationError, node: Any, file: str, entity: str) -> list[Problem]:
    out = []
    for err in error.errors():
        loc = tuple(
            p
            for p in err["loc"]
            if isinstance(p, int) or (isinstance(p, str) and p.isidentifier() and p not in ("str", "int", "list", "dict"))
        )
        line = _line_at(node, loc)
        name = ".".join(str(p) for p in loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            out.append(Problem(file, line, entity, name, f"unknown field `{loc[-1]}`", _suggest(str(loc[-1]), _entry_fields(loc))))
        elif kind == "missing":
            examples = {
                "title": "title: {en: ...}",
                "authors": 'authors: ["Family, Given"]',
                "year": "year: 2021",
                "language": "language: en",
                "type": "type: article",
                "about": "about: [bar-market-access]",
                "text": "text: {en: ...}",
            }
            fix = f"add it, e.g. `{examples.get(str(loc[-1]), str(loc[-1]) + ': ...')}`"
            out.append(Problem(file, line, entity, name, f"missing field `{loc[-1]}`", fix))
        elif kind == "literal_error":
            out.append(Problem(file, line, entity, name, f"{err['msg']} (got {err.get('input')!r})", "use one of the allowed values"))
        elif kind == "string_pattern_mismatch" and loc and loc[-1] == "doi":
            out.append(
                Problem(
                    file,
                    line,
                    entity,
                    name,
                    f"malformed DOI {err.get('input')!r}",
                    "write the DOI alone, like `doi: 10.1111/twec.12424` (no https://doi.org/)",
                )
            )
        else:
            msg = err["msg"].removeprefix("Value error, ")
            out.append(Problem(file, line, entity, name, msg, ""))
    return out


def _entry_to_records(entry: Entry, records: Records) -> None:
    """Add the records an entry stands for: its work, claims with their is-about links, new entities.

    The entry was validated, so the records are `built` from its values without validating again.
    """
    claims = []
    for number, claim in enumerate(entry.claims, start=1):
        origin = claim.__pydantic_private__
        quotes = [claim.quote] if claim.quote else []
        links = [
            built(Link, {"property": "is-about", "target": target, "basis": claim.basis, "section": None, "quotes": quotes,
                         "rationale_en": None, "note": None, "stance": claim.stance}, _located_like(origin))
            for target in claim.about
        ]
        text = claim.text
        fields = {
            "id": claim.id or f"claim-{entry.id}-{number}",
            "text_zh": text.get("zh"),
            "text_en": text.get("en") or next((t for lang, t in text.items() if lang != "zh"), None),
            "section": None,
            "quote": claim.quote,
            "page": claim.page,
            "also_made_by": [],
            "links": links,
            "note": claim.note,
        }
        claims.append(built(Claim, fields, _located_like(origin)))
    fields = _work_defaults()
    fields.update(
        id=entry.id,
        type=entry.type,
        title_zh=entry.title.get("zh"),
        title_en=entry.title.get("en") or next((t for lang, t in entry.title.items() if lang != "zh"), None),
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
        claims=claims,
        source=entry.id,
        note=entry.note,
    )
    records.by_kind["works"].append(built(Work, fields, _located_like(entry.__pydantic_private__)))
    for kind in ("barriers", "countermeasures", "advantages"):
        for item in getattr(entry, kind):
            if item.source is None:
                item = _linked(item.model_copy(update={"source": entry.id}), item)
            records.by_kind[kind].append(item)


def _located_like(private: dict[str, Any]) -> dict[str, Any]:
    """Private attributes (file, lines) for a record made from an entry part with these."""
    return {**private, "_field_lines": dict(private["_field_lines"])}


@functools.cache
def _work_default_values() -> dict[str, Any]:
    # every field in field order (as model_construct sets them); required ones are set by the caller
    defaults = {name: None if f.is_required() else f.get_default(call_default_factory=True) for name, f in Work.model_fields.items()}
    assert all(v == [] for v in defaults.values() if isinstance(v, list | dict | set)), "mutable defaults other than []"
    return defaults


def _work_defaults() -> dict[str, Any]:
    """Every field of Work, in field order: optional ones at their default (fresh lists)."""
    return {name: ([] if type(value) is list else value) for name, value in _work_default_values().items()}


def _linked(new: Record, origin: Record) -> Record:
    """Give a record built from an entry the file and lines of the entry part it comes from."""
    object.__setattr__(new, "__pydantic_private__", _located_like(origin.__pydantic_private__))
    return new


def _read_plain(node: Any, path: Path, display: str, out: EntrySet) -> bool:
    """Read entries parsed by fastyaml; False (adding nothing) when there is a problem to report."""
    if node is None:
        return False
    items = node if isinstance(node, list) else [node]
    read = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            return False
        try:
            entry = Entry.model_validate(item)
        except ValidationError:
            return False
        _attach_lazy_origin(entry, display, path, (index,) if isinstance(node, list) else ())
        read.append((entry, item))
    for entry, item in read:
        out.entries.append((path, entry, item))
        _entry_to_records(entry, out.records)
    return True


def _read_yaml(path: Path, read: FileRead, display: str, out: EntrySet, exact: bool = False) -> None:
    fast = None if exact else (lambda plain: _read_plain(plain, path, display, out))
    node = read_yaml_text(read.text, display, fast, out.problems, *((read.plain,) if read.parsed else ()))
    if node is DONE:
        return
    if node is None:
        out.problems.append(
            Problem(display, 1, "", "", "the file is empty", "write an entry: a mapping with id, type, title, authors, year, language")
        )
        return
    items = node if isinstance(node, CommentedSeq) else [node]
    for index, item in enumerate(items):
        where = (index,) if isinstance(node, CommentedSeq) else ()
        if not isinstance(item, CommentedMap):
            line = _line_at(node, where) if where else 1
            out.problems.append(
                Problem(
                    display,
                    line,
                    "",
                    "",
                    "an entry must be a mapping (id: ..., title: ...), not a list or a value",
                    "write one entry as a mapping, or several as a list of mappings",
                )
            )
            continue
        entity = str(item.get("id", f"entry {index + 1}"))
        try:
            entry = Entry.model_validate(item)
        except ValidationError as exc:
            out.problems.extend(_problems(exc, item, display, entity))
            continue
        _attach_origin(entry, item, display)
        out.entries.append((path, entry, item))
        _entry_to_records(entry, out.records)


_TURTLE_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


def _read_turtle(path: Path, read: FileRead, display: str, out: EntrySet, exact: bool = False) -> None:
    # parsed from the path, not `text`: the file's own IRI is the base of relative IRIs
    try:
        graph = Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser error types
        match = _TURTLE_LINE.search(str(exc))
        detail = " ".join(str(exc).split())[:300]
        out.problems.append(
            Problem(
                display,
                int(match.group(1)) if match else 0,
                "",
                "",
                f"Turtle syntax error: {detail}",
                "correct the Turtle at that line (rapper -c FILE shows it too)",
            )
        )
        return
    out.graphs.append((display, graph))


def _bib_value(text: str) -> str:
    return re.sub(r"[{}]", "", text).strip()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entry"


BIB_TYPES = {
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


def _read_bibtex(path: Path, read: FileRead, display: str, out: EntrySet, exact: bool = False) -> None:
    import bibtexparser

    library = bibtexparser.parse_string(read.text)
    for block in library.failed_blocks:
        reason = str(getattr(block, "error", "")).splitlines()[-1:] or ["syntax error"]
        out.problems.append(
            Problem(
                display,
                block.start_line + 1,
                "",
                "",
                f"BibTeX syntax error: {reason[0].strip()}",
                "close every brace and quote of that entry",
            )
        )
    for bib in library.entries:
        fields = {k.lower(): _bib_value(v.value) for k, v in bib.fields_dict.items()}
        title = fields.get("title", "")
        language = fields.get("language") or ("zh" if re.search(r"[\u4e00-\u9fff]", title) else "en")
        language = {"chinese": "zh", "english": "en"}.get(language.lower(), language.lower())
        data: dict[str, Any] = {
            "id": _slug(bib.key),
            "type": BIB_TYPES.get(bib.entry_type.lower(), "article"),
            "title": {language: title} if title else {},
            "authors": [a.strip() for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()],
            "year": fields.get("year"),
            "language": language,
        }
        venue = (
            fields.get("journal") or fields.get("booktitle") or fields.get("publisher") or fields.get("institution") or fields.get("school")
        )
        for key, value in (
            ("venue", venue),
            ("volume", fields.get("volume")),
            ("issue", fields.get("number")),
            ("pages", fields.get("pages", "").replace("--", "-") or None),
            ("doi", fields.get("doi")),
            ("url", fields.get("url")),
        ):
            if value:
                data[key] = value
        line = bib.start_line + 1
        try:
            entry = Entry.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                name = ".".join(str(p) for p in err["loc"] if isinstance(p, (str, int)))
                out.problems.append(
                    Problem(display, line, data["id"], name, err["msg"].removeprefix("Value error, "), "complete the BibTeX entry")
                )
            continue
        entry._file, entry._line = display, line
        out.entries.append((path, entry, data))
        _entry_to_records(entry, out.records)
        out.warnings.append(
            Problem(
                display,
                line,
                entry.id,
                "claims",
                "imported from BibTeX: the entry has no claims yet",
                "add claims (about, stance, text) to say what the work argues",
            )
        )


READERS = {".yaml": _read_yaml, ".yml": _read_yaml, ".ttl": _read_turtle, ".bib": _read_bibtex}


def read_entries(paths: list[Path], display_root: Path | None = None, *, exact: bool = False) -> EntrySet:
    """Read entry files (YAML, Turtle, BibTeX) into records; problems are collected, not raised.

    `exact`: keep each YAML entry as its round-trip tree (comments, key order), e.g. to copy it.

    Raises UnreadableInputError for a file that cannot be read at all (missing, not UTF-8,
    unknown kind, too large).
    """
    out = EntrySet()
    for _ in iter_entries(paths, out, display_root, exact=exact):
        pass
    return out


def iter_entries(paths: list[Path], out: EntrySet, display_root: Path | None = None, *, exact: bool = False) -> Iterator[Records]:
    """read_entries a file at a time, into `out`: yields the records each file added (a build
    turns them into triples while the next files are read). Raises as read_entries does."""
    from .errors import UnreadableInputError

    paths = [Path(p) for p in paths]
    for path in paths:
        if path.suffix.lower() not in READERS:
            raise UnreadableInputError(f"{_display(path, display_root)}: not an entry file. Fix: use .yaml, .ttl or .bib.")
    kinds = out.records.by_kind
    for path, read in prefetch.read_files(paths, parse=not exact):
        display = _display(path, display_root)
        if read.error is not None:
            kind, detail = read.error
            if kind == "too-large":
                raise UnreadableInputError(
                    f"{display}: {detail / 1e6:.1f} MB is too large for an entry file (limit {MAX_BYTES / 1e6:.0f} MB). "
                    "Fix: split it, one work per entry."
                )
            if kind == "not-utf8":
                raise UnreadableInputError(f"{display}: not UTF-8 text (byte {detail}). Fix: save the file as UTF-8.")
            raise UnreadableInputError(f"{display}: cannot read the file ({detail}). Fix: check the path.")
        sizes = [len(items) for items in kinds.values()]
        READERS[path.suffix.lower()](path, read, display, out, exact)
        yield Records(by_kind={kind: items[size:] for (kind, items), size in zip(kinds.items(), sizes)})


def _display(path: Path, root: Path | None) -> str:
    """The path as messages show it: relative to `root` when inside it (by text: pathlib's
    relative_to, once per entry, shows in reading 15,000 entries)."""
    text = str(path)
    if root is not None:
        prefix = str(root).rstrip(os.sep) + os.sep
        if text.startswith(prefix):
            return text[len(prefix) :]
        if path.is_relative_to(root):  # forms the text test misses (e.g. '.' as the root)
            return str(path.relative_to(root))
    return text


def entry_files(folder: Path) -> list[Path]:
    """The entry files of a user data folder (`entries/` inside it), sorted."""
    entries = Path(folder) / "entries"
    return sorted(p for p in entries.glob("*") if p.suffix.lower() in READERS) if entries.is_dir() else []

