"""`COPY --from=<n>` by index: it silently points elsewhere when stages are added."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import RefKind, RefStatus
from msb_lsp.rules.base import Category, Fix, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import is_literal, stage_anchor, value_edit


@rule(
    code="MSB112",
    name="copy-from-stage-index",
    severity=Severity.INFO,
    category=Category.STAGES,
    summary="COPY --from refers to an earlier stage by its index instead of a name",
    fixable=True,
)
def copy_from_stage_index(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `COPY --from=<n>` where `<n>` is the index of an earlier stage, such as
    `COPY --from=0 /app /app`.

    ## Why is this bad?
    Indices count stages from the top of the file. Adding, removing or reordering a stage
    makes `--from=0` point at another stage without any error: the build copies the wrong
    files, or fails far from the cause. Names (`FROM ... AS build`, `--from=build`) survive
    such edits and say what is being copied. Numbers also do not work in
    `RUN --mount=from=`, so names are the one form that works everywhere.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=0 /app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=build /app /app
    ```

    ## Fix
    When the stage has a name, the fix replaces the index with it. An unnamed stage has to
    be named first.
    """
    df = ctx.df
    for ref in df.refs:
        target = ref.target
        if ref.kind is not RefKind.COPY or ref.status is not RefStatus.INDEX or target is None:
            continue
        if ref.instruction.kind == "ADD":
            continue
        related = (Related(stage_anchor(target), f"stage {target.index}"),)
        if target.name is None:
            yield Violation(
                ref.span,
                f"'--from={ref.text}' refers to stage {target.index} by its index; name the "
                "stage with 'AS <name>' and copy from the name",
                related=related,
            )
            continue
        fix = None
        if is_literal(df, ref):
            fix = Fix(f"Replace with '{target.name}'", (value_edit(df, ref.span, target.name),))
        yield Violation(
            ref.span,
            f"'--from={ref.text}' refers to stage '{target.name}' by its index; use its name",
            fix=fix,
            related=related,
        )
