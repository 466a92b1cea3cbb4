"""N-Triples of rdflib terms, the text every graph is loaded into Oxigraph from.

Fast path: written directly, in one pass: rdflib's serializer is the slow part of a big build.
Reference path (DSKG_REFERENCE_PATH=1): rdflib's own N-Triples writer over a Graph of the same
triples, which gives the same graph (not the same bytes: the Graph drops repeats, keeps its own
order and writes its own blank-node labels).
Both refuse an IRI N-Triples cannot hold (a space, `<`, `"` ...), naming it.

Private names used: rdflib's Literal slots `_language` and `_datatype`, read directly rather than
through their properties (rdflib 7.6; the slots date from before 6.0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rdflib import XSD, BNode, Graph, Literal, URIRef

from ..errors import InvalidDataError, Problem
from . import enabled

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_XSD_STRING = XSD.string


def to_ntriples(triples: Iterable[tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]]) -> bytes:
    """The triples as N-Triples (UTF-8).

    Raises InvalidDataError for an IRI N-Triples cannot hold (a space, `<`, `"` ...), naming it.
    """
    return _written(triples) if enabled() else _by_rdflib(triples)


def _bad_iri(term: Any) -> InvalidDataError:
    return InvalidDataError(
        [Problem("", 0, str(term), "", f"{str(term)!r} is not a valid IRI", 'remove spaces and <>"{}|^` from URLs and ids')]
    )


def _by_rdflib(triples: Iterable[tuple]) -> bytes:
    graph = Graph()
    for triple in triples:
        for term in triple:
            if isinstance(term, URIRef) and _IRI_FORBIDDEN.search(term):
                raise _bad_iri(term)
        graph.add(triple)
    return graph.serialize(format="nt", encoding="utf-8")


def _written(triples: Iterable[tuple]) -> bytes:
    """One pass, written as UTF-8 pieces joined once: the text of each IRI is encoded once (a dict
    by IRI), a literal's from its lexical form, language and datatype read off the term (not
    through its properties). Bytes pieces, not one str encoded at the end: joining a million
    lines into a str that holds Chinese widens every ASCII line first."""
    texts: dict[Any, bytes] = {}
    forbidden = _IRI_FORBIDDEN.search

    def node_text(term: URIRef | BNode) -> bytes:
        if isinstance(term, BNode):
            text = texts[term] = f"_:b{term} ".encode()
            return text
        if forbidden(term):
            raise _bad_iri(term)
        text = texts[term] = f"<{term}> ".encode()
        return text

    known = texts.get
    end = b".\n"
    pieces: list[bytes] = []
    append = pieces.append
    for s, p, o in triples:
        append(known(s) or node_text(s))
        append(known(p) or node_text(p))
        kind = type(o)
        if kind is Literal or (kind is not URIRef and isinstance(o, Literal)):
            text = str(o)
            # four substring tests (each one scan in C), not a regex search of the characters to escape
            if "\\" in text or '"' in text or "\n" in text or "\r" in text:
                text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            if o._language:
                append(f'"{text}"@{o._language} .\n'.encode())
            elif o._datatype is not None and o._datatype != _XSD_STRING:
                append(f'"{text}"^^<{o._datatype}> .\n'.encode())
            else:
                append(f'"{text}" .\n'.encode())
        else:  # an IRI or a blank node
            append(known(o) or node_text(o))
            append(end)
    return b"".join(pieces)
