"""The attack as tests (issue 17, point 5): every bad input in tests/bad_inputs/ is refused.

Each case (see tests/bad_inputs/README.md) runs one `dskg` command and must exit 1 (invalid data)
or 2 (usage, unreadable input) with a message that names the user's file and the field or entity,
print no traceback, and leave the data folder byte for byte as it was. Large inputs are made here
from a recipe; the few cases that could hang run in a process of their own with a deadline.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dskg.cli import app

# No reading, refusing or message depends on the loader's speed tricks: the reference half would
# only repeat every case (the loader's paths are tested on both halves elsewhere).
pytestmark = pytest.mark.fast_path_only("bad inputs are refused before or beside the loader's speed tricks")

CORPUS = Path(__file__).parent / "bad_inputs"
KEYS = ("case", "run", "env", "exit", "expect", "names", "absent", "input", "generate", "setup", "pending", "timeout")
HEADER = re.compile(rb"^\s*(?:#|%)\s*(" + "|".join(KEYS).encode() + rb"):[ \t]?(.*?)\s*$")
INPUT_SUFFIXES = {".yaml", ".yml", ".ttl", ".bib", ".rq"}
DSKG = Path(sys.executable).with_name("dskg")
MESSAGE_CHARS = 10_000
"""More than any honest refusal prints (a few findings); an expanded alias bomb or 742 lines of axioms print more."""
HELD_ENTRY = Path(__file__).parent / "entries" / "ferracane-van-der-marel-2018.yaml"
KINDS = {
    "syntax", "fields", "unknown-ids", "bad-ids", "nesting", "control-chars", "alias-bombs", "oversize", "special-files", "empty",
    "language", "years", "turtle-scope", "duplicates", "folder-state", "bibtex", "endpoints", "queries", "sparql",
}  # fmt: skip
"""The kinds of bad input issue 17 lists, one folder each."""


@dataclass
class Case:
    """One bad input: where it is, the command, and what the user must see."""

    name: str
    source: Path
    run: str = ""
    exit: int = 0
    expect: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    input: str = ""
    generate: str = ""
    setup: list[str] = field(default_factory=list)
    pending: str = ""
    timeout: float = 0.0


def _header(path: Path) -> dict[str, list[str]]:
    """The `# key: value` lines at the top of a case file (`%` in BibTeX), up to the first other line."""
    found: dict[str, list[str]] = {}
    for line in path.read_bytes().splitlines():
        match = HEADER.match(line)
        if not match:
            break
        found.setdefault(match.group(1).decode(), []).append(match.group(2).decode("utf-8"))
    return found


def load_case(path: Path) -> Case:
    """A case file (an input with its header), a `.case` file (a header alone), or a folder holding `case.txt`."""
    header_file = path / "case.txt" if path.is_dir() else path
    meta = _header(header_file)
    missing = [k for k in ("run", "exit") if k not in meta]
    assert not missing, f"{header_file}: the header lacks {missing} (see tests/bad_inputs/README.md)"
    case = Case(name=str(path.relative_to(CORPUS)), source=path, run=meta["run"][0], exit=int(meta["exit"][0]))
    case.expect, case.absent, case.setup = meta.get("expect", []), meta.get("absent", []), meta.get("setup", [])
    case.names = meta.get("names", [])
    case.env = dict(line.split("=", 1) for line in meta.get("env", []))
    case.generate = meta.get("generate", [""])[0]
    case.pending = meta.get("pending", [""])[0]
    case.timeout = float(meta.get("timeout", ["0"])[0])
    case.input = meta.get("input", [path.name if path.suffix in INPUT_SUFFIXES else ""])[0]
    return case


def all_cases() -> list:
    paths = sorted(
        p for kind in CORPUS.iterdir() if kind.is_dir() for p in kind.iterdir() if p.is_dir() or p.suffix in INPUT_SUFFIXES | {".case"}
    )
    params = []
    for path in paths:
        case = load_case(path)
        marks = [pytest.mark.xfail(strict=True, reason=f"issue 17: {case.pending}, fix pending")] if case.pending else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


# Recipes for inputs too large to commit: each writes the file from the README's entry example.

ENTRY = """\
id: {work_id}
type: {kind}
title: {title}
authors: ["Nordås, Hildegunn Kyvik", "Rouzet, Dorothée"]
year: 2017
language: en
claims:
  - about: [bar-market-access]
    stance: supports
    text: {{en: "Services trade restrictions are associated with lower imports and exports of services."}}
{extra}"""


def entry(
    work_id: str = "nordas-rouzet-2017", kind: str = "article", title: str = '{en: "The Impact of Services Trade"}', extra: str = ""
) -> str:
    """The README's example entry (shortened), with one field made bad."""
    return ENTRY.format(work_id=work_id, kind=kind, title=title, extra=extra)


