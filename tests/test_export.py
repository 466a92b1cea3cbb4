"""Export: every format parses, Turtle is byte-stable and round-trips through a second parser;
RDF lists are written as lists; JSON-LD is compact, with Turtle's prefixes as its context."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal
from rdflib.compare import isomorphic

import dskg
from dskg import publish
from dskg.fast import SWITCH, turtle
from dskg.vocab import GRAPH


def _plain(term):
    """RDF 1.1: a plain literal and one typed xsd:string are the same term. Decimals compare by
    value: Oxigraph stores 1.0 as "1", rdflib's Turtle writer prints "1" back as 1.0."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        return Literal(format(Decimal(str(term)).normalize(), "f"), datatype=XSD.decimal)
    return term


def _normalised(triples) -> Graph:
    g = Graph()
    for s, p, o in triples:
        g.add((s, p, _plain(o)))
    return g


def _asserted(kg) -> Graph:
    return _normalised([*kg.ontology, *kg.data])


def _from_oxigraph(content: bytes, fmt: ox.RdfFormat) -> Graph:
    """Parse with Oxigraph (a second, independent parser) and hand the triples to rdflib."""
    nt = ox.serialize(ox.parse(content, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    return _normalised(Graph().parse(data=nt.decode("utf-8"), format="nt"))


def test_turtle_round_trips_through_oxigraph_isomorphic(kg):
    turtle = publish.serialize(kg, "turtle")
    assert isomorphic(_from_oxigraph(turtle, ox.RdfFormat.TURTLE), _asserted(kg))


@pytest.mark.parametrize("fmt", ["nt", "jsonld", "xml"])
def test_other_formats_round_trip(kg, fmt):
    content = publish.serialize(kg, fmt)
    assert isomorphic(_from_oxigraph(content, publish.FORMATS[fmt]), _asserted(kg))


def test_turtle_declares_prefixes(kg):
    head = publish.serialize(kg, "turtle").decode("utf-8").split("\n\n", 1)[0]
    for prefix in ("dskg", "id", "skos", "dcterms", "prov", "cito"):
        assert f"@prefix {prefix}: " in head


def test_trig_keeps_named_graphs_apart(kg):
    ds = Dataset()
    ds.parse(data=publish.serialize(kg, "trig", inferred=True), format="trig")
    for name in ("ontology", "data", "inferred"):
        assert len(ds.graph(GRAPH[name])) == len(kg.graph(name)), name


def test_asserted_by_default_inferred_on_request(kg):
    plain = _from_oxigraph(publish.serialize(kg, "nt"), ox.RdfFormat.N_TRIPLES)
    full = _from_oxigraph(publish.serialize(kg, "nt", inferred=True), ox.RdfFormat.N_TRIPLES)
    assert len(plain) == len(_asserted(kg))
    assert len(full) == len(_asserted(kg)) + len(kg.inferred)


@pytest.mark.parametrize("fmt", ["turtle", "trig", "xml", "jsonld"])
def test_export_is_byte_identical_across_processes(tmp_path, fmt):
    """Same data, same bytes, whatever the hash seed of the process."""
    outputs = []
    for seed in ("1", "2"):
        path = tmp_path / f"g{seed}.{fmt}"
        code = f"import dskg; dskg.export(dskg.build(reason=False), {str(path)!r}, {fmt!r})"
        subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONHASHSEED": seed, "PATH": ""})
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]


def test_failed_export_leaves_no_file(kg, tmp_path):
    target = tmp_path / "missing-folder" / "g.ttl"
    with pytest.raises(dskg.UnreadableInputError):
        dskg.export(kg, target)
    assert not target.exists()


def test_export_replaces_atomically_and_keeps_usual_permissions(kg, tmp_path):
    target = tmp_path / "g.ttl"
    target.write_text("old", encoding="utf-8")
    dskg.export(kg, target)
    assert target.read_bytes().startswith(b"@prefix")
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]


@pytest.mark.parametrize("inferred", [False, True])
def test_a_triple_in_two_graphs_is_written_once_and_trig_keeps_both(inferred):
    from dskg.graph import assemble

    kg = dskg.build()
    shared = min(t for t in kg.ontology if not any(isinstance(term, BNode) for term in t))  # blank nodes are each graph's own
    data = Graph()
    data += kg.data
    data.add(shared)
    both = assemble(kg.ontology, data, kg.inferred, kg.records)
    lines = publish.serialize(both, "nt", inferred=inferred).decode().splitlines()
    assert len(lines) == len(set(lines)) and all(lines)
    alone = publish.serialize(kg, "nt", inferred=inferred).decode().splitlines()
    assert lines == alone  # the shared triple once, as when only the ontology has it
    trig = Dataset()
    trig.parse(data=publish.serialize(both, "trig"), format="trig")
    holding = {str(g.identifier) for g in trig.graphs() if shared in g}
    assert holding == {str(GRAPH.ontology), str(GRAPH.data)}


@pytest.fixture()
def fast_path(monkeypatch):
    """The fast path, whatever path the suite runs on: these tests are about its workings."""
    monkeypatch.delenv(SWITCH, raising=False)


