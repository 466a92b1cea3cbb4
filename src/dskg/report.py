"""The HTML report: a static, self-contained, offline site of the graph, written atomically.

One `write_report(kg, folder)` call reads the graph once (`reportdata.collect`), draws the
argument map with Graphviz, and renders Jinja templates (shipped in `report_templates/`) into a
temporary folder beside the target, which then replaces the target whole. The site loads nothing
from the network and runs no JavaScript: hovers are CSS, charts are SVG drawn here.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from ruamel.yaml import YAML

from . import diagram, evidencemap, reportformat
from .errors import UnreadableInputError, UsageError
from .evidencemap import EvidenceMap
from .graph import KnowledgeGraph
from .reportdata import SiteData, Text, Work, check_lang, collect
from .reportformat import number

MARKER = ".dskg-report"
"""File that marks a folder as a dskg report, so a later run may replace it."""
# GB/T 7714-2015 document type codes for FaBiO types
GBT_TYPE = {
    "JournalArticle": "J",
    "Book": "M",
    "BookChapter": "M",
    "ReportDocument": "R",
    "Thesis": "D",
    "ConferencePaper": "C",
    "WebContent": "EB/OL",
    "WebPage": "EB/OL",
    "DataFile": "DS",
}


@dataclass(frozen=True)
class ReportResult:
    """What `write_report` wrote: the folder and its pages (relative paths)."""

    folder: Path
    pages: list[str]


def _strings() -> dict[str, dict[str, str]]:
    text = (resources.files("dskg") / "report_templates" / "strings.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


class Page:
    """Helpers the templates call, bound to the site's data, language and the page's depth."""

    def __init__(self, data: SiteData, lang: str, strings: dict, root: str):
        self.data, self.lang, self.strings, self.root = data, lang, strings, root
        self.other = "en" if lang == "zh" else "zh"

    def t(self, key: str) -> str:
        return self.strings[key][self.lang]

    def bi(self, text: Text | None, fallback: str = "") -> Markup:
        """The text in the page's language, the other language beside it (each with its lang)."""
        text = text or Text()
        main, second = text.get(self.lang), text.other(self.lang)
        if not main:
            main, second, main_lang = second, None, self.other
        else:
            main_lang = self.lang
        if not main:
            return Markup(f'<span class="id">{escape(fallback)}</span>')
        html = f'<span lang="{main_lang}">{escape(main)}</span>'
        if second:
            html += f' <span class="other" lang="{self.other}">{escape(second)}</span>'
        return Markup(html)

    def pair(self, zh: str | None, en: str | None) -> Markup:
        return self.bi(Text(zh, en))

    def name(self, rid: str) -> Markup:
        return self.bi(self.data.labels.get(rid), rid)

    def href(self, rid: str) -> str | None:
        if rid in self.data.entities:
            return f"{self.root}entity/{rid}.html"
        if rid in self.data.works:
            return f"{self.root}literature.html#{rid}"
        return None

    def link(self, rid: str) -> Markup:
        target = self.href(rid)
        return Markup(f'<a href="{target}">{self.name(rid)}</a>') if target else self.name(rid)

    def amount(self, stat: dict) -> str:
        """A figure of the statistics query in the units of the page's language (5500 亿美元, 550 bn USD)."""
        return reportformat.amount(stat["value"], stat["magnitude"], stat.get("currency") or stat["unit"], self.lang)

    def zh(self, text: str | None) -> Markup:
        return Markup(f'<span lang="zh">{escape(text)}</span>') if text else Markup("")

    def citation(self, work: Work) -> Markup:
        return gbt7714(work, self.t("title_unknown"))

    def work_link(self, wid: str) -> Markup:
        """A work as "Surname (year)" ("A & B", "A et al." / "A 等" for more), linked to its reference."""
        work = self.data.works.get(wid)
        if work is None or not work.authors:
            return self.link(wid)
        names = [a.split(",")[0].strip() for a in work.authors.split(";")]
        who = names[0] if len(names) == 1 else " & ".join(names) if len(names) == 2 else names[0] + self.t("et_al")
        lang = "zh" if work.language == "zh" else "en"
        year = f" ({work.year})" if work.year else ""
        return Markup(f'<a href="{self.root}literature.html#{escape(wid)}"><span lang="{lang}">{escape(who)}</span>{year}</a>')


