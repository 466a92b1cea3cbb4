"""Checking and adding literature entries: build with them, validate, then write atomically under a lock.

The shipped graph is a read-only base; a user's folder (made by `init_data_dir`) holds their
entries in `entries/`, one file per entry, which every command layers on the base.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import io
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from rdflib import URIRef
from ruamel.yaml import YAML

from .entries import EntryFile, read_entries
from .entryscope import entry_lines, subject_line
from .errors import InconsistencyError, InvalidDataError, UnreadableInputError, UsageError
from .graph import KnowledgeGraph
from .nearworks import near_duplicates
from .pipeline import build
from .publish import write_atomic
from .validation import Finding, ValidationReport, problem_finding, validate
from .vocab import DSKG, ID

README = """# dskg data folder

Your own literature entries, layered on dskg's shipped graph by every command given
`--data {folder}` (or `DSKG_DATA={folder}`).

- `entries/`: one file per entry (YAML, or Turtle using the dskg ontology). Add new ones with
  `dskg add FILE --data {folder}`, which validates them first and writes nothing on a Violation
  (`--replace` replaces an entry added earlier under the same file name).
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
    try:
        (folder / "entries").mkdir(parents=True, exist_ok=True)
        write_atomic(folder / "README.md", README.format(folder=folder).encode("utf-8"))
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        raise UsageError(
            f"{folder}: cannot create the data folder there ({exc.strerror or exc}{where}). "
            "Fix: choose a path in a folder you can write to (that exists and is not a file)."
        ) from None
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


@dataclass
class _Plan:
    """What an add would do: files to write (target -> content), entries already stored unchanged,
    the new files to validate, stored files they stand in for, and refusals (a name taken)."""

    writes: dict[Path, bytes] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    to_check: list[EntryFile] = field(default_factory=list)
    replaced: set[Path] = field(default_factory=set)
    refusals: list[Finding] = field(default_factory=list)


def _taken(file: EntryFile, target: Path, entry=None) -> Finding:
    """The refusal of a new entry whose file name is taken in entries/ by other content."""
    name = f"entries/{target.name}"
    if entry is None:
        message = f"{name} already exists (added earlier) with other content"
        fix = f"use `dskg add --replace` to replace it, or rename {file.path.name}"
        return Finding("Violation", file.path.name, "", "file name", "", f"{message}. Fix: {fix}", file.display, 1, "dskg:add")
    message = f"duplicate id {entry.id}: {name} already exists (added earlier) with other content"
    fix = "use `dskg add --replace` to replace it, or give this entry another id"
    return Finding("Violation", entry.id, "", "id", "", f"{message}. Fix: {fix}", file.display, entry.line_of("id"), "dskg:add")


def _planned(new: list[EntryFile], stored: dict[Path, EntryFile], folder: Path, replace: bool) -> _Plan:
    """What adding `new` would write, given the `stored` files their targets name."""
    plan = _Plan()
    for file in new:
        if file.path.suffix.lower() == ".ttl":
            _plan_turtle(plan, file, stored, folder, replace)
        else:
            _plan_entries(plan, file, stored, folder, replace)
    plan.replaced = {t for file in plan.to_check for t in _target(file, folder) if t in stored and t != file.path}
    return plan


def _plan_turtle(plan: _Plan, file: EntryFile, stored: dict[Path, EntryFile], folder: Path, replace: bool) -> None:
    """A Turtle file is copied as it is, under its own name."""
    [target] = _target(file, folder)
    if target in plan.writes:  # two new files of one name
        plan.refusals.append(_given_twice(file, target))
    elif target in stored and stored[target].raw == file.raw:
        plan.unchanged.append(file.path.name)
        return
    elif target in stored and not replace:
        plan.refusals.append(_taken(file, target))
    plan.writes[target] = file.raw
    plan.to_check.append(file)


def _plan_entries(plan: _Plan, file: EntryFile, stored: dict[Path, EntryFile], folder: Path, replace: bool) -> None:
    """Each entry of a YAML or BibTeX file is written as `<id>.yaml`."""
    fresh = False
    for (entry, node), target in zip(file.entries, _target(file, folder)):
        old = stored[target].entries if target in stored else []
        if old and _plain(old[0][1]) == _plain(node):
            plan.unchanged.append(entry.id)
            continue
        if target in stored and not replace:
            plan.refusals.append(_taken(file, target, entry))
        plan.writes[target] = _yaml_bytes(node)
        fresh = True
    if fresh or not file.entries:
        plan.to_check.append(file)


