"""Two stages with the same name: references silently pick one of them."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import Stage
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB120",
    name="duplicate-stage-name",
    severity=Severity.ERROR,
    category=Category.STAGES,
    summary="A stage name already used by an earlier stage",
    buildkit="DuplicateStageName",
    hadolint=("DL3024",),
)
def duplicate_stage_name(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags the second (and every later) stage whose name, compared case-insensitively as
    BuildKit does, is already used by an earlier stage. Related information points at the
    first definition.

    ## Why is this bad?
    A name should say which stage it means, and here it does not: BuildKit keeps the last
    stage of that name for `COPY --from`, `RUN --mount=from=` and `--target`, while `FROM`
    takes the latest one above it. A copy placed between the two definitions therefore
    refers to the later one and fails (`cannot copy from stage ...`), and a stage copied
    from the "first" definition is silently never built. The usual cause is a copied and
    pasted stage.

    ## Example
    ```dockerfile
    FROM node:20 AS build
    RUN npm ci && npm run build

    FROM node:20 AS build
    RUN npm test
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS build
    RUN npm ci && npm run build

    FROM build AS test
    RUN npm test
    ```
    """
    first: dict[str, Stage] = {}
    for stage in ctx.df.stages:
        name, word = stage.name, stage.name_word
        if name is None or word is None:
            continue
        earlier = first.setdefault(name, stage)
        if earlier is stage or earlier.name_word is None:
            continue
        yield Violation(
            word.span,
            f'Duplicate stage name "{name}", stage names should be unique',
            related=(Related(earlier.name_word.span, f"'{name}' is first defined here"),),
        )