def gbt7714(work: Work, unknown_title: str) -> Markup:
    """A reference in GB/T 7714-2015 style: 作者. 题名[J]. 刊名, 年, 卷(期): 页码. DOI.

    What the graph does not know (most cited works' titles and venues) is marked as unknown:
    `unknown_title` says so in the reader's language. citations.gbt7714_text strips the markup,
    so the report and the citations share this one rendering.
    """
    lang = "zh" if work.language == "zh" else "en"
    names = gbt_authors(work.authors, lang)
    authors = f'<span lang="{lang}">{escape(names)}</span>{"" if names.endswith(".") else "."} ' if work.authors else ""
    return Markup(authors + _gbt_title(work, lang, unknown_title) + _gbt_publication(work, lang) + _gbt_locator(work))


GBT_MOST_AUTHORS = 3
"""GB/T 7714-2015 8.1.2: up to three authors are named; past three, the first three and 等 / et al."""
_ET_AL = re.compile(r"\s*(等|et al\.?)$")


def citation_names(authors_text: str, language: str | None) -> tuple[list[str], bool]:
    """The names of a work's authors as written, in their order, and whether the text ends with 等 / et al.
    (the citation named only the first): 、 ， or ; between Chinese names; ";", " and " or "., " between
    "Family, I." names (an entry's authors are joined with "; ")."""
    text = authors_text.strip()
    shortened = bool(_ET_AL.search(text))
    between = r"[、，,;；]" if language == "zh" else r"(?<=\.),\s*|\s+and\s+|;"
    return [name.strip() for name in re.split(between, _ET_AL.sub("", text)) if name.strip()], shortened


def gbt_name(name: str, lang: str) -> str:
    """A name as GB/T 7714-2015 8.1.1 writes it: a Chinese name as written; "Family, Given" as the family
    name in capitals and the initials without points (Nordås, Hildegunn Kyvik -> NORDÅS H K); a lone
    family name in capitals; anything else (SU X) as written, since which part is the family name is not known."""
    family, comma, given = name.partition(",")
    if lang == "zh" or not comma and " " in name.strip():
        return name
    if not comma:
        return name.upper()
    initials = [part[0].upper() for part in re.split(r"[\s.\-]+", given) if part]
    return " ".join([family.strip().upper(), *initials])


def gbt_authors(authors_text: str, lang: str) -> str:
    """The authors of a GB/T 7714 reference: at most three, then ", 等" (a Chinese work) or ", et al."."""
    names, shortened = citation_names(authors_text, lang)
    if not names:
        return authors_text
    shown = [gbt_name(name, lang) for name in names[:GBT_MOST_AUTHORS]]
    if shortened or len(names) > GBT_MOST_AUTHORS:
        shown.append("等" if lang == "zh" else "et al.")
    return ", ".join(shown)


def _gbt_title(work: Work, lang: str, unknown_title: str) -> str:
    """题名[文献类型标识]. in the work's language where the graph has it, else the other one."""
    title = work.title.zh if lang == "zh" and work.title.zh else (work.title.en or work.title.zh)
    if not title:
        return f'<span class="unknown">[{escape(unknown_title)}]</span>. '
    code = next((GBT_TYPE[t] for t in work.types if t in GBT_TYPE), None)
    cite = f'<cite lang="{"zh" if title == work.title.zh else "en"}">{escape(title)}</cite>'
    return cite + (f"[{code}]. " if code else ". ")


