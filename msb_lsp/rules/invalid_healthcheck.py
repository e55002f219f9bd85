"""A HEALTHCHECK that is neither `CMD ...` nor `NONE`: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB016",
    name="invalid-healthcheck",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A HEALTHCHECK that is neither `CMD ...` nor `NONE`",
)
def invalid_healthcheck(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags `HEALTHCHECK` with a type other than `CMD` or `NONE`, `HEALTHCHECK CMD` without a
    command, and `HEALTHCHECK NONE` with arguments.

        ## Why is this bad?
        BuildKit fails with `Unknown type "CONNECT" in HEALTHCHECK (try CMD)`.

        ## Example
        ```dockerfile
        HEALTHCHECK curl -f http://localhost/
        ```

        ## Use instead
        ```dockerfile
        HEALTHCHECK CMD curl -f http://localhost/
        ```
    """
    yield from problems(ctx, "healthcheck-arguments")
