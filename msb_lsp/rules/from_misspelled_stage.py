"""`FROM buidler` where a stage `builder` exists: BuildKit pulls an image instead."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import RefKind
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import misspelled


@rule(
    code="MSB103",
    name="from-misspelled-stage",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="FROM names an untagged image that is a near-miss of an earlier stage's name",
    fixable=True,
)
def from_misspelled_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `FROM <name>` where `<name>` is an untagged image name within a few letters of an
    earlier stage's name, such as `FROM biulder` when a stage is called `builder`. Well-known
    images (`FROM node` beside a stage `nodes`) and names with a registry, tag or digest are
    left alone: building on an image is what FROM normally does.

    ## Why is this bad?
    BuildKit pulls `docker.io/library/biulder:latest` instead of building on the stage; the
    build fails with a registry error that does not mention the typo, or, worse, succeeds on
    someone else's image. A case-only difference (`FROM Builder`) has its own rule,
    `from-stage-wrong-case`.

    ## Example
    ```dockerfile
    FROM node:20 AS builder
    RUN npm ci && npm run build

    FROM biulder AS test
    RUN npm test
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS builder
    RUN npm ci && npm run build

    FROM builder AS test
    RUN npm test
    ```

    ## Fix
    One fix per candidate stage: it replaces the base with the stage's name (applied by
    fix-all only when there is a single candidate). There is no fix when the base comes from
    an ARG.
    """
    yield from misspelled(ctx, RefKind.FROM)
