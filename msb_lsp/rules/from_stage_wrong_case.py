"""`FROM Build` where the stage is `build`: FROM matches names case-sensitively."""

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
    code="MSB124",
    name="from-stage-wrong-case",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="FROM names an earlier stage with different letter case",
    fixable=True,
)
def from_stage_wrong_case(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `FROM <Name>` where `<Name>` matches an earlier stage only when case is ignored,
    such as `FROM Build` after `FROM golang AS build` (or `AS Build`: names are lower-cased).

    ## Why is this bad?
    `COPY --from` finds stages case-insensitively, but `FROM` compares its exact spelling with
    the lower-cased stage names. `FROM Build` is therefore read as an image name, and an
    image name with capitals is invalid: the build fails with `invalid reference format:
    repository name must be lowercase`. No other tool warns about this asymmetry.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .

    FROM Build AS test
    RUN go test ./...
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .

    FROM build AS test
    RUN go test ./...
    ```

    ## Fix
    Lower-cases the reference. There is no fix when the name comes from an ARG.
    """
    df = ctx.df
    for ref in df.refs:
        target = ref.target
        if ref.kind is not RefKind.FROM or ref.status is not RefStatus.CASE_MISMATCH:
            continue
        if target is None or target.name is None:
            continue
        image = pulled_image(ref.text)
        read_as = (
            f"BuildKit pulls the image '{image}' instead"
            if image is not None
            else f"BuildKit reads '{ref.text}' as an image name, which is invalid"
        )
        fix = None
        if is_literal(df, ref):
            fix = Fix(f"Replace with '{target.name}'", (value_edit(df, ref.span, target.name),))
        yield Violation(
            ref.span,
            f"'{ref.text}' is not stage '{target.name}': FROM matches stage names "
            f"case-sensitively, so {read_as}",
            fix=fix,
            related=(Related(stage_anchor(target), f"stage '{target.name}'"),),
        )
