"""An instruction without the arguments it needs: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB013",
    name="missing-arguments",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="An instruction without the arguments it needs",
)
def missing_arguments(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags instructions that need arguments and have none or too few: `COPY src` without a
    destination, `ENV PATH` without a value, `WORKDIR` alone, `ENV a=1 b` (a pair without `=`).

        ## Why is this bad?
        BuildKit fails with messages such as `COPY requires at least two arguments` or `ENV must
    have two arguments`.

        ## Example
        ```dockerfile
        ENV PATH
        ```

        ## Use instead
        ```dockerfile
        ENV PATH=/usr/local/bin:$PATH
        ```
    """
    yield from problems(ctx, "missing-arguments", "missing-equals")
