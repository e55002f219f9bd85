"""ARG and ENV scope, and variable expansion that leaves unknowns unknown.

Scope rules (BuildKit reference, "Understand how ARG and FROM interact"):
- ARGs before the first FROM are global: visible in FROM lines only. Inside a stage a global
  ARG must be redeclared (`ARG NAME`, which inherits the global default).
- A stage's ARG/ENV is in effect from the next instruction on, and is inherited by stages
  built `FROM` that stage, not by other stages. ENV wins over ARG of the same name.
- Automatic platform ARGs and the proxy ARGs need no declaration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
    vars: dict[str, VarDef] = field(default_factory=dict)

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


def expand(text: str, scope: Scope, escape: str = "\\") -> Expansion:
    """Expand `$V`, `${V}` and the `${V:-x}`/`${V:+x}` family; unknowns stay as written."""
    refs = find_vars(text, escape)
    if not refs:
        return Expansion(text, [])
    out: list[str] = []
    unknown: list[str] = []
    pos = 0
    for ref in refs:
        if ref.start < pos:
            continue  # nested inside an already handled modifier word
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
            if use_word:
                inner = expand(ref.word or "", scope, escape)
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


class StageScopes:
    """Scopes for a stage chain, computed once per stage and reused by child stages."""

    def __init__(self, df: Dockerfile) -> None:
        self.df = df
        self.globals = global_scope(df)
        self.final: dict[int, Scope] = {}

    def of(self, stage: Stage) -> list[tuple[Instruction, Scope]]:
        chain: list[Stage] = []
        seen: set[int] = set()
        current: Stage | None = stage
        while current is not None and current.index not in seen:
            seen.add(current.index)
            chain.append(current)
            current = current.base_stage
        result: list[tuple[Instruction, Scope]] = []
        scope = Scope()
        for s in reversed(chain):
            result = []
            scope = Scope(dict(scope.vars))
            for instr in s.instructions:
                result.append((instr, Scope(dict(scope.vars))))
                self._apply(scope, instr)
        return result

    def _apply(self, scope: Scope, instr: Instruction) -> None:
        if not isinstance(instr, KeyValueInstruction):
            return
        escape = self.df.escape
        if instr.kind == "ARG":
            for pair in instr.pairs:
                _declare_arg(scope, pair, instr, self.globals, "ARG", escape)
        elif instr.kind == "ENV":
            # All pairs of one ENV see the values from before the instruction.
            before = Scope(dict(scope.vars))
            for pair in instr.pairs:
                value = expand(pair.value.value, before, escape).text if pair.value else None
                scope.vars[pair.key.value] = VarDef(pair.key.value, "ENV", value, pair, instr)


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
