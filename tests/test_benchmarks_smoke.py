"""Smoke test of benchmarks/generate.py: a tiny synthetic corpus is deterministic, builds and validates."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import dskg
from dskg.intake import check

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "generate.py"
TRIPLES = 6000


def _start(folder: Path, seed: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), "--triples", str(TRIPLES), "-o", str(folder), "--seed", str(seed)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "entries").iterdir())}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    """Two tiny corpora from the same seed, generated side by side once for the module."""
    base = tmp_path_factory.mktemp("bench")
    folders = base / "a", base / "b"
    runs = [_start(folder, 3) for folder in folders]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
        assert re.search(r"\d+ entries", stderr) and "estimated" in stderr, stderr
    return folders


@pytest.mark.fast_path_only(
    "the generator writes the same files on both paths; building and validating entries are checked on both"
    " paths elsewhere, and a whole unnarrowed pySHACL run here takes ~30 s"
)
def test_generate_tiny_corpus(corpora: tuple[Path, Path]) -> None:
    first, second = corpora

    files = _files(first)
    assert files, "no entries written"
    assert files == _files(second), "same seed, different files"
    assert (first / "README.md").is_file()
    assert all(re.fullmatch(r"synth-[a-z0-9-]+-\d{4}-\d+\.yaml", name) for name in files), sorted(files)
    text = b"".join(files.values()).decode("utf-8")
    assert 'doi: "10.5555/dskg-synth.1"' in text

    kg = dskg.build(first, reason=False)
    assert 0.75 * TRIPLES <= len(kg) <= 1.25 * TRIPLES, len(kg)

    report = check(first)
    violations = [f for f in report.findings if f.severity == "Violation"]
    assert not violations, "\n".join(str(f) for f in violations)


@pytest.mark.fast_path_only(
    "the script's run end to end on the reference path took ~100 s of CI; every step it times is tested on both paths"
)
def test_run_benchmark_at_a_tiny_size(corpora: tuple[Path, Path], tmp_path: Path) -> None:
    """benchmarks/run.py runs end to end and prints its table and JSON (numbers are not judged here)."""
    data = corpora[0]
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--data", str(data), "--runs", "1", "--cap", "3", "--json", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "build / raw load ratio" in result.stdout and "countermeasures-by-barrier" in result.stdout
    import json

    doc = json.loads(out.read_text())
    assert doc["triples"] > 4000 and set(doc["queries"]) == set(doc["native"])


def test_query_overhead_prints_both_paths_and_their_ratio() -> None:
    script = REPO / "benchmarks" / "query_overhead.py"
    proc = subprocess.run([sys.executable, str(script), "--calls", "3"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "pyoxigraph: store.query" in proc.stdout and re.search(r"ratio to pyoxigraph: \d+\.\d\dx", proc.stdout)