def test_turtle_written_in_two_processes_is_the_turtle_of_one(kg, fast_path):
    """A big graph's second half is written by a worker process; the document is the same bytes."""
    ntriples, prefixes = publish.serialize(kg, "nt"), {"id": "https://w3id.org/dskg/id/", "dskg": "https://w3id.org/dskg/ontology#"}
    lines = ntriples.splitlines()
    one = turtle.write(lines, prefixes, split_from=len(ntriples) + 1)
    assert turtle.write(lines, prefixes, split_from=0) == one
    assert isomorphic(_from_oxigraph(one, ox.RdfFormat.TURTLE), _from_oxigraph(ntriples, ox.RdfFormat.N_TRIPLES))


def test_the_worker_writes_the_turtle_this_process_writes(kg, fast_path):
    """The worker (`python -m dskg.fast.turtle`) run as the export runs it: N-Triples in, Turtle out."""
    ntriples, prefixes = publish.serialize(kg, "nt"), {"id": "https://w3id.org/dskg/id/"}
    second = ntriples[turtle.subject_boundary(ntriples) :]
    done = subprocess.run([sys.executable, "-m", "dskg.fast.turtle", json.dumps(prefixes)], input=second, capture_output=True, check=True)
    assert done.stdout == turtle.convert(second, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, prefixes)


def test_turtle_is_written_here_when_the_worker_cannot_run(kg, fast_path, monkeypatch):
    ntriples, prefixes = publish.serialize(kg, "nt"), {"id": "https://w3id.org/dskg/id/"}
    lines = ntriples.splitlines()
    one = turtle.write(lines, prefixes, split_from=len(ntriples) + 1)
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert turtle.write(lines, prefixes, split_from=0) == one
    monkeypatch.setattr(sys, "executable", "/bin/false")  # starts, then fails
    assert turtle.write(lines, prefixes, split_from=0) == one


def test_the_halves_split_between_two_subjects(kg):
    ntriples = publish.serialize(kg, "nt")
    middle = turtle.subject_boundary(ntriples)
    before, after = ntriples[:middle].splitlines(), ntriples[middle:].splitlines()
    assert middle >= len(ntriples) // 2 - len(before[-1]) - 1 and before and after
    assert before[-1].split(b" ")[0] != after[0].split(b" ")[0]
    assert {line.split(b" ")[0] for line in before}.isdisjoint(line.split(b" ")[0] for line in after)


# --- RDF lists, TriG's blocks, JSON-LD's context ------------------------------------------------

WITH_LISTS = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/dskg/id/> .
[] a owl:AllDifferent ; owl:distinctMembers ( id:bar-legal-framework id:bar-market-access ) .
id:bar-market-access skos:note "a note quoting N-Triples: <x> <y> _:z ." ;
    skos:related [ skos:note "a blank node used once" ] ;
    <http://example.org/unprefixed#note> "a predicate that no prefix of the export covers" .
