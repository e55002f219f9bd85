"""A relative first WORKDIR (BuildKit's WorkdirRelativePath)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.stages import Stage
from msb_lsp.model.variables import expand
from msb_lsp.model.words import unquote_shell
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

# Absolute on Linux (`/app`) or on Windows (`C:\app`, `C:/app`, `\app`).
_ABSOLUTE = re.compile(r"/|\\|[A-Za-z]:[\\/]")


@rule(
    code="MSB306",
    name="relative-workdir",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="A relative WORKDIR while the Dockerfile never set an absolute one",
    buildkit="WorkdirRelativePath",
    hadolint=("DL3000",),
)
def relative_workdir(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags the first `WORKDIR` of a stage chain (the stage plus the stages it is built `FROM`
    in this Dockerfile) when its path, after variable expansion, is relative. Later
    `WORKDIR`s are not checked: fixing the first one anchors them all. A path whose variables
    cannot be resolved offline (one set by the base image, say) is not judged.

    ## Why is this bad?
    A relative `WORKDIR` is resolved against the working directory of the base image, which
    the Dockerfile does not control: `WORKDIR app` means `/app` on `alpine` but
    `/usr/src/app/app` on a base that sets `/usr/src/app`, and it silently moves when the base
    image changes its own `WORKDIR`.

    ## Example
    ```dockerfile
    FROM alpine
    WORKDIR app
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    WORKDIR /app
    ```
    """
    for stage in ctx.df.stages:
        # A WORKDIR in a base stage was checked there, and anchors this stage too.
        if not ctx.base_chain_runs(stage, "WORKDIR"):
            yield from _first_workdir(ctx, stage)


def _first_workdir(ctx: RuleContext, stage: Stage) -> Iterator[Violation]:
    for instr, scope in ctx.stage_scopes(stage):
        if instr.kind != "WORKDIR":
            continue
        if instr.args_span is None:
            return
        expanded = expand(instr.args_text, scope, ctx.df.escape)
        path = expanded.text
        if '"' in path or "'" in path:
            path = unquote_shell(path, ctx.df.escape)
        if expanded.complete and not _ABSOLUTE.match(path):
            quoted = path.replace("\\", "\\\\").replace('"', '\\"')
            yield Violation(
                instr.args_span,
                f'Relative workdir "{quoted}" can have unexpected results if the base '
                "image changes",
            )
        return
