"""ONBUILD ONBUILD: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB008",
    name="chained-onbuild",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="ONBUILD ONBUILD",
)
def chained_onbuild(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `ONBUILD ONBUILD ...`.

    ## Why is this bad?
    BuildKit fails with ``Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed``.

    ## Example
    ```dockerfile
    ONBUILD ONBUILD RUN make
    ```

    ## Use instead
    ```dockerfile
    ONBUILD RUN make
    ```
    """
    yield from problems(ctx, "onbuild-chain")
