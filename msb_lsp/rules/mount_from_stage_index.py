"""`RUN --mount=from=<n>`: a number there is an image name, not a stage index."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import RefKind, RefStatus
from msb_lsp.rules.base import Category, Fix, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import (
    is_literal,
    pulled_image,
    stage_anchor,
    value_edit,
)


@rule(
    code="MSB109",
    name="mount-from-stage-index",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="RUN --mount from= uses a stage index, which BuildKit reads as an image name",
    fixable=True,
)
def mount_from_stage_index(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `RUN --mount=...,from=<n>` where `<n>` is a number, such as `from=0`.

    ## Why is this bad?
    Unlike `COPY --from`, `--mount from=` does not read numbers as stage indices: BuildKit
    pulls an image called `0` (`docker.io/library/0:latest`), and the build fails with a
    registry error that does not explain why.

    ## Example
    ```dockerfile
    FROM node:20 AS deps
    RUN npm ci

    FROM node:20
    RUN --mount=type=bind,from=0,source=/node_modules,target=/app/node_modules npm test
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS deps
    RUN npm ci

    FROM node:20
    RUN --mount=type=bind,from=deps,source=/node_modules,target=/app/node_modules npm test
    ```

    ## Fix
    When the number is the index of a named, earlier stage, the fix replaces it with the
    stage's name. An unnamed stage has to be named first.
    """
    df = ctx.df
    for ref in df.refs:
        if ref.kind is not RefKind.MOUNT or ref.status is not RefStatus.IMAGE:
            continue
        if not (ref.text.isascii() and ref.text.isdigit()):
            continue
        image = pulled_image(ref.text) or ref.text
        message = f"'{ref.text}' is not a stage index here: BuildKit mounts the image '{image}'"
        index = int(ref.text)
        target = df.stages[index] if index < len(df.stages) else None
        if target is None or target.index >= ref.stage.index:
            yield Violation(ref.span, message)
            continue
        related = (Related(stage_anchor(target), f"stage {index}"),)
        fix = None
        if target.name is not None and is_literal(df, ref):
            fix = Fix(f"Replace with '{target.name}'", (value_edit(df, ref.span, target.name),))
        yield Violation(ref.span, message, fix=fix, related=related)
