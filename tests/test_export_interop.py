"""The JSON-LD and TriG exports as other tools read them: Apache Jena's riot and raptor's rapper.

Jena reads the JSON-LD with its JSON-LD 1.0 reader (jsonld-java, `--syntax=jsonld10`): Debian's
Jena 4.5 ships its JSON-LD 1.1 reader (Titanium) without a Jakarta JSON-P implementation, so that
reader fails on any document ("LOADING_DOCUMENT_FAILED", the expanded export of before as much as
this one), and Debian packages none (libjsonp2-java holds the API only). The export's context
holds only prefix definitions, which JSON-LD 1.0 and 1.1 read alike.

The Turtle export's checks by rapper and riot are in test_interop.py.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import dskg
from tools import need

pytestmark = pytest.mark.slow

TIMEOUT = 300


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """The graph with its inferred triples exported as JSON-LD, TriG and N-Triples."""
    folder = tmp_path_factory.mktemp("export-interop")
    kg = dskg.build()
    return {fmt: dskg.export(kg, folder / f"dskg.{fmt}", fmt, inferred=True) for fmt in ("jsonld", "trig", "nt")}


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)


def _problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.search(r"\b(WARN|ERROR|FATAL)\b|Exception", line)]


def test_jena_reads_the_jsonld_export_as_the_same_graph(exported):
    riot = need("dskg-riot", "Apache Jena riot wrapper written by .ci/install-rdf-tools")
    proc = _run([riot, "--syntax=jsonld10", "--output=nt", str(exported["jsonld"])])
    assert proc.returncode == 0, f"riot exited {proc.returncode} on {exported['jsonld'].name}:\n{proc.stderr}"
    assert not _problems(proc.stderr), f"riot reported problems in {exported['jsonld'].name}:\n" + "\n".join(_problems(proc.stderr))
    read = Graph().parse(data=proc.stdout, format="nt")
    assert isomorphic(read, Graph().parse(exported["nt"], format="nt")), (
        "Jena read another graph from the JSON-LD than the N-Triples export"
    )


def test_jena_validates_the_trig_export(exported):
    riot = need("dskg-riot", "Apache Jena riot wrapper written by .ci/install-rdf-tools")
    proc = _run([riot, "--validate", str(exported["trig"])])
    output = (proc.stdout + proc.stderr).strip()
    assert proc.returncode == 0, f"riot --validate exited {proc.returncode} on {exported['trig'].name}:\n{output}"
    assert not _problems(output), f"riot --validate reported problems in {exported['trig'].name}:\n" + "\n".join(_problems(output))


def test_rapper_parses_the_trig_export_without_warnings(exported):
    rapper = need("rapper", "Debian package raptor2-utils")
    proc = _run([rapper, "-i", "trig", "-c", str(exported["trig"])])
    problems = [line for line in proc.stderr.splitlines() if re.search(r"warning|error", line, re.I)]
    assert proc.returncode == 0 and not problems, f"rapper -i trig on {exported['trig'].name}:\n{proc.stderr}"
    match = re.search(r"Parsing returned (\d+) triples", proc.stderr)
    assert match, f"rapper did not report a triple count:\n{proc.stderr}"
    expected = sum(len(graph) for graph in Dataset().parse(exported["trig"], format="trig").graphs())
    assert int(match.group(1)) == expected, f"rapper counted {match.group(1)} triples in {exported['trig'].name}, rdflib {expected}"
