"""SHELL written in shell form: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB015",
    name="shell-not-in-exec-form",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="SHELL written in shell form",
)
def shell_not_in_exec_form(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `SHELL` whose argument is not a JSON array, such as `SHELL /bin/bash -c`.

    ## Why is this bad?
    BuildKit fails with `SHELL requires the arguments to be in JSON form`.

    ## Example
    ```dockerfile
    SHELL /bin/bash -c
    ```

    ## Use instead
    ```dockerfile
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    ```
    """
    yield from problems(ctx, "shell-not-json")
