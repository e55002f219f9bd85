"""A reference to a stage that is defined further down: BuildKit refuses it or pulls an image."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import RefKind, RefStatus
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.circular_stage_dependency import closing_refs
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import (
    buildkit_stage_name,
    known_image,
    mount_of,
    pulled_image,
    stage_anchor,
)


@rule(
    code="MSB105",
    name="forward-stage-reference",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="COPY --from, RUN --mount from= or FROM names a stage defined further down",
    hadolint=("DL3022",),
)
def forward_stage_reference(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a reference to a stage that is defined after the instruction that uses it:
    `COPY --from=test` (or `--from=2`) in a stage above `FROM ... AS test`, `RUN
    --mount=from=test` likewise, and `FROM test` above the stage `test`. Related information
    points at the stage's definition.

    ## Why is this bad?
    BuildKit builds stages in file order. For COPY it fails with `cannot copy from stage
    "test", it needs to be defined before current stage "build"`, for a mount with `cannot
    mount from stage "test" to "/src", stage needs to be defined before current command`.
    FROM only sees earlier stages, so `FROM test` silently pulls the image
    `docker.io/library/test:latest` instead (a warning only when that name is a well-known
    image, which is probably what was meant). When the reference closes a circle of stages it
    is reported by `circular-stage-dependency` instead, as BuildKit does.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    COPY --from=assets /dist ./web
    RUN go build -o /app .

    FROM node:20 AS assets
    RUN npm ci && npm run build
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS assets
    RUN npm ci && npm run build

    FROM golang:1.22 AS build
    COPY --from=assets /dist ./web
    RUN go build -o /app .
    ```
    """
    df = ctx.df
    reported = {id(ref) for ref, _ in closing_refs(df)}
    for ref in df.refs:
        target = ref.target
        if ref.status is not RefStatus.FORWARD or target is None or id(ref) in reported:
            continue
        if ref.instruction.kind == "ADD":
            continue
        related = (Related(stage_anchor(target), f"stage '{target.label}' is defined here"),)
        if ref.kind is RefKind.COPY:
            current = buildkit_stage_name(df, ref.stage)
            message = (
                f'cannot copy from stage "{ref.text}", it needs to be defined before current '
                f'stage "{current}"'
            )
            yield Violation(ref.span, message, related=related)
        elif ref.kind is RefKind.MOUNT:
            mount = mount_of(ref)
            opt = mount.option("target", "dst", "destination") if mount is not None else None
            where = opt.value if opt is not None and opt.value is not None else ""
            message = (
                f'cannot mount from stage "{ref.text}" to "{where}", stage needs to be '
                "defined before current command"
            )
            yield Violation(ref.span, message, related=related)
        else:
            image = pulled_image(ref.text)
            pulled = (
                f"so BuildKit pulls the image '{image}'"
                if image is not None
                else f"so BuildKit reads '{ref.text}' as an image name, which is invalid"
            )
            yield Violation(
                ref.span,
                f"stage '{target.label}' is defined after this FROM, which only sees earlier "
                f"stages, {pulled}",
                related=related,
                severity=Severity.WARNING if known_image(ref.text) else None,
            )
