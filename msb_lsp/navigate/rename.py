"""Renaming stages and variables: which spans change, and when a rename must be refused.

A stage rename rewrites every spelling BuildKit resolves to the stage: `AS name`,
`COPY --from=`, `RUN --mount=...,from=` and the `FROM name` lines that really name it, plus the
`--target` values written in other open files (compose, bake, scripts, workflows) when
`msb_lsp.targets` can find them. Numeric `--from=<n>` stays as it is.

New stage names must be valid *lower-case* names. BuildKit lower-cases `AS` names, so `--from`
and `--target` would still find a `Build`, but `FROM <stage>` only finds a stage spelled in
lower case: a mixed-case name would silently turn every `FROM name` into an image pull.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import RefKind, RefStatus
from msb_lsp.model.variables import BUILTIN_ARGS
from msb_lsp.navigate.index import (
    VARIABLE_NAME,
    NavIndex,
    NavSymbol,
    Occurrence,
    OccurrenceKind,
    SymbolKind,
)
from msb_lsp.navigate.targets import TargetLookupError, target_references

STAGE_NAME = re.compile(r"[a-z][a-z0-9\-_.]*")
RESERVED_STAGE_NAMES = frozenset({"scratch", "context"})


class RenameError(Exception):
    """A rename that cannot be done; the message says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Change:
    span: Span
    text: str


@dataclass(slots=True)
class RenamePlan:
    symbol: NavSymbol
    changes: list[Change] = field(default_factory=list)  # in this document
    external: dict[str, list[Change]] = field(default_factory=dict)  # uri -> changes


def line_of(span: Span) -> int:
    return span.start.line + 1


def prepare_rename(index: NavIndex, pos: Pos) -> tuple[Span, str] | None:
    """The span to edit and the current name, None when nothing renameable is there.

    Raises RenameError when the cursor is on a reference that cannot be renamed from there.
    """
    occ = index.at(pos)
    if occ is None:
        return None
    _check_renameable_here(index, occ)
    return occ.span, _current_name(index, occ)


def plan_rename(
    index: NavIndex,
    pos: Pos,
    new_name: str,
    *,
    path: Path | None = None,
    documents: Mapping[str, str] | None = None,
) -> RenamePlan | None:
    """Every change a rename at `pos` makes; None when nothing renameable is there."""
    occ = index.at(pos)
    if occ is None:
        return None
    _check_renameable_here(index, occ)
    symbol = occ.symbol
    if symbol.kind == SymbolKind.STAGE:
        return _plan_stage(index, symbol, new_name, path, documents)
    return _plan_variable(index, symbol, new_name)


def _current_name(index: NavIndex, occ: Occurrence) -> str:
    return index.df.source.text_at(occ.span)


def _check_renameable_here(index: NavIndex, occ: Occurrence) -> None:
    symbol = occ.symbol
    if occ.kind == OccurrenceKind.COPY_INDEX:
        stage = symbol.stage
        assert stage is not None
        if stage.name is None:
            raise RenameError(
                f"--from={stage.index} names stage {stage.index} by its number, and that stage "
                "has no name to rename; give it one with `AS <name>` first"
            )
        raise RenameError(
            f"--from={stage.index} names stage '{stage.name}' by its number, which a rename "
            f"does not change; rename the stage at `AS {stage.name}` (line "
            f"{line_of(symbol.anchor)})"
        )
    if not occ.literal:
        raise RenameError(
            f"line {line_of(occ.span)} names '{symbol.name}' through a build argument "
            f"({_current_name(index, occ)}); rename it at its definition"
        )


# -- stages ---------------------------------------------------------------------------------


