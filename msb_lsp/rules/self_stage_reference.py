"""`COPY --from=<the stage it is in>`: a stage cannot be its own source."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import RefKind, RefStatus
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import buildkit_stage_name, stage_anchor


@rule(
    code="MSB106",
    name="self-stage-reference",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="COPY --from or RUN --mount from= names the stage it is written in",
    hadolint=("DL3023",),
)
def self_stage_reference(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `COPY --from=<stage>` and `RUN --mount=from=<stage>` inside that same stage, by name
    or by index. `FROM x AS x` is not flagged: FROM only sees earlier stages, so it pulls the
    image `x`, which is a common way to give an image a stage name.

    ## Why is this bad?
    A stage cannot read files from itself before it exists. BuildKit fails with `circular
    dependency detected on stage: build`. Files produced earlier in the same stage are
    already in its filesystem: use a plain path, or copy from the stage that made them.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app .
    COPY --from=build /out/app /usr/local/bin/app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /out/app .

    FROM gcr.io/distroless/static
    COPY --from=build /out/app /usr/local/bin/app
    ```
    """
    df = ctx.df
    for ref in df.refs:
        if ref.status is not RefStatus.SELF or ref.kind is RefKind.FROM:
            continue
        if ref.instruction.kind == "ADD":
            continue
        yield Violation(
            ref.span,
            f"circular dependency detected on stage: {buildkit_stage_name(df, ref.stage)}",
            related=(Related(stage_anchor(ref.stage), "the instruction is in this stage"),),
        )