def _alias_bomb(levels: str) -> str:
    """`levels` levels of ten aliases each (10**9 strings for 9, once expanded) in `type:`, about 1.5 KB
    as written; the anchors come first, in a list the reader builds before it reaches `type:`."""
    n = int(levels)
    anchors = ["&a0 lol"] + [f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, n)]
    bomb = f"[{', '.join([f'*a{n - 1}'] * 10)}]"
    return f"note: [{', '.join(anchors)}]\n" + entry(kind=bomb)


def _oversize(fmt: str, mb: str) -> str:
    """A real entry padded past `mb` MB: a full text pasted into a note, or comment lines."""
    lines = int(float(mb) * 10_000)
    if fmt == "yaml":
        return entry(extra="note: |\n" + ("  " + "x" * 98 + "\n") * lines)
    body = TURTLE if fmt == "ttl" else BIBTEX
    mark = "#" if fmt == "ttl" else "%"
    return (mark + " " + "x" * 97 + "\n") * lines + body


TURTLE = """\
@prefix dskg: <https://w3id.org/dskg/ontology#> .
@prefix id: <https://w3id.org/dskg/id/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
id:smith-2023 a dskg:Work ; dcterms:title "Cross-border data rules and services trade"@en .
"""
BIBTEX = "@article{smith2023, author = {Smith, Alice}, title = {Cross-border data rules}, journal = {The World Economy}, year = {2023}}\n"


