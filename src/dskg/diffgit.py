"""A folder or file of a git revision, materialised for `dskg diff --git REV[:PATH]`: `git archive`
of the local repository into a temporary folder (no network, bounded in time and size), removed
afterwards; a bad revision or path is a usage error with git's own reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UnreadableInputError, UsageError

GIT_TIMEOUT = 120
"""Seconds `git archive` may take: a revision of a data folder is megabytes, read from the local repository."""
GIT_MAX_BYTES = 4 << 30
"""The most a revision's files may hold once unpacked (a 1M-triple corpus is ~60 MB of YAML)."""


@contextmanager
def git_side(spec: str, new: Path | str | None) -> Iterator[tuple[Path, str, Path]]:
    """`REV[:PATH]` materialised in a temporary folder (removed afterwards): the folder or file
    PATH held at REV, PATH defaulting to `new` (relative to its repository). Yields its path, a
    name for it, and the same PATH in the working tree (the new side when `new` is None)."""
    rev, _, inside = spec.partition(":")
    if not rev:
        raise UsageError(f"--git {spec}: no revision. Fix: write --git REV[:PATH], e.g. --git main:data.")
    where = Path(new) if new is not None else Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], where if where.is_dir() else where.parent, spec).decode().strip()
    if not inside:
        if new is None:
            raise UsageError(f"--git {spec}: which folder? Fix: write --git {rev}:PATH, or give the folder to compare it with.")
        inside = os.path.relpath(Path(new).resolve(), top)
    inside = inside.strip("/") or "."
    tmp = Path(tempfile.mkdtemp(prefix="dskg-diff-git-"))
    try:
        archive = tmp / "rev.tar"
        with open(archive, "wb") as out:
            _git(["archive", "--format=tar", rev, "--", inside], Path(top), spec, stdout=out)
        root = tmp / "rev"
        _unpack(archive, root, spec)
        found = root / inside
        if not found.exists():
            raise UnreadableInputError(f"--git {spec}: {rev} holds no {inside}. Fix: name a folder or file that exists at {rev}.")
        yield found, f"{rev}:{inside}", Path(top) / inside
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _git(args: list[str], cwd: Path, spec: str, stdout=None) -> bytes:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, timeout=GIT_TIMEOUT, env=env, check=False
        )
    except FileNotFoundError:
        raise UsageError(f"--git {spec}: git is not installed. Fix: install git, or export the old version to a folder.") from None
    except subprocess.TimeoutExpired:
        raise UnreadableInputError(
            f"--git {spec}: git took more than {GIT_TIMEOUT} s. Fix: export the revision with `git archive` yourself."
        ) from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"--git {spec}: {' '.join(reason) or 'git failed'} (in {cwd}). Fix: name a revision and path of that repository.")
    return done.stdout or b""


def _unpack(archive: Path, root: Path, spec: str) -> None:
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        if sum(m.size for m in members) > GIT_MAX_BYTES:
            raise UnreadableInputError(f"--git {spec}: the revision holds more than {GIT_MAX_BYTES >> 30} GB. Fix: name a smaller folder.")
        tar.extractall(root, filter="data")
