"""A stage the final stage never uses: a normal build skips it."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.stages import Stage
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.circular_stage_dependency import build_edges, possible_bases
from msb_lsp.rules.context import RuleContext


def uses(df: Dockerfile, stage: Stage) -> list[Stage]:
    """The stages building `stage` may build first.

    Unlike the model's plain graph, a FROM of a later or wrongly cased stage is an image here,
    and a FROM with a variable may use every stage whose name fits.
    """
    found = [ref.target for ref in build_edges(stage) if ref.target is not None]
    return found + possible_bases(df, stage)


def built_stages(df: Dockerfile, starts: list[Stage]) -> set[int]:
    """Indices of the stages BuildKit may build for these targets."""
    seen: set[int] = set()
    todo = list(starts)
    while todo:
        stage = todo.pop()
        if stage.index in seen:
            continue
        seen.add(stage.index)
        todo.extend(uses(df, stage))
    return seen


def target_stage(df: Dockerfile, name: str) -> Stage | None:
    """The stage `--target name` builds: BuildKit keeps the last stage of a name."""
    return target_stages(df).get(name.lower())


def target_stages(df: Dockerfile) -> dict[str, Stage]:
    """Each stage name and the stage `--target` selects with it (the last of that name)."""
    return {stage.name: stage for stage in df.stages if stage.name is not None}


@rule(
    code="MSB130",
    name="unused-stage",
    severity=Severity.HINT,
    category=Category.STAGES,
    summary="A stage that the final stage does not use, directly or indirectly",
)
def unused_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Marks (faded, as unused code) a stage that the final stage does not build on, copy from
    or mount from, directly or through other stages. Stages named as build targets elsewhere
    (Compose `build.target`, Bake, CI scripts, when the editor knows them) count as used, as
    do the stages those need.

    ## Why is this bad?
    It may be fine: a `test` or `dev` stage is meant to be built with `--target`. But a plain
    `docker build` skips the stage entirely, so its RUN steps and checks never run in that
    build. When no target uses it either, it is dead code, often left over from a refactoring
    or a forgotten `COPY --from`. An unnamed stage cannot even be chosen with `--target`.

    ## Example
    ```dockerfile
    FROM node:20 AS deps
    RUN npm ci

    FROM node:20 AS build
    COPY . .
    RUN npm ci && npm run build

    FROM nginx:1.27-alpine
    COPY --from=build /app/dist /usr/share/nginx/html
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS deps
    RUN npm ci

    FROM deps AS build
    COPY . .
    RUN npm run build

    FROM nginx:1.27-alpine
    COPY --from=build /app/dist /usr/share/nginx/html
    ```
    """
    df = ctx.df
    final = df.final_stage
    if final is None:
        return
    targets = target_stages(df)  # once: a lookup per stage would be quadratic
    starts = [final]
    for name in ctx.options.targets:
        stage = targets.get(name.lower())
        if stage is not None:
            starts.append(stage)
    used = built_stages(df, starts)
    users: dict[int, list[Stage]] = {}
    pairs: set[tuple[int, int]] = set()
    for stage in df.stages:
        for dep in uses(df, stage):
            if dep is not stage and (dep.index, stage.index) not in pairs:
                pairs.add((dep.index, stage.index))
                users.setdefault(dep.index, []).append(stage)
    final_text = f"the final stage '{final.name}'" if final.name else "the final stage"
    for stage in df.stages:
        if stage.index in used:
            continue
        word = stage.name_word
        if stage.name is None or word is None:
            yield Violation(
                stage.from_.keyword_span,
                f"Stage {stage.index} is never built: {final_text} does not use it, and an "
                "unnamed stage cannot be chosen with --target",
                unnecessary=True,
            )
            continue
        if targets.get(stage.name) is not stage:
            yield Violation(
                word.span,
                f"Stage '{stage.name}' is never built: {final_text} does not use it, and "
                f"--target {stage.name} selects the later stage of that name",
                unnecessary=True,
            )
            continue
        via = ""
        named = [u.label for u in users.get(stage.index, [])]
        if named:
            via = " or a target that needs it (" + ", ".join(f"'{n}'" for n in named[:3])
            via += ", ...)" if len(named) > 3 else ")"
        yield Violation(
            word.span,
            f"Stage '{stage.name}' is not used by {final_text}: it is only built with "
            f"--target {stage.name}{via}",
            unnecessary=True,
        )
