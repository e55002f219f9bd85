"""An instruction keyword BuildKit does not know: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB001",
    name="unknown-instruction",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="An instruction keyword BuildKit does not know",
    fixable=True,
)
def unknown_instruction(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags a line whose first word is not a Dockerfile instruction, such as `RUNN` or `COPPY`.

        ## Why is this bad?
        BuildKit stops with `unknown instruction: RUNN` before it builds anything. Usually the word
    is a typo, or a line that was meant to continue the previous instruction lost its `\\`.

        ## Example
        ```dockerfile
        FROM alpine:3.19
        RUNN apk add --no-cache curl
        ```

        ## Use instead
        ```dockerfile
        FROM alpine:3.19
        RUN apk add --no-cache curl
        ```

        ## Fix
        When a known instruction is close to the word, the fix replaces the word with it.
    """
    yield from problems(ctx, "unknown-instruction")
