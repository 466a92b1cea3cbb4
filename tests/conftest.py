"""Shared fixtures: the shipped graph is built once per test session."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

import dskg
from dskg import resources

# Persistent builds of the test run go to a private folder, not the user's ~/.cache/dskg.
_CACHE = os.environ["DSKG_CACHE"] = tempfile.mkdtemp(prefix="dskg-test-cache-")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run's builds go with it: every run would otherwise leave its cache in the temp folder."""
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def kg() -> dskg.KnowledgeGraph:
    return dskg.build()


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped data folder that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target
