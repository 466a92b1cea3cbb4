"""One set of shapes, three SHACL engines: Apache Jena, pySHACL and rudof report the same findings.

The shapes use SHACL Core and SHACL-SPARQL as the W3C Recommendation defines them (Core targets,
SPARQL constraints with $this pre-bound), so any engine that implements the Recommendation
should report what pySHACL reports. Compared here, finding for finding (focus node, path, source
shape, constraint component, severity, value and message), on every example of
tests/shapes_cases/ (the data graph test_shapes.py builds) and on the shipped graph exactly as
dskg hands it to pySHACL (ontology, data, OWL-RL closure and `dskg:normalisedText`):

- Jena 4.5's SHACL engine, run by tests/engines/JenaShacl.java over all graphs in one JVM, and
  once through the `shacl validate` command a user would type;
- pySHACL given the shape files as they are (no SHACL-AF: the reference path), and dskg's own
  run of pySHACL on the fast path (`fast.shacl.narrowed`: each SPARQL check's targets narrowed to
  what its query selects);
- rudof (pyrudof), which runs every constraint and finds the same results, with three
  differences the rudof test names: for the components in RUDOF_OWN_MESSAGES its message is its
  own, not the shape's sh:message; beside an sh:or result it reports each failed alternative as
  a Violation of its own (see rudof_alternatives); and it writes a decimal it puts into a message
  in canonical form (1000 for 1000.0).

Together the graphs make every constraint of every shape file fire at least once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from test_shapes import EXPECTED, SHIPPED, dskg_report, example_graph

import tools
from dskg import resources, validation
from dskg.fast import shacl

pytestmark = [
    pytest.mark.slow,
    pytest.mark.fast_path_only(
        "on the reference path dskg's validate is plain pySHACL, which the fast half compares with Jena and rudof already"
    ),
]

JENA_PROGRAM = Path(__file__).parent / "engines" / "JenaShacl.java"
RUDOF_PROGRAM = Path(__file__).parent / "engines" / "rudof_shacl.py"
NAMES = [*sorted(EXPECTED), SHIPPED]

# rudof finds these results but reports them with a message of its own ("QualifiedValueShape: only
# 0 nodes conform...", "OR not satisfied", "Unique lang failed...") where the SHACL
# Recommendation has a shape's sh:message become the result's sh:resultMessage. The node, path
# and value are right, so a rudof user sees the finding, not the instruction to the curator.
RUDOF_OWN_MESSAGES = {
    SH.QualifiedMinCountConstraintComponent,
    SH.QualifiedMaxCountConstraintComponent,
    SH.OrConstraintComponent,
    SH.UniqueLangConstraintComponent,
}


def render(graph: Graph, term) -> str:
    """A term of a report as comparable text: N3 for IRIs and literals, SPARQL syntax for paths."""
    if term is None:
        return ""
    if not isinstance(term, BNode):
        return term.n3()
    if (term, SH.inversePath, None) in graph:
        return "^" + render(graph, graph.value(term, SH.inversePath))
    if (term, SH.alternativePath, None) in graph:
        return "(" + "|".join(render(graph, step) for step in Collection(graph, graph.value(term, SH.alternativePath))) + ")"
    if (term, RDF.first, None) in graph:
        return "(" + "/".join(render(graph, step) for step in Collection(graph, term)) + ")"
    return "[]"


def findings(report: Graph) -> Counter:
    """Each result of a report as (focus, path, shape, component, severity, value, message).

    Jena writes the IRIs it substitutes into a message as <...>; pySHACL and rudof write them bare.
    """
    out: Counter = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        message = " | ".join(sorted(str(m) for m in report.objects(result, SH.resultMessage)))
        message = re.sub(r"<([a-z][a-z0-9+.-]*:[^<>\s]*)>", r"\1", message)
        out[
            tuple(
                render(report, report.value(result, p))
                for p in (SH.focusNode, SH.resultPath, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity, SH.value)
            )
            + (message,)
        ] += 1
    return out


def difference(name: str, engine: str, theirs: Counter, ours: Counter) -> str:
    lines = [f"{name}: {engine} and pySHACL disagree"]
    lines += [f"  only {engine}: {k} x{n}" for k, n in (theirs - ours).items()]
    lines += [f"  only pySHACL: {k} x{n}" for k, n in (ours - theirs).items()]
    return "\n".join(lines)


def jena_available() -> bool:
    return shutil.which("java") is not None and Path(tools.JENA_CLASSPATH).exists()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Every graph validated by every engine: {engine: {graph name: report}}, and the graphs'
    N-Triples files under "files".

    Jena and rudof run in processes of their own while pySHACL runs here (2 cores: about half the time).
    """
    import pyshacl

    folder = tmp_path_factory.mktemp("shape-engines")
    graphs = {name: example_graph(name) for name in NAMES}
    files = {name: folder / f"{i:03d}.nt" for i, name in enumerate(graphs)}
    for name, graph in graphs.items():
        graph.serialize(files[name], format="nt", encoding="utf-8")

    jena = None
    if jena_available():
        jena = subprocess.Popen(
            ["java", "-cp", tools.jena_classpath(), str(JENA_PROGRAM), str(resources.shapes_dir()), *map(str, files.values())],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    shapes = validation.load_shapes()
    shapes_file = folder / "shapes.ttl"
    shapes.serialize(shapes_file, format="turtle", encoding="utf-8")
    rudof = subprocess.Popen(
        [sys.executable, str(RUDOF_PROGRAM), str(shapes_file), *map(str, files.values())], stderr=subprocess.PIPE, text=True
    )
    out: dict = {"pySHACL": {}, "dskg": {}, "rudof": {}, "Jena": {}, "files": files}
    with shacl.prepared_sparql():  # each query parsed once for all graphs: the answers are the same
        for name, graph in graphs.items():
            out["pySHACL"][name] = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)[1]
    for name in graphs:  # dskg's run on the fast path, whatever path the suite runs on; test_shapes reads the same reports
        out["dskg"][name] = dskg_report(name)
    _, stderr = rudof.communicate(timeout=600)
    assert rudof.returncode == 0, f"rudof could not validate with the shapes: {stderr}"
    out["rudof"] = {name: Graph().parse(f"{files[name]}.rudof.ttl", format="turtle") for name in graphs}
    if jena is not None:
        _, stderr = jena.communicate(timeout=600)
        assert jena.returncode == 0, f"Jena could not validate with the shapes: {stderr}"
        out["Jena"] = {name: Graph().parse(f"{files[name]}.report.nt", format="nt") for name in graphs}
    return out


