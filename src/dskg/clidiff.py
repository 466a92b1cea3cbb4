"""`dskg diff`: what changed between two versions of the data, in the domain's terms."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .cliopts import BaseOption
from .errors import UsageError

FORMATS = ("text", "md", "json")  # difftext.FORMATS, named here so `--help` loads no rdflib


def diff(
    old: Annotated[
        str | None, typer.Argument(metavar="OLD", help="Data folder or exported .ttl/.trig/.nt file (with --git: leave out).")
    ] = None,
    new: Annotated[str | None, typer.Argument(metavar="NEW", help="Data folder or exported .ttl/.trig/.nt file.")] = None,
    git: Annotated[
        str | None,
        typer.Option("--git", metavar="REV[:PATH]", help="The old side is PATH (default: NEW's path) at git revision REV, e.g. main:data."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, md (a pull-request comment) or json (schemas/diff.schema.json).")
    ] = "text",
    base: BaseOption = None,
) -> None:
    """Compare two versions of the data: records, claims, links (basis, stance, quotes), matches, statistics; labels in zh and en.

    Each side is a data folder (from `dskg init`, or one like data/), a `dskg export -f turtle|trig|nt` file, or --git REV[:PATH].

    Only asserted data counts: TriG keeps the inferred graph apart; a Turtle export made with --inferred mixes it in.

    Exit 0 when equal, 1 when they differ, 2 on bad input.

    Example: dskg diff --git main:data data --format md
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    sides = [side for side in (old, new) if side is not None]
    if git is None and len(sides) != 2:
        raise UsageError("give two sides to compare: dskg diff OLD NEW (or dskg diff --git REV[:PATH] NEW)")
    if git is not None and len(sides) > 1:
        raise UsageError(f"--git {git} is the old side: give only the new one (dskg diff --git {git} NEW)")
    from . import diff as diffs
    from .diffdomain import interpret
    from .diffgit import git_side
    from .difftext import render
    from .terminal import err

    with err.status("comparing...", spinner="dots"):
        if git is not None:
            new_side = sides[0] if sides else None
            with git_side(git, new_side) as (path, name, worktree):
                new_path = Path(new_side) if new_side is not None else worktree
                changes = interpret(diffs.compare_paths(path, new_path, base=base, old_name=name))
        else:
            changes = interpret(diffs.compare_paths(Path(sides[0]), Path(sides[1]), base=base))
    sys.stdout.write(render(changes, fmt))
    raise typer.Exit(0 if changes.equal else 1)
