"""`FROM --platform=$TARGETPLATFORM`, which is the default (BuildKit's
RedundantTargetPlatform)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Flag
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.varrefs import find_vars
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB311",
    name="redundant-target-platform",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="`FROM --platform=$TARGETPLATFORM`, which is what FROM does anyway",
    buildkit="RedundantTargetPlatform",
    fixable=True,
)
def redundant_target_platform(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`): a platform value that
    is nothing but the automatic `TARGETPLATFORM` ARG. The flag is shown faded.

    ## Why is this bad?
    Every stage is built for the target platform unless told otherwise, so the flag changes
    nothing. It is often a mix-up with `--platform=$BUILDPLATFORM`, which is what a build
    stage that cross-compiles wants.

    ## Example
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    ```

    ## Fix
    Removes the flag.
    """
    df = ctx.df
    if _overridden(ctx):
        return
    for stage in df.stages:
        flag = stage.from_.platform
        if flag is None or flag.value is None or not _only_target_platform(flag.value):
            continue
        yield Violation(
            flag.span,
            f"Setting platform to predefined {flag.value} in FROM is redundant as this is "
            "the default behavior",
            fix=Fix("Remove the --platform flag", (Edit(_with_space(df, flag), ""),)),
            unnecessary=True,
        )


def _only_target_platform(value: str) -> bool:
    """The value expands to exactly $TARGETPLATFORM and uses no other variable."""
    refs = find_vars(value)
    if len(refs) != 1:
        return False
    ref = refs[0]
    return (
        ref.name == "TARGETPLATFORM"
        and ref.start == 0
        and ref.end == len(value)
        and ref.modifier in (None, "-", ":-")
    )


def _overridden(ctx: RuleContext) -> bool:
    """A global `ARG TARGETPLATFORM=...` with a default makes the flag mean something."""
    return any(
        pair.key.value == "TARGETPLATFORM" and pair.value is not None
        for instr in ctx.df.global_args
        for pair in instr.pairs
    )


def _with_space(df: Dockerfile, flag: Flag) -> Span:
    """The flag and the blanks after it on its line."""
    line = df.lines[flag.span.end.line]
    end = flag.span.end.col
    while end < len(line) and line[end] in " \t":
        end += 1
    return Span(flag.span.start, Pos(flag.span.end.line, end))
