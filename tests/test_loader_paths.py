"""The loader's speed paths (fast/terms.py, fast/ntriples.py) make what their reference paths make.

Each check runs once on the fast path and once with DSKG_REFERENCE_PATH=1: terms made directly
are rdflib's terms in every respect, N-Triples written by hand are the graph rdflib's writer
gives, and the paper's data becomes the same triples, in the same order, either way.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

import dskg
from dskg import loader, resources
from dskg.errors import InvalidDataError
from dskg.fast.ntriples import to_ntriples
from dskg.fast.terms import Made, Names, made_directly
from dskg.graph import load_ontology
from dskg.sources import read_folder
from dskg.terms import build_terms
from dskg.vocab import GRAPH

PATHS = ["fast", "reference"]


def _on(monkeypatch, name: str) -> None:
    if name == "reference":
        monkeypatch.setenv("DSKG_REFERENCE_PATH", "1")
    else:
        monkeypatch.delenv("DSKG_REFERENCE_PATH", raising=False)


@pytest.fixture(params=PATHS)
def path(request, monkeypatch):
    """Runs a test on one path: the fast one, or the reference one (DSKG_REFERENCE_PATH=1)."""
    _on(monkeypatch, request.param)
    return request.param


def _same_term(made, expected) -> None:
    assert type(made) is type(expected) and made == expected and hash(made) == hash(expected) and made.eq(expected)
    assert made.n3() == expected.n3()
    if isinstance(expected, Literal):
        assert (made.value, made.language, made.datatype, made.toPython(), made.ill_typed) == (
            expected.value,
            expected.language,
            expected.datatype,
            expected.toPython(),
            expected.ill_typed,
        )


TEXTS = ["plain", "  spaced ", "数字服务贸易", 'quote " and \\ backslash', "line\nbreak", "tab\there", "", "😀 beyond the BMP"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("lang", [None, "", "zh", "en", "en-GB", "und", "zh-Hans"])
def test_string_literals_made_directly_are_rdflib_literals(text, lang):
    _same_term(Made().literal(text, lang), Literal(text, lang=lang))


@pytest.mark.parametrize("value", [3, 2.5, True, ns.XSD.string, Literal("x", datatype=ns.XSD.gYear)])
def test_what_is_not_a_plain_string_is_left_to_rdflib(value):
    _same_term(Made().literal(value), Literal(value))


def test_a_build_makes_the_same_terms_on_either_path(path):
    terms = build_terms()
    assert isinstance(terms, Made) == (path == "fast")  # the switch chooses how terms are made
    for text in TEXTS:
        for lang in (None, "zh", "en-GB"):
            _same_term(terms.literal(text, lang), Literal(text, lang=lang))
    for made, expected in (
        (terms.iri("bar-x"), "https://w3id.org/dskg/id/bar-x"),
        (terms.section_iri("w", "3.1"), "https://w3id.org/dskg/id/w/section/3.1"),
        (terms.link_iri("s", "a", "addresses", "b"), "https://w3id.org/dskg/id/link/s/a/addresses/b"),
        (terms.language_iri("zh-Hans"), "http://id.loc.gov/vocabulary/iso639-1/zh"),
    ):
        _same_term(made, URIRef(expected))


def test_a_bad_language_tag_is_refused_on_either_path(path):
    with pytest.raises(ValueError):
        build_terms().literal("x", "not a tag")


class _Counting:
    """A namespace that counts how often it is asked for a term."""

    def __init__(self):
        self.asked = 0

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        self.asked += 1
        return URIRef(f"https://example.org/{name}")

    def __getitem__(self, name):
        self.asked += 1
        return URIRef(f"https://example.org/{name}")


def test_namespace_terms_are_made_once_on_the_fast_path_and_asked_each_time_on_the_reference(monkeypatch):
    namespace = _Counting()
    names = Names(namespace)
    _on(monkeypatch, "fast")
    made_directly()
    assert [names.type, names.type, names["label"], names["label"]] == [URIRef("https://example.org/type")] * 2 + [
        URIRef("https://example.org/label")
    ] * 2
    assert namespace.asked == 2
    _on(monkeypatch, "reference")
    made_directly()  # a build starting on the reference path: what was made once is forgotten
    assert [names.type, names.type, names["label"]] == [URIRef("https://example.org/type")] * 2 + [URIRef("https://example.org/label")]
    assert namespace.asked == 5


def _canonical(ntriples: bytes) -> ox.Dataset:
    """The graph as Oxigraph reads it (RDF 1.1: "x" and "x"^^xsd:string are one literal), blank nodes canonical."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


