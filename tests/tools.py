"""System tools the tests drive (Jena, Virtuoso, Chromium, Graphviz...): skip locally, fail in CI.

`.ci/install-rdf-tools` installs them all (as root, with apt-get); CI sets CI=true, so a tool missing
there is a failure, not a silent skip. Without root the script lists what is missing and how to
install each, and the tests that need a missing tool skip with the same command.
"""

from __future__ import annotations

import os
import shutil

import pytest

ALL_TOOLS = "`sudo .ci/install-rdf-tools` (Debian/Ubuntu: installs every test tool)"
INSTALL_HINT = f"install it with {ALL_TOOLS}"
JENA_CLASSPATH = "/usr/local/share/dskg-rdf-tools/jena.classpath"
_JENA = f"{ALL_TOOLS}; the tests call the Jena wrappers it writes, so Homebrew's jena is not enough"

# How to install each tool by hand; the same commands .ci/install-rdf-tools prints when it cannot install.
INSTALL = {
    "rapper": "`sudo apt-get install raptor2-utils` (macOS: `brew install raptor`)",
    "java": "`sudo apt-get install default-jre-headless` (macOS: `brew install openjdk`)",
    "dot": "`sudo apt-get install graphviz` (macOS: `brew install graphviz`)",
    "chromium": "`sudo apt-get install chromium fonts-noto-cjk` (the tests drive Debian's /usr/bin/chromium)",
    "virtuoso-t": "`sudo apt-get install virtuoso-opensource` (macOS: `brew install virtuoso`)",
    "isql-vt": "`sudo apt-get install virtuoso-opensource`",
    "setpriv": "`sudo apt-get install util-linux`",
    "dskg-riot": _JENA,
    "dskg-shacl": _JENA,
    "dskg-arq": _JENA,
    "dskg-qparse": _JENA,
    "jena.classpath": _JENA,
}


def install_command(tool: str) -> str:
    """How to install `tool` (a program name or an absolute path)."""
    return INSTALL.get(os.path.basename(tool), ALL_TOOLS)


def in_ci() -> bool:
    """CI=true (any value but empty, 0 or false), as CI services set it."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def need(tool: str, package: str) -> str:
    """The path of `tool`; skips the test when it is missing, fails it under CI=true."""
    path = shutil.which(tool) if not os.path.isabs(tool) else (tool if os.path.exists(tool) else None)
    if path is None:
        if in_ci():
            pytest.fail(f"`{tool}` ({package}) is missing in CI; .ci/install-rdf-tools should have installed it")
        pytest.skip(f"SKIPPED because `{tool}` ({package}) is not installed on this machine; install it with {install_command(tool)}")
    return path


def jena_classpath() -> str:
    """Jena's classpath as written by .ci/install-rdf-tools, for one-JVM batch programs."""
    return open(need(JENA_CLASSPATH, "Jena classpath file written by .ci/install-rdf-tools"), encoding="utf-8").read().strip()
