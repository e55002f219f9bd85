"""ARG and ENV scope, and variable expansion that leaves unknowns unknown.

Scope rules (BuildKit reference, "Understand how ARG and FROM interact"):
- ARGs before the first FROM are global: visible in FROM lines only. Inside a stage a global
  ARG must be redeclared (`ARG NAME`, which inherits the global default).
- A stage's ARG/ENV is in effect from the next instruction on, and is inherited by stages
  built `FROM` that stage, not by other stages. ENV wins over ARG of the same name.
- Automatic platform ARGs and the proxy ARGs need no declaration.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from msb_lsp.model.nodes import Instruction, KeyValue, KeyValueInstruction
from msb_lsp.model.varrefs import find_vars

if TYPE_CHECKING:
    from msb_lsp.model.dockerfile import Dockerfile
    from msb_lsp.model.stages import Stage

PLATFORM_ARGS = (
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
)
PROXY_ARGS = tuple(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
    for name in (base, base.lower())
)
BUILTIN_ARGS = frozenset(PLATFORM_ARGS + PROXY_ARGS)


@dataclass(slots=True, eq=False)
class VarDef:
    """Where a variable in scope was defined."""

    name: str
    kind: str  # "ARG", "ENV", "global ARG" or "builtin"
    value: str | None  # the expanded default or value; None when unknown
    pair: KeyValue | None = None
    instruction: Instruction | None = None


@dataclass(slots=True)
class Scope:
    """Variables in effect. `vars` is a dict, or for stage scopes a read-only view of the
    stage chain's history (see `StageScopes`)."""

    vars: MutableMapping[str, VarDef] = field(default_factory=dict)

    def lookup(self, name: str) -> VarDef | None:
        found = self.vars.get(name)
        if found is None and name in BUILTIN_ARGS:
            return VarDef(name, "builtin", None)
        return found

    def names(self) -> list[str]:
        return list(self.vars)


@dataclass(slots=True)
class Expansion:
    text: str  # the expanded text; unknown references are kept as written
    unknown: list[str]  # names that could not be resolved

    @property
    def complete(self) -> bool:
        return not self.unknown


# `${A:-${B:-...}}` deeper than this is left as written (unknown): no real file nests more than
# a few levels, and each level scans its word again.
MAX_EXPANSION_DEPTH = 32


def expand(text: str, scope: Scope, escape: str = "\\", _depth: int = 0) -> Expansion:
    """Expand `$V`, `${V}` and the `${V:-x}`/`${V:+x}` family; unknowns stay as written."""
    refs = find_vars(text, escape, nested=False)  # a word is expanded on its own
    if not refs:
        return Expansion(text, [])
    out: list[str] = []
    unknown: list[str] = []
    pos = 0
    for ref in refs:
        out.append(text[pos : ref.start])
        pos = ref.end
        definition = scope.lookup(ref.name)
        value = definition.value if definition is not None else None
        mod = ref.modifier
        if definition is not None and value is None:
            # Declared but set only at build time (`ARG V`, built-in ARGs): unknown.
            unknown.append(ref.name)
            out.append(text[ref.start : ref.end])
            continue
        if mod in (":-", "-", ":+", "+"):
            is_set = definition is not None
            empty = is_set and value == ""
            use_word = (
                (not is_set or (mod == ":-" and empty))
                if mod in (":-", "-")
                else (is_set and not (mod == ":+" and empty))
            )
            if use_word and _depth >= MAX_EXPANSION_DEPTH:
                unknown.append(ref.name)
                out.append(text[ref.start : ref.end])
            elif use_word:
                inner = expand(ref.word or "", scope, escape, _depth + 1)
                unknown.extend(inner.unknown)
                out.append(inner.text)
            else:
                out.append(value or "" if mod in (":-", "-") else "")
        elif definition is not None and mod is None:
            out.append(value or "")
        else:
            unknown.append(ref.name)
            out.append(text[ref.start : ref.end])
    out.append(text[pos:])
    return Expansion("".join(out), unknown)


def global_scope(df: Dockerfile) -> Scope:
    """The global ARGs (before the first FROM), each expanded with the ones above it."""
    scope = Scope()
    for instr in df.global_args:
        for pair in instr.pairs:
            _declare_arg(scope, pair, instr, scope, "global ARG", df.escape)
    return scope


