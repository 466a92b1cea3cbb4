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

When only a few of a data folder's entry files changed since its last build (an entry added,
replaced, edited or its file deleted), that build is updated instead of built anew
(incremental.py): under the folder's lock it is copied to a temporary folder (the store as a
RocksDB checkpoint: hard links), changed there, and renamed to the new key only when complete,
so a crash midway leaves no store that any key names, and the earlier build stays as it was.
`dskg add` does the same for the folder as it will be once written (`graph_with`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
import time
import uuid
from importlib.resources import files
from pathlib import Path

from . import recordfile, resources
from .fast.loading import gc_paused
from .graph import NAMED_GRAPHS, KnowledgeGraph
from .incremental import digests, manifest_text, read_manifest
from .pipeline import build, require_data_dir
from .records import Records
from .vocab import GRAPH

COMPLETE = "complete"
MANIFEST = "entries.txt"
"""The digests of the data folder's entry files a build was made from (incremental.digests)."""
RULES = "rules.json"
"""The ontology's instance rules, as incremental.rule_tables gives them."""
LOCK = ".dskg.lock"
"""The data folder's lock, which `dskg add` holds while it writes (intake.py)."""
LOCK_WAIT = 60
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
    return _key(_context(base, entries, engine, reason, data), digests(Path(data) if data else None))


def _context(base: Path | None, entries: list[Path] | None, engine: str, reason: bool, data: Path | str | None = None) -> str:
    """A hash of everything a build depends on but the data folder's entry files: the code, the
    ontology, the base, entry files given apart, and the texts in the data folder's sources/ (the
    quotes of its entries are checked against them)."""
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
        ("entries", [str(p) for p in entries or []]),
        ("sources", _files(Path(data) / "sources") if data is not None else []),
    ]
    for name, paths in groups:
        for path in paths:
            digest.update(f"\0{name}\0{os.path.basename(path)}\0".encode())
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()


def _point(pointer: Path, key: str) -> None:
    """Write a pointer whole (a reader sees the old key or the new one), unless it names `key` already."""
    try:
        if pointer.read_text() == key:
            return
    except OSError:
        pass
    part = pointer.with_name(f"{pointer.name}.{os.getpid()}.part")
    try:
        part.write_text(key)
        os.replace(part, pointer)
    except OSError:  # a cache that cannot be written: builds are still used, never updated in place
        pass


def _key(context: str, entry_files: dict[str, str]) -> str:
    """The key of a build: its context and the digests of the data folder's entry files."""
    digest = hashlib.sha256(context.encode())
    for name in sorted(entry_files):
        digest.update(f"\0data\0{name}\0{entry_files[name]}".encode())
    return digest.hexdigest()[:32]


def _pointer(root: Path, context: str, data: Path) -> Path:
    """Where the key of the last build of this data folder in this context is kept (to update that build in place)."""
    return root / f".last-{hashlib.sha256(f'{context}|{os.path.realpath(data)}'.encode()).hexdigest()[:32]}"


def _open(folder: Path) -> KnowledgeGraph:
    import pyoxigraph as ox

    return KnowledgeGraph(ox.Store.read_only(str(folder / "store")), None, folder / recordfile.BASE)


