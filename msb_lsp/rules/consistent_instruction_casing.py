"""An instruction keyword cased differently from the file's majority
(BuildKit's ConsistentInstructionCasing)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import Instruction
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB302",
    name="inconsistent-instruction-casing",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="An instruction keyword cased differently from the rest of the file",
    buildkit="ConsistentInstructionCasing",
    fixable=True,
)
def inconsistent_instruction_casing(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Counts the instruction keywords written all upper-case and all lower-case, and flags every
    keyword that does not match the majority. A tie counts as upper-case, and a mixed-case
    keyword such as `Run` is always flagged.

    As in BuildKit, the count covers the instructions of the stages (each `FROM` and what
    follows it); `ARG`s before the first `FROM` and the triggers inside `ONBUILD` are neither
    counted nor checked.

    ## Why is this bad?
    Keywords are case-insensitive, so this is about reading: a file that mixes `RUN` and `run`
    looks like it was pasted together, and a mixed-case `Copy` is easy to misread.

    ## Example
    ```dockerfile
    FROM alpine
    run echo one
    RUN echo two
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    RUN echo one
    RUN echo two
    ```

    ## Fix
    Rewrites the keyword in the majority's case.
    """
    counted = [instr for stage in ctx.df.stages for instr in stage.instructions]
    lower = sum(1 for i in counted if _consistent(i.keyword) and i.keyword == i.keyword.lower())
    upper = sum(1 for i in counted if _consistent(i.keyword) and i.keyword != i.keyword.lower())
    majority_lower = lower > upper
    for instr in counted:
        wanted = instr.keyword.lower() if majority_lower else instr.keyword.upper()
        if instr.keyword == wanted:
            continue
        casing = "lowercase" if majority_lower else "uppercase"
        yield Violation(
            instr.keyword_span,
            f"Command '{instr.keyword}' should match the case of the command majority ({casing})",
            fix=_fix(instr, wanted),
        )


def _consistent(keyword: str) -> bool:
    return keyword in (keyword.lower(), keyword.upper())


def _fix(instr: Instruction, wanted: str) -> Fix:
    return Fix(f"Write `{wanted}`", (Edit(instr.keyword_span, wanted),))
