"""The argument map: advantages -> countermeasures -> barriers, as Graphviz DOT, SVG or Mermaid.

Edges are styled by basis (explicit: solid and thick; interpretive: dashed), never by colour
alone; node size grows with the number of works whose claims are about the node. SVG is drawn
by Graphviz's `dot` program (Debian package `graphviz`); DOT and Mermaid need nothing else.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from html import escape

from .errors import DskgError, UsageError
from .graph import KnowledgeGraph
from .reportdata import Entity, Link, SiteData, check_lang, collect

FORMATS = ("svg", "dot", "mermaid")
FONT = "Noto Sans CJK SC, Noto Sans, DejaVu Sans, sans-serif"
# Okabe-Ito colours (colour-blind safe); line style carries the same meaning.
KIND_STYLE = {
    "advantage": {"fillcolor": "#E3F2E1", "color": "#009E73"},
    "countermeasure": {"fillcolor": "#E1EEF8", "color": "#0072B2"},
    "barrier": {"fillcolor": "#FBE9DF", "color": "#D55E00"},
}
BASIS_STYLE = {
    "explicit": {"style": "solid", "penwidth": "3", "color": "#000000"},
    "interpretive": {"style": "dashed", "penwidth": "1.6", "color": "#555555"},
}
LEGEND = {
    "en": {"advantage": "Advantages", "countermeasure": "Countermeasures", "barrier": "Barriers",
           "explicit": "explicit (the paper says so)", "interpretive": "interpretive (a reasonable reading)",
           "builds": "builds on", "works": "works", "work": "work", "size": "node size: works whose claims are about it"},
    "zh": {"advantage": "优势", "countermeasure": "对策", "barrier": "壁垒",
           "explicit": "明确（原文直言）", "interpretive": "解释性（合理解读）",
           "builds": "立足于", "works": "篇文献", "work": "篇文献", "size": "节点大小：观点涉及该节点的文献数"},
}

BASIS_WORD = {"en": {"explicit": "explicit", "interpretive": "interpretive"}, "zh": {"explicit": "明确", "interpretive": "解释性"}}


class MissingToolError(DskgError):
    """A program dskg calls (Graphviz's `dot`) is not installed."""

    exit_code = 2


def _wrap(text: str, lang: str) -> list[str]:
    """English wrapped at spaces (never inside a word or at a hyphen); Chinese kept whole on one line, since
    the labels hold no word boundaries to break at and a break inside a word misreads (市场与政 / 策优势)."""
    if lang == "zh":
        return [text]
    return textwrap.wrap(text, 30, break_long_words=False, break_on_hyphens=False) or [text]


def _names(entity: Entity, lang: str) -> tuple[str, str | None]:
    """The name to show first (the chosen language, else the other, else the id) and the other language's beneath it."""
    other = "en" if lang == "zh" else "zh"
    main = entity.label.get(lang) or entity.label.get(other) or entity.id
    return main, entity.label.get(other) if entity.label.get(lang) else None


def _line(text: str, size: int, bold: bool = False, colour: str | None = None) -> str:
    """One line of a label as a row of its own: Graphviz sets lines of one cell a font size apart, so tight that
    English descenders touch the Chinese line below; a row pads each line (about 1.3 line heights apart)."""
    inner = f"<B>{escape(text)}</B>" if bold else escape(text)
    color = f' COLOR="{colour}"' if colour else ""
    pad = max(2, round(size * 0.18))
    return f'<TR><TD CELLPADDING="{pad}"><FONT POINT-SIZE="{size}"{color}>{inner}</FONT></TD></TR>'


def _label(entity: Entity, lang: str) -> str:
    """An HTML-like Graphviz label: the chosen language first, the other smaller beneath, a line per row."""
    other = "en" if lang == "zh" else "zh"
    main, second = _names(entity, lang)
    main_lang = lang if entity.label.get(lang) else other
    lines = [_line(x, _font_size(entity), bold=True) for x in _wrap(main, main_lang)]
    if second:
        lines += [_line(x, 11, colour="#333333") for x in _wrap(second, other)]
    if entity.works:
        count = len(entity.works)
        lines.append(_line(f"{count} {LEGEND[lang]['work' if count == 1 else 'works']}", 11))
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">' + "".join(lines) + "</TABLE>>"


def _font_size(entity: Entity) -> int:
    return 13 + 2 * min(len(entity.works), 5)


def _node_id(entity_id: str) -> str:
    return entity_id.replace("-", "_")


def _in_order(data: SiteData, kind: str) -> list[Entity]:
    """The entities of one column, by level, section and id."""
    return sorted(data.of_kind(kind), key=lambda e: (e.level or "", e.section or "", e.id))


def _edges(data: SiteData):
    """Each link between two drawn entities as (link, from, to): a countermeasure points to the barrier it
    addresses, an advantage to the countermeasure that builds on it."""
    for link in data.links:
        src, dst = (link.target, link.subject) if link.kind == "builds-on" else (link.subject, link.target)
        if src in data.entities and dst in data.entities:
            yield link, src, dst


def to_dot(data: SiteData, lang: str = "en", href: str | None = None, legend_box: bool = True) -> str:
    """The argument map as Graphviz DOT; `href` (e.g. "entity/{id}.html") makes nodes links."""
    check_lang(lang)
    out = [
        "digraph argument_map {",
        '  graph [rankdir=LR, ranksep=1.1, nodesep=0.25, fontname="%s", bgcolor="white", pad=0.2];' % FONT,
        '  node [shape=box, style="rounded,filled", fontname="%s", margin="0.15,0.08"];' % FONT,
        '  edge [fontname="%s", fontsize=10, arrowsize=0.8];' % FONT,
    ]
    for kind in ("advantage", "countermeasure", "barrier"):
        out.append(f"  subgraph cluster_{kind} {{")
        out.append(f'    label=<<B>{escape(LEGEND[lang][kind])}</B>>; fontsize=16; style="dashed"; color="#BBBBBB";')
        out.extend(f"    {_node_id(e.id)} [{_attrs(_dot_node(e, kind, lang, href))}];" for e in _in_order(data, kind))
        out.append("  }")
    out.extend(f"  {_node_id(src)} -> {_node_id(dst)} [{_attrs(_dot_edge(link, lang, href))}];" for link, src, dst in _edges(data))
    if legend_box:
        out.extend(_dot_legend(LEGEND[lang]))
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_node(e: Entity, kind: str, lang: str, href: str | None) -> dict[str, str]:
    """A node's attributes: its kind's colours, a size growing with the works about it, and a link to its page."""
    attrs = dict(KIND_STYLE[kind])
    width = 2.2 + 0.35 * min(len(e.works), 5)
    attrs.update(label=_label(e, lang), width=f"{width:.2f}", penwidth=str(1 + min(len(e.works), 5)))
    if href:
        attrs["URL"] = '"' + href.format(id=e.id) + '"'
        attrs["tooltip"] = '"' + (e.label.get(lang) or e.id).replace('"', "'") + '"'
    return attrs


def _dot_edge(link: Link, lang: str, href: str | None) -> dict[str, str]:
    """An edge's attributes: line style by basis, an empty arrowhead for builds-on, a link to the link's evidence."""
    style = dict(BASIS_STYLE.get(link.basis, BASIS_STYLE["interpretive"]))
    if link.kind == "builds-on":
        style["arrowhead"] = "empty"
    if href:  # the edge leads to the link's evidence on the countermeasure's page
        style["URL"] = '"' + href.format(id=link.subject) + "#" + link.anchor + '"'
        section = f" §{link.section}" if link.section else ""
        style["tooltip"] = f'"{BASIS_WORD[lang].get(link.basis, link.basis)}{section}"'
    return style


def _dot_legend(legend: dict[str, str]) -> list[str]:
    """A box that shows what the line styles and node sizes mean."""
    out = ["  subgraph cluster_legend {", '    label=""; style="solid"; color="#999999";']
    for basis in ("explicit", "interpretive"):
        out.append(f'    legend_{basis} [shape=plaintext, style="", fontsize=10, label="{legend[basis]}"];')
        out.append(f'    legend_{basis}_end [shape=point, style="", width=0.03];')
        out.append(f"    legend_{basis} -> legend_{basis}_end [{_attrs(BASIS_STYLE[basis])}];")
    out.append(f'    legend_size [shape=plaintext, style="", fontsize=10, label="{legend["size"]}; ▷ {legend["builds"]}"];')
    out.append("  }")
    return out


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" if v.startswith(("<", '"')) else f'{k}="{v}"' for k, v in attrs.items())


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(data: SiteData, lang: str = "en") -> str:
    """The argument map as a Mermaid flowchart, for Markdown documents."""
    check_lang(lang)
    out = ["flowchart LR"]
    for kind in ("advantage", "countermeasure", "barrier"):
        out.append(f'  subgraph {kind}s["{LEGEND[lang][kind]}"]')
        out.extend(f'    {_node_id(e.id)}["{_mermaid_label(e, lang)}"]' for e in _in_order(data, kind))
        out.append("  end")
    for link, src, dst in _edges(data):
        arrow = "==>" if link.basis == "explicit" else "-.->"
        out.append(f"  {_node_id(src)} {arrow}|{BASIS_WORD[lang].get(link.basis, link.basis)}| {_node_id(dst)}")
    for kind, style in KIND_STYLE.items():
        out.append(f"  classDef {kind} fill:{style['fillcolor']},stroke:{style['color']}")
        ids = ",".join(_node_id(e.id) for e in data.of_kind(kind))
        if ids:
            out.append(f"  class {ids} {kind}")
    return "\n".join(out) + "\n"


def _mermaid_label(e: Entity, lang: str) -> str:
    main, second = _names(e, lang)
    return _mermaid_text(main) + (f"<br/><small>{_mermaid_text(second)}</small>" if second else "")


def dot_program() -> str:
    """Path of Graphviz's `dot`; MissingToolError naming the fix when it is not installed."""
    found = shutil.which("dot")
    if found is None:
        raise MissingToolError(
            "Graphviz's `dot` program is not installed, and drawing the argument map as SVG needs it. "
            "Fix: install Graphviz (Debian/Ubuntu: `sudo apt-get install graphviz`; macOS: `brew install graphviz`), "
            "or use --format dot or --format mermaid, which need no Graphviz."
        )
    return found


def to_svg(dot_source: str) -> str:
    """SVG drawn by Graphviz from DOT source."""
    program = dot_program()
    try:
        done = subprocess.run([program, "-Tsvg"], input=dot_source.encode("utf-8"), capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingToolError(f"Graphviz's `dot` could not run ({exc}). Fix: check the Graphviz installation (`dot -V`).") from None
    if done.returncode != 0:
        raise MissingToolError(
            f"Graphviz's `dot` failed: {done.stderr.decode('utf-8', 'replace').strip()}. Fix: check the Graphviz installation (`dot -V`)."
        )
    svg = done.stdout.decode("utf-8")
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


def render(kg: KnowledgeGraph, format: str = "svg", lang: str = "en") -> str:
    """The argument map of `kg` as SVG, DOT or Mermaid text.

    Raises:
        UsageError: an unknown format or language.
        MissingToolError: SVG was asked for and Graphviz's `dot` is not installed.
    """
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; use one of: {', '.join(FORMATS)}")
    check_lang(lang)
    if format == "svg":
        dot_program()  # fail before reading the graph
    data = collect(kg)
    if format == "mermaid":
        return to_mermaid(data, lang)
    source = to_dot(data, lang)
    return source if format == "dot" else '<?xml version="1.0" encoding="UTF-8"?>\n' + to_svg(source)
