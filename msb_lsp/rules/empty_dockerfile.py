"""A Dockerfile with no instructions: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB017",
    name="empty-dockerfile",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A Dockerfile with no instructions",
)
def empty_dockerfile(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a file that holds only comments, blank lines or nothing at all.

    ## Why is this bad?
    BuildKit fails with `file with no instructions`.

    ## Example
    ```dockerfile
    # TODO
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.19
    ```
    """
    yield from problems(ctx, "no-instructions")
