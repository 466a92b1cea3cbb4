"""What the report's ontology page shows: the terms, the header (version, license) and the controlled values.

Everything is read from the graph's ontology named graph, and every IRI is named the way the graph's
own namespace manager names it (prov:Agent, xsd:string), so the page shows the prefixes the graph binds
and a full IRI only where no prefix is bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from .graph import KnowledgeGraph
from .queries import rows, run_sparql
from .vocab import GRAPH

Text = Any
"""A reportdata.Text (zh and en): this module comes before reportdata, which calls it, so it names the type only."""

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ONTOLOGY = "https://w3id.org/dskg/ontology"
NAMESPACE = ONTOLOGY + "#"
KINDS = {"Class": "class", "ObjectProperty": "object-property", "DatatypeProperty": "datatype-property"}


@dataclass
class Term:
    """A class or property of the ontology."""

    id: str
    kind: str  # class, object-property, datatype-property
    label: Text
    definition: Text
    parents: list[str]
    domain: list[str]
    range: list[str]


@dataclass
class Value:
    """A controlled value: a named individual of the ontology (dskg:explicit, a dskg:Basis)."""

    id: str
    classes: list[str]
    label: Text
    definition: Text


@dataclass
class Ontology:
    """The ontology's header and controlled values, and the prefixed name of every IRI the page shows."""

    title: Text
    description: Text
    version: str | None = None
    version_iri: str | None = None
    licenses: list[str] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # IRI -> prov:Agent; IRIs of no bound prefix are left out

    def name(self, iri: str) -> str:
        return self.names.get(iri, iri)


def _select(kg: KnowledgeGraph, where: str, variables: str) -> list[dict[str, Any]]:
    return rows(run_sparql(PREFIXES + f"SELECT {variables} WHERE {{ GRAPH <{GRAPH.ontology}> {{ {where} }} }} ORDER BY {variables}", kg))


def _related(kg: KnowledgeGraph, prop: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in _select(kg, f"?t {prop} ?o . FILTER(isIRI(?o))", "?t ?o"):
        out[str(r["t"])].append(str(r["o"]))
    return out


def collect(kg: KnowledgeGraph, texts: Callable[[KnowledgeGraph, str], dict[str, Text]]) -> tuple[list[Term], Ontology]:
    """The ontology's terms (by kind and IRI) and its header.

    `texts(kg, prop)` reads a property's zh and en values by subject, as a defaultdict that gives an empty
    text for a subject without one.
    """
    kinds = "VALUES ?type { owl:Class owl:ObjectProperty owl:DatatypeProperty }"
    found = _select(kg, f'?t a ?type . {kinds} FILTER(STRSTARTS(STR(?t), "{NAMESPACE}"))', "?type ?t")
    labels, definitions = texts(kg, "rdfs:label"), texts(kg, "skos:definition")
    parents, domains, ranges = _related(kg, "rdfs:subClassOf|rdfs:subPropertyOf"), _related(kg, "rdfs:domain"), _related(kg, "rdfs:range")
    terms = [
        Term(t, KINDS[str(r["type"]).rsplit("#", 1)[-1]], labels[t], definitions[t], parents[t], domains[t], ranges[t])
        for r in found
        for t in [str(r["t"])]
    ]
    about = Ontology(texts(kg, "dcterms:title")[ONTOLOGY], texts(kg, "dcterms:description")[ONTOLOGY])
    header = _select(kg, f"<{ONTOLOGY}> ?p ?o . VALUES ?p {{ owl:versionInfo owl:versionIRI dcterms:license }}", "?p ?o")
    for r in header:
        prop = str(r["p"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if prop == "versionInfo":
            about.version = str(r["o"])
        elif prop == "versionIRI":
            about.version_iri = str(r["o"])
        else:
            about.licenses.append(str(r["o"]))
    classes: dict[str, list[str]] = defaultdict(list)
    where = f'?v a owl:NamedIndividual ; a ?class . FILTER(?class != owl:NamedIndividual && STRSTARTS(STR(?v), "{NAMESPACE}"))'
    for r in _select(kg, where, "?v ?class"):
        classes[str(r["v"])].append(str(r["class"]))
    about.values = [Value(v, cs, labels[v], definitions[v]) for v, cs in sorted(classes.items(), key=lambda x: (x[1], x[0]))]
    shown = {t.id for t in terms} | {i for t in terms for i in (*t.parents, *t.domain, *t.range)} | set(classes)
    shown |= {c for cs in classes.values() for c in cs}
    about.names = _prefixed(kg, shown)
    return terms, about


def _prefixed(kg: KnowledgeGraph, iris: set[str]) -> dict[str, str]:
    """IRI -> its prefixed name by the graph's namespace manager (prov:Agent), for the IRIs of a bound prefix."""
    manager = kg.dataset.namespace_manager
    names = {iri: manager.normalizeUri(URIRef(iri)) for iri in sorted(iris)}
    return {iri: name for iri, name in names.items() if not name.startswith("<")}
