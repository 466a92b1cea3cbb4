"""A cached build's records on disk (cache.py): all of them pickled once, and beside them what
changed since, so that an update in place for one entry file (incremental.py) writes the records
of that file, not the hundred thousand of a big folder again.

`records.pickle` holds the records of a full build; `records-delta.pickle`, when there, the entry
files whose records in it are left out (gone or changed) and the records of the files added or
changed since, in the order they came. An update links the earlier build's `records.pickle`
(a hard link: one file on disk) and writes the delta anew; past MAX_DELTA_FILES files changed,
it writes them all again.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .fast import threads
from .fast.loading import gc_paused
from .records import Record, Records

BASE = "records.pickle"
DELTA = "records-delta.pickle"
MAX_DELTA_FILES = 200
"""Entry files changed since the full pickle past which the records are pickled whole again (the delta is then as big to read)."""


@dataclass
class Delta:
    """The change since the full pickle: files whose records there are left out, and the records added since."""

    gone: frozenset[str] = frozenset()
    added: Records = field(default_factory=Records)
    user_dir: Path | None = None


def write(records: Records | None, folder: Path) -> None:
    """The records of a full build, pickled whole into `folder`."""
    with open(folder / BASE, "wb") as fh:
        pickle.dump(records, fh)


def read(base: Path) -> Records:
    """The records of the build whose `records.pickle` is `base`: the pickle with its delta applied.
    A big folder's records are a million objects that live on: no collection walks them meanwhile."""
    with gc_paused(long_lived=True):
        with open(base, "rb") as fh:
            records = pickle.load(fh)
        delta = _delta(base.with_name(DELTA))
        if delta is None:
            return records
        kept = without(records, delta.gone) if delta.gone else records
        kept.add(delta.added)
        kept.user_dir = delta.user_dir
        return kept


class Reading:
    """The records of a build read early, on another thread on the fast path (fast.threads.begun):
    unpickling holds Python's lock, but the file reads and RocksDB calls an update makes meanwhile
    let it go on."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._pending = threads.begun(lambda: read(base))

    def records(self) -> Records:
        return self._pending.result()


def _place(records: Iterable) -> None:
    """Find the lines of records (and of the records in them) now: they are found when first asked
    for, from the file read, and a file `dskg add` reads from a temporary folder is gone by then."""
    for record in records:
        record.line  # noqa: B018 - asked for its side effect: the origin keeps the lines found
        for name in type(record).model_fields:
            value = getattr(record, name)
            _place(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, Record))


def _delta(path: Path) -> Delta | None:
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        return None


def without(records: Records, files: set[str] | frozenset[str]) -> Records:
    """The records but those read from `files` (paths in the data folder, as `Record.file` gives them); all schemes kept."""
    return Records({k: [r for r in v if r.file not in files] for k, v in records.by_kind.items()}, list(records.schemes), records.data_dir)


def write_changed(old: Path, new: Path, gone: list[str], came: Records, records: Records) -> None:
    """The records of a build updated in place, into folder `new`, from those of the build in folder
    `old`: `gone` the entry files gone or changed, `came` the records of those new or changed,
    `records` all of them now (written whole when the change since the full pickle grows big)."""
    _place(came.all())
    earlier = _delta(old / DELTA) or Delta()
    files = earlier.gone | set(gone)
    added = without(earlier.added, set(gone)) if gone else earlier.added.copy()
    added.add(came)
    if len(files | {r.file for r in added.all()}) > MAX_DELTA_FILES:
        write(records, new)
        return
    try:
        os.link(old / BASE, new / BASE)
    except OSError:  # a file system without hard links
        shutil.copyfile(old / BASE, new / BASE)
    with open(new / DELTA, "wb") as fh:
        pickle.dump(Delta(frozenset(files), added, records.user_dir), fh)
