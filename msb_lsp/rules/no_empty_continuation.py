"""A blank line inside a continued instruction (BuildKit's NoEmptyContinuation)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Instruction
from msb_lsp.model.span import Pos, Span
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

MESSAGE = "Empty continuation line"


@rule(
    code="MSB301",
    name="empty-continuation-line",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="A blank line inside an instruction continued with `\\`",
    buildkit="NoEmptyContinuation",
    fixable=True,
)
def empty_continuation_line(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags blank lines inside an instruction that is continued with the escape character
    (`\\`, or a backtick under the `` # escape=` `` directive).

    BuildKit reports one warning per instruction, on its last line. msb-lsp reports each run of
    consecutive blank lines instead, spanning exactly those lines (from the start of the first
    to the start of the line after the last), because that is what has to go.

    ## Why is this bad?
    BuildKit skips the blank lines today, so the instruction still works, but they are
    deprecated and "will become errors in a future release". They also hide where an
    instruction ends: a reader expects a blank line to end it.

    ## Example
    ```dockerfile
    FROM alpine
    RUN apk add curl \\

        git
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    RUN apk add curl \\
        git
    ```

    ## Fix
    Deletes the blank lines; the instruction reads the same to BuildKit.
    """
    df = ctx.df
    for instr in df.instructions:  # an ONBUILD trigger shares its wrapper's lines
        for first, last in _runs(df, instr):
            span = Span(Pos(first, 0), _line_after(df, last))
            yield Violation(
                span,
                MESSAGE,
                fix=Fix("Delete the empty continuation line", (Edit(span, ""),)),
            )


def _runs(df: Dockerfile, instr: Instruction) -> list[tuple[int, int]]:
    """Runs of consecutive blank continuation lines, as (first, last) line numbers."""
    lines = [n for n in instr.empty_continuation_lines if not _phantom(df, n)]
    runs: list[tuple[int, int]] = []
    for n in lines:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _phantom(df: Dockerfile, line: int) -> bool:
    """The empty "line" after a final line break, which BuildKit's scanner never reads."""
    return line == len(df.lines) - 1 and df.lines[line] == "" and line > 0


def _line_after(df: Dockerfile, line: int) -> Pos:
    if line + 1 < len(df.lines):
        return Pos(line + 1, 0)
    return Pos(line, len(df.lines[line]))
