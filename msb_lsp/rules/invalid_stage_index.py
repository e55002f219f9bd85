"""`COPY --from=<n>` where no stage has that index: BuildKit refuses the Dockerfile."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.stages import RefKind, RefStatus, StageRef
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_SIGNED = re.compile(r"[+-][0-9]+")
_GO_INT_MAX = 2**63 - 1  # strconv.Atoi fails above, and the value is read as a name


def _index(ref: StageRef, stage_count: int) -> int | None:
    """The index BuildKit reads when it is out of range (it parses with Go's strconv.Atoi,
    which also takes a sign), else None."""
    signed = ref.status is RefStatus.IMAGE and _SIGNED.fullmatch(ref.text) is not None
    if ref.status is not RefStatus.BAD_INDEX and not signed:
        return None
    n = int(ref.text)
    if abs(n) > _GO_INT_MAX or 0 <= n < stage_count:
        return None
    return n


@rule(
    code="MSB108",
    name="invalid-stage-index",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="COPY --from names a stage index that does not exist",
    hadolint=("DL3022",),
)
def invalid_stage_index(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `COPY --from=<n>` where `<n>` is a number and the Dockerfile has no stage with that
    index. Stages are numbered from 0 in file order, so in a file with two stages only `0` and
    `1` exist. A valid index that points at the current or a later stage is reported by
    `self-stage-reference` or `forward-stage-reference`.

    ## Why is this bad?
    BuildKit fails before building anything with `invalid stage index 2`. The usual cause is
    counting stages from 1, or a stage that was removed above. Stage names do not shift when
    stages are added or removed: prefer `AS <name>` and `--from=<name>`.

    ## Example
    ```dockerfile
    FROM golang:1.22
    RUN go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=2 /app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=build /app /app
    ```
    """
    count = len(ctx.df.stages)
    for ref in ctx.df.refs:
        if ref.kind is not RefKind.COPY or ref.instruction.kind == "ADD":
            continue
        n = _index(ref, count)
        if n is not None:
            yield Violation(ref.span, f"invalid stage index {n}")
