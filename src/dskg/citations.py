"""Works of the graph as citations a researcher can paste: GB/T 7714-2015 text, BibTeX, RIS and
CSL-JSON, for named works or the works behind a query's rows.

The works are read the way the report reads them (reportdata), and the GB/T 7714 string is the
report's own rendering without its HTML, so a citation never differs from the report's literature
page. What the graph does not know (the paper's cited works have no titles) is left out of
BibTeX, RIS and CSL-JSON, never filled in, and marked in the GB/T string in the work's language.
BibTeX is written by bibtexparser and RIS by rispy, the libraries that read them.
"""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from .errors import UsageError
from .graph import KnowledgeGraph
from .report import citation_names, gbt7714
from .reportdata import Work, read_works
from .vocab import ID

FORMATS = ("gbt7714", "bibtex", "ris", "csl-json")
UNKNOWN_TITLE = {"zh": "题名不详", "en": "title unknown"}
"""What a GB/T string says where the graph has no title, in the work's language (the report's wording)."""

# CSL-JSON item types for the FaBiO classes a work may have; a work of none of them is a "document"
# (CSL's generic type), since "type" is required and guessing "article-journal" would invent a fact.
CSL_TYPE = {
    "JournalArticle": "article-journal",
    "Book": "book",
    "BookChapter": "chapter",
    "ReportDocument": "report",
    "Thesis": "thesis",
    "ConferencePaper": "paper-conference",
    "WebContent": "webpage",
    "WebPage": "webpage",
    "DataFile": "dataset",
}


def works(kg: KnowledgeGraph, ids: list[str]) -> list[Work]:
    """The named works, in the order asked; an id that is not a work the graph lists is a UsageError naming it."""
    known = read_works(kg)
    missing = [i for i in ids if i not in known]
    if missing:
        raise UsageError(f"not a work of the graph: {', '.join(missing)} (the literature query lists the works' ids)")
    return [known[i] for i in ids]


def csl_json(kg: KnowledgeGraph, ids: list[str]) -> list[dict]:
    """Each named work as a CSL-JSON item (what Zotero and citeproc read)."""
    return [csl_item(w) for w in works(kg, ids)]


def gbt7714_strings(kg: KnowledgeGraph, ids: list[str]) -> list[str]:
    """Each named work as a plain GB/T 7714-2015 reference, the same text the report shows."""
    return [gbt7714_text(w) for w in works(kg, ids)]


def gbt7714_text(work: Work) -> str:
    """The report's GB/T 7714 rendering of a work as plain text (its spans and cite element dropped),
    an unknown title marked in the work's own language as the report of that language marks it."""
    unknown = UNKNOWN_TITLE["zh" if work.language == "zh" else "en"]
    return unescape(re.sub(r"<[^>]+>", "", str(gbt7714(work, unknown))))


def cite(kg: KnowledgeGraph, ids: list[str], fmt: str) -> str:
    """The named works in one of FORMATS, as the text of a file of that kind."""
    _check_format(fmt)
    return render(works(kg, ids), fmt)


def cite_query(kg: KnowledgeGraph, name: str, params: dict[str, str], fmt: str, timeout: float | None = None) -> tuple[str, list[str]]:
    """The works behind canned query `name`'s rows (see works_behind) in one of FORMATS, and their ids."""
    from .queries import rows, run

    _check_format(fmt)
    known = read_works(kg)
    ids = works_behind(known, rows(run(name, kg, params, timeout=timeout)))
    return (render([known[i] for i in ids], fmt) if ids else ""), ids


def render(chosen: list[Work], fmt: str) -> str:
    """Works as the text of a file in one of FORMATS."""
    if fmt == "csl-json":
        return json.dumps([csl_item(w) for w in chosen], ensure_ascii=False, indent=2) + "\n"
    if fmt == "bibtex":
        return bibtex_text(chosen)
    if fmt == "ris":
        return ris_text(chosen)
    return "".join(gbt7714_text(w) + "\n" for w in chosen)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown citation format {fmt!r}; use one of: {', '.join(FORMATS)}")


def works_behind(known: dict[str, Work], rows: list[dict[str, Any]]) -> list[str]:
    """The ids of the works a query's rows name, in the order they first appear: any cell (or item of a
    " | "-joined cell) that is one of the `known` works' id or IRI."""
    found: dict[str, None] = {}
    for row in rows:
        for value in row.values():
            for item in str(value).split(" | ") if value is not None else ():
                wid = item.removeprefix(str(ID))
                if wid in known:
                    found.setdefault(wid, None)
    return list(found)


def csl_item(work: Work) -> dict:
    """A CSL-JSON item with only the fields the graph knows."""
    item: dict = {"id": work.id, "type": next((CSL_TYPE[t] for t in work.types if t in CSL_TYPE), "document")}
    authors = [_author(name, work.language) for name in citation_names(work.authors, work.language)[0]]
    fields = {
        "title": _title(work),
        "author": authors or None,
        "issued": {"date-parts": [[work.year]]} if work.year else None,
        "container-title": _venue(work),
        "volume": work.volume,
        "issue": work.issue,
        "page": work.pages,
        "DOI": work.doi,
        "URL": work.url,
        "language": work.language,
    }
    item.update({key: value for key, value in fields.items() if value})
    return item


