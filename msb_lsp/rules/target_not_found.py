"""A build target that names no stage of the Dockerfile.

The same check runs across files: `msb_lsp.targets.checks` reports a compose `build.target`,
a bake `target`, a `--target` in a script or a workflow input under this rule's code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from msb_lsp.model.span import Span
from msb_lsp.model.stages import find_target
from msb_lsp.model.suggest import closest
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

CODE = "MSB401"


def message(target: str, stage_names: Iterable[str]) -> str:
    """BuildKit's wording, with a suggestion when a stage name is close."""
    text = f'target stage "{target}" could not be found'
    suggestion = suggest(target, stage_names)
    return f"{text} (did you mean {suggestion}?)" if suggestion else text


def suggest(target: str, stage_names: Iterable[str]) -> str | None:
    found = closest(target, list(stage_names))
    return found if found is not None and found.lower() != target.lower() else None


@rule(
    code=CODE,
    name="target-not-found",
    severity=Severity.ERROR,
    category=Category.TARGETS,
    summary="A build target that names no stage of the Dockerfile",
)
def target_not_found(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a build target (`docker build --target x`, compose `build.target`, a bake `target`
    attribute, the `target` input of `docker/build-push-action`) that names no stage of the
    Dockerfile it builds. Targets match stage names case-insensitively, as BuildKit matches them.

    In the editor the finding appears where the target is written: in the compose file, the
    bake file, the script, the Makefile or the workflow. When the targets of a build are
    passed to the linter with the Dockerfile (`LintOptions.targets`), it is reported on the
    Dockerfile's last `FROM`, the stage built when no target is given.

    ## Why is this bad?
    The build fails before it starts: `target stage "x" could not be found`. A stage that was
    renamed in the Dockerfile but not in `docker-compose.yml` breaks the build only when that
    service is built, often in CI.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS build
    FROM gcr.io/distroless/static AS runtime
    ```
    ```yaml
    services:
      api:
        build:
          context: .
          target: runtim
    ```

    ## Use instead
    ```yaml
    services:
      api:
        build:
          context: .
          target: runtime
    ```
    """
    names = [s.name for s in ctx.df.stages if s.name is not None]
    final = ctx.df.final_stage
    span = final.from_.keyword_span if final is not None else Span.on_line(0, 0, 0)
    for target in ctx.options.targets:
        if target and find_target(ctx.df, target) is None:
            yield Violation(span, message(target, names))
