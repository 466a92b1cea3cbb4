"""`pip install` of the built wheel (not editable) gives a working `dskg` with all its data inside."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast_path_only("the wheel's contents do not depend on the speed path")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], check=True, capture_output=True)
    [whl] = out.glob("dskg-*.whl")
    return whl


def test_wheel_ships_ontology_queries_data_and_the_papers_text(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "dskg/_data/ontology/dskg.ttl",
        "dskg/_data/queries/countermeasures-by-barrier.rq",
        "dskg/_data/data/barriers.yaml",
        "dskg/_data/data/source/paper-ssem-2025-143042.txt",
        "dskg/_data/data/source/README.md",
        "dskg/_data/shapes/README.md",
    ):
        assert expected in names


@pytest.mark.slow
def test_installed_wheel_runs_from_another_directory(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run([str(bin_dir / "pip"), "install", "--quiet", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def dskg(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(bin_dir / "dskg"), *args], cwd=elsewhere, capture_output=True, text=True, check=False)

    assert dskg("--version").returncode == 0
    result = dskg("query", "countermeasures-by-barrier", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert "法律法规建设壁垒" in {r["barrier_zh"] for r in rows}
    result = dskg("export", "-o", "g.ttl")
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "g.ttl").read_text(encoding="utf-8").startswith("@prefix")
