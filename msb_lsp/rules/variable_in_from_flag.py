"""`COPY --from=$VAR` or `--mount from=$VAR`: BuildKit does not expand variables there."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.images.reference import has_variables
from msb_lsp.model.stages import RefKind, RefStatus
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_COPY = (
    "variable expansion is not supported for --from, define a new stage with FROM using ARG "
    "from global scope as a workaround"
)
_MOUNT = "'from' doesn't support variable expansion, define alias stage instead"


@rule(
    code="MSB110",
    name="variable-in-from-flag",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="COPY --from or RUN --mount from= contains a variable",
)
def variable_in_from_flag(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `$VAR` or `${VAR}` in `COPY --from=` and in the `from=` of `RUN --mount`.

    ## Why is this bad?
    BuildKit expands variables in most places, but not there, and fails the build:
    `variable expansion is not supported for --from, define a new stage with FROM using ARG
    from global scope as a workaround` for COPY, `'from' doesn't support variable expansion,
    define alias stage instead` for a mount.

    ## Example
    ```dockerfile
    ARG BASE=node:20-alpine
    FROM alpine
    ARG BASE
    COPY --from=${BASE} /usr/local/bin/node /usr/local/bin/
    ```

    ## Use instead
    Declare the ARG before the first FROM and give the image a stage name:
    ```dockerfile
    ARG BASE=node:20-alpine
    FROM ${BASE} AS node

    FROM alpine
    COPY --from=node /usr/local/bin/node /usr/local/bin/
    ```
    """
    for ref in ctx.df.refs:
        if ref.status is not RefStatus.VARIABLE or ref.instruction.kind == "ADD":
            continue
        if ref.kind is RefKind.COPY and has_variables(ref.text):
            yield Violation(ref.span, _COPY)
        elif ref.kind is RefKind.MOUNT:
            # BuildKit only looks at the first `$`: a `$` at the very end is literal.
            dollar = ref.text.find("$")
            if 0 <= dollar < len(ref.text) - 1:
                yield Violation(ref.span, _MOUNT)
