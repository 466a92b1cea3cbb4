"""System tools the tests drive (Jena, Virtuoso, Chromium, Graphviz...): skip locally, fail in CI.

`.ci/install-rdf-tools` installs them all; CI sets CI=true, so a tool missing there is a failure,
not a silent skip.
"""

from __future__ import annotations

import os
import shutil

import pytest

INSTALL_HINT = "install it with `sudo .ci/install-rdf-tools` (CI runs that script, so this must not be skipped there)"
JENA_CLASSPATH = "/usr/local/share/dskg-rdf-tools/jena.classpath"


def need(tool: str, package: str) -> str:
    """The path of `tool`; skips the test when it is missing, fails it under CI=true."""
    path = shutil.which(tool) if not os.path.isabs(tool) else (tool if os.path.exists(tool) else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"`{tool}` ({package}) is missing in CI; .ci/install-rdf-tools should have installed it")
        pytest.skip(f"SKIPPED because `{tool}` ({package}) is not installed on this machine; {INSTALL_HINT}")
    return path


def jena_classpath() -> str:
    """Jena's classpath as written by .ci/install-rdf-tools, for one-JVM batch programs."""
    return open(need(JENA_CLASSPATH, "Jena classpath file written by .ci/install-rdf-tools"), encoding="utf-8").read().strip()
