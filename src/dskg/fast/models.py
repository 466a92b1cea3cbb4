"""Records made and located at speed, through pydantic's internals.

A big build makes a few hundred thousand records, and pydantic's public ways cost per field or
per record: `model_construct` walks every field's default and sets the private attributes one by
one, and assigning a private attribute runs pydantic's `__setattr__` checks
(benchmarks/README.md). Here an already-valid record is made by filling its instance
dictionaries directly, and a private attribute is written into `__pydantic_private__`.
These names are pydantic 2's internals: pyproject.toml keeps pydantic below 3.

Reference path (DSKG_REFERENCE_PATH=1): `model_construct`, plain attribute assignment and
`getattr` over the model's fields.

Callers take `shortcuts()` once for a batch of records: reading the switch costs more than
making a record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from . import enabled

ModelT = TypeVar("ModelT", bound=BaseModel)


def _construct(cls: type[ModelT], fields: dict[str, Any], private: dict[str, Any]) -> ModelT:
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", set(fields))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", private)
    return model


def _set_private(model: BaseModel, name: str, value: Any) -> None:
    model.__pydantic_private__[name] = value


def _private(model: BaseModel, name: str) -> Any:
    return model.__pydantic_private__[name]


def _field_values(model: BaseModel) -> Iterable[tuple[str, Any]]:
    return model.__dict__.items()  # a model's __dict__ holds exactly its fields (extra="forbid")


def _construct_reference(cls: type[ModelT], fields: dict[str, Any], private: dict[str, Any]) -> ModelT:
    model = cls.model_construct(**fields)
    for name, value in private.items():
        setattr(model, name, value)
    return model


def _field_values_reference(model: BaseModel) -> Iterable[tuple[str, Any]]:
    return ((name, getattr(model, name)) for name in type(model).model_fields)


@dataclass(frozen=True)
class Shortcuts:
    """How records are made and located on one path."""

    construct: Callable[[type[ModelT], dict[str, Any], dict[str, Any]], ModelT]
    """`cls.model_construct(**fields)` with private attributes (a dict the model keeps), for values
    already valid and every field given in field order."""
    private: Callable[[BaseModel, str], Any]
    """A private attribute's value (pydantic's own `__getattr__` looks for it first among fields)."""
    set_private: Callable[[BaseModel, str, Any], None]
    """Set a private attribute (declared with PrivateAttr) of a model, frozen or not."""
    field_values: Callable[[BaseModel], Iterable[tuple[str, Any]]]
    """Each field's name and value, in field order."""


FAST = Shortcuts(_construct, _private, _set_private, _field_values)
REFERENCE = Shortcuts(_construct_reference, getattr, setattr, _field_values_reference)


def shortcuts() -> Shortcuts:
    """The fast path's ways, or the reference path's (DSKG_REFERENCE_PATH)."""
    return FAST if enabled() else REFERENCE
