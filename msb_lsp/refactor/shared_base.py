"""Introduce a shared base stage: stages that start from the same image with the same first
instructions get a common `base` stage, and each of them starts `FROM base` without those
instructions.

Offered on the FROM or the shared lines of any of those stages, when the shared part does
work worth sharing (at least one RUN, COPY or ADD; a shared WORKDIR alone is not worth a
stage). Instructions are compared as BuildKit reads them (keyword, flags and arguments,
whitespace and line continuations aside). The base stage goes right above the first of the
stages, with that stage's comments on the shared lines; `COPY --from=<n>` indices that the new
stage shifts are renumbered.
"""

from __future__ import annotations

from dataclasses import dataclass

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Instruction
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import Stage
from msb_lsp.refactor.style import EXTRACT, Refactoring, comments_above, detect, region_edit
from msb_lsp.rules.base import Edit

_WORK = frozenset({"RUN", "COPY", "ADD"})


def signature(instr: Instruction) -> tuple[str, ...]:
    return (instr.kind, *(f.raw for f in instr.flags), " ".join(instr.args_text.split()))


def _from_key(stage: Stage) -> tuple[str, ...] | None:
    image = stage.from_.image
    if image is None or "$" in image.text:
        return None
    platform = stage.from_.platform
    return (image.text, platform.raw if platform else "")


@dataclass(frozen=True, slots=True)
class Group:
    stages: list[Stage]
    shared: int  # how many instructions after FROM they share


def group_at(df: Dockerfile, line: int) -> Group | None:
    """The stages sharing a base and first instructions with the stage whose FROM or shared
    lines hold `line`."""
    here = df.stage_at_line(line)
    if here is None:
        return None
    key = _from_key(here)
    if key is None:
        return None
    members = [s for s in df.stages if _from_key(s) == key]
    if len(members) < 2:
        return None
    # The longest prefix `here` shares with at least one other member; the group is the
    # members sharing all of it.
    best: Group | None = None
    for other in members:
        if other is here:
            continue
        n = _common(here, other)
        if n == 0:
            continue
        if not any(i.kind in _WORK for i in here.instructions[1 : n + 1]):
            continue  # sharing only WORKDIR/ENV lines is not worth a stage
        group = [s for s in members if _common(here, s) >= n]
        if best is None or (len(group), n) > (len(best.stages), best.shared):
            best = Group(group, n)
    if best is None or line > here.instructions[best.shared].end_line:
        return None
    return best


def _common(a: Stage, b: Stage) -> int:
    n = 0
    for x, y in zip(a.instructions[1:], b.instructions[1:], strict=False):
        if x.kind in ("CMD", "ENTRYPOINT") or signature(x) != signature(y):
            break
        n += 1
    return n


def introduce_shared_base(df: Dockerfile, span: Span) -> Refactoring | None:
    group = group_at(df, span.start.line)
    if group is None:
        return None
    from msb_lsp.refactor.extract import renumber_edits, unique

    style = detect(df)
    stages = group.stages
    first = stages[0]
    name = unique("base", {s.name for s in df.stages if s.name})
    assert first.from_.image is not None
    platform = first.from_.platform
    base_lines = [style.from_line(first.from_.image.text, name, platform.raw if platform else "")]
    last_shared = first.instructions[group.shared]
    base_lines += df.lines[first.from_.end_line + 1 : last_shared.end_line + 1]

    edits: list[Edit] = []
    regions: list[Span] = []
    for stage in stages:
        f = stage.from_
        word = f.stage_name
        line = style.from_line(name, word.text if word is not None else None)
        end = stage.instructions[group.shared].end_line
        if stage is first:
            top = comments_above(df, f.start_line)
            above = df.lines[top : f.start_line]
            new = [*base_lines, *([""] if style.blank_between_stages else []), *above, line]
            edit = region_edit(df, top, end, new)
        else:
            edit = region_edit(df, f.start_line, end, [line])
        regions.append(Span(Pos(f.start_line, 0), Pos(end, len(df.lines[end]))))
        edits.append(edit)
    for e in renumber_edits(df, first.index, 1):
        if not any(r.start <= e.span.start and e.span.end <= r.end for r in regions):
            edits.append(e)
    labels = ", ".join(s.label for s in stages)
    count = f"{group.shared} instruction" + ("s" if group.shared > 1 else "")
    return Refactoring(
        f"Introduce a shared base stage '{name}' for stages {labels} "
        f"(FROM {first.from_.image.text} and {count})",
        EXTRACT,
        tuple(edits),
        data={"name": name, "stages": [s.index for s in stages]},
    )
