"""What a rule's check function receives: the parsed file plus shared, lazily computed facts.

Facts several rules need (stage scopes, reachability, the .dockerignore patterns) are
computed once per lint run here, never per rule.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Instruction
from msb_lsp.model.stages import Stage, cycles, reachable
from msb_lsp.model.variables import Scope, StageScopes


@dataclass
class LintOptions:
    """Inputs beyond the text: where the file lives and how the build is set up."""

    path: Path | None = None  # the Dockerfile on disk, if any
    context_dir: Path | None = None  # build context (default: the Dockerfile's folder)
    dockerignore: Path | None = None  # explicit .dockerignore file
    targets: tuple[str, ...] = ()  # build targets known from elsewhere (compose, bake, ...)


@dataclass
class RuleContext:
    df: Dockerfile
    options: LintOptions = field(default_factory=LintOptions)

    @cached_property
    def memo(self) -> dict[Hashable, Any]:
        """Facts helper modules derive once per lint run (base images, runtime stages),
        keyed by the helper's own tuple keys."""
        return {}

    @cached_property
    def _scopes(self) -> StageScopes:
        return StageScopes(self.df)

    @cached_property
    def _scope_cache(self) -> dict[int, list[tuple[Instruction, Scope]]]:
        return {}

    def stage_scopes(self, stage: Stage) -> list[tuple[Instruction, Scope]]:
        """The scope in effect at each instruction of the stage (computed once per stage)."""
        found = self._scope_cache.get(stage.index)
        if found is None:
            found = self._scope_cache[stage.index] = self._scopes.of(stage)
        return found

    @cached_property
    def _scope_index(self) -> dict[int, dict[int, Scope]]:
        return {}

    def scope_before(self, instr: Instruction) -> Scope | None:
        """The scope in effect when `instr` runs (None outside a stage): one lookup, where
        searching `stage_scopes()` for every instruction would be quadratic."""
        stage = instr.stage
        if stage is None:
            return None
        index = self._scope_index.get(stage.index)
        if index is None:
            index = {id(i): scope for i, scope in self.stage_scopes(stage)}
            self._scope_index[stage.index] = index
        return index.get(id(instr))

    @cached_property
    def _chain_runs(self) -> dict[str, dict[int, bool]]:
        return {}

    def base_chain_runs(self, stage: Stage, kind: str) -> bool:
        """Whether a base stage of `stage` (the stages it is built `FROM` in this file, not
        the stage itself) runs an instruction of `kind`. Known once per stage and kind, so a
        chain of n stages costs O(n) in total, not O(n²)."""
        memo = self._chain_runs.setdefault(kind, {})  # stage -> it or a base of it runs kind
        pending: list[Stage] = []
        seen = {stage.index}
        found = False
        current = stage.base_stage
        while current is not None:
            known = memo.get(current.index)
            if known is not None:
                found = known
                break
            if current.index in seen:
                break  # a cycle (bases are earlier stages, so only a broken model has one)
            seen.add(current.index)
            pending.append(current)
            current = current.base_stage
        for base in reversed(pending):
            found = found or any(instr.kind == kind for instr in base.instructions)
            memo[base.index] = found
        return found

    @cached_property
    def typo_cache(self) -> dict[int, list[Stage]]:
        """Did-you-mean stages per stage reference (by id), shared by the rules asking."""
        return {}

    @cached_property
    def first_named_by_name(self) -> dict[str, Stage]:
        """Each stage name and the first stage of that name, in file order."""
        seen: dict[str, Stage] = {}
        for stage in self.df.stages:
            if stage.name is not None and stage.name not in seen:
                seen[stage.name] = stage
        return seen

    @cached_property
    def first_named_stages(self) -> list[Stage]:
        """The first stage of each name, in file order (what earlier references can name)."""
        return list(self.first_named_by_name.values())

    @cached_property
    def first_stage_names(self) -> list[str]:
        """The names of `first_named_stages`, in the same order."""
        return list(self.first_named_by_name)

    @cached_property
    def _roots(self) -> dict[int, Stage]:
        return {}

    def chain_root(self, stage: Stage) -> Stage:
        """The first stage of `stage`'s `FROM` chain in this file (`stage` itself when it is
        built on an image); known once per stage."""
        pending: list[Stage] = []
        seen: set[int] = set()
        current = stage
        root = self._roots.get(current.index)
        while root is None:
            seen.add(current.index)
            pending.append(current)
            base = current.base_stage
            if base is None or base.index in seen:
                root = current
                break
            current = base
            root = self._roots.get(current.index)
        for s in pending:
            self._roots[s.index] = root
        return root

    @cached_property
    def global_scope(self) -> Scope:
        return self._scopes.globals

    @cached_property
    def reachable_from_final(self) -> set[int]:
        return reachable(self.df)

    @cached_property
    def cycles(self) -> list[list[Stage]]:
        return cycles(self.df)

    def text(self, instr: Instruction) -> str:
        return self.df.source.text_at(instr.span)

    @cached_property
    def build_context(self) -> Path | None:
        if self.options.context_dir is not None:
            return self.options.context_dir
        if self.options.path is not None:
            return self.options.path.parent
        return None
