"""Terms at speed: a build makes a few million IRIs, plain-string literals and namespace terms.

Fast path: IRIs and plain-string literals are made directly as the str subclasses they are,
without rdflib's constructors (which check, cast and normalise on every call), and each
namespace term is made once, then read as a plain attribute (rdflib makes, and for its closed
namespaces checks, a new URIRef on every access).
Reference path (DSKG_REFERENCE_PATH=1): `URIRef(text)`, `Literal(text, lang=lang)`, and every
namespace term asked of its namespace each time.

Private names used: rdflib's Literal slots `_language`, `_datatype`, `_value` and `_ill_typed`,
set as Literal.__new__ sets them (rdflib 7.6; the four slots date from 6.2).
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef

from . import enabled

_CHECKED_TAGS: set[str | None] = {None}


class Made:
    """Fast path: IRIs and plain-string literals made directly, as the str subclasses they are.

    Methods of a class (not functions kept on an instance) so that a build calls them at the
    speed of a plain function."""

    def uri(self, text: str) -> URIRef:
        """`URIRef(text)` without its check, which only logs: N-Triples writing refuses a bad IRI, naming it."""
        return str.__new__(URIRef, text)

    def literal(self, text: Any, lang: str | None = None) -> Literal:
        """`Literal(text, lang=lang)`; for a str, the lexical form and the value are the text
        itself, and each language tag is checked once, by rdflib."""
        if type(text) is not str:
            return Literal(text, lang=lang)
        if lang not in _CHECKED_TAGS:
            if lang == "":  # no tag, for rdflib
                return Literal(text, lang=lang)
            Literal("", lang=lang)  # raises ValueError for an invalid tag, as rdflib would
            _CHECKED_TAGS.add(lang)
        literal = str.__new__(Literal, text)
        literal._language, literal._datatype, literal._value, literal._ill_typed = lang, None, text, None
        return literal


class Constructed:
    """Reference path: rdflib's constructors."""

    def uri(self, text: str) -> URIRef:
        return URIRef(text)

    def literal(self, text: Any, lang: str | None = None) -> Literal:
        return Literal(text, lang=lang)


_ALL_NAMES: list[Names] = []


def made_directly() -> bool:
    """Whether a build starting now makes its terms directly (`Made`) or by rdflib (`Constructed`).

    On the reference path the namespace terms made once before are forgotten, so that each is
    asked of its namespace again."""
    if enabled():
        return True
    for names in _ALL_NAMES:
        names._forget()
    return False


class Names:
    """A namespace's terms, as `names.type` or `names["type"]`: the namespace's own terms.

    Fast path: each made once, then kept (as an attribute, or in a dict for items).
    Reference path: asked of the namespace on every access."""

    def __init__(self, namespace: Any):
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}
        _ALL_NAMES.append(self)

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):  # no term's name; and no recursion before _namespace is set
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        if enabled():
            setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._namespace[name]
            if enabled():
                self._items[name] = term
        return term

    def _forget(self) -> None:
        namespace = self._namespace
        vars(self).clear()
        self._namespace, self._items = namespace, {}
