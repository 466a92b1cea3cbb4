"""The BibTeX reader: a .bib file -> each entry as entry data (the form of an entry YAML file)
with the lines of its fields, plus one problem, with its line and fix, for every block that is
not BibTeX.

An entry's bibliographic fields map onto an entry's (author -> authors, journal or booktitle ->
venue, number -> issue ...); LaTeX in them is decoded to Unicode (`Nord{\\aa}s` -> Nordås, `{WTO}`
-> WTO, `--` -> an en dash), but a DOI or URL is kept as written. The language is the entry's
`language` field, else Chinese when the title is written in Chinese, else English. The id is the
house style's author-year (`ferencz-2019`, `nordas-rouzet-2017`) when the authors' family names
are in Latin letters and the year is four digits, so the same work gets the same id whatever its
key (`ferencz2019`, `Ferencz:2019`, `ferencz_2019`); a key written as an id (`ferencz-2019-dstri`)
is kept, and so is the slug of any other key when the fields do not allow. BibTeX says nothing
of claims.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .records import ID_MAX_LENGTH, Origin

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
_LANGUAGES = {
    **dict.fromkeys(("chinese", "中文", "汉语", "zho", "chi"), "zh"),
    **dict.fromkeys(("english", "american", "british", "usenglish", "ukenglish", "英文", "英语", "eng"), "en"),
}
"""Language names and codes as exports write them (BibTeX, biblatex `langid`, RIS `LA`, CNKI, Zotero) -> tags."""
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""A Chinese character (CJK unified ideographs, extension A, compatibility ideographs)."""
_VERBATIM = {"doi", "url"}
"""Fields kept as written: `_` and `%` are part of a DOI or URL, not LaTeX."""
_FOLDED = str.maketrans({**dict(zip("øØđĐðıłŁ", "oOdDdilL")), "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th"})
"""Latin letters that Unicode does not decompose into a base letter and an accent."""
_LATEX = re.compile(r"[\\~`$]|--|''")
"""What only LaTeX decoding reads: a command, `~`, quotes, math, dashes (braces alone are just removed)."""
_PIECE = re.compile(r"\\(?:[A-Za-z]+|[^A-Za-z\s])[ \t]*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z])?|(?<!\\)\$[^$]*\$|-{2,3}|``|''|~")
"""A LaTeX command with what may be its argument (a group, a command, a letter), math, dashes, quotes, a tie."""
_CHOSEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
"""A key already written as an id (lowercase, hyphens): no tool makes these, so the user chose it."""
_MOST_FAMILIES = 3
"""An id names every author's family name up to this many authors, else the first one's (as the README's examples do)."""


@dataclass(frozen=True)
class FieldLines:
    """Where an entry's fields are written: a locator (see recordcheck.Locator) for its problems."""

    line: int
    fields: dict[str, int] = field(default_factory=dict)

    def line_at(self, keys: tuple[Any, ...]) -> int:
        return self.fields.get(keys[0], self.line) if keys else self.line

    def origin(self, file: str, keys: tuple[Any, ...]) -> Origin:
        return Origin(file, self.line)


@dataclass(frozen=True)
class Found:
    """One BibTeX entry read: its entry data, the line it starts on and its fields' lines."""

    data: dict[str, Any]
    line: int
    lines: FieldLines


@functools.cache
def _decoder():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", keep_comments=False)


@functools.lru_cache(maxsize=4096)
def _piece(latex: str) -> str:
    """One LaTeX command with its argument (`\\'{e}`, `\\aa`, `$x_1$`, `--`) as text, braces kept apart."""
    return _decoder().latex_to_text(latex).replace("{", "\0").replace("}", "\1")


def text(value: str) -> str:
    """A BibTeX value's LaTeX as Unicode text on one line: accents, `{\\o}`, `\\ss`, dashes, `~`,
    braces around capitals. A bare `%` is a percent sign here, not a LaTeX comment.

    pylatexenc decodes each command with its argument (a few of them recur across a file), not
    the whole value: parsing every value whole costs about a millisecond each, which a 2.5 MB
    file of accented names would feel."""
    if not _LATEX.search(value):
        return " ".join(value.replace("{", "").replace("}", "").split())
    decoded = _PIECE.sub(lambda piece: _piece(piece.group(0)), re.sub(r"(?<!\\)%", r"\\%", value))
    return " ".join(decoded.replace("{", "").replace("}", "").replace("\0", "{").replace("\1", "}").split())