def expand_global(df: Dockerfile, text: str) -> str | None:
    """A FROM argument expanded with the global ARG defaults; None if anything is unknown."""
    if "$" not in text:
        return text
    result = expand(text, global_scope(df), df.escape)
    return result.text if result.complete else None


def _declare_arg(
    scope: Scope, pair: KeyValue, instr: Instruction, globals_: Scope, kind: str, escape: str
) -> None:
    name = pair.key.value
    existing = scope.vars.get(name)
    if existing is not None and existing.kind == "ENV":
        return  # ENV wins over ARG of the same name
    if pair.value is not None:
        value: str | None = expand(pair.value.value, scope, escape).text
    else:
        inherited = globals_.vars.get(name)
        value = inherited.value if inherited is not None else None
    scope.vars[name] = VarDef(name, kind, value, pair, instr)


def stage_scopes(df: Dockerfile, stage: Stage) -> list[tuple[Instruction, Scope]]:
    """For each instruction of the stage, the scope in effect when it runs."""
    return StageScopes(df).of(stage)


V = TypeVar("V")


class History(Generic[V]):
    """The ARG/ENV definitions of a run of stages (a stage, then one stage built on it, ...),
    each stamped with the position of its instruction in the run. A scope is a view of the
    history at one position, so a stage of n instructions and v variables costs O(n + v)
    memory instead of a copy of every variable per instruction (O(n·v)).

    The run continues into the stage built on its last stage that has the most stages built
    on it in turn; every other stage built there starts a new history whose `parent` is a view
    of this one where it ended. A lookup therefore crosses O(log n) histories."""

    __slots__ = ("changes", "end", "first", "names", "parent", "stamps")

    def __init__(self, parent: ScopeView[V] | None) -> None:
        self.parent = parent
        self.changes: dict[str, list[V]] = {}  # name -> its definitions, oldest first
        self.stamps: dict[str, list[int]] = {}  # name -> the position of each definition
        self.names: list[str] = []  # names not seen in `parent`, in first-definition order
        self.first: list[int] = []  # the position where each of `names` was first defined
        self.end = 0  # the position after the last instruction applied

    def live(self) -> ScopeView[V]:
        """The view that sees everything so far and takes new definitions."""
        return ScopeView(self, None)

    def at(self, position: int) -> ScopeView[V]:
        """The read-only view of the definitions made before `position`."""
        return ScopeView(self, position)


class ScopeView(MutableMapping[str, V]):
    """The variables of a history as they were before position `at`, in dict order (the
    order of first definition along the chain). Only the live view (`at` None: everything
    applied so far) may be written to, and only while its stage is being computed."""

    __slots__ = ("at", "history")

    def __init__(self, history: History[V], at: int | None) -> None:
        self.history = history
        self.at = at

    def _levels(self) -> list[tuple[History[V], int]]:
        """(history, how many of its names are visible), from the chain's root down."""
        levels: list[tuple[History[V], int]] = []
        view: ScopeView[V] | None = self
        while view is not None:
            history = view.history
            count = len(history.names) if view.at is None else bisect_left(history.first, view.at)
            levels.append((history, count))
            view = history.parent
        levels.reverse()
        return levels

    def get(self, name: str, default: V | None = None) -> V | None:  # type: ignore[override]
        view: ScopeView[V] | None = self
        while view is not None:
            history = view.history
            stamps = history.stamps.get(name)
            if stamps:
                i = len(stamps) if view.at is None else bisect_left(stamps, view.at)
                if i:
                    return history.changes[name][i - 1]
            view = history.parent
        return default

    def __getitem__(self, name: str) -> V:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[str]:
        for history, count in self._levels():
            yield from history.names[:count]

    def __len__(self) -> int:
        return sum(count for _, count in self._levels())

    def __setitem__(self, name: str, value: V) -> None:
        history = self.history
        if self.at is not None:
            raise TypeError("a stage scope is read-only")
        if name not in history.stamps and (history.parent is None or name not in history.parent):
            history.names.append(name)
            history.first.append(history.end)
        history.changes.setdefault(name, []).append(value)
        history.stamps.setdefault(name, []).append(history.end)

    def __delitem__(self, name: str) -> None:
        raise TypeError("variables are never removed from a scope")

    def __repr__(self) -> str:
        return f"ScopeView({dict(self.items())!r})"


