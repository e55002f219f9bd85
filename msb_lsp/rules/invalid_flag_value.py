"""A flag with a missing or invalid value: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB004",
    name="invalid-flag-value",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A flag with a missing or invalid value",
)
def invalid_flag_value(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags a string flag without `=value` (`COPY --from . /app`), a boolean flag with a value
    other than `true`/`false` (`COPY --link=yes`), and `RUN --network` or `--security` values
    BuildKit does not support.

        ## Why is this bad?
        BuildKit fails with `missing a value on flag: from` or `expecting boolean value for flag
    link, not: yes` before building anything.

        ## Example
        ```dockerfile
        COPY --link=yes . /app
        ```

        ## Use instead
        ```dockerfile
        COPY --link . /app
        ```
    """
    yield from problems(ctx, "bad-flag-value")