def _given_twice(file: EntryFile, target: Path) -> Finding:
    message = f"two of the files given are named {target.name}; entries/ can hold only one"
    fix = "rename one of them"
    return Finding("Violation", file.path.name, "", "file name", "", f"{message}. Fix: {fix}", file.display, 1, "dskg:add")


def check(
    data: Path | str | None = None,
    *,
    base: Path | str | None = None,
    entries: list[Path] | None = None,
    engine: str = "rules",
    shapes_engine: str = "oxigraph",
) -> ValidationReport:
    """Validate the graph (base + user data), or only `entries` in the context of that graph.

    Each entry file is read once (exactly, so every finding has its line). Returns every finding:
    the build's problems and contradictions with the ontology too; raises only
    UnreadableInputError (a file that cannot be read at all).

    An entry whose file in the data folder's `entries/` exists already (its `<id>.yaml`, or a
    Turtle file of its name) is validated as replacing it, as `dskg add --replace` would.
    `shapes_engine`: who runs the shapes over the whole graph (validation.SHAPES_ENGINES).
    """
    added = read_entries(entries, display_root=Path(data) if data is not None else None, exact=True).files if entries else None
    if not added or data is None:
        return _report(data, base, added, engine, shapes_engine=shapes_engine)
    own = {file.path for file in added}
    stored = {t for file in added for t in _target(file, Path(data)) if t.is_file() and t not in own}
    return _report(data, base, added, engine, also=[EntryFile(t, str(t)) for t in sorted(stored)])


def _built(data: Path | str | None, base: Path | str | None, entries: list[EntryFile], engine: str) -> KnowledgeGraph | list[Finding]:
    """The graph, or what keeps it from being built as findings: the loader's problems, contradictions with the ontology."""
    try:
        return build(data, base=base, entries=entries, engine=engine)
    except InvalidDataError as exc:
        return [problem_finding(p) for p in exc.problems]
    except InconsistencyError as exc:
        return [Finding("Violation", "", "", "", "", message, shape="owl:disjointWith") for message in exc.messages]


def _focus(added: list[EntryFile], kg: KnowledgeGraph) -> set:
    """What entry files add: the ids of their records, the links their works state about records
    of others (`links:`), and the subjects of their Turtle graphs but others' records (whose
    triples there are the direct triples of the entry's links: the link nodes are judged)."""
    focus: set = {record_id for file in added for record_id in file.records.ids()}
    for work in (w for file in added for w in file.records.works if w.stated_links):
        stated = str(ID) + f"link/{work.id}/"
        focus.update(n for n in kg.data.subjects(DSKG.statedIn, ID[work.id]) if str(n).startswith(stated))
    others = kg.records.by_id() if kg.records is not None else {}
    turtle = {node for file in added if file.graph is not None for node in file.graph.subjects() if isinstance(node, URIRef)}
    return focus | {node for node in turtle if str(node)[len(str(ID)) :] not in others}


def _report(
    data: Path | str | None,
    base: Path | str | None,
    added: list[EntryFile] | None,
    engine: str,
    also=(),
    shapes_engine: str = "oxigraph",
    graph: KnowledgeGraph | None = None,
) -> ValidationReport:
    """Build with the entry files read already (`added`, and `also`: stored ones they would
    replace) and validate: all of the graph when `added` is None, else the records they add.
    `graph`: that graph, built already."""
    warnings = [problem_finding(p, "Warning") for file in added or [] for p in file.warnings]
    kg = graph if graph is not None else _built(data, base, [*also, *(added or [])], engine)
    if isinstance(kg, list):
        return ValidationReport(sorted([*kg, *warnings], key=Finding.sort_key))
    report = validate(kg, None if added is None else _focus(added, kg), shapes_engine)
    findings = _placed(report.findings, added or [])
    report.findings = sorted([*findings, *warnings, *near_duplicates(kg, added or [])], key=Finding.sort_key)
    return report


def _placed(findings: list[Finding], added: list[EntryFile]) -> list[Finding]:
    """Findings on a Turtle entry's records named with its file and line (a YAML record carries its own)."""
    where: dict[str, EntryFile] = {}
    for file in added:
        for node in set(file.graph.subjects()) if file.graph is not None else ():
            if isinstance(node, URIRef) and str(node).startswith(str(ID)):
                where.setdefault(str(node)[len(str(ID)) :], file)
    placed = []
    for finding in findings:
        if finding.file or finding.entity not in where:
            placed.append(finding)
            continue
        file = where[finding.entity]
        line = subject_line(entry_lines(file), file.graph, ID[finding.entity])
        placed.append(dataclasses.replace(finding, file=file.display, line=line))
    return placed


