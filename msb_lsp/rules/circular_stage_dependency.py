"""Stages that copy or mount from each other in a circle: BuildKit refuses the Dockerfile.

This module also holds the stage graph as BuildKit builds it, which the reference rules share.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.stages import RefKind, RefStatus, Stage, StageRef
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import buildkit_stage_name


def copy_edges(stage: Stage) -> list[StageRef]:
    """The COPY --from and --mount from= references of a stage that name another stage.

    These are BuildKit's dependencies (`dispatchState.deps`), the only edges its cycle check
    follows; a FROM can only name an earlier stage, so it never closes a circle.
    """
    return [
        ref
        for ref in stage.refs
        if ref.kind is not RefKind.FROM
        and ref.instruction.kind != "ADD"
        and ref.target is not None
        and ref.target is not stage
    ]


_VARIABLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")


def build_edges(stage: Stage) -> list[StageRef]:
    """Everything building `stage` builds first: its copy edges and a FROM of an earlier stage.

    A FROM of a later stage or a wrongly cased name is an image pull, not an edge.
    """
    edges = copy_edges(stage)
    base = stage.base_ref
    if base is not None and base.status is RefStatus.STAGE and base.target is not None:
        edges.append(base)
    return edges


def possible_bases(df: Dockerfile, stage: Stage) -> list[Stage]:
    """Earlier stages a FROM with a variable can select (`FROM binaries-$TARGETOS`): build
    arguments decide at build time, so every stage whose name fits the pattern may be used."""
    text = stage.base_text
    if "$" not in text:
        return []
    parts = _VARIABLE.split(text)
    if len(parts) == 1:
        return []
    pattern = re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL)
    return [
        s
        for s in df.stages[: stage.index]
        if s.name is not None and pattern.fullmatch(s.name) is not None
    ]


def reference_cycles(df: Dockerfile) -> list[list[StageRef]]:
    """Each circle of copy edges, as the references that form it (one per back edge found)."""
    found: list[list[StageRef]] = []
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    for root in df.stages:
        if root.index in state:
            continue
        # Iterative depth-first search: a long chain of stages must not exhaust the stack.
        path: list[StageRef] = []
        on_path: list[Stage] = [root]
        iters = [iter(copy_edges(root))]
        state[root.index] = 1
        while iters:
            ref = next(iters[-1], None)
            if ref is None:
                iters.pop()
                state[on_path.pop().index] = 2
                if path:
                    path.pop()
                continue
            target = ref.target
            assert target is not None
            if state.get(target.index) == 1:
                start = on_path.index(target)
                found.append([*path[start:], ref])
            elif target.index not in state:
                state[target.index] = 1
                on_path.append(target)
                path.append(ref)
                iters.append(iter(copy_edges(target)))
    return found


def closing_ref(cycle: list[StageRef]) -> StageRef:
    """The reference to report a circle at: the first one that points forward, because a
    circle needs one and that one cannot work anyway."""
    forward = [r for r in cycle if r.target is not None and r.target.index > r.stage.index]
    return min(forward or cycle, key=lambda r: r.span.start)


def closing_refs(df: Dockerfile) -> list[tuple[StageRef, list[StageRef]]]:
    """One (closing reference, circle) per distinct closing reference."""
    out: list[tuple[StageRef, list[StageRef]]] = []
    seen: set[int] = set()
    for cycle in reference_cycles(df):
        ref = closing_ref(cycle)
        if id(ref) not in seen:
            seen.add(id(ref))
            out.append((ref, cycle))
    return out


def _describe(df: Dockerfile, ref: StageRef) -> str:
    verb = "mounts" if ref.kind is RefKind.MOUNT else "copies"
    target = ref.target
    assert target is not None
    return f"stage '{ref.stage.label}' {verb} from stage '{target.label}' here"


@rule(
    code="MSB107",
    name="circular-stage-dependency",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="Stages that copy or mount from each other in a circle",
)
def circular_stage_dependency(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a circle of stages that need each other through `COPY --from` or
    `RUN --mount=from=`: stage `a` copies from `b` and `b` copies from `a`, directly or through
    other stages. One finding per circle, at the reference that points to a later stage (a
    circle always has one), with the other references as related information. A stage that
    copies from itself is `self-stage-reference`.

    ## Why is this bad?
    BuildKit checks the stage graph before building anything and fails with
    `circular dependency detected on stage: a`. No order of the stages can satisfy a circle:
    one of the copies has to come from somewhere else.

    ## Example
    ```dockerfile
    FROM alpine AS a
    COPY --from=b /b.txt /

    FROM alpine AS b
    COPY --from=a /a.txt /
    ```

    ## Use instead
    ```dockerfile
    FROM alpine AS a
    RUN echo a > /a.txt

    FROM alpine AS b
    COPY --from=a /a.txt /
    ```
    """
    df = ctx.df
    for ref, cycle in closing_refs(df):
        first = min((r.stage for r in cycle), key=lambda s: s.index)
        yield Violation(
            ref.span,
            f"circular dependency detected on stage: {buildkit_stage_name(df, first)}",
            related=tuple(Related(r.span, _describe(df, r)) for r in cycle if r is not ref),
        )
