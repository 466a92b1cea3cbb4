"""Records made and located at speed, through pydantic's internals.

A big build makes a few hundred thousand records, and pydantic's public ways cost per field or
per record: `model_construct` walks every field's default and sets the private attributes one by
one, and assigning a private attribute runs pydantic's `__setattr__` checks
(benchmarks/README.md). Here an already-valid record is made by filling its instance
dictionaries directly, and a private attribute is written into `__pydantic_private__`.
These names are pydantic 2's internals: pyproject.toml keeps pydantic below 3.

Reference path (DSKG_REFERENCE_PATH=1): `model_construct`, plain attribute assignment and
`getattr` over the model's fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from pydantic import BaseModel

from . import enabled

ModelT = TypeVar("ModelT", bound=BaseModel)


def construct(cls: type[ModelT], fields: dict[str, Any], private: dict[str, Any]) -> ModelT:
    """`cls.model_construct(**fields)` with the private attributes `private`, for values already
    valid and every field given (in field order)."""
    if not enabled():
        model = cls.model_construct(**fields)
        for name, value in private.items():
            setattr(model, name, value)
        return model
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", set(fields))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", dict(private))
    return model


def set_private(model: BaseModel, name: str, value: Any) -> None:
    """Set a private attribute (declared with PrivateAttr) of a model, frozen or not."""
    if enabled():
        model.__pydantic_private__[name] = value
    else:
        setattr(model, name, value)


def field_values(model: BaseModel) -> Iterator[tuple[str, Any]]:
    """Each field's name and value, in field order."""
    if enabled():
        return iter(model.__dict__.items())  # a model's __dict__ holds exactly its fields (extra="forbid")
    return ((name, getattr(model, name)) for name in type(model).model_fields)
