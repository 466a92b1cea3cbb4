"""Export: every format parses, Turtle is byte-stable and round-trips through a second parser."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import XSD, BNode, Dataset, Graph, Literal
from rdflib.compare import isomorphic

import dskg
from dskg import publish
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


@pytest.mark.parametrize("fmt", ["turtle", "trig", "xml"])
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


def test_turtle_written_in_two_processes_is_the_turtle_of_one(kg, monkeypatch):
    """A big graph's second half is written by a worker process; the document is the same bytes."""
    from dskg import turtle

    ntriples, prefixes = publish.serialize(kg, "nt"), {"id": "https://w3id.org/dskg/id/", "dskg": "https://w3id.org/dskg/ontology#"}
    one = turtle.write(ntriples, prefixes, split_from=len(ntriples) + 1)
    started, written_here = [], []
    monkeypatch.setattr(turtle, "_start", lambda *a, _start=turtle._start: started.append(1) or _start(*a))
    monkeypatch.setattr(turtle, "_turtle", lambda nt, p, _turtle=turtle._turtle: written_here.append(len(nt)) or _turtle(nt, p))
    assert turtle.write(ntriples, prefixes, split_from=0) == one
    assert started, "the worker was not used"
    assert max(written_here) < len(ntriples) * 0.6, "this process wrote more than its half: the worker's part was not used"
    assert isomorphic(_from_oxigraph(one, ox.RdfFormat.TURTLE), _from_oxigraph(ntriples, ox.RdfFormat.N_TRIPLES))


def test_turtle_is_written_here_when_the_worker_cannot_run(kg, monkeypatch):
    from dskg import turtle

    ntriples, prefixes = publish.serialize(kg, "nt"), {"id": "https://w3id.org/dskg/id/"}
    one = turtle.write(ntriples, prefixes, split_from=len(ntriples) + 1)
    monkeypatch.setattr(turtle.sys, "executable", "/nonexistent/python")
    assert turtle.write(ntriples, prefixes, split_from=0) == one
    monkeypatch.setattr(turtle.sys, "executable", "/bin/false")  # starts, then fails
    assert turtle.write(ntriples, prefixes, split_from=0) == one


def test_the_halves_split_between_two_subjects(kg):
    from dskg import turtle

    ntriples = publish.serialize(kg, "nt")
    middle = turtle._subject_boundary(ntriples)
    before, after = ntriples[:middle].splitlines(), ntriples[middle:].splitlines()
    assert middle >= len(ntriples) // 2 - len(before[-1]) - 1 and before and after
    assert before[-1].split(b" ")[0] != after[0].split(b" ")[0]
    assert {line.split(b" ")[0] for line in before}.isdisjoint(line.split(b" ")[0] for line in after)
