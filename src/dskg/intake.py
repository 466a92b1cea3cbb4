"""Adding literature entries to a user's data folder: validate first, then write atomically under a lock.

The shipped graph is a read-only base; a user's folder (made by `init_data_dir`) holds their
entries in `entries/`, one file per entry, which every command layers on the base.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from ruamel.yaml import YAML

from .entries import read_entries
from .errors import UnreadableInputError, UsageError
from .publish import write_atomic
from .validation import ValidationReport, validate

README = """# dskg data folder

Your own literature entries, layered on dskg's shipped graph by every command given
`--data {folder}` (or `DSKG_DATA={folder}`).

- `entries/`: one file per entry (YAML, or Turtle using the dskg ontology). Add new ones with
  `dskg add FILE --data {folder}`, which validates them first and writes nothing on a Violation.
- Edit an entry by hand, then run `dskg validate --data {folder}`.
"""


def init_data_dir(folder: Path) -> Path:
    """Create a user data folder (with `entries/` and a README). Returns the folder."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder. Fix: choose another path.")
    if (folder / "entries").is_dir():
        return folder
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty and is not a dskg data folder. Fix: choose an empty or new folder.")
    (folder / "entries").mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "README.md", README.format(folder=folder).encode("utf-8"))
    return folder


@dataclass
class AddResult:
    """What `add_entries` did: the validation report, files written, entries already present."""

    report: ValidationReport
    written: list[Path] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False


def _yaml_bytes(data) -> bytes:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue().encode("utf-8")


def _plain(data):
    """Entry data as plain Python, so a stored entry and a new one compare by content."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _planned_files(paths: list[Path], folder: Path) -> tuple[dict[Path, bytes], list[str], list[Path]]:
    """Files to write (target -> content), entries already stored unchanged, and paths to validate."""
    entries_dir = folder / "entries"
    planned: dict[Path, bytes] = {}
    unchanged: list[str] = []
    to_validate: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.suffix.lower() == ".ttl":
            target = entries_dir / path.name
            content = path.read_bytes()
            if target.is_file() and target.read_bytes() == content:
                unchanged.append(path.name)
                continue
            planned[target] = content
            to_validate.append(path)
            continue
        fresh = False
        read = read_entries([path], exact=True).entries
        for _, entry, node in read:
            target = entries_dir / f"{entry.id}.yaml"
            if target.is_file():
                stored = read_entries([target], exact=True).entries
                if stored and _plain(stored[0][2]) == _plain(node):
                    unchanged.append(entry.id)
                    continue
            planned[target] = _yaml_bytes(node)
            fresh = True
        if fresh or not read:
            to_validate.append(path)
    return planned, unchanged, to_validate


def add_entries(paths: list[Path], folder: Path, *, dry_run: bool = False, engine: str = "rules", base: Path | None = None) -> AddResult:
    """Validate entry files against base + folder and, if no Violation, write them into the folder.

    Entries already stored with the same content are reported as unchanged. Nothing is written
    when any finding is a Violation, or on a dry run. A lock keeps two adds from interleaving.
    """
    folder = Path(folder)
    if not (folder / "entries").is_dir():
        raise UnreadableInputError(f"{folder}: not a dskg data folder. Fix: create it with `dskg init {folder}`.")
    for path in paths:
        if not Path(path).is_file():
            raise UnreadableInputError(f"{path}: no such file. Fix: check the path.")
    lock = FileLock(str(folder / ".dskg.lock"), timeout=60)
    try:
        with lock:
            planned, unchanged, to_validate = _planned_files(list(paths), folder)
            report = validate(folder, base=base, entries=to_validate, engine=engine) if to_validate else ValidationReport()
            result = AddResult(report, unchanged=unchanged, dry_run=dry_run)
            if report.fails("violation") or dry_run:
                return result
            for target, content in planned.items():
                write_atomic(target, content)
                result.written.append(target)
            return result
    except Timeout:
        raise UsageError(
            f"{folder} is locked by another `dskg add` (lock file {folder / '.dskg.lock'}). Fix: wait for it to finish."
        ) from None
