"""FROM that is not `FROM image` or `FROM image AS name`.

BuildKit fails on it before building anything.
"""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB005",
    name="from-with-wrong-argument-count",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="FROM that is not `FROM image` or `FROM image AS name`",
)
def from_with_wrong_argument_count(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags a FROM line whose arguments are neither one image nor `image AS name`, such as
    `FROM node:20 builder` or `FROM node:20 AS`.

        ## Why is this bad?
        BuildKit fails with `FROM requires either one or three arguments`.

        ## Example
        ```dockerfile
        FROM node:20 builder
        ```

        ## Use instead
        ```dockerfile
        FROM node:20 AS builder
        ```
    """
    yield from problems(ctx, "from-argument-count")