def _verbatim(value: str) -> str:
    """A DOI or URL as written: only BibTeX's braces and the escapes `\\_ \\% \\& \\#` removed."""
    return re.sub(r"\\([_%&#])", r"\1", re.sub(r"[{}]", "", value)).strip()


def slug(key: str) -> str:
    """An entry id from a citation key: lowercase letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "entry"


def _latin_slug(name: str) -> str:
    """A family name as an id part (Nordås -> nordas), or '' when it is not written in Latin letters."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name.translate(_FOLDED)) if not unicodedata.combining(c))
    return slug(folded) if folded.isascii() and re.search("[A-Za-z]", folded) else ""


def derived_id(key: str, names: list[str], year: str) -> str:
    """The key itself when it is an id in the house style (`ferencz-2019-dstri`: the user chose
    it), else the house style's author-year id when the fields allow it, else the key's slug.

    `names` are the authors as BibTeX writes them (`Nord{\\aa}s, Hildegunn Kyvik`, `Erik van der
    Marel`); each gives its family name with its von part (van der Marel -> van-der-marel)."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    if _CHOSEN.fullmatch(key) and len(key) <= ID_MAX_LENGTH:
        return key
    families = []
    for name in names:
        parts = parse_single_name_into_parts(name, strict=False)
        families.append(_latin_slug(text(" ".join([*parts.von, *parts.last]))))
    if not families or not all(families) or not re.fullmatch(r"\d{4}", year):
        return slug(key)
    for named in (families[:_MOST_FAMILIES] if len(families) <= _MOST_FAMILIES else [], families[:1]):
        made = "-".join([*named, year])
        if named and len(made) <= ID_MAX_LENGTH:
            return made
    return slug(key)


def language_tag(written: str, title: str) -> str:
    """A language as an export writes it (`en-US`, `english`, `中文;`) as a tag, else the title's script."""
    written = written.strip().strip(";；").strip().lower()
    if not written:
        return "zh" if CJK.search(title) else "en"
    first = re.split(r"[-_\s]", written)[0]
    return _LANGUAGES.get(written) or _LANGUAGES.get(first) or first


def _authors(value: str) -> list[str]:
    """The names of an author field, split at `and` outside braces (`{World Bank and IMF}` is one); a
    closing `and others` is BibTeX's et al., not a name."""
    from bibtexparser.middlewares.names import split_multiple_persons_names

    names = [name for name in split_multiple_persons_names(value) if name.strip()]
    return names[:-1] if len(names) > 1 and names[-1].strip() == "others" else names


def entry_data(key: str, entry_type: str, fields: dict[str, str]) -> dict[str, Any]:
    """One BibTeX entry's fields (lower-case names, values as written between the braces) as entry data."""
    plain = {name: _verbatim(value) if name in _VERBATIM else text(value) for name, value in fields.items()}
    names = _authors(fields.get("author", ""))
    title = plain.get("title", "")
    language = language_tag(plain.get("language") or plain.get("langid") or "", title)  # Zotero: `en-US`; biblatex: `english`
    data: dict[str, Any] = {
        "id": derived_id(key, names, plain.get("year", "")),
        "type": TYPES.get(entry_type.lower(), "article"),
        "title": {language: title} if title else {},
        "authors": [text(name) for name in names],
        "year": plain.get("year"),
        "language": language,
    }
    optional = {
        "venue": next((plain[name] for name in _VENUE_FIELDS if plain.get(name)), None),
        "volume": plain.get("volume"),
        "issue": plain.get("number"),
        "pages": re.sub("[\u2013\u2014]", "-", plain.get("pages", "")) or None,
        "doi": plain.get("doi"),
        "url": plain.get("url"),
    }
    data.update((name, value) for name, value in optional.items() if value)
    return data