def _author(name: str, language: str | None) -> dict:
    """A Chinese name as written ("literal": CSL would otherwise reorder or space it); "Family, Given" split;
    anything else (an initial-only name such as "SU X") as written too, since its parts are not known for sure."""
    name = name.strip()
    family, comma, given = name.partition(",")
    if language != "zh" and comma and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}


# BibTeX and RIS: the types of FaBiO's classes, and each work's fields in the terms of the format.
BIBTEX_TYPE = {"JournalArticle": "article", "Book": "book", "BookChapter": "incollection", "ReportDocument": "techreport",
               "Thesis": "phdthesis", "ConferencePaper": "inproceedings", "WebContent": "online", "WebPage": "online",
               "DataFile": "dataset"}  # fmt: skip
BIBTEX_VENUE = {"article": "journal", "incollection": "booktitle", "inproceedings": "booktitle", "techreport": "institution",
                "phdthesis": "school"}  # fmt: skip
RIS_TYPE = {"JournalArticle": "JOUR", "Book": "BOOK", "BookChapter": "CHAP", "ReportDocument": "RPRT", "Thesis": "THES",
            "ConferencePaper": "CPAPER", "WebContent": "ELEC", "WebPage": "ELEC", "DataFile": "DATA"}  # fmt: skip
_LATEX_SPECIAL = re.compile(r"([&%#$_{}])")


def _title(work: Work) -> str | None:
    return work.title.zh if work.language == "zh" and work.title.zh else (work.title.en or work.title.zh)


def _other_title(work: Work) -> str | None:
    """The title in the other of zh and en, where the graph has both."""
    title = _title(work)
    other = work.title.en if title == work.title.zh else work.title.zh
    return other if title and other and other != title else None


def _venue(work: Work) -> str | None:
    lang = "zh" if work.language == "zh" else "en"
    return work.venue.get(lang) or work.venue.other(lang)


def _latex(text: str) -> str:
    """Text as a BibTeX value: LaTeX's special characters escaped (R&D -> R\\&D), so biber and dskg read it back as written."""
    return _LATEX_SPECIAL.sub(r"\\\1", text)


def _bibtex_name(name: str, language: str | None) -> str:
    """ "Family, Given" as written; any other name (王锦泽, SU X) in braces, so BibTeX does not split it into given and family."""
    return _latex(name) if "," in name and language != "zh" else "{" + _latex(name) + "}"


def bibtex_entry(work: Work) -> dict[str, str]:
    """A work's BibTeX type and fields (values as LaTeX text; DOI and URL as written)."""
    entry_type = next((BIBTEX_TYPE[t] for t in work.types if t in BIBTEX_TYPE), "misc")
    names, shortened = citation_names(work.authors, work.language)
    authors = " and ".join([*(_bibtex_name(name, work.language) for name in names), *(["others"] if shortened else [])])
    fields = {
        "author": authors,
        "title": _latex(_title(work) or ""),
        BIBTEX_VENUE.get(entry_type, "publisher"): _latex(_venue(work) or ""),
        "year": str(work.year or ""),
        "volume": _latex(work.volume or ""),
        "number": _latex(work.issue or ""),
        "pages": (work.pages or "").replace("-", "--"),
        "doi": work.doi or "",
        "url": work.url or "",
        "language": work.language or "",
    }
    return {"ENTRYTYPE": entry_type, **{name: value for name, value in fields.items() if value}}


def bibtex_text(chosen: list[Work]) -> str:
    """The works as a .bib file, each keyed by its id (bibtexparser writes it)."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    blocks = []
    for work in chosen:
        fields = bibtex_entry(work)
        entry_type = fields.pop("ENTRYTYPE")
        blocks.append(Entry(entry_type, work.id, [Field(name, value) for name, value in fields.items()]))
    layout = bibtexparser.BibtexFormat()
    layout.indent, layout.block_separator = "  ", "\n"
    return bibtexparser.write_string(bibtexparser.Library(blocks), bibtex_format=layout)  # each value in braces


def ris_record(work: Work) -> dict[str, Any]:
    """A work as rispy's record: RIS tags by rispy's names (only what the graph knows)."""
    first, _, last = (work.pages or "").partition("-")
    fields = {
        "type_of_reference": next((RIS_TYPE[t] for t in work.types if t in RIS_TYPE), "GEN"),
        "id": work.id,
        "authors": citation_names(work.authors, work.language)[0],
        "title": _title(work),
        "translated_title": _other_title(work),  # TT: a Chinese work's English title, or the other way
        "secondary_title": _venue(work),
        "year": str(work.year) if work.year else None,
        "volume": work.volume,
        "number": work.issue,
        "start_page": first or None,
        "end_page": last or None,
        "doi": work.doi,
        "urls": [work.url] if work.url else None,
        "language": work.language,
    }
    return {name: value for name, value in fields.items() if value}


def ris_text(chosen: list[Work]) -> str:
    """The works as a .ris file, the way EndNote and Zotero write one (rispy writes it, without its numbered headers)."""
    import rispy

    class _Writer(rispy.RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # rispy's "1." line before each record is its own convention, not RIS

    return rispy.dumps([ris_record(w) for w in chosen], implementation=_Writer)
