"""ONBUILD FROM or ONBUILD MAINTAINER: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB009",
    name="forbidden-onbuild-trigger",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="ONBUILD FROM or ONBUILD MAINTAINER",
)
def forbidden_onbuild_trigger(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `ONBUILD FROM` and `ONBUILD MAINTAINER`.

    ## Why is this bad?
    BuildKit fails with `FROM isn't allowed as an ONBUILD trigger`.

    ## Example
    ```dockerfile
    ONBUILD FROM alpine
    ```

    ## Use instead
    ```dockerfile
    ONBUILD RUN apk add --no-cache curl
    ```
    """
    yield from problems(ctx, "onbuild-trigger")
