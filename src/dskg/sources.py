"""Reads the curated YAML files into typed records, reporting every problem with file:line.

Each data file is a mapping with an optional `source:` (the work its records come from) and
one or more lists named after a kind (`barriers:`, `works:` ...), each item a record of that
kind (records.py). Files are read by the one YAML reader (yamlread.py) and each item checked
by the one validate-and-attach step (recordcheck.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import yamlread
from .errors import Problem, ProblemList, UnreadableInputError
from .recordcheck import Where, validated
from .records import KINDS, Records, Scheme


def _item(model: type, item: Any, default_source: Any) -> Any:
    """An item with the file's `source:` where it names none of its own."""
    if isinstance(item, dict) and default_source and "source" not in item and "source" in model.model_fields:
        return {**item, "source": default_source}
    return item


def _read_list(key: str, items: Any, default_source: Any, where: Where, out: Records) -> list[Problem]:
    """The records of one top-level list (`barriers:` ...) into `out`; the problems of those that are not."""
    if key not in KINDS:
        line = where.locator.line_at((key,))
        return [Problem(where.file, line, "", key, f"unknown list {key!r}", f"use one of: {', '.join(sorted(KINDS))}, scheme, source")]
    if not isinstance(items, list):
        line = where.locator.line_at((key,))
        return [
            Problem(where.file, line, "", key, f"`{key}` must be a list of records", f"write each record as `- id: ...` under `{key}:`")
        ]
    model, problems = KINDS[key], []
    for index, item in enumerate(items):
        entity = str(item.get("id", f"{key}[{index}]")) if isinstance(item, dict) else f"{key}[{index}]"
        record = validated(model, _item(model, item, default_source), Where(where.file, where.locator, (key, index)), entity)
        if isinstance(record, list):
            problems += record
        else:
            out.by_kind[key].append(record)
    return problems


def read_document(document: yamlread.Document, file: str) -> tuple[Records, list[Problem]]:
    """The records of a curated file's data, and the problems of what is not a record."""
    out, problems = Records(), []
    data, where = document.data, Where(file, document.locator)
    if data is None:
        return out, problems
    if not isinstance(data, dict):
        problems.append(
            Problem(file, 1, "", "", "a data file must be a mapping with lists such as `barriers:`", "start the file with e.g. `barriers:`")
        )
        return out, problems
    default_source = data.get("source")
    for key, items in data.items():
        if key == "source":
            continue
        if key == "scheme":
            scheme = validated(Scheme, items, Where(file, document.locator, (key,)), "scheme")
            problems += scheme if isinstance(scheme, list) else []
            out.schemes += [] if isinstance(scheme, list) else [scheme]
            continue
        problems += _read_list(key, items, default_source, where, out)
    return out, problems


def read_file(path: Path, display: str | None = None) -> tuple[Records, list[Problem]]:
    """One curated YAML file's records, and a Problem for every item that is not a valid record.

    Raises UnreadableInputError for a file that cannot be read."""
    file = display or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableInputError(f"{file}: cannot read the file ({exc}). Fix: check the path and that it is UTF-8 text.") from None
    try:
        document = yamlread.read(text, file, path)
    except yamlread.BadSyntax as exc:
        return Records(), [exc.problem]
    return read_document(document, file)


def read_folder(folder: Path) -> Records:
    """Read every `*.yaml` file of a data folder (sorted by name). Raises InvalidDataError."""
    if not folder.is_dir():
        raise UnreadableInputError(f"{folder}: not a folder of curated data. Fix: pass the path of a data/ folder.")
    records = Records(data_dir=folder)
    problems = ProblemList()
    for path in sorted(folder.glob("*.yaml")):
        read, found = read_file(path, display=f"{folder.name}/{path.name}")
        records.add(read)
        problems.items.extend(found)
    problems.raise_if_any()
    return records
