"""Finds the files dskg ships (ontology, shapes, queries, data, JSON schemas) in a wheel or a source checkout.

In a wheel they live in the package under `_data/`; in a source checkout they are the
top-level folders of the repository. This module is the only place that knows either layout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

FOLDERS = ("ontology", "shapes", "queries", "data", "schemas")


def _root() -> Path:
    packaged = Path(str(resources.files("dskg"))) / "_data"
    if packaged.is_dir():
        return packaged
    checkout = Path(str(resources.files("dskg"))).parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        "dskg's data files are missing: neither the package's _data/ folder nor a source "
        "checkout's ontology/ folder was found. Reinstall dskg."
    )


def folder(name: str) -> Path:
    """Path of one shipped folder: 'ontology', 'shapes', 'queries', 'data' or 'schemas'."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}; expected one of {FOLDERS}")
    return _root() / name


def ontology_file() -> Path:
    return folder("ontology") / "dskg.ttl"


def data_dir() -> Path:
    return folder("data")


def queries_dir() -> Path:
    return folder("queries")


def shapes_dir() -> Path:
    return folder("shapes")


def schemas_dir() -> Path:
    """The JSON Schemas of dskg's JSON outputs (diff.schema.json)."""
    return folder("schemas")
