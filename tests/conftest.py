"""Shared fixtures: the shipped graph is built once per test session and speed path.

Every test runs twice: on the fast path and on the reference path (DSKG_REFERENCE_PATH=1, every
trick of src/dskg/fast/ off), so a speed trick that changes a result fails a test.
`pytest --speed-path fast` (or `reference`) runs one of them, for a quicker local round.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

import dskg
from dskg import fast, resources

# Persistent builds of the test run go to a private folder, not the user's ~/.cache/dskg.
_CACHE = os.environ["DSKG_CACHE"] = tempfile.mkdtemp(prefix="dskg-test-cache-")
SPEED_PATHS = ("fast", "reference")

# Started as `cmd &` from a script (a CI runner may be), pytest inherits SIGINT ignored, and so would
# every dskg process a test starts: its Ctrl-C tests would then wait for a signal never delivered.
# A handler here is reset to the default in each child at exec, where Python makes it KeyboardInterrupt.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--speed-path",
        choices=("both", *SPEED_PATHS),
        default="both",
        help="run the tests on dskg's fast path, its reference path (DSKG_REFERENCE_PATH=1), or both (default)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "speed_path" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("speed_path")
        paths = list(SPEED_PATHS) if chosen == "both" else [chosen]
        metafunc.parametrize("speed_path", paths, indirect=True, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked fast_path_only runs once, on the fast path: it checks what no trick touches
    (a rendering, an option) through a step the reference path makes minutes long (pySHACL
    unnarrowed, ~30 s a whole validation); the step itself is checked on both paths elsewhere."""
    for item in items:
        marker = item.get_closest_marker("fast_path_only")
        callspec = getattr(item, "callspec", None)
        if marker and callspec is not None and callspec.params.get("speed_path") == "reference":
            item.add_marker(pytest.mark.skip(reason=f"fast path only: {marker.args[0] if marker.args else ''}"))


@pytest.fixture(scope="session", autouse=True)
def speed_path(request: pytest.FixtureRequest):
    """Sets DSKG_REFERENCE_PATH for the tests of one path (subprocesses inherit it)."""
    if request.param == "reference":
        os.environ[fast.SWITCH] = "1"
    else:
        os.environ.pop(fast.SWITCH, None)
    yield request.param
    os.environ.pop(fast.SWITCH, None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run's builds go with it: every run would otherwise leave its cache in the temp folder."""
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def kg(speed_path: str) -> dskg.KnowledgeGraph:
    return dskg.build()


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped data folder that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target
