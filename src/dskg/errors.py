"""Errors dskg raises, each carrying what a curator or user needs to fix the input."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from typing import Any

SHOWN_CHARS = 200
"""The most of a value a message shows: a value may be megabytes (an alias bomb's, once expanded)."""

_SHORT = reprlib.Repr()  # (Python 3.11 takes no limits as arguments)
_SHORT.maxlevel, _SHORT.maxdict, _SHORT.maxlist, _SHORT.maxstring, _SHORT.maxother = 3, 6, 6, SHOWN_CHARS, SHOWN_CHARS


def brief(value: Any) -> str:
    """`repr(value)` in at most SHOWN_CHARS characters, cut with an ellipsis; nested lists and
    mappings are cut while they are written, so a huge value costs no more than a small one."""
    text = _SHORT.repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding in the curated data: where it is, which field, what is wrong and the fix."""

    file: str
    line: int
    entity: str
    field: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        who = f" {self.entity}" if self.entity else ""
        fld = f" field '{self.field}'" if self.field else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}:{who}{fld}: {self.message}.{fix}"


class DskgError(Exception):
    """Base class; `exit_code` is what the CLI exits with (1 invalid data, 2 usage/unreadable)."""

    exit_code = 2


class InvalidDataError(DskgError):
    """The curated data (or an entry) does not hold together; lists every problem found."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnreadableInputError(DskgError):
    """A file or folder cannot be read or parsed at all."""

    exit_code = 2


class UsageError(DskgError):
    """A call was made with arguments that cannot work (unknown query, bad parameter...)."""

    exit_code = 2


class EndpointError(DskgError):
    """A SPARQL endpoint cannot be reached, refuses, or does not answer as a SPARQL server."""

    exit_code = 2

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status
        """The HTTP status that caused it, if the server answered."""


class InconsistencyError(DskgError):
    """OWL-RL reasoning found the graph contradicts the ontology (e.g. disjoint classes)."""

    exit_code = 1

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("The graph is inconsistent with the ontology:\n" + "\n".join(f"  - {m}" for m in messages))


@dataclass
class ProblemList:
    """Collects problems so a run reports every one, not only the first."""

    items: list[Problem] = field(default_factory=list)

    def add(self, *args, **kwargs) -> None:
        self.items.append(Problem(*args, **kwargs))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidDataError(self.items)