_DATA_FIELDS = {"title": "title", "authors": "author", "year": "year", "volume": "volume", "issue": "number", "pages": "pages"}
_DATA_FIELDS |= {"doi": "doi", "url": "url", "language": "language"}


def _field_lines(data: dict[str, Any], lines: dict[str, int], line: int) -> FieldLines:
    where = {name: lines[bib] for name, bib in _DATA_FIELDS.items() if bib in lines}
    venue = next((name for name in _VENUE_FIELDS if name in lines), None)
    if venue:
        where["venue"] = lines[venue]
    return FieldLines(line, where)


def parse(text_: str, file: str) -> tuple[list[Found], list[Problem]]:
    """Each entry of a BibTeX text (data, first line, field lines), and one problem per fault."""
    import bibtexparser

    logging.getLogger("bibtexparser").addHandler(logging.NullHandler())  # its log lines would print beside our messages
    library = bibtexparser.parse_string(text_)
    problems = _duplicate_keys(library.failed_blocks, file)
    problems += [problem for block in library.failed_blocks for problem in _failure(block, text_, file)]
    found, used, closed_early = [], set(), _closed_early(library.blocks, file)
    for bib in library.entries:
        faults = [closed_early[id(bib)]] if id(bib) in closed_early else _entry_faults(bib, file)
        if faults:  # its fields are not what the user meant: checking them would say the same twice
            problems.extend(faults)
            continue
        fields = {f.key.lower(): str(f.value) for f in bib.fields}
        data = entry_data(bib.key, bib.entry_type, fields)
        data["id"] = unused_id(data["id"], used)
        line = bib.start_line + 1
        found.append(Found(data, line, _field_lines(data, {f.key.lower(): f.start_line + 1 for f in bib.fields}, line)))
    return found, problems


def unused_id(made: str, used: set[str]) -> str:
    """`made`, or `made` with b, c ... when an earlier work of the file has that id (two works of one author and year)."""
    candidates = [made, *(f"{made}{letter}" for letter in "bcdefghijklmnopqrstuvwxyz")]
    chosen = next((c for c in candidates if c not in used), made)
    used.add(chosen)
    return chosen


# Faults: each block bibtexparser could not read, and each entry it read wrongly, as one problem
# with its line and a fix in BibTeX's terms.

_MARK = re.compile(r'(?<!\\)[{}"\n]|(?P<name>[A-Za-z][\w:.+-]*)[ \t]*=')
_HEAD = re.compile(r"@\s*(?P<kind>\w+)\s*[{(]\s*(?P<key>[^,\s{}()=]*)")


def _line_of(text_: str, index: int) -> int:
    return text_.count("\n", 0, index) + 1


class _Values:
    """Walks a block's text as bibtexparser does (braces, quotes, `name =` between fields), to
    find the value left open: the one still open at the end, or the one a line `name = ...`
    starts inside (`title = {x,` then `year = {2019}}`: the braces balance out, a value too late)."""

    def __init__(self, first_line: int):
        self.depth, self.quoted, self.line = 1, False, first_line
        self.current: tuple[str, int] = ("", first_line)
        self.swallowing: tuple[str, int, str] | None = None

    def lacking(self) -> str:
        return '"' if self.quoted else "}"

    def field(self, name: str, raw: str, at: int) -> None:
        """`name =` between fields starts the next field; at a line's start inside a value, it shows that value open."""
        if self.depth == 1 and not self.quoted:
            self.current = (name, self.line)
        elif self.swallowing is None and not raw[raw.rfind("\n", 0, at) + 1 : at].strip():
            self.swallowing = (*self.current, self.lacking())

    def walk(self, raw: str, start: int) -> tuple[str, int, str] | None:
        for mark in _MARK.finditer(raw, start):
            token, name = mark.group(0), mark.group("name")
            if token == "\n":
                self.line += 1
            elif token in "{}":
                self.depth += 1 if token == "{" else -1
            elif token == '"' and self.depth == 1:
                self.quoted = not self.quoted
            elif name:
                self.field(name, raw, mark.start())
        if self.depth > 1 or self.quoted:
            return self.swallowing or (*self.current, self.lacking())
        return self.swallowing


