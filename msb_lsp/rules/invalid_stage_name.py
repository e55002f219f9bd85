"""A stage name that starts with a digit or contains symbols.

BuildKit fails on it before building anything.
"""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB006",
    name="invalid-stage-name",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A stage name that starts with a digit or contains symbols",
)
def invalid_stage_name(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags `AS <name>` where the name, lower-cased, does not match `^[a-z][a-z0-9-_.]*$`,
    such as `AS 2nd` or `AS my/stage`.

        ## Why is this bad?
        BuildKit fails with `invalid name for build stage: "2nd", name can't start with a number or
    contain symbols`. Numbers are reserved for referring to stages by index.

        ## Example
        ```dockerfile
        FROM golang:1.22 AS 1st
        ```

        ## Use instead
        ```dockerfile
        FROM golang:1.22 AS build
        ```
    """
    yield from problems(ctx, "invalid-stage-name")