S, P, B = URIRef("https://example.org/s"), URIRef("https://example.org/p"), BNode("x1")
EDGE_CASES = [
    (S, P, URIRef("https://example.org/o")),
    (S, P, B),
    (B, P, S),
    (S, P, Literal("数字服务贸易", lang="zh")),
    (S, P, Literal('a "quote", a \\ and\r\nlines\tand a tab', lang="en-GB")),
    (S, P, Literal("2019", datatype=ns.XSD.gYear)),
    (S, P, Literal("x", datatype=ns.XSD.string)),
    (S, P, Literal(True)),
    (S, P, Literal("plain")),
    (S, P, Made().literal("made directly", "zh")),
    (S, P, Literal("😀 beyond the BMP")),
    (S, P, Literal("plain")),  # a repeat
]


def test_ntriples_parse_back_to_the_same_triples(path):
    """IRIs, blank nodes, typed and tagged literals, every character N-Triples escapes: the graph
    Oxigraph reads is the one rdflib's own writer gives."""
    expected = Graph()
    for triple in EDGE_CASES:
        expected.add(triple)
    written = to_ntriples(EDGE_CASES)
    assert set(_canonical(written)) == set(_canonical(expected.serialize(format="nt", encoding="utf-8")))
    assert len(set(_canonical(written))) == len(EDGE_CASES) - 1
    # rdflib tells "x" from "x"^^xsd:string (RDF 1.1 does not): the rest it reads back as they were
    rest = Graph()
    for triple in EDGE_CASES:
        if triple[2] != Literal("x", datatype=ns.XSD.string):
            rest.add(triple)
    assert isomorphic(Graph().parse(data=to_ntriples(list(rest)), format="nt"), rest)


def test_an_iri_no_ntriples_can_hold_is_refused_naming_it(path):
    with pytest.raises(InvalidDataError, match="bad id"):
        to_ntriples([(build_terms().iri("bad id"), P, URIRef("https://example.org/o"))])
    with pytest.raises(InvalidDataError, match="a<b"):
        to_ntriples([(S, P, URIRef("https://example.org/a<b"))])


def _triples_of_the_paper(monkeypatch, name: str) -> list:
    _on(monkeypatch, name)
    return loader.records_to_triples(read_folder(resources.data_dir()), load_ontology())


def test_the_papers_data_makes_the_same_triples_in_the_same_order_on_either_path(monkeypatch):
    fast, reference = (_triples_of_the_paper(monkeypatch, name) for name in PATHS)
    assert len(fast) == len(reference) > 3000
    for made, expected in zip(fast, reference):
        for a, b in zip(made, expected):
            _same_term(a, b)


def _quads(store: ox.Store, graph: str) -> set[str]:
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH[graph]))}


def test_the_papers_graph_is_the_same_on_either_path(monkeypatch):
    """Built whole (terms, N-Triples, loading) on each path: the same data; the ontology, whose
    lists are blank nodes, the same up to their labels."""
    built = {}
    for name in PATHS:
        _on(monkeypatch, name)
        built[name] = dskg.build(reason=False)
    fast, reference = built["fast"], built["reference"]
    assert _quads(fast.store, "data") == _quads(reference.store, "data")
    assert len(_quads(fast.store, "data")) > 3000
    assert isomorphic(fast.graph("ontology"), reference.graph("ontology"))
