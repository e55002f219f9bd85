"""A repeated or invalid parser directive: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB012",
    name="invalid-parser-directive",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A repeated or invalid parser directive",
)
def invalid_parser_directive(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a parser directive given twice, an `escape` directive other than `\\` or a
    backtick, and a `check` directive BuildKit cannot read (unknown key, bad `error=` value).

    ## Why is this bad?
    BuildKit fails with `only one escape parser directive can be used` or `invalid escape
    token`. A broken `check` directive fails the build as well.

    ## Example
    ```dockerfile
    # escape=\\
    # escape=`
    FROM alpine
    ```

    ## Use instead
    ```dockerfile
    # escape=`
    FROM alpine
    ```
    """
    yield from problems(
        ctx, "repeated-directive", "invalid-escape-directive", "invalid-check-directive"
    )
