"""What a rule's check function receives: the parsed file plus shared, lazily computed facts.

Facts several rules need (stage scopes, reachability, the .dockerignore patterns) are
computed once per lint run here, never per rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

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