def _gbt_publication(work: Work, lang: str) -> str:
    """刊名, 年, 卷(期): 页码. with whichever parts the graph knows."""
    venue = work.venue.get(lang) or work.venue.other(lang)
    tail = [f'<span lang="{"zh" if venue == work.venue.zh else "en"}">{escape(venue)}</span>'] if venue else []
    year = (str(work.year) if work.year else "") + (f", {escape(work.volume)}" if work.volume else "")
    year += f"({escape(work.issue)})" if work.issue else ""
    if year:
        tail.append(year)
    text = ", ".join(tail) + (f": {escape(work.pages)}" if work.pages else "")
    return text + ("." if text else "")


def _gbt_locator(work: Work) -> str:
    """The DOI, else the URL."""
    if work.doi:
        return f" DOI: {escape(work.doi)}."
    return f" {escape(work.url)}." if work.url else ""


def trade_view(rows: list[dict], lang: str) -> tuple[list[dict], str]:
    """The trade-balance rows with imports, exports and balance as the page's readers count them, and their unit:
    1216.8 under 亿元 in zh, 121.68 under "bn CNY" in en (the query's unit is "CNY x 100000000")."""
    if not rows:
        return [], ""
    kind, _, magnitude = rows[0]["unit"].partition(" x ")
    peak = max(abs(Decimal(str(r[flow]))) for r in rows for flow in ("imports", "exports", "balance"))
    factor, unit = reportformat.table_unit(peak, magnitude or 1, kind, lang)
    shown = [{**r, **{f"{flow}_shown": number(Decimal(str(r[flow])) * factor) for flow in ("imports", "exports", "balance")}} for r in rows]
    return shown, unit


def trade_chart(rows: list[dict], page: Page) -> Markup:
    """Horizontal bars of imports vs exports per sector, as inline SVG with the values written on them."""
    if not rows:
        return Markup("")
    rows, unit = trade_view(rows, page.lang)
    bar_h, left, width, right_room = 30, 12, 660, 180
    group_h = 28 + 2 * bar_h + 34
    top = 34
    height = top + len(rows) * group_h
    peak = max(max(float(r["imports"]), float(r["exports"])) for r in rows) or 1.0
    scale = (width - left - right_room) / peak
    title = escape(page.t("chart_title"))
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{title}</title>',
        '<desc id="chart-desc">'
        + escape(
            "; ".join(
                f"{r['sector_en'] or r['sector_zh']} {r['period']}: imports {r['imports_shown']}, exports {r['exports_shown']} ({unit})"
                for r in rows
            )
        )
        + "</desc>",
        '<defs><pattern id="hatch" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="7" height="7" fill="#E69F00"/>'
        '<line x1="0" y1="0" x2="0" y2="7" stroke="#8a5a00" stroke-width="2.5"/></pattern></defs>',
        f'<text x="{left}" y="18" class="chart-unit">{escape(page.t("unit"))}: {escape(unit)}</text>',
    ]
    y = top
    for r in rows:
        sector = r["sector_zh"] if page.lang == "zh" else r["sector_en"]
        other = r["sector_en"] if page.lang == "zh" else r["sector_zh"]
        out.append(
            f'<text x="{left}" y="{y + 18}" class="chart-sector"><tspan lang="{page.lang}">{escape(sector or "")}</tspan> '
            f'<tspan class="other" lang="{page.other}">{escape(other or "")}</tspan> '
            f'<tspan class="other">{escape(str(r["period"]))}</tspan></text>'
        )
        for i, (flow, fill) in enumerate((("imports", "url(#hatch)"), ("exports", "#0072B2"))):
            by = y + 26 + i * bar_h
            w = max(float(r[flow]) * scale, 1)
            out.append(f'<rect x="{left}" y="{by}" width="{w:.1f}" height="{bar_h - 6}" fill="{fill}" stroke="#333" stroke-width="0.6"/>')
            out.append(
                f'<text x="{left + w + 8:.1f}" y="{by + bar_h - 12}" class="chart-value">{escape(page.t(flow))} {r[flow + "_shown"]}</text>'
            )
        out.append(
            f'<text x="{left}" y="{y + 26 + 2 * bar_h + 14}" class="chart-balance">{escape(page.t("balance"))} {r["balance_shown"]}</text>'
        )
        y += group_h
    out.append("</svg>")
    return Markup("\n".join(out))


