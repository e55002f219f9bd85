"""An instruction other than ARG before the first FROM: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB007",
    name="instruction-before-from",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="An instruction other than ARG before the first FROM",
)
def instruction_before_from(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags any instruction except `ARG` that comes before the first `FROM`.

        ## Why is this bad?
        Only global `ARG`s may precede the first stage; BuildKit fails with `no build
        stage in current
    context`.

        ## Example
        ```dockerfile
        WORKDIR /app
        FROM alpine:3.19
        ```

        ## Use instead
        ```dockerfile
        FROM alpine:3.19
        WORKDIR /app
        ```
    """
    yield from problems(ctx, "instruction-before-from")