def add_entries(
    paths: list[Path], folder: Path, *, dry_run: bool = False, engine: str = "rules", base: Path | None = None, replace: bool = False
) -> AddResult:
    """Validate entry files against base + folder and, if no Violation, write them into the folder.

    Entries already stored with the same content are reported as unchanged. An entry whose file
    in `entries/` exists with other content is refused (a Violation) unless `replace`; either
    way it is validated as if it replaced that file. Nothing is written when any finding is a
    Violation, or on a dry run. A lock keeps two adds from interleaving. Each file, new or
    stored, is read once.

    Raises UsageError when the folder cannot be written (read-only, not ours), naming it.
    """
    folder = Path(folder)
    if not (folder / "entries").is_dir():
        raise UnreadableInputError(f"{folder}: not a dskg data folder. Fix: create it with `dskg init {folder}`.")
    for path in paths:
        if not Path(path).exists():  # a folder or a pipe is named as such by the reader
            raise UnreadableInputError(f"{path}: no such file. Fix: check the path.")
    with _locked(folder, dry_run):
        new = read_entries(list(paths), display_root=folder, exact=True).files
        stored = _stored(new, folder)
        plan = _planned(new, stored, folder, replace)
        # a stored file the new ones stand in for is left out of the build (an empty file in its place)
        also = [EntryFile(t, str(t)) if t in plan.replaced else file for t, file in stored.items()]
        graph = None if dry_run or plan.refusals else _updated(folder, base, engine, plan)
        report = _report(folder, base, plan.to_check, engine, also=also, graph=graph) if plan.to_check else ValidationReport()
        report.findings = sorted([*report.findings, *plan.refusals], key=Finding.sort_key)
        result = AddResult(report, unchanged=plan.unchanged, dry_run=dry_run)
        if report.fails("violation") or dry_run:
            return result
        result.written = _write_all(plan.writes, stored, folder)
        return result


def _updated(folder: Path, base: Path | None, engine: str, plan: _Plan) -> KnowledgeGraph | None:
    """The graph of the folder as the add would leave it, made by updating its cached build in place
    (cache.graph_with: the next command then finds it built), with the records of the new files as
    read from the files given (so findings name them and their lines); None: the add builds whole."""
    from .cache import graph_with
    from .incremental import as_given

    targets = [t for file in plan.to_check for t in _target(file, folder)]
    if not plan.to_check or any(file.graph is not None for file in plan.to_check) or any(t not in plan.writes for t in targets):
        return None  # Turtle, or a file with an entry stored already unchanged: as a full build sees them
    if not plan.writes or any(file.problems for file in plan.to_check):
        return None  # a file that cannot be read into records writes nothing: the folder's build as it is would miss its problems
    kg = graph_with(folder, base, engine, plan.writes)
    if kg is None or kg.records is None:
        return None
    return KnowledgeGraph(kg.store, as_given(kg.records, {str(t.relative_to(folder)) for t in plan.writes}, plan.to_check))


def _write_all(writes: dict[Path, bytes], stored: dict[Path, EntryFile], folder: Path) -> list[Path]:
    """Write each file atomically; if one fails, put back the ones written before it, so the
    folder is as it was (a stored file as it was read, a new one removed)."""
    written: list[Path] = []
    try:
        for target, content in writes.items():
            write_atomic(target, content)
            written.append(target)
    except OSError as exc:
        for target in reversed(written):
            with contextlib.suppress(OSError):
                if target in stored and stored[target].raw is not None:
                    write_atomic(target, stored[target].raw)
                else:
                    target.unlink()
        raise _unwritable(folder, exc) from None
    return written


def _unwritable(folder: Path, exc: OSError) -> UsageError:
    where = f": {exc.filename}" if exc.filename else ""
    if exc.errno == errno.ENAMETOOLONG:
        fix = "give the entry file a shorter name"
    else:
        fix = (
            f"make it writable (e.g. `chmod u+w {folder} {folder / 'entries'}`, or mount it read-write), "
            "or create another with `dskg init DIR` and add there"
        )
    return UsageError(f"{folder}: cannot write to this data folder ({exc.strerror or exc}{where}); nothing was added. Fix: {fix}.")


@contextlib.contextmanager
def _locked(folder: Path, dry_run: bool):
    """Hold the folder's lock; a dry run of a folder that cannot be written goes on without it (it writes nothing)."""
    lock = FileLock(str(folder / ".dskg.lock"), timeout=60)
    try:
        lock.acquire()
    except Timeout:
        raise UsageError(
            f"{folder} is locked by another `dskg add` (lock file {folder / '.dskg.lock'}). Fix: wait for it to finish."
        ) from None
    except OSError as exc:
        if not dry_run:
            raise _unwritable(folder, exc) from None
        yield
        return
    try:
        yield
    finally:
        lock.release()