MAP_MIN_SCALE = 0.8
"""The argument map is never drawn below this share of its natural size: its smallest text (11 pt, 14.7 px)
stays at least 11.7 px; a narrower screen scrolls the map sideways to its barriers instead."""


def _map_on_page(svg: str) -> str:
    """The map's SVG with a minimum width of MAP_MIN_SCALE times its natural width (Graphviz writes it in pt)."""
    found = re.match(r'<svg width="([\d.]+)pt"', svg)
    if not found:
        return svg
    return svg.replace("<svg ", f'<svg style="min-width: {float(found.group(1)) * 4 / 3 * MAP_MIN_SCALE:.0f}px" ', 1)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("dskg", "report_templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    return env


def render_site(data: SiteData, lang: str = "en", map_svg: str = "", evidence_map: EvidenceMap | None = None) -> dict[str, str]:
    """Every file of the site as relative path -> text (HTML, CSS, SVG).

    `evidence_map` (from `evidencemap.collect`) groups the matrix through concept matches; without one the
    matrix is drawn from `data`'s links alone.
    """
    check_lang(lang)
    emap = evidence_map or evidencemap.build(data, [])
    env, strings = _environment(), _strings()
    files: dict[str, str] = {"style.css": (resources.files("dskg") / "report_templates" / "style.css").read_text(encoding="utf-8")}
    if map_svg:
        files["map.svg"] = '<?xml version="1.0" encoding="UTF-8"?>\n' + map_svg

    def render(template: str, path: str, **context) -> None:
        root = "../" * path.count("/")
        page = Page(data, lang, strings, root)
        files[path] = env.get_template(template).render(p=page, d=data, lang=lang, root=root, path=path, **context)

    render("index.html", "index.html", map_svg=Markup(_map_on_page(map_svg)), m=emap)
    for entity in data.entities.values():
        render("entity.html", f"entity/{entity.id}.html", e=entity, m=emap)
    trade, trade_unit = trade_view(data.trade_balance, lang)
    chart = trade_chart(data.trade_balance, Page(data, lang, strings, ""))
    render("statistics.html", "statistics.html", chart=chart, trade=trade, trade_unit=trade_unit)
    render("literature.html", "literature.html")
    render("ontology.html", "ontology.html")
    return files


def _replace_folder(folder: Path, files: dict[str, str]) -> None:
    """Write `files` into a temporary folder beside `folder`, then swap it into place."""
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise UnreadableInputError(f"{folder}: the folder {parent} does not exist. Fix: create it or choose another output folder.")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder. Fix: choose a folder for the report, e.g. -o site.")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise UsageError(f"{folder} is not empty and holds no dskg report, so it will not be replaced. Fix: choose a new or empty folder.")
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    try:
        for rel, text in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (tmp / MARKER).write_text("written by dskg report; the next `dskg report` may replace this folder\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700
        old = None
        if folder.exists():
            old = parent / f".{folder.name}.old-{os.getpid()}"
            os.rename(folder, old)
        os.rename(tmp, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_report(kg: KnowledgeGraph, folder: Path | str, lang: str = "en") -> ReportResult:
    """Write the HTML report of `kg` into `folder` (replacing a previous report there).

    Raises:
        UsageError: an unknown language, or a folder that exists and holds something else.
        MissingToolError: Graphviz's `dot` is not installed (the argument map needs it).
        UnreadableInputError: the folder's parent does not exist.
    """
    check_lang(lang)
    diagram.dot_program()  # fail before reading the graph
    data = collect(kg)
    svg = diagram.to_svg(diagram.to_dot(data, lang, href="entity/{id}.html", legend_box=False))
    svg = svg.replace("<title>argument_map</title>", f"<title>{escape(_strings()['map_title'][lang])}</title>", 1)
    files = render_site(data, lang, svg, evidencemap.collect(kg, data))
    folder = Path(folder)
    _replace_folder(folder, files)
    return ReportResult(folder, sorted(p for p in files if p.endswith(".html")))