def _open_value(raw: str, first_line: int) -> tuple[str, int, str] | None:
    """The field whose value `raw` (a block's text) leaves open: its name, line and the delimiter it lacks."""
    head = _HEAD.match(raw)
    return _Values(first_line).walk(raw, head.end()) if head else None


class _Say:
    """Problems of one block: its file, entry key and first line, and what kind of problem they are."""

    def __init__(self, file: str, key: str, line: int, kind: str = ""):
        self.file, self.key, self.line, self.kind = file, key, line, kind

    def __call__(self, message: str, fix: str, line: int = 0, name: str = "") -> Problem:
        return Problem(self.file, line or self.line, self.key, name.lower(), self.kind + message, fix)


def _failure(block: Any, text_: str, file: str) -> list[Problem]:
    """What a block bibtexparser could not read says to the user: one problem per fault."""
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, MiddlewareErrorBlock

    line = block.start_line + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        return []  # see _duplicate_keys
    if isinstance(block, DuplicateFieldKeyBlock):
        entry = block.ignore_error_block
        return [_twice(_Say(file, entry.key, line), [f for f in entry.fields if f.key == name]) for name in sorted(block.duplicate_keys)]
    if isinstance(block, MiddlewareErrorBlock):
        return [_Say(file, "", line)(f"the block cannot be read: {block.error}", "correct the BibTeX of that entry")]
    return [_aborted(block, text_, file)]


def _duplicate_keys(blocks: list[Any], file: str) -> list[Problem]:
    """One problem per key that several entries use, naming every line it is on."""
    from bibtexparser.model import DuplicateBlockKeyBlock

    lines: dict[str, list[int]] = {}
    for block in blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            lines.setdefault(block.key, [block.previous_block.start_line + 1]).append(block.start_line + 1)
    problems = []
    for key, at in lines.items():
        times = "twice" if len(at) == 2 else f"{len(at)} times"
        listed = ", ".join(map(str, at[:-1])) + f" and {at[-1]}"
        problems.append(_Say(file, key, at[1])(f"the key {key} is used {times} (lines {listed})", "give each entry its own key"))
    return problems


def _twice(say: _Say, fields: list[Any]) -> Problem:
    name, lines = fields[0].key, [f.start_line + 1 for f in fields]
    return say(f"the field {name} is given twice (lines {lines[0]} and {lines[1]})", f"keep one `{name} = {{...}}`", lines[1], name)


def _aborted(block: Any, text_: str, file: str) -> Problem:
    """A block whose syntax broke off, worded by where bibtexparser stopped (its abort reasons)."""
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    end = getattr(block.error, "end_index", None)
    end = len(text_) if end is None else end
    raw = block.raw or ""
    head = _HEAD.match(raw)
    kind, key = (head.group("kind").lower(), head.group("key")) if head else ("entry", "")
    key = "" if kind in ("comment", "preamble") else key
    say, line = _Say(file, key, block.start_line + 1, "BibTeX syntax error: "), _line_of(text_, end)
    if reason.startswith(("Unexpectedly reached end of file", "Unexpected block start")):
        ended = (
            "by the end of the file" if reason.startswith("Unexpectedly") else f"before the next block at line {_line_of(text_, end + 1)}"
        )
        return _unclosed(say, raw, kind, ended)
    dangling = re.search(r"entry key `(.+?)`", reason)
    if dangling:
        name = dangling.group(1)
        at = _line_of(text_, text_.rfind(name, 0, end))
        return say(f"the field {name} has no value", f"write `{name} = {{...}}`, or delete it", at, name)
    if reason.startswith("Expected a `=` after entry key"):
        written = re.search(r"([A-Za-z][\w:.+-]*)\W*$", text_[:end])
        name, at = (written.group(1), _line_of(text_, written.start(1))) if written else ("", line)
        return say(f"the field {name} has no `=`", f"write `{name} = {{...}},`", at, name)
    if reason.startswith("Expected comma after entry key"):
        named = f"key {key}" if key else "entry's key"
        return say(f"the {named} is not followed by a comma", "begin the entry with its key and a comma, e.g. `@article{ferencz2019,`")
    if reason.startswith("Expected equals sign"):
        return say("the @string has no `=`", "write it as `@string{name = {value}}`", line)
    if reason.startswith("Expected either a `,`"):
        return say("a comma is missing after a field's value", "put `,` between fields", line)
    return say(reason.strip(), "correct the BibTeX at that line", line)


