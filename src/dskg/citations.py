"""Works of the graph as citations a researcher can paste: CSL-JSON items and GB/T 7714-2015 text.

The works are read the way the report reads them (reportdata), and the GB/T 7714 string is the
report's own rendering without its HTML, so a citation never differs from the report's literature
page. What the graph does not know (the paper's cited works have no titles) is left out of the
CSL-JSON item, never filled in.
"""

from __future__ import annotations

import re
from html import unescape

from .errors import UsageError
from .graph import KnowledgeGraph
from .report import gbt7714
from .reportdata import Work, read_works

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
UNKNOWN_TITLE = "title unknown"
"""What the GB/T string says where the graph has no title (the report's English wording)."""


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
    """The report's GB/T 7714 rendering of a work as plain text (its spans and cite element dropped)."""
    return unescape(re.sub(r"<[^>]+>", "", str(gbt7714(work, UNKNOWN_TITLE))))


def csl_item(work: Work) -> dict:
    """A CSL-JSON item with only the fields the graph knows."""
    lang = "zh" if work.language == "zh" else "en"
    item: dict = {"id": work.id, "type": next((CSL_TYPE[t] for t in work.types if t in CSL_TYPE), "document")}
    title = work.title.zh if lang == "zh" and work.title.zh else (work.title.en or work.title.zh)
    venue = work.venue.get(lang) or work.venue.other(lang)
    authors = [_author(name, work.language) for name in _names(work.authors, work.language)]
    fields = {
        "title": title,
        "author": authors or None,
        "issued": {"date-parts": [[work.year]]} if work.year else None,
        "container-title": venue,
        "volume": work.volume,
        "issue": work.issue,
        "page": work.pages,
        "DOI": work.doi,
        "URL": work.url,
        "language": work.language,
    }
    item.update({key: value for key, value in fields.items() if value})
    return item


def _names(authors_text: str, language: str | None) -> list[str]:
    """The names of a citation's authors as written, in its order: 、 or ， between Chinese names; "., " or
    " and " between "Family, I." names. A closing 等 / et al. is dropped (CSL-JSON has no field for it;
    the GB/T string keeps it)."""
    text = re.sub(r"\s*(等|et al\.?)$", "", authors_text.strip())
    between = r"[、，,;；]" if language == "zh" else r"(?<=\.),\s*|\s+and\s+|;"
    return [name.strip() for name in re.split(between, text) if name.strip()]


def _author(name: str, language: str | None) -> dict:
    """A Chinese name as written ("literal": CSL would otherwise reorder or space it); "Family, Given" split;
    anything else (an initial-only name such as "SU X") as written too, since its parts are not known for sure."""
    name = name.strip()
    family, comma, given = name.partition(",")
    if language != "zh" and comma and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}