def check_stage_name(index: NavIndex, symbol: NavSymbol, new_name: str) -> None:
    """Refuse names BuildKit would reject or that would change what the build does."""
    stage = symbol.stage
    assert stage is not None
    if new_name != new_name.lower() and STAGE_NAME.fullmatch(new_name.lower()):
        raise RenameError(
            f"'{new_name}' is not a valid stage name here: stage names must be lower-case "
            f"('{new_name.lower()}'). BuildKit lower-cases `AS` names, so `FROM {new_name}` "
            "would no longer find the stage and would pull an image instead"
        )
    if not STAGE_NAME.fullmatch(new_name):
        raise RenameError(
            f"'{new_name}' is not a valid stage name: it must start with a lower-case letter "
            "and contain only a-z, 0-9, '-', '_' and '.'"
        )
    if new_name in RESERVED_STAGE_NAMES:
        raise RenameError(f"'{new_name}' is reserved by BuildKit and cannot name a stage")
    for other in index.df.stages:
        if other is not stage and other.name == new_name:
            raise RenameError(
                f"a stage named '{new_name}' already exists (line {other.from_.start_line + 1})"
            )
    for ref in index.df.refs:
        if ref.target is not None or ref.status != RefStatus.IMAGE:
            continue
        if ref.kind == RefKind.FROM:
            captured = ref.text == new_name and ref.stage.index > stage.index
        else:
            captured = ref.text.lower() == new_name
        if captured:
            raise RenameError(
                f"'{new_name}' is used as an image or build context on line "
                f"{line_of(ref.span)}; after the rename it would name this stage instead"
            )


def _plan_stage(
    index: NavIndex,
    symbol: NavSymbol,
    new_name: str,
    path: Path | None,
    documents: Mapping[str, str] | None,
) -> RenamePlan:
    stage = symbol.stage
    assert stage is not None
    if stage.name is None:
        raise RenameError(
            f"stage {stage.index} has no name to rename; give it one with `AS <name>` first"
        )
    check_stage_name(index, symbol, new_name)
    plan = RenamePlan(symbol)
    for occ in symbol.occurrences:
        if occ.kind == OccurrenceKind.COPY_INDEX:
            continue
        if not occ.literal:
            raise RenameError(
                f"line {line_of(occ.span)} names stage '{stage.name}' through a build "
                f"argument ({index.df.source.text_at(occ.span)}); a rename would make it "
                "pull an image instead, so change that line by hand first"
            )
        if index.df.source.text_at(occ.span) != new_name:
            plan.changes.append(Change(occ.span, new_name))
    if path is not None and documents:
        try:
            found = target_references(path, stage.name, documents, strict=True)
        except TargetLookupError as exc:
            raise RenameError(
                f"could not look for --target {stage.name} in the open files ({exc}); "
                "nothing was renamed"
            ) from exc
        for uri, span in found:
            plan.external.setdefault(uri, []).append(Change(span, new_name))
    return plan


# -- variables ------------------------------------------------------------------------------


def _plan_variable(index: NavIndex, symbol: NavSymbol, new_name: str) -> RenamePlan:
    plan = RenamePlan(symbol)
    if new_name == symbol.name:
        return plan
    if not VARIABLE_NAME.fullmatch(new_name):
        raise RenameError(
            f"'{new_name}' is not a valid variable name: use letters, digits and '_', "
            "not starting with a digit"
        )
    if new_name in BUILTIN_ARGS:
        raise RenameError(f"'{new_name}' is a build argument BuildKit sets automatically")
    touched = {_stage_key(o) for o in symbol.occurrences}
    for stage in index.df.stages:  # stages built FROM a touched stage inherit its variables
        base = stage.base_stage
        if base is not None and base.index in touched:
            touched.add(stage.index)
    for other in index.variable_symbols():
        if other is symbol or other.name != new_name:
            continue
        for occ in other.occurrences:
            if _stage_key(occ) in touched:
                raise RenameError(
                    f"'{new_name}' is already a variable on line {line_of(occ.span)}; the "
                    "rename would merge the two"
                )
    for use in index.var_uses:
        key = use.stage.index if use.stage is not None else -1
        if use.name == new_name and key in touched:
            raise RenameError(
                f"'${new_name}' is already used on line {line_of(use.span)}; after the rename "
                "it would read this variable"
            )
    plan.changes = [Change(o.span, new_name) for o in symbol.occurrences]
    return plan


def _stage_key(occ: Occurrence) -> int:
    """The stage an occurrence is written in; -1 for global ARGs."""
    instr = occ.instruction
    stage = instr.stage if instr is not None else None
    return stage.index if stage is not None else -1