RECIPES = {
    "long-id": lambda n: entry(work_id="a" * int(n)),
    "deep-flow": lambda n: entry(title="[" * int(n) + "x" + "]" * int(n)),
    "deep-block": lambda n: entry(title="\n" + "  " + "- " * int(n) + "x"),
    "deep-mapping": lambda n: entry(title="\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(int(n))) + "  " * (int(n) + 1) + "x"),
    "alias-bomb": _alias_bomb,
    "oversize": _oversize,
    "many-values": lambda n: entry(extra="authors_more: [" + ", ".join(f"a{i}" for i in range(int(n))) + "]\n"),
    "entry": lambda: entry(),
    "bad-year": lambda: entry().replace("year: 2017", 'year: "19x9"'),
    "held-entry-changed": lambda: HELD_ENTRY.read_text(encoding="utf-8").replace("year: 2018", "year: 2019"),
}


def _write_input(case: Case, folder: Path) -> Path:
    target = folder / case.input
    if case.generate:
        recipe, *args = case.generate.split()
        target.write_text(RECIPES[recipe](*args), encoding="utf-8")
    elif case.source.is_dir():
        for item in case.source.iterdir():
            if item.name != "case.txt":
                (shutil.copytree if item.is_dir() else shutil.copy)(item, folder / item.name)
    elif case.source.suffix in INPUT_SUFFIXES:
        shutil.copy(case.source, target)
    return target


def tree_hash(folder: Path) -> str:
    """Every name, size and byte under `folder` (and each name's kind), as one digest."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        digest.update(f"{path.relative_to(folder)}\0{stat.S_IFMT(mode)}\0".encode())
        if stat.S_ISREG(mode):
            data = path.read_bytes()
            digest.update(f"{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _make_unwritable(path: Path) -> None:
    """A file or folder nobody may write, root included (CI runs as root): its mode, and where that
    does not stop root, the immutable flag."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    if not path.is_dir() or _writable(path):
        subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if path.is_dir() and _writable(path):
        pytest.skip(f"cannot make {path} read-only here (root, and no chattr on this file system)")


def _writable(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.touch()
    except OSError:
        return False
    probe.unlink()
    return True


def _undo_unwritable(path: Path) -> None:
    subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
    path.chmod(0o755 if path.is_dir() else 0o644)


runner = CliRunner()


@pytest.fixture(scope="module")
def fresh_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `dskg init` folder per module, holding one real entry a bad input must not disturb
    (and the lock file its `add` leaves); each case gets a copy."""
    folder = tmp_path_factory.mktemp("init") / "data"
    for args in (["init", str(folder)], ["add", str(HELD_ENTRY), "--data", str(folder)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def listener():
    """A local port that records any connection: a query must make none (SERVICE, issue 17 point 3)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def _connections(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def _invoke(args: list[str], timeout: float, env: dict[str, str]) -> tuple[int, str, BaseException | None]:
    """In this process (a second of imports saved per case), or, for a case that could hang, in
    a process of its own that is killed at `timeout`, so a regression fails instead of hanging CI."""
    if not timeout:
        result = runner.invoke(app, args, env=env)
        unexpected = result.exception if not isinstance(result.exception, SystemExit) else None
        return result.exit_code, result.output, unexpected
    proc = subprocess.Popen(
        [str(DSKG), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **env}
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"dskg {shlex.join(args)} was still running after {timeout:.0f} s (a hang); killed")
    return proc.returncode, output.decode("utf-8", "replace"), None


def _fill(arg: str, fields: dict[str, str]) -> str:
    """The placeholders replaced, and nothing else: a SPARQL query's own braces stay."""
    for key, value in fields.items():
        arg = arg.replace("{" + key + "}", value)
    return arg


def _squeeze(text: str) -> str:
    """Whitespace as one space: rich wraps long lines on stderr at the terminal's width."""
    return " ".join(text.split())


def _set_up(case: Case, target: Path, data: Path, locked: list[Path]) -> None:
    """The folder state a case needs before its command runs (`setup:` lines, in order)."""
    for step in case.setup:
        verb, *rest = step.split()
        if verb == "stored":  # an entry already in the folder, as `dskg add` stores it
            shutil.copy(target.parent / rest[0], data / "entries")
        elif verb == "fifo":
            os.mkfifo(target)
        elif verb == "folder":
            target.mkdir()
        elif verb == "symlink":  # the input's name pointing at a device, e.g. /dev/zero (never ends)
            target.symlink_to(rest[0])
        elif verb == "unwritable":  # the folder named, or every file and folder (as on a read-only mount)
            paths = [data / rest[0]] if rest else [data, *sorted(data.rglob("*"))]
            for path in paths:
                locked.append(path)
                _make_unwritable(path)
        else:
            raise AssertionError(f"{case.name}: unknown setup step {step!r}")


@pytest.mark.parametrize("case", all_cases())
def test_bad_input_is_refused_cleanly(case: Case, tmp_path: Path, fresh_data: Path, listener: socket.socket):
    data = tmp_path / "data"
    shutil.copytree(fresh_data, data)
    inputs = tmp_path / "in"
    inputs.mkdir()
    target = _write_input(case, inputs)
    fields = {
        "input": str(target),
        "data": str(data),
        "dir": str(inputs),
        "listener": "http://127.0.0.1:%d/sparql" % listener.getsockname()[1],
    }
    args = [_fill(arg, fields) for arg in shlex.split(case.run)]
    locked: list[Path] = []
    try:
        _set_up(case, target, data, locked)
        before = tree_hash(data)
        code, output, unexpected = _invoke(args, case.timeout, case.env)
    finally:
        for path in reversed(locked):
            _undo_unwritable(path)
    shown = f"dskg {shlex.join(args)}\n--- output ---\n{output[:3000]}"
    assert unexpected is None and "Traceback" not in output, f"a traceback instead of a message: {unexpected!r}\n{shown}"
    assert code == case.exit, shown
    assert len(output) < MESSAGE_CHARS, f"{len(output)} characters: one message per problem, not a dump\n{shown}"
    said = _squeeze(output)
    # an expected word must come from the message, not from the file's name or the test's folder
    said_apart = _squeeze(output.replace(str(tmp_path), "<tmp>").replace(target.name, "<input>"))
    # what the user gave that is at fault: the input file, unless the case names another (a folder, a URL)
    for named in [_fill(n, fields) for n in case.names] or ([target.name] if case.input else []):
        assert _squeeze(named) in said, f"the message does not name {named}\n{shown}"
    for needle in case.expect:
        assert _squeeze(needle) in (said if target.name in needle else said_apart), f"the message lacks {needle!r}\n{shown}"
    for needle in case.absent:
        assert needle not in output, f"the message shows {needle!r}\n{shown}"
    assert tree_hash(data) == before, f"the data folder changed\n{shown}"
    assert _connections(listener) == 0, f"the command connected to the local listener\n{shown}"


def test_every_kind_of_bad_input_has_cases():
    """Issue 17's "done when": each kind of bad input it lists has a test."""
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert folders == KINDS
    counts = {kind: sum(1 for p in (CORPUS / kind).iterdir() if p.is_dir() or p.suffix in INPUT_SUFFIXES | {".case"}) for kind in KINDS}
    assert all(n >= 2 for n in counts.values()), counts