"""
"""A Turtle entry's data with an RDF list, a blank node written once, a literal that looks like a
blank node, and a predicate whose namespace has no prefix (the writer must not make one up)."""


@pytest.fixture(scope="module")
def with_lists():
    from dskg.graph import assemble

    kg = dskg.build()
    data = Graph()
    data += kg.data
    data.parse(data=WITH_LISTS, format="turtle")
    return assemble(kg.ontology, data, kg.inferred, kg.records)


def _graph(content: bytes, fmt: str) -> Graph:
    return Graph().parse(data=content, format=fmt)


def test_turtle_writes_rdf_lists_as_lists(with_lists):
    text = publish.serialize(with_lists, "turtle").decode("utf-8")
    assert "rdf:first" not in text and "rdf:rest" not in text and str(RDF.first) not in text
    assert "owl:distinctMembers ( id:bar-legal-framework id:bar-market-access )" in text
    assert "skos:related [ skos:note" in text  # a blank node used once, nested
    assert len(re.findall(r"^id:bar-market-access ", text, re.M)) == 1, "a subject's triples are written under it once"
    expected = _from_oxigraph(publish.serialize(with_lists, "nt"), ox.RdfFormat.N_TRIPLES)
    assert any(expected.triples((None, RDF.first, None))), "the graph has RDF lists to write"
    assert isomorphic(_from_oxigraph(text.encode(), ox.RdfFormat.TURTLE), expected)


def test_turtle_with_blank_nodes_is_the_same_in_one_and_two_processes(with_lists, fast_path):
    lines = publish.serialize(with_lists, "nt").splitlines()
    one = turtle.write(lines, publish.PREFIXES, split_from=10**12)
    assert turtle.write(lines, publish.PREFIXES, split_from=0) == one
    assert isomorphic(_graph(one, "turtle"), _graph(turtle.joined(lines), "nt"))


def test_trig_writes_each_graph_in_one_block_and_lists_as_lists(with_lists):
    trig = publish.serialize(with_lists, "trig", inferred=True)
    text = trig.decode("utf-8")
    assert "rdf:first" not in text and "rdf:rest" not in text
    assert "owl:distinctMembers ( id:bar-legal-framework id:bar-market-access )" in text
    for name in ("ontology", "data", "inferred"):
        assert text.count(f"<{GRAPH[name]}> {{") == 1, f"the {name} graph is written in more than one block"
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    for name in ("ontology", "data", "inferred"):
        graph = ox.NamedNode(str(GRAPH[name]))
        read = ox.serialize(
            [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name == graph], format=ox.RdfFormat.N_TRIPLES
        )
        assert isomorphic(_normalised(_graph(read, "nt")), _normalised(with_lists.graph(name))), name


def _named_graphs(trig: bytes) -> dict[str, Graph]:
    """Each named graph of a TriG document, read by Oxigraph, as comparable rdflib graphs."""
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    out = {}
    for name in {q.graph_name.value for q in quads}:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value == name]
        out[name] = _normalised(_graph(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), "nt"))
    return out


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_turtle_and_trig_write_the_same_graphs_on_both_paths(with_lists, fmt, monkeypatch):
    """Fast: Oxigraph's writers, rdflib for the subjects with blank nodes, a worker process for a
    big Turtle's second half; reference: rdflib's Turtle writer for all. Decimals compare by
    value: rdflib's writer gives "1"^^xsd:decimal as 1.0."""
    monkeypatch.delenv(SWITCH, raising=False)
    fast = publish.serialize(with_lists, fmt, inferred=True)
    monkeypatch.setenv(SWITCH, "1")
    reference = publish.serialize(with_lists, fmt, inferred=True)
    assert fast != reference, "two writers, two texts: the switch did not change the path"
    if fmt == "turtle":
        assert isomorphic(_from_oxigraph(fast, ox.RdfFormat.TURTLE), _from_oxigraph(reference, ox.RdfFormat.TURTLE))
    else:
        fast_graphs, reference_graphs = _named_graphs(fast), _named_graphs(reference)
        assert set(fast_graphs) == set(reference_graphs) == {str(GRAPH[name]) for name in ("ontology", "data", "inferred")}
        assert all(isomorphic(fast_graphs[name], reference_graphs[name]) for name in fast_graphs)


def _turtle_prefixes(kg) -> dict[str, str]:
    return dict(re.findall(r"^@prefix ([\w-]*): <([^>]*)> \.$", publish.serialize(kg, "turtle").decode("utf-8"), re.M))


def test_turtle_declares_the_exports_prefixes_and_makes_none_up(kg, fast_path):
    """On the reference path rdflib's writer makes up `ns1:` for a namespace used without a prefix (vann:)."""
    assert _turtle_prefixes(kg) == publish.PREFIXES


def test_jsonld_is_compact_with_turtles_prefixes_as_context(kg):
    doc = json.loads(publish.serialize(kg, "jsonld"))
    assert set(doc) == {"@context", "@graph"}
    assert doc["@context"] == publish.PREFIXES and publish.PREFIXES.items() <= _turtle_prefixes(kg).items()
    namespaces = tuple(doc["@context"].values())
    by_id = {node["@id"]: node for node in doc["@graph"]}
    assert by_id["id:bar-market-access"]["@type"] == "dskg:InternationalBarrier"  # compact IRIs, not full ones

    def full_iris(value):
        """IRIs written in full although a prefix of the context would shorten them."""
        if isinstance(value, list):
            return [iri for item in value for iri in full_iris(item)]
        if not isinstance(value, dict):
            return []
        found = [key for key in value if key.startswith(namespaces)]
        for key, item in value.items():
            if key in ("@id", "@type"):
                found += [iri for iri in (item if isinstance(item, list) else [item]) if iri.startswith(namespaces)]
            elif not key.startswith("@") or key in ("@graph", "@list"):
                found += full_iris(item)
        return found

    assert not full_iris(doc["@graph"])


def test_jsonld_keeps_chinese_as_characters(kg):
    content = publish.serialize(kg, "jsonld")
    assert not re.search(rb"\\u[0-9a-fA-F]{4}", content), "characters written as \\u escapes"
    text = content.decode("utf-8")
    labels = [str(label) for label in kg.data.objects(None, RDFS.label) if label.language == "zh"]
    assert labels and all(json.dumps(label, ensure_ascii=False) in text for label in labels)


def test_jsonld_writes_rdf_lists_as_lists(with_lists):
    doc = json.loads(publish.serialize(with_lists, "jsonld"))
    assert "rdf:first" not in json.dumps(doc) and str(RDF.first) not in json.dumps(doc)
    lists = [node["owl:distinctMembers"] for node in doc["@graph"] if "owl:distinctMembers" in node]
    assert lists == [{"@list": [{"@id": "id:bar-legal-framework"}, {"@id": "id:bar-market-access"}]}]


def test_jsonld_round_trips_through_rdflib_to_the_same_graph(with_lists):
    expected = _graph(publish.serialize(with_lists, "nt", inferred=True), "nt")
    assert isomorphic(_graph(publish.serialize(with_lists, "jsonld", inferred=True), "json-ld"), expected)