@pytest.mark.parametrize("name", NAMES)
def test_jena_reports_what_pyshacl_reports(name, runs):
    tools.need("java", "Java 17, for Apache Jena")
    tools.jena_classpath()
    jena, ours = findings(runs["Jena"][name]), findings(runs["pySHACL"][name])
    assert jena == ours, difference(name, "Jena", jena, ours)


@pytest.mark.parametrize("name", NAMES)
def test_dskg_run_reports_what_the_shapes_as_written_report(name, runs):
    """dskg narrows each SPARQL check's targets for speed; the findings must not change."""
    theirs, ours = findings(runs["dskg"][name]), findings(runs["pySHACL"][name])
    assert theirs == ours, difference(name, "dskg's run", theirs, ours)


def rudof_alternatives(report: Graph) -> Counter:
    """The results rudof adds for the alternatives of an sh:or: each alternative that fails (a
    blank node in the shapes) becomes a result of its own, a Violation even under an sh:Info
    shape, with rudof's message, beside the sh:or's own result. SHACL reports the sh:or alone;
    the shapes use sh:or in dsh:Date, WorkAuthorsShape, WorkTextGivenShape and QualifiedLinkShape."""
    return Counter({key: n for key, n in findings(report).items() if key[2] == "[]"})


def canonical_numbers(message: str) -> str:
    """A message with decimals as rudof writes them (1000 for 1000.0)."""
    return re.sub(r"(\d)\.0\b", r"\1", message)


def comparable_with_rudof(report: Graph) -> Counter:
    own = {component.n3() for component in RUDOF_OWN_MESSAGES}
    kept = findings(report) - rudof_alternatives(report)
    return Counter({(*key[:6], "" if key[3] in own else canonical_numbers(key[6])): n for key, n in kept.items()})


@pytest.mark.parametrize("name", NAMES)
def test_rudof_reports_what_pyshacl_reports(name, runs):
    rudof, ours = comparable_with_rudof(runs["rudof"][name]), comparable_with_rudof(runs["pySHACL"][name])
    assert rudof == ours, difference(name, "rudof", rudof, ours)


