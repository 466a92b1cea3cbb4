"""Without root the README's test command still runs: `.ci/install-rdf-tools` lists what is missing
and exits 0, and a test needing a missing tool skips naming the tool and its install command;
under CI=true both fail instead, so CI never passes by skipping."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import tools

pytestmark = pytest.mark.fast_path_only("the install script and tools.need() touch no speed trick")

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "install-rdf-tools"
NOBODY = 65534


def _tool_table() -> dict[str, str]:
    """The script's own list: tool -> how it tells to install it."""
    table = SCRIPT.read_text(encoding="utf-8").split("<<'TOOLS'\n", 1)[1].split("\nTOOLS\n", 1)[0]
    return {line.split("|")[0]: line.split("|")[2] for line in table.splitlines()}


def _run_without_root(path: str, **env: str) -> subprocess.CompletedProcess:
    """The script as an unprivileged user, CI unset unless given. It goes in on stdin: the checkout
    may be unreadable to that user (a clone in root's home)."""
    command = ["/bin/bash", "-s"]
    if os.geteuid() == 0:
        command = [tools.need("setpriv", "util-linux"), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    clean = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run(
        command,
        input=SCRIPT.read_text(encoding="utf-8"),
        env={**clean, "PATH": path, **env},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_without_root_it_installs_nothing_exits_0_and_names_every_tool_found_or_missing():
    done = _run_without_root(os.environ["PATH"])
    assert done.returncode == 0, done.stderr
    summary = done.stderr.strip().splitlines()[-1]
    assert "not root" in summary and "nothing was installed" in summary, done.stderr
    found = re.search(r"found: ([^;]*);", summary).group(1).split()
    for tool, how in _tool_table().items():
        assert tool in found or f"missing {tool} (" in done.stderr and how in done.stderr, f"{tool} not named:\n{done.stderr}"


def test_without_root_each_missing_tool_gets_its_use_and_install_command():
    done = _run_without_root("/nonexistent")  # no tool on PATH
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert (
        "install-rdf-tools: missing rapper (parses the Turtle, RDF/XML and TriG exports): sudo apt-get install raptor2-utils" in done.stderr
    )
    for tool, how in _tool_table().items():
        assert any(line.startswith(f"install-rdf-tools: missing {tool} (") and line.endswith(how) for line in lines), done.stderr
    assert "found: none; missing: 6" in lines[-1], lines[-1]


def test_under_ci_without_root_it_fails():
    done = _run_without_root(os.environ["PATH"], CI="true")
    assert done.returncode != 0
    assert "CI must install every test tool" in done.stderr, done.stderr


def test_the_script_and_need_give_the_same_debian_package():
    for tool, how in _tool_table().items():
        debian = how.split(" (")[0]
        assert debian in tools.install_command(tool), f"{tool}: the script says {debian!r}, tests/tools.py {tools.install_command(tool)!r}"


def test_need_skips_a_missing_tool_locally_naming_it_and_the_install_command(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        tools.need("/nonexistent/rapper", "Debian package raptor2-utils")
    assert "`/nonexistent/rapper` (Debian package raptor2-utils) is not installed" in str(skipped.value)
    assert "`sudo apt-get install raptor2-utils`" in str(skipped.value)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception) as skipped:
        tools.need("dskg-no-such-tool", "nothing")
    assert "`dskg-no-such-tool` (nothing) is not installed" in str(skipped.value) and "`sudo .ci/install-rdf-tools`" in str(skipped.value)


def test_need_fails_a_missing_tool_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        tools.need("dskg-no-such-tool", "nothing")
    assert "`dskg-no-such-tool` (nothing) is missing in CI" in str(failed.value)


def test_need_returns_the_path_of_a_tool_that_is_there():
    assert tools.need("bash", "bash") == subprocess.run(["sh", "-c", "command -v bash"], capture_output=True, text=True).stdout.strip()
