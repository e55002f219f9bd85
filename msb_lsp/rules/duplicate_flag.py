"""A flag given twice on one instruction: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB003",
    name="duplicate-flag",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A flag given twice on one instruction",
)
def duplicate_flag(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags a non-repeatable flag given twice, such as `COPY --from=a --from=b`.

        ## Why is this bad?
        BuildKit fails with `duplicate flag specified: from`. Only `--mount`, `--device` and
    `--exclude` may repeat.

        ## Example
        ```dockerfile
        COPY --chown=app --chown=root . /app
        ```

        ## Use instead
        ```dockerfile
        COPY --chown=app . /app
        ```
    """
    yield from problems(ctx, "duplicate-flag")
