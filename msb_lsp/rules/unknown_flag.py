"""A flag the instruction does not accept: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB002",
    name="unknown-flag",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A flag the instruction does not accept",
    fixable=True,
)
def unknown_flag(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags `--name` options that the instruction does not accept, such as `COPY --form=builder`
    or `RUN --mnt=type=cache,target=/root/.cache`.

        ## Why is this bad?
        BuildKit rejects the whole Dockerfile with `unknown flag: form`. Each
        instruction has its own
    flags: `FROM --platform`; `COPY --from/--chown/--chmod/--link/--parents/--exclude`; `ADD` adds
    `--checksum/--keep-git-dir/--unpack`; `RUN --mount/--network/--security`; `HEALTHCHECK` timing
    flags. Other instructions take none.

        ## Example
        ```dockerfile
        FROM node:20 AS build
        FROM node:20-alpine
        COPY --form=build /app /app
        ```

        ## Use instead
        ```dockerfile
        FROM node:20 AS build
        FROM node:20-alpine
        COPY --from=build /app /app
        ```

        ## Fix
        When a valid flag of the instruction is close to the name, the fix replaces it.
    """
    yield from problems(ctx, "unknown-flag")