def test_what_rudof_does_differently_is_what_the_test_sets_aside(runs):
    """The differences set aside above are facts, not a blanket: rudof writes its own message for
    each component of RUDOF_OWN_MESSAGES somewhere, and adds results of sh:or alternatives in
    exactly the graphs where an sh:or fails (when a rudof release fixes one, drop it here)."""
    own_messages, with_alternatives, with_failed_or = set(), set(), set()
    for name in NAMES:
        ours: dict = {}
        for key in findings(runs["pySHACL"][name]):
            ours.setdefault(key[:6], set()).add(canonical_numbers(key[6]))
        own_messages |= {
            key[3]
            for key in findings(runs["rudof"][name])
            if canonical_numbers(key[6]) not in ours.get(key[:6], {canonical_numbers(key[6])})
        }
        if rudof_alternatives(runs["rudof"][name]):
            with_alternatives.add(name)
        if any(key[3] == SH.OrConstraintComponent.n3() for key in findings(runs["pySHACL"][name])):
            with_failed_or.add(name)
    assert own_messages == {component.n3() for component in RUDOF_OWN_MESSAGES}
    assert with_alternatives == with_failed_or


def test_every_constraint_of_every_shape_fires_in_a_compared_graph(runs):
    """Each constraint component of each shape with a target (or used by one through
    sh:property), and each SPARQL constraint, is in some result of some graph compared above."""
    shapes = validation.load_shapes()
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    active = {shape for p in targets for shape in shapes.subjects(p, None)}
    active |= {prop for shape in list(active) for prop in shapes.objects(shape, SH.property)}
    parameters = {
        SH.minCount,
        SH.maxCount,
        SH.nodeKind,
        SH.datatype,
        SH.pattern,
        SH["in"],
        SH.languageIn,
        SH.uniqueLang,
        SH["or"],
        SH["class"],
        SH.minExclusive,
    }
    parameters |= {
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
        SH.hasValue,
        SH["not"],
        SH["and"],
        SH.minInclusive,
        SH.maxInclusive,
        SH.maxExclusive,
    }
    declared = set()
    for shape in active:
        for p in set(shapes.predicates(shape)):
            if p in parameters:
                local = p.removeprefix(str(SH))
                declared.add((shape, SH[local[0].upper() + local[1:] + "ConstraintComponent"], None))
            elif str(p).startswith(str(SH)) and p not in {
                SH.path,
                SH.message,
                SH.severity,
                SH.property,
                SH.sparql,
                SH.qualifiedValueShape,
                *targets,
            }:
                pytest.fail(f"{shape} uses {p}, which this test does not know: add it to `parameters`")
        declared |= {(shape, SH.SPARQLConstraintComponent, constraint) for constraint in shapes.objects(shape, SH.sparql)}
    fired = set()
    for report in runs["pySHACL"].values():
        for result in report.subjects(RDF.type, SH.ValidationResult):
            component = report.value(result, SH.sourceConstraintComponent)
            constraint = report.value(result, SH.sourceConstraint) if component == SH.SPARQLConstraintComponent else None
            fired.add((report.value(result, SH.sourceShape), component, constraint))
    silent = sorted(f"{shape.n3(shapes.namespace_manager)} {component.removeprefix(str(SH))}" for shape, component, _ in declared - fired)
    assert not silent, f"no compared graph makes these fire; add an example to tests/shapes_cases/: {silent}"
    assert all(isinstance(shape, URIRef) for shape, _, _ in declared), "name every shape: a finding's shape is how a curator finds it"


def test_the_jena_command_a_user_runs_reports_the_same(runs, tmp_path):
    """`shacl validate --shapes <all shape files as one> --data <graph>` on the shipped graph."""
    shacl = tools.need("dskg-shacl", "Apache Jena's shacl command (.ci/install-rdf-tools)")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("".join(p.read_text(encoding="utf-8") for p in sorted(resources.shapes_dir().glob("*.ttl"))), encoding="utf-8")
    done = subprocess.run(
        [shacl, "validate", "--shapes", str(shapes), "--data", str(runs["files"][SHIPPED])], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = Graph().parse(data=done.stdout, format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in report
    assert findings(report) == findings(runs["pySHACL"][SHIPPED])
