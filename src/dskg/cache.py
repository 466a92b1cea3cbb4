"""Build once, query many times: a persistent on-disk build keyed by what it was built from.

The key hashes the dskg version, the size and modification time of dskg's own modules (so a
checkout whose loader changed under the same version builds again), the reasoning engine, the
speed path (fast or reference), the ontology and every input file (the curated base, the
user's entries, extra entry files). A build is written to a temporary folder and renamed into
place only when complete, so an interrupted build is never used and two
commands building at once both end with a whole store. The temporary folder's name says which
process writes it (host, pid, start time): one a `kill -9` left behind is removed by the next
command once that process is gone; one whose writer cannot be told (another host, an older
name) is removed an hour after its last change. Cached stores are opened read-only, so any
number of commands can read one at the same time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import socket
import time
import uuid
from importlib.resources import files
from pathlib import Path

from . import resources
from .graph import NAMED_GRAPHS, KnowledgeGraph
from .pipeline import build, require_data_dir
from .vocab import GRAPH

COMPLETE = "complete"
STALE_SECONDS = 3600


def cache_root() -> Path:
    """DSKG_CACHE, else $XDG_CACHE_HOME/dskg, else ~/.cache/dskg."""
    if os.environ.get("DSKG_CACHE"):
        return Path(os.environ["DSKG_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dskg"


def _files(folder: Path | None) -> list[str]:
    """Every file under `folder` but hidden ones, sorted by path. os.walk and plain strings:
    pathlib's rglob, is_file and sorting Paths show over 15,000 entries, and this runs on every command."""
    if folder is None or not os.path.isdir(folder):
        return []
    found = []
    for top, _, names in os.walk(folder):
        prefix = os.path.join(top, "")
        found.extend(prefix + name for name in names if not name.startswith("."))
    return sorted(found)


def fingerprint(data: Path | None, base: Path | None, entries: list[Path] | None, engine: str, reason: bool) -> str:
    """A hash of everything a build depends on."""
    from . import __version__, fast

    # the reference path (DSKG_REFERENCE_PATH) keeps builds of its own: a build it reuses would not be its
    digest = hashlib.sha256(f"{__version__}|{engine}|{reason}|{fast.enabled()}".encode())
    package = str(files(__package__))
    for module in _files(Path(package)):
        if module.endswith(".py"):
            stat = os.stat(module)
            digest.update(f"\0code\0{os.path.relpath(module, package)}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    base_dir = Path(base) if base is not None else resources.data_dir()
    groups = [
        ("ontology", [str(resources.ontology_file())]),
        ("base", _files(base_dir)),
        ("data", _files(Path(data) / "entries") if data else []),
        ("entries", [str(p) for p in entries or []]),
    ]
    for name, paths in groups:
        for path in paths:
            digest.update(f"\0{name}\0{os.path.basename(path)}\0".encode())
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:32]


def _open(folder: Path) -> KnowledgeGraph:
    import pyoxigraph as ox

    return KnowledgeGraph(ox.Store.read_only(str(folder / "store")), None, folder / "records.pickle")


def _write(kg: KnowledgeGraph, folder: Path) -> None:
    import pyoxigraph as ox

    store = ox.Store(str(folder / "store"))
    store.bulk_load(kg.store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    for name in NAMED_GRAPHS:  # keep empty named graphs too
        store.add_graph(ox.NamedNode(str(GRAPH[name])))
    store.flush()
    del store
    with open(folder / "records.pickle", "wb") as fh:
        pickle.dump(kg.records, fh)
    (folder / COMPLETE).write_text("ok\n")


def _started(pid: int) -> int:
    """When process `pid` started, in clock ticks since boot (Linux /proc), or 0 where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            # the name (field 2) may hold spaces and parentheses: count from its closing one
            return int(fh.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return 0


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname()) or "host"


OWNED = re.compile(r"\.tmp-[0-9a-f]+-[0-9a-f]+-pid(?P<pid>\d+)-(?P<started>\d+)@(?P<host>[A-Za-z0-9.-]+)")
"""A temporary folder's name: the build's key, a random part, and its writer (pid, start time, host)."""


def temp_folder(root: Path, key: str) -> Path:
    """A new temporary folder for a build of `key`, named for the process writing it."""
    pid = os.getpid()
    tmp = root / f".tmp-{key}-{uuid.uuid4().hex[:12]}-pid{pid}-{_started(pid)}@{_host()}"
    tmp.mkdir()
    return tmp


def _writer_gone(name: str) -> bool | None:
    """Whether the process that named temporary folder `name` has ended: None when it cannot be told."""
    owner = OWNED.fullmatch(name)
    if not owner or owner["host"] != _host():
        return None
    pid = int(owner["pid"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's process: alive
        return False
    started = _started(pid)  # a live pid may be a new process that reuses the number
    return bool(started and int(owner["started"]) and started != int(owner["started"]))


def clean_stale(root: Path) -> None:
    """Remove the temporary folders of builds that will never finish: their writer has ended, or
    (when it cannot be told) they have not changed for STALE_SECONDS."""
    try:
        found = [entry for entry in os.scandir(root) if entry.name.startswith(".tmp-")]
    except OSError:
        return
    now = time.time()
    for entry in found:
        try:
            gone = _writer_gone(entry.name)
            if gone or (gone is None and now - entry.stat().st_mtime > STALE_SECONDS):
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            pass


def cached_build(
    data: Path | str | None = None,
    *,
    base: Path | str | None = None,
    entries: list[Path] | None = None,
    reason: bool = True,
    engine: str = "rules",
) -> KnowledgeGraph:
    """Like `pipeline.build`, but reuse the on-disk build of the same inputs when there is one."""
    require_data_dir(data)
    root = cache_root()
    key = fingerprint(Path(data) if data else None, Path(base) if base else None, entries, engine, reason)
    folder = root / key
    clean_stale(root)
    if (folder / COMPLETE).is_file():
        return _open(folder)
    kg = build(data, base=base, entries=entries, reason=reason, engine=engine)
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = temp_folder(root, key)
        _write(kg, tmp)
        try:
            os.rename(tmp, folder)
        except OSError:  # another command finished the same build first: use theirs
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        return kg  # no writable cache: the build itself is still good
    return kg
