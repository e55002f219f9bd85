"""The parsed document: instructions, directives, comments, problems, and the stage model."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from msb_lsp.model.nodes import (
    Comment,
    Directive,
    Instruction,
    KeyValueInstruction,
    OnbuildInstruction,
    Problem,
)
from msb_lsp.model.source import Source
from msb_lsp.model.span import Pos

if TYPE_CHECKING:
    from msb_lsp.model.stages import Stage, StageRef


@dataclass(slots=True, eq=False)
class Dockerfile:
    source: Source
    escape: str
    directives: list[Directive]
    comments: list[Comment]
    instructions: list[Instruction]
    problems: list[Problem]
    stages: list[Stage] = field(default_factory=list)
    global_args: list[KeyValueInstruction] = field(default_factory=list)
    refs: list[StageRef] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        from msb_lsp.model.stages import build_stages

        self._starts = [i.start_line for i in self.instructions]
        build_stages(self)

    def release(self, keep: set[int] | frozenset[int] = frozenset()) -> None:
        """Break this dead model's reference cycles (instruction <-> stage), so that plain
        reference counting frees it at once rather than the cycle collector much later: a
        server that parses on every keystroke would otherwise hold many dead models.
        Instructions whose id is in `keep` live on in a newer model and are left alone."""
        for instr in self.instructions:
            if id(instr) not in keep:
                instr.stage = None
                trigger = getattr(instr, "trigger", None)
                if trigger is not None:
                    trigger.stage = None
        for stage in self.stages:
            stage.instructions = []
            stage.refs = []
            stage.base_ref = None
        self.stages = []
        self.refs = []

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def lines(self) -> list[str]:
        return self.source.lines

    def directive(self, name: str) -> Directive | None:
        for d in self.directives:
            if d.name == name:
                return d
        return None

    def walk(self) -> Iterator[Instruction]:
        """Every instruction, including the triggers wrapped by ONBUILD."""
        for instr in self.instructions:
            yield instr
            if isinstance(instr, OnbuildInstruction) and instr.trigger is not None:
                yield instr.trigger

    def instruction_starting_at(self, line: int) -> Instruction | None:
        i = bisect.bisect_left(self._starts, line)
        if i < len(self._starts) and self._starts[i] == line:
            return self.instructions[i]
        return None

    def instruction_at_line(self, line: int) -> Instruction | None:
        """The top-level instruction whose lines include `line`."""
        i = bisect.bisect_right(self._starts, line) - 1
        if i < 0:
            return None
        instr = self.instructions[i]
        return instr if instr.start_line <= line <= instr.end_line else None

    def instruction_at(self, pos: Pos) -> Instruction | None:
        """The innermost instruction at `pos` (an ONBUILD trigger when inside one)."""
        instr = self.instruction_at_line(pos.line)
        trigger = instr.trigger if isinstance(instr, OnbuildInstruction) else None
        if trigger is not None and trigger.span.contains(pos):
            return trigger
        return instr

    def stage_at_line(self, line: int) -> Stage | None:
        """The stage that a line belongs to (from its FROM to the line before the next)."""
        found = None
        for stage in self.stages:
            if stage.from_.start_line <= line:
                found = stage
            else:
                break
        return found

    def stage_named(self, name: str) -> Stage | None:
        """The first stage with that name, matched case-insensitively like COPY --from."""
        lowered = name.lower()
        for stage in self.stages:
            if stage.name == lowered:
                return stage
        return None

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None