class StageScopes:
    """Scopes for the stages of a file, computed once per stage and continued by the stages
    built on it (a chain of n stages costs O(n), not O(n²)). The scopes of a stage are views
    of a shared history (see `History`): treat them as read-only."""

    def __init__(self, df: Dockerfile) -> None:
        self.df = df
        self.globals = global_scope(df)
        self.final: dict[int, Scope] = {}  # the scope at the end of each stage computed
        self._scopes: dict[int, list[tuple[Instruction, Scope]]] = {}
        self._tree: ScopeTree[VarDef] = ScopeTree(df)

    def of(self, stage: Stage) -> list[tuple[Instruction, Scope]]:
        """The scope before each instruction of `stage`."""
        chain: list[Stage] = []  # the stage and the bases not computed yet, nearest first
        seen: set[int] = set()
        current: Stage | None = stage
        while current is not None and current.index not in self._scopes:
            if current.index in seen:
                break  # a cycle (bases are earlier stages, so only a broken model has one)
            seen.add(current.index)
            chain.append(current)
            current = current.base_stage
        for s in reversed(chain):
            self._compute(s)
        return list(self._scopes[stage.index])

    def _compute(self, stage: Stage) -> None:
        history = self._tree.open(stage)
        live = Scope(history.live())
        before = Scope(history.at(history.end))
        result: list[tuple[Instruction, Scope]] = []
        for instr in stage.instructions:
            result.append((instr, before))
            changed = isinstance(instr, KeyValueInstruction) and instr.kind in ("ARG", "ENV")
            if changed:
                self._apply(live, instr, before)
            history.end += 1
            if changed:
                before = Scope(history.at(history.end))
        self._tree.close(stage, history)
        self._scopes[stage.index] = result
        self.final[stage.index] = before

    def _apply(self, scope: Scope, instr: Instruction, before: Scope) -> None:
        if not isinstance(instr, KeyValueInstruction):
            return
        escape = self.df.escape
        if instr.kind == "ARG":
            for pair in instr.pairs:
                _declare_arg(scope, pair, instr, self.globals, "ARG", escape)
        elif instr.kind == "ENV":
            # All pairs of one ENV see the values from before the instruction.
            for pair in instr.pairs:
                value = expand(pair.value.value, before, escape).text if pair.value else None
                scope.vars[pair.key.value] = VarDef(pair.key.value, "ENV", value, pair, instr)


class ScopeTree(Generic[V]):
    """Scopes (name -> value) of the stages of a file, each starting from the scope its base
    stage ended with, sharing memory along stage chains (see `History`): open a stage (its
    base's first), define in `history.live()`, advance `history.end` past each instruction,
    close it."""

    def __init__(self, df: Dockerfile) -> None:
        self._ends: dict[int, tuple[History[V], int]] = {}  # stage -> its history, its end
        self._heir = _heirs(df)  # stage -> the stage built on it that continues its history

    def open(self, stage: Stage) -> History[V]:
        """The history `stage` writes to: its base's (continued, or seen as it ended)."""
        base = stage.base_stage
        run = self._ends.get(base.index) if base is not None else None
        if base is None or run is None:
            return History(None)  # built on an image (or a base not opened before)
        history, end = run
        if self._heir.get(base.index) is stage and history.end == end:
            return history
        return History(history.at(end))

    def close(self, stage: Stage, history: History[V]) -> None:
        self._ends[stage.index] = (history, history.end)


def _heirs(df: Dockerfile) -> dict[int, Stage]:
    """For each stage with stages built on it, the one with the most stages built on it in
    turn (heavy-path decomposition: any chain crosses O(log n) light edges)."""
    size = [1] * len(df.stages)
    heir: dict[int, Stage] = {}
    for stage in reversed(df.stages):
        base = stage.base_stage
        if base is None or not 0 <= base.index < stage.index:
            continue
        size[base.index] += size[stage.index]
        best = heir.get(base.index)
        if best is None or size[stage.index] >= size[best.index]:
            heir[base.index] = stage  # ties: the earliest stage (this loop goes backwards)
    return heir


def scope_at(df: Dockerfile, instr: Instruction) -> Scope:
    """The variables visible to `instr`: global ARGs for FROM and global ARG lines,
    otherwise the stage's scope (its chain of ARG/ENV up to the instruction)."""
    stage = instr.stage
    if stage is None or instr is stage.from_:
        return global_scope(df)
    target = instr.parent if instr.parent is not None else instr
    for candidate, scope in stage_scopes(df, stage):
        if candidate is target:
            return scope
    return Scope()
