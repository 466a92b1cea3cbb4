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

from collections.abc import Callable
from typing import Any, NamedTuple

from rdflib import Literal, URIRef

from . import enabled


class Factories(NamedTuple):
    """How a build makes its terms: `uri(text)` and `literal(text, lang=None)`."""

    uri: Callable[[str], URIRef]
    literal: Callable[..., Literal]


_CHECKED_TAGS: set[str | None] = {None}


def made_literal(text: Any, lang: str | None = None) -> Literal:
    """`Literal(text, lang=lang)`, made directly for a str: for a plain string the lexical form and
    the value are the text itself. Each language tag is checked once, by rdflib."""
    if type(text) is not str or lang == "":
        return Literal(text, lang=lang)
    if lang not in _CHECKED_TAGS:
        Literal("", lang=lang)  # raises ValueError for an invalid tag, as rdflib would
        _CHECKED_TAGS.add(lang)
    literal = str.__new__(Literal, text)
    literal._language, literal._datatype, literal._value, literal._ill_typed = lang, None, text, None
    return literal


def made_uri(text: str) -> URIRef:
    """`URIRef(text)` without its check, which only logs: N-Triples writing refuses a bad IRI, naming it."""
    return str.__new__(URIRef, text)


FAST = Factories(made_uri, made_literal)
REFERENCE = Factories(URIRef, Literal)

_ALL_NAMES: list[Names] = []


def factories() -> Factories:
    """The term factories for one build, on the path chosen now (call it as the build starts).

    On the reference path the namespace terms made once before are forgotten, so that each is
    asked of its namespace again."""
    if enabled():
        return FAST
    for names in _ALL_NAMES:
        names._forget()
    return REFERENCE


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