def _unclosed(say: _Say, raw: str, kind: str, ended: str) -> Problem:
    """A block still open where the next one begins or the file ends: the value left open, else the block."""
    opened = _open_value(raw, say.line) if kind not in ("comment", "preamble") else None
    if opened:
        name, at, lacking = opened
        fix = 'end it with `"`' if lacking == '"' else "end it with `}` (each `{` in a value needs its `}`)"
        return say(f"the value of {name} is not closed {ended}", fix, at, name)
    what = f"the entry {say.key}" if say.key and kind not in ("string", "comment", "preamble") else f"the @{kind} block"
    closing = ")" if re.match(r"@\s*\w+\s*\(", raw) else "}"
    return say(
        f"{what} is not closed {ended}", f"end it with `{closing}`" + (" after its last field" if what.startswith("the entry") else "")
    )


def _closed_early(blocks: list[Any], file: str) -> dict[int, Problem]:
    """Entries a `}` too many closed before their last fields, which bibtexparser keeps as comment text: by id(entry)."""
    from bibtexparser.model import Entry, ImplicitComment

    faults = {}
    for entry, after in zip(blocks, blocks[1:]):
        stray = isinstance(after, ImplicitComment) and re.match(r"[\s,]*([A-Za-z][\w:.+-]*)\s*=", after.comment)
        if isinstance(entry, Entry) and stray:
            end, name = entry.start_line + 1 + (entry.raw or "").count("\n"), stray.group(1)
            message = f"a `}}` too many at line {end} closes the entry, so {name} and what follows are outside it"
            say = _Say(file, entry.key, end, "BibTeX syntax error: ")
            faults[id(entry)] = say(message, f"remove the extra `}}` at line {end}", end, name)
    return faults


def _entry_faults(bib: Any, file: str) -> list[Problem]:
    """What bibtexparser reads without a word but an entry cannot mean: no key, a field given
    twice in other letter cases, a value not in braces (a missing comma runs it into the next
    field; an undefined @string or a `#` join is kept as raw text)."""
    from bibtexparser.middlewares.enclosing import REMOVED_ENCLOSING_KEY
    from bibtexparser.middlewares.interpolate import ResolveStringReferencesMiddleware

    say = _Say(file, bib.key, bib.start_line + 1)
    faults = []
    if not bib.key.strip():
        faults.append(say("the entry has no key", f"write one after `@{bib.entry_type}{{`, e.g. `@{bib.entry_type}{{ferencz2019,`"))
    by_name: dict[str, list[Any]] = {}
    for f in bib.fields:
        by_name.setdefault(f.key.lower(), []).append(f)
    faults.extend(_twice(say, fields) for fields in by_name.values() if len(fields) > 1)
    enclosing = bib.parser_metadata.get(REMOVED_ENCLOSING_KEY) or {}
    resolved = set(bib.parser_metadata.get(ResolveStringReferencesMiddleware.metadata_key()) or ())
    used = {*_DATA_FIELDS.values(), *_VENUE_FIELDS}
    for f in bib.fields:
        value = str(f.value)
        if f.key.lower() in used and enclosing.get(f.key) == "no-enclosing" and f.key not in resolved and not value.isdigit():
            faults.append(_bare(say, f.key, f.start_line + 1, value))
    return faults


def _bare(say: _Say, name: str, line: int, value: str) -> Problem:
    if re.search(r"^\s*[A-Za-z][\w:.+-]*\s*=", value, re.MULTILINE):
        return say(f"the value of {name} runs into the next field", f"put a comma after `{name} = {{...}}`", line, name)
    if "#" in value:
        return say(f"the value of {name} joins parts with `#`, which is not read", f"write the value whole: `{name} = {{...}}`", line, name)
    shown = value if len(value) <= 60 else value[:59] + "…"
    return say(f"the value of {name} ({shown}) is not in braces and no @string defines it", f"write `{name} = {{{shown}}}`", line, name)
