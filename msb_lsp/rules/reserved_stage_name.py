"""A stage named `scratch` or `context`, names BuildKit gives a meaning of their own."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

RESERVED = ("context", "scratch")


@rule(
    code="MSB121",
    name="reserved-stage-name",
    severity=Severity.WARNING,
    category=Category.STAGES,
    summary="A stage named scratch or context",
    buildkit="ReservedStageName",
    hadolint=("DL3063",),
)
def reserved_stage_name(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `FROM ... AS scratch` and `FROM ... AS context` (in any case). `FROM scratch`
    itself, the empty base image, is fine.

    ## Why is this bad?
    `scratch` is the empty image: a stage with that name shadows it, so a later
    `FROM scratch` or `COPY --from=scratch` uses the stage instead. `context` is the name of
    the build context in named-context lookups. Either way, readers (and tools) read the
    name as the reserved thing, not the stage.

    ## Example
    ```dockerfile
    FROM alpine AS scratch
    RUN mkdir /out
    ```

    ## Use instead
    ```dockerfile
    FROM alpine AS workspace
    RUN mkdir /out
    ```
    """
    for stage in ctx.df.stages:
        if stage.name in RESERVED and stage.name_word is not None:
            yield Violation(
                stage.name_word.span,
                f'Stage name should not use the same name as reserved stage "{stage.name}"',
            )