def _write(kg: KnowledgeGraph, folder: Path) -> None:
    """A build made in memory written into `folder` (the reference path): the memory store's dump
    bulk-loaded into a new on-disk store, and the records."""
    import pyoxigraph as ox

    store = ox.Store(str(folder / "store"))
    store.bulk_load(kg.store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    for name in NAMED_GRAPHS:  # keep empty named graphs too
        store.add_graph(ox.NamedNode(str(GRAPH[name])))
    store.flush()
    del store
    recordfile.write(kg.records, folder)


def _build_into(folder: Path, data, base, entries, reason: bool, engine: str) -> Records:
    """`pipeline.build` written straight into the on-disk store of `folder`, loaded on other threads
    while this one reads, reasons and writes the records (fast/ondisk.py); the build's records."""
    import pyoxigraph as ox

    from .fast.ondisk import loading_into
    from .pipeline import load_build

    graphs = {name: ox.NamedNode(str(GRAPH[name])) for name in NAMED_GRAPHS}
    with gc_paused(long_lived=True), loading_into(folder / "store", graphs) as into_store:
        records = load_build(into_store, data, base=base, entries=entries, reason=reason, engine=engine)
        recordfile.write(records, folder)  # while the last loads run
    return records


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
    """Like `pipeline.build`, but reuse the on-disk build of the same inputs when there is one, or
    update the last build of the same data folder in place when only a few entry files changed."""
    from . import fast
    from .fast import ondisk

    require_data_dir(data)
    root = cache_root()
    context = _context(Path(base) if base else None, entries, engine, reason, data)
    entry_files = digests(Path(data) if data else None)
    key = _key(context, entry_files)
    folder = root / key
    clean_stale(root)
    if (folder / COMPLETE).is_file():
        if data is not None:  # the build the next change to the folder updates
            _point(_pointer(root, context, Path(data)), key)
        return _open(folder)
    # the reference path always builds whole: it is what an update in place must equal
    if data is not None and not entries and reason and engine == "rules" and fast.enabled():
        updated = _update(root, context, Path(data), key)
        if updated is not None:
            return updated
    rules = reason and engine == "rules"
    if ondisk.direct():  # built straight into the cache's store (the reference path builds in memory, then writes)
        records = _keep(lambda tmp: _build_into(tmp, data, base, entries, reason, engine), root, key, context, data, entry_files, rules)
        if records is not None and (folder / COMPLETE).is_file():  # not a leftover that took the key's name
            return KnowledgeGraph(_open(folder).store, records)
    kg = build(data, base=base, entries=entries, reason=reason, engine=engine)
    _keep(lambda tmp: _write(kg, tmp), root, key, context, data, entry_files, rules)
    return kg


def _keep(write, root: Path, key: str, context: str, data, entry_files: dict[str, str], rules: bool) -> Records | None:
    """Write a build under its key, with what an update in place needs (the entry files' digests, the rules):
    `write(folder)` writes the store and the records into a temporary folder, renamed to the key once
    complete; what `write` returned, or None when the cache cannot be written (a build that fails
    raises, its temporary folder removed)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = temp_folder(root, key)
    except OSError:
        return None  # no writable cache: the build itself is still good
    try:
        (tmp / MANIFEST).write_text(manifest_text(entry_files))
        if rules:
            from .graph import load_ontology
            from .incremental import rule_tables

            (tmp / RULES).write_text(json.dumps(rule_tables(load_ontology())))
        written = write(tmp)
        (tmp / COMPLETE).write_text("ok\n")
        try:
            os.rename(tmp, root / key)
        except OSError:  # another command finished the same build first: use theirs
            shutil.rmtree(tmp, ignore_errors=True)
        if data is not None:
            _point(_pointer(root, context, Path(data)), key)
        return written
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def graph_with(data: Path, base: Path | None, engine: str, writes: dict[Path, bytes]) -> KnowledgeGraph | None:
    """The graph of the data folder as it will be once `writes` (an entry file's path -> its bytes)
    are written: the folder's last build updated in place to that state and kept under its key,
    so the command after the write finds it built. For `dskg add`, which validates on it and holds
    the folder's lock. None when that cannot be (the caller builds whole); when the add writes
    nothing after all, the next command updates the build back to the folder as it is."""
    from . import fast

    if not fast.enabled() or engine != "rules":
        return None
    root = cache_root()
    context = _context(Path(base) if base else None, None, engine, True, data)
    try:  # the last build's records, read on another thread while the entry files are hashed and its store copied
        early = recordfile.Reading(root / _pointer(root, context, data).read_text().strip() / recordfile.BASE)
    except OSError:
        early = None
    planned = digests(data)
    for target, content in writes.items():
        planned[os.path.relpath(target, data)] = hashlib.blake2b(content, digest_size=16).hexdigest()
    key = _key(context, planned)
    if (root / key / COMPLETE).is_file():
        return _open(root / key)
    with tempfile.TemporaryDirectory() as shadow:
        for target, content in writes.items():
            path = Path(shadow) / os.path.relpath(target, data)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return _update(root, context, data, key, planned, Path(shadow), early)


def _update(
    root: Path, context: str, data: Path, key: str, planned: dict[str, str] | None = None, shadow: Path | None = None, early=None
) -> KnowledgeGraph | None:
    """The last build of `data` brought to the folder's state in place (incremental.py), under the
    folder's lock, or None when it cannot be. The build is changed in a copy under a temporary
    name, so a crash midway leaves nothing a later command takes for any key.
    `planned`: the entry files' digests once an add (which holds the lock) has written the files
    now in `shadow`, instead of the folder's as they are; `early`: a recordfile.Reading begun already."""
    from filelock import FileLock, Timeout

    from . import incremental

    try:
        last = _pointer(root, context, data).read_text().strip()
        manifest = read_manifest((root / last / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    lock = FileLock(str(data / LOCK), timeout=LOCK_WAIT)
    try:
        if planned is None:
            lock.acquire()
    except (Timeout, OSError):  # a folder that cannot be written, or an add that does not end: build whole
        return None
    try:
        now = planned or digests(data)  # as the folder is under the lock: an add may have written meanwhile
        change = incremental.changed_files(manifest, now)
        if change is None or _key(context, now) != key or not (root / last / COMPLETE).is_file():
            return None
        tmp = temp_folder(root, key)
        try:
            records = _changed_copy(root / last, tmp / "build", data, change, now, shadow, early)
        except OSError:
            records = None
        if records is None:
            shutil.rmtree(tmp, ignore_errors=True)
            return None
        try:
            os.rename(tmp / "build", root / key)
        except OSError:  # another command finished the same build first: use theirs
            pass
        shutil.rmtree(tmp, ignore_errors=True)
        _point(_pointer(root, context, data), key)
        kg = _open(root / key)
        return KnowledgeGraph(kg.store, records)
    finally:
        if lock.is_locked:
            lock.release()


def _changed_copy(
    old: Path, new: Path, data: Path, change: tuple[list[str], list[str]], now: dict[str, str], shadow: Path | None, early=None
) -> Records | None:
    """The build in `old` copied to `new` (a temporary name) and updated there to the entry files
    `now` (those in `shadow` read from there); its new records, or None when only a full build will
    do. The store is copied as a RocksDB checkpoint (its files hard links): `old` stays whole, for
    a command that has it open and as the build of the folder's earlier state."""
    import pyoxigraph as ox

    from . import incremental

    try:
        rules = json.loads((old / RULES).read_text())
    except (OSError, ValueError):
        return None
    new.mkdir()
    (new / RULES).write_text(json.dumps(rules))
    # the records of a big folder are a million objects that live on: no collection walks them meanwhile
    with gc_paused(long_lived=True):
        ox.Store.read_only(str(old / "store")).backup(str(new / "store"))
        store = ox.Store(str(new / "store"))
        records = early.records() if early is not None and early.base == old / recordfile.BASE else recordfile.read(old / recordfile.BASE)
        try:
            updated = incremental.update(store, records, rules, data, *change, shadow=shadow)
            store.flush()
        except Exception:  # noqa: BLE001 - whatever went wrong, the full build that follows reports it properly
            updated = None
        del store
        if updated is None:
            return None
        # the earlier build's records stay on disk as they are: only those of the files changed are written
        recordfile.write_changed(old, new, change[0], updated[1], updated[0])
        (new / MANIFEST).write_text(manifest_text(now))
    (new / COMPLETE).write_text("ok\n")
    return updated[0]
