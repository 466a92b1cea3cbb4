"""SPARQL SELECT results as W3C JSON, CSV or TSV, or as a table or Markdown for people."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.query import Result

MACHINE_FORMATS = ("json", "csv", "tsv")
HUMAN_FORMATS = ("table", "md")
FORMATS = HUMAN_FORMATS + MACHINE_FORMATS


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON Format."""
    names = [str(v) for v in result.vars]
    bindings = [{n: _json_term(row[i]) for i, n in enumerate(names) if row[i] is not None} for row in result]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2) + "\n"


def to_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV Format (plain values, CRLF line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([str(v) for v in result.vars])
    for row in result:
        writer.writerow(["" if t is None else str(t) for t in row])
    return buf.getvalue()


def _tsv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype is None and not term.language:
        return Literal(str(term)).n3()
    return term.n3()


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV Format (terms in Turtle/N-Triples syntax)."""
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in result]
    return "\n".join(lines) + "\n"


def columns_for(names: list[str], lang: str | None) -> list[str]:
    """Columns to show people: of each `x_zh`/`x_en` pair only the chosen language's."""
    if lang is None:
        return names
    other = "_en" if lang == "zh" else "_zh"
    return [n for n in names if not (n.endswith(other) and n[: -len(other)] + f"_{lang}" in names)]


def to_markdown(result: Result, lang: str | None = None) -> str:
    names = columns_for([str(v) for v in result.vars], lang)
    index = {str(v): i for i, v in enumerate(result.vars)}
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for row in result:
        cells = ["" if row[index[n]] is None else str(row[index[n]]).replace("|", "\\|").replace("\n", " ") for n in names]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render(result: Result, fmt: str, lang: str | None = None) -> str:
    """Render a SELECT result in one of FORMATS except 'table' (see the CLI for tables)."""
    if result.type != "SELECT":
        if result.type == "ASK":
            if fmt == "json":
                return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}) + "\n"
            return ("true" if result.askAnswer else "false") + "\n"
        return result.graph.serialize(format="turtle")
    return {"json": to_json, "csv": to_csv, "tsv": to_tsv}.get(fmt, lambda r: to_markdown(r, lang))(result)
