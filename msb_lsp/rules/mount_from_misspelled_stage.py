"""`RUN --mount=from=buidler` where a stage `builder` exists: BuildKit mounts an image instead."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import RefKind
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import misspelled


@rule(
    code="MSB102",
    name="mount-from-misspelled-stage",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="RUN --mount from= names an image that is a near-miss of an earlier stage's name",
    fixable=True,
)
def mount_from_misspelled_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `RUN --mount=...,from=<name>` where `<name>` is no stage of the file but is within a
    few letters of an earlier stage's name, such as `from=deps-cahce` when a stage is called
    `deps-cache`. Names that differ only in case are not flagged (`from=` matches stage names
    case-insensitively), nor are well-known images.

    ## Why is this bad?
    A `from=` value that is not a stage is an image: BuildKit tries to pull
    `docker.io/library/deps-cahce:latest` and the build fails with a registry error that does
    not mention the typo. hadolint does not check `--mount` at all.

    ## Example
    ```dockerfile
    FROM node:20 AS deps
    RUN npm ci

    FROM node:20 AS build
    RUN --mount=type=bind,from=dpes,source=/node_modules,target=/app/node_modules npm run build
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS deps
    RUN npm ci

    FROM node:20 AS build
    RUN --mount=type=bind,from=deps,source=/node_modules,target=/app/node_modules npm run build
    ```

    ## Fix
    One fix per candidate stage: it replaces the `from=` value with the stage's name. The fix
    is applied by fix-all only when there is a single candidate.
    """
    yield from misspelled(ctx, RefKind.MOUNT)
