"""Checking and adding literature entries: build with them, validate, then write atomically under a lock.

The shipped graph is a read-only base; a user's folder (made by `init_data_dir`) holds their
entries in `entries/`, one file per entry, which every command layers on the base.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from rdflib import URIRef
from ruamel.yaml import YAML

from .entries import EntryFile, read_entries
from .errors import InconsistencyError, InvalidDataError, UnreadableInputError, UsageError
from .graph import KnowledgeGraph
from .pipeline import build
from .publish import write_atomic
from .validation import Finding, ValidationReport, problem_finding, validate

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


def _target(file: EntryFile, folder: Path) -> list[Path]:
    """Where a new entry file's entries go: its Turtle as it is, each YAML or BibTeX entry as `<id>.yaml`."""
    if file.path.suffix.lower() == ".ttl":
        return [folder / "entries" / file.path.name]
    return [folder / "entries" / f"{entry.id}.yaml" for entry, _ in file.entries]


def _stored(new: list[EntryFile], folder: Path) -> dict[Path, EntryFile]:
    """The stored files the new ones would replace, read once: to compare, and then for the build."""
    read = {file.path: file for file in new}  # a new file may be one of the stored ones: read once all the same
    targets = [t for file in new for t in _target(file, folder) if t.exists() and not t.is_dir() and t not in read]
    read.update((file.path, file) for file in read_entries(list(dict.fromkeys(targets)), display_root=folder, exact=True).files)
    return {t: read[t] for file in new for t in _target(file, folder) if t in read}


def _planned(new: list[EntryFile], stored: dict[Path, EntryFile], folder: Path) -> tuple[dict[Path, bytes], list[str], list[EntryFile]]:
    """Files to write (target -> content), entries already stored unchanged, and the new files to validate."""
    planned: dict[Path, bytes] = {}
    unchanged: list[str] = []
    to_check: list[EntryFile] = []
    for file in new:
        if file.path.suffix.lower() == ".ttl":
            [target] = _target(file, folder)
            if target in stored and stored[target].raw == file.raw:
                unchanged.append(file.path.name)
                continue
            planned[target] = file.raw
            to_check.append(file)
            continue
        fresh = False
        for (entry, node), target in zip(file.entries, _target(file, folder)):
            old = stored[target].entries if target in stored else []
            if old and _plain(old[0][1]) == _plain(node):
                unchanged.append(entry.id)
                continue
            planned[target] = _yaml_bytes(node)
            fresh = True
        if fresh or not file.entries:
            to_check.append(file)
    return planned, unchanged, to_check


def check(
    data: Path | str | None = None,
    *,
    base: Path | str | None = None,
    entries: list[Path] | None = None,
    engine: str = "rules",
) -> ValidationReport:
    """Validate the graph (base + user data), or only `entries` in the context of that graph.

    Each entry file is read once (exactly, so every finding has its line). Returns every finding:
    the build's problems and contradictions with the ontology too; raises only
    UnreadableInputError (a file that cannot be read at all).
    """
    added = read_entries(entries, display_root=Path(data) if data is not None else None, exact=True).files if entries else None
    return _report(data, base, added, engine)


def _built(data: Path | str | None, base: Path | str | None, entries: list[EntryFile], engine: str) -> KnowledgeGraph | list[Finding]:
    """The graph, or what keeps it from being built as findings: the loader's problems, contradictions with the ontology."""
    try:
        return build(data, base=base, entries=entries, engine=engine)
    except InvalidDataError as exc:
        return [problem_finding(p) for p in exc.problems]
    except InconsistencyError as exc:
        return [Finding("Violation", "", "", "", "", message, shape="owl:disjointWith") for message in exc.messages]


def _focus(added: list[EntryFile]) -> set:
    """What entry files add: the ids of their records, the subjects of their Turtle graphs."""
    focus: set = {record_id for file in added for record_id in file.records.ids()}
    return focus | {node for file in added if file.graph is not None for node in file.graph.subjects() if isinstance(node, URIRef)}


def _report(data: Path | str | None, base: Path | str | None, added: list[EntryFile] | None, engine: str, also=()) -> ValidationReport:
    """Build with the entry files read already (`added`, and `also`: stored ones they would
    replace) and validate: all of the graph when `added` is None, else the records they add."""
    warnings = [problem_finding(p, "Warning") for file in added or [] for p in file.warnings]
    kg = _built(data, base, [*also, *(added or [])], engine)
    if isinstance(kg, list):
        return ValidationReport(sorted([*kg, *warnings], key=Finding.sort_key))
    report = validate(kg, None if added is None else _focus(added))
    report.findings = sorted([*report.findings, *warnings], key=Finding.sort_key)
    return report


def add_entries(paths: list[Path], folder: Path, *, dry_run: bool = False, engine: str = "rules", base: Path | None = None) -> AddResult:
    """Validate entry files against base + folder and, if no Violation, write them into the folder.

    Entries already stored with the same content are reported as unchanged. Nothing is written
    when any finding is a Violation, or on a dry run. A lock keeps two adds from interleaving.
    Each file, new or stored, is read once.
    """
    folder = Path(folder)
    if not (folder / "entries").is_dir():
        raise UnreadableInputError(f"{folder}: not a dskg data folder. Fix: create it with `dskg init {folder}`.")
    for path in paths:
        if not Path(path).exists() or Path(path).is_dir():
            raise UnreadableInputError(f"{path}: no such file. Fix: check the path.")
    lock = FileLock(str(folder / ".dskg.lock"), timeout=60)
    try:
        with lock:
            new = read_entries(list(paths), display_root=folder, exact=True).files
            stored = _stored(new, folder)
            planned, unchanged, to_check = _planned(new, stored, folder)
            report = _report(folder, base, to_check, engine, also=stored.values()) if to_check else ValidationReport()
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
