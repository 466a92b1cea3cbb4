"""Interoperability: the exported graph as other RDF/OWL tools read it.

* raptor's `rapper` parses the Turtle (and RDF/XML) export without warnings and counts the same
  triples as rdflib;
* Apache Jena's `riot --validate` (the `dskg-riot` wrapper) prints no WARN or ERROR;
* HermiT (through owlready2) finds ontology + data consistent with no unsatisfiable class, and
  does report an inconsistency once one individual is both a dskg:Advantage and a dskg:Barrier.

The tools come from `.ci/install-rdf-tools` (as root) and `pip install owlready2`. A test is
skipped only when its tool is not installed, and says so; in CI nothing here should be skipped.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph

import dskg
from tools import need

pytestmark = pytest.mark.slow

DSKG = "https://w3id.org/dskg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TIMEOUT = 300


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """The graph (ontology + asserted data) exported once as Turtle, RDF/XML and N-Triples."""
    folder = tmp_path_factory.mktemp("interop")
    kg = dskg.build()
    return {fmt: dskg.export(kg, folder / f"dskg.{suffix}", fmt) for fmt, suffix in (("turtle", "ttl"), ("xml", "rdf"), ("nt", "nt"))}


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)


# --- raptor ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "parser", "rdflib_format"), [("turtle", "turtle", "turtle"), ("xml", "rdfxml", "xml")])
def test_rapper_parses_export_without_warnings(exported, fmt, parser, rdflib_format):
    rapper = need("rapper", "Debian package raptor2-utils")
    path = exported[fmt]
    proc = _run([rapper, "-i", parser, "-c", str(path)])
    # rapper -c reports on stderr: "Parsing URI ...", then "Parsing returned N triples";
    # anything else (a line with Warning or Error) is a problem.
    problems = [line for line in proc.stderr.splitlines() if re.search(r"warning|error", line, re.I)]
    assert proc.returncode == 0, f"rapper -i {parser} exited {proc.returncode} on {path.name}:\n{proc.stderr}"
    assert not problems, f"rapper -i {parser} warned about {path.name}:\n" + "\n".join(problems)
    match = re.search(r"Parsing returned (\d+) triples", proc.stderr)
    assert match, f"rapper did not report a triple count:\n{proc.stderr}"
    expected = len(Graph().parse(path, format=rdflib_format))
    assert int(match.group(1)) == expected, f"rapper counted {match.group(1)} triples in {path.name}, rdflib {expected}"


# --- Apache Jena -------------------------------------------------------------------------------


def test_jena_riot_validates_turtle_export(exported):
    riot = need("dskg-riot", "Apache Jena riot wrapper written by .ci/install-rdf-tools")
    path = exported["turtle"]
    proc = _run([riot, "--validate", str(path)])
    output = (proc.stdout + proc.stderr).strip()
    problems = [line for line in output.splitlines() if re.search(r"\b(WARN|ERROR|FATAL)\b|Exception", line)]
    assert proc.returncode == 0, f"riot --validate exited {proc.returncode} on {path.name}:\n{output}"
    assert not problems, f"riot --validate reported problems in {path.name}:\n" + "\n".join(problems)


# --- HermiT through owlready2 --------------------------------------------------------------------


@pytest.fixture(scope="module")
def owlready2():
    try:
        import owlready2
    except ImportError:
        pytest.skip(
            "SKIPPED because the Python package owlready2 (which bundles HermiT) is not installed; "
            "`pip install owlready2` (it is in the `test` extra)"
        )
    need(owlready2.JAVA_EXE, "Java, which HermiT runs on")
    return owlready2


def _hermit(owlready2, path: Path):
    """Load `path` (N-Triples) into a fresh owlready2 World and run HermiT on it; returns the World.

    Raises owlready2.OwlReadyInconsistentOntologyError when HermiT finds the graph inconsistent;
    fails the test with HermiT's own message when HermiT cannot reason over it at all. HermiT is
    told to ignore the datatypes outside the OWL 2 datatype map: FaBiO's range for
    fabio:hasPublicationYear is xsd:gYear, and dates are xsd:date, xsd:gYearMonth... (HermiT then
    leaves out the axioms that use them). tests/test_vocabularies.py checks the same graph with
    the vocabularies' axioms beside it.
    """
    world = owlready2.World()
    world.get_ontology(path.resolve().as_uri()).load()
    failure = None
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyJavaError as exc:  # fail outside the handler: no chained traceback
        lines = [line.strip() for line in str(exc).splitlines()]
        failure = "\n".join(line for line in lines if line and not line.startswith(("at ", "... ", "Java error message is")))
    if failure is not None:
        pytest.fail(f"HermiT could not reason over {path.name} (it accepts OWL 2 DL only):\n{failure[:2000]}", pytrace=False)
    return world


def test_hermit_finds_ontology_and_data_consistent(exported, owlready2):
    try:
        world = _hermit(owlready2, exported["nt"])
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        pytest.fail(f"HermiT finds ontology + data inconsistent: {exc}", pytrace=False)
    unsatisfiable = sorted(str(cls.iri) for cls in world.inconsistent_classes())
    assert not unsatisfiable, f"HermiT finds unsatisfiable classes: {unsatisfiable}"


def test_hermit_detects_individual_in_two_disjoint_classes(exported, owlready2, tmp_path):
    individual = "https://w3id.org/dskg/id/interop-test-advantage-and-barrier"
    path = tmp_path / "dskg-inconsistent.nt"
    extra = "".join(f"<{individual}> <{RDF_TYPE}> <{DSKG}{cls}> .\n" for cls in ("Advantage", "Barrier"))
    path.write_bytes(exported["nt"].read_bytes() + extra.encode())
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit(owlready2, path)
