"""The stage model: stages, their bases, and every stage reference resolved as BuildKit does.

Resolution rules (moby/buildkit `dockerfile2llb/convert.go`, `instructions/commands_runmount.go`):
- `COPY --from=x`: a stage name matched case-insensitively, or a 0-based stage index; it must
  be a stage defined before the current one; anything else is an image or named context.
- `RUN --mount=...,from=x`: a stage name matched case-insensitively; a number is NOT an index.
- `FROM x`: the (ARG-expanded) name is compared with the lower-cased names of EARLIER stages
  using its exact spelling, so only a lower-case reference reaches the stage.
References written inside ONBUILD resolve in the downstream build, so they are not linked here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from msb_lsp.model.nodes import (
    CopyInstruction,
    FromInstruction,
    Instruction,
    KeyValueInstruction,
    RunInstruction,
    Word,
)
from msb_lsp.model.span import Span

if TYPE_CHECKING:
    from msb_lsp.model.dockerfile import Dockerfile


class RefKind(str, Enum):
    COPY = "copy"  # COPY/ADD --from=
    MOUNT = "mount"  # RUN --mount=...,from=
    FROM = "from"  # FROM <stage>


class RefStatus(str, Enum):
    STAGE = "stage"  # resolves to an earlier stage by name
    INDEX = "index"  # resolves to an earlier stage by number (COPY --from only)
    FORWARD = "forward"  # names a stage defined later
    SELF = "self"  # names the stage it is written in
    IMAGE = "image"  # not a stage: an image or named build context
    CASE_MISMATCH = "case-mismatch"  # FROM Build where the stage is `build`: pulls an image
    BAD_INDEX = "bad-index"  # a stage index that does not exist
    VARIABLE = "variable"  # contains a variable, which BuildKit refuses here
    EMPTY = "empty"  # `--from=` with no value


@dataclass(slots=True, eq=False)
class StageRef:
    kind: RefKind
    text: str  # the reference as the builder reads it (unquoted; ARG-expanded for FROM)
    span: Span  # the value only, e.g. `builder` in `--from=builder`
    instruction: Instruction
    stage: Stage  # the stage the reference is written in
    status: RefStatus
    target: Stage | None = None  # the stage it names, also when the order is wrong

    @property
    def resolves(self) -> bool:
        return self.status in (RefStatus.STAGE, RefStatus.INDEX)


@dataclass(slots=True, eq=False)
class Stage:
    index: int
    from_: FromInstruction
    instructions: list[Instruction] = field(default_factory=list)  # FROM included
    base_ref: StageRef | None = None
    refs: list[StageRef] = field(default_factory=list)  # references written in this stage

    @property
    def name(self) -> str | None:
        """The lower-cased name BuildKit uses, or None for an unnamed stage."""
        return self.from_.stage_name.value if self.from_.stage_name else None

    @property
    def name_word(self) -> Word | None:
        return self.from_.stage_name

    @property
    def label(self) -> str:
        """How the stage is referred to: its name, or its index."""
        return self.name if self.name is not None else str(self.index)

    @property
    def base_stage(self) -> Stage | None:
        ref = self.base_ref
        return ref.target if ref is not None and ref.resolves else None

    @property
    def base_text(self) -> str:
        """The base as written (`node:20`, `builder`, `scratch`), before ARG expansion."""
        return self.from_.image.text if self.from_.image else ""

    @property
    def span(self) -> Span:
        last = self.instructions[-1] if self.instructions else self.from_
        return Span(self.from_.span.start, last.span.end)

    @property
    def end_line(self) -> int:
        last = self.instructions[-1] if self.instructions else self.from_
        return last.end_line

    def dependencies(self) -> list[Stage]:
        """Stages this stage needs: its base stage and every stage it copies or mounts from."""
        seen: list[Stage] = []
        for ref in self.refs:
            if ref.target is not None and ref.target is not self and ref.target not in seen:
                seen.append(ref.target)
        return seen


def build_stages(df: Dockerfile) -> None:
    """Split the instructions into stages and resolve every stage reference."""
    from msb_lsp.model.variables import expand_global

    stages: list[Stage] = []
    for instr in df.instructions:
        if isinstance(instr, FromInstruction):
            stage = Stage(index=len(stages), from_=instr, instructions=[instr])
            stages.append(stage)
            instr.stage = stage
        elif stages:
            stages[-1].instructions.append(instr)
            instr.stage = stages[-1]
        elif isinstance(instr, KeyValueInstruction) and instr.kind == "ARG":
            df.global_args.append(instr)
    df.stages = stages
    by_name: dict[str, Stage] = {}
    for stage in stages:
        if stage.name is not None and stage.name not in by_name:
            by_name[stage.name] = stage
    for stage in stages:
        image = stage.from_.image
        if image is not None:
            expanded = expand_global(df, image.text)
            stage.base_ref = _resolve_from(stage, image, expanded, by_name)
            stage.refs.append(stage.base_ref)
        for instr in stage.instructions:
            if isinstance(instr, CopyInstruction):
                for flag in instr.flags_named("from"):
                    if flag.value_span is not None or flag.value is not None:
                        stage.refs.append(
                            _resolve_copy(
                                stage,
                                instr,
                                flag.value or "",
                                flag.value_span or flag.span,
                                by_name,
                                stages,
                            )
                        )
            elif isinstance(instr, RunInstruction):
                for mount in instr.mounts:
                    opt = mount.option("from")
                    if opt is not None and opt.value_span is not None:
                        stage.refs.append(
                            _resolve_mount(stage, instr, opt.value or "", opt.value_span, by_name)
                        )
    df.refs = [ref for stage in stages for ref in stage.refs]


def _resolve_copy(
    stage: Stage,
    instr: Instruction,
    value: str,
    span: Span,
    by_name: dict[str, Stage],
    stages: list[Stage],
) -> StageRef:
    ref = StageRef(RefKind.COPY, value, span, instr, stage, RefStatus.IMAGE)
    if not value:
        ref.status = RefStatus.EMPTY
    elif "$" in value:
        ref.status = RefStatus.VARIABLE
    elif value.isdigit() and value.isascii():
        index = int(value)
        if index >= len(stages):
            ref.status = RefStatus.BAD_INDEX
        else:
            ref.target = stages[index]
            ref.status = _order(ref.target, stage, RefStatus.INDEX)
    else:
        target = by_name.get(value.lower())
        if target is not None:
            ref.target = target
            ref.status = _order(target, stage, RefStatus.STAGE)
    return ref


def _resolve_mount(
    stage: Stage, instr: Instruction, value: str, span: Span, by_name: dict[str, Stage]
) -> StageRef:
    ref = StageRef(RefKind.MOUNT, value, span, instr, stage, RefStatus.IMAGE)
    if not value:
        ref.status = RefStatus.EMPTY
    elif "$" in value:
        ref.status = RefStatus.VARIABLE
    else:
        target = by_name.get(value.lower())
        if target is not None:
            ref.target = target
            ref.status = _order(target, stage, RefStatus.STAGE)
    return ref


def _resolve_from(
    stage: Stage, image: Word, expanded: str | None, by_name: dict[str, Stage]
) -> StageRef:
    name = expanded if expanded is not None else image.text
    ref = StageRef(RefKind.FROM, name, image.span, stage.from_, stage, RefStatus.IMAGE)
    if expanded is None:
        return ref  # an unresolved variable: an image chosen at build time
    target = by_name.get(name.lower())
    if target is None:
        return ref
    ref.target = target
    if target.index >= stage.index:
        ref.status = RefStatus.SELF if target is stage else RefStatus.FORWARD
    elif name != target.name:
        ref.status = RefStatus.CASE_MISMATCH
    else:
        ref.status = RefStatus.STAGE
    return ref


def _order(target: Stage, current: Stage, ok: RefStatus) -> RefStatus:
    if target is current:
        return RefStatus.SELF
    if target.index > current.index:
        return RefStatus.FORWARD
    return ok


def reachable(df: Dockerfile, target: Stage | None = None) -> set[int]:
    """Indices of the stages built for `target` (default: the final stage)."""
    start = target if target is not None else df.final_stage
    if start is None:
        return set()
    seen: set[int] = set()
    todo = [start]
    while todo:
        stage = todo.pop()
        if stage.index in seen:
            continue
        seen.add(stage.index)
        todo.extend(stage.dependencies())
    return seen


def cycles(df: Dockerfile) -> list[list[Stage]]:
    """Circular dependencies between stages (possible only through forward references).

    Iterative, so that a chain of thousands of stages cannot exhaust the Python stack.
    """
    found: list[list[Stage]] = []
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    for root in df.stages:
        if root.index in state:
            continue
        path: list[Stage] = [root]
        iters = [iter(root.dependencies())]
        state[root.index] = 1
        while iters:
            dep = next(iters[-1], None)
            if dep is None:
                iters.pop()
                state[path.pop().index] = 2
                continue
            if state.get(dep.index) == 1:
                found.append(path[path.index(dep) :])
            elif dep.index not in state:
                state[dep.index] = 1
                path.append(dep)
                iters.append(iter(dep.dependencies()))
    return found


def find_target(df: Dockerfile, target: str) -> Stage | None:
    """The stage `docker build --target` selects: names match case-insensitively."""
    return df.stage_named(target)
