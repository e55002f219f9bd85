"""CMD, ENTRYPOINT or HEALTHCHECK overridden later in the same stage (BuildKit's
MultipleInstructionsDisallowed)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import Instruction
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


@rule(
    code="MSB308",
    name="overridden-instruction",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="A CMD, ENTRYPOINT or HEALTHCHECK that a later one in the same stage overrides",
    buildkit="MultipleInstructionsDisallowed",
    hadolint=("DL4003", "DL4004", "DL3012"),
)
def overridden_instruction(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` when the same stage has another one of the
    same kind after it. The finding is on the earlier instruction, the one that has no effect
    (shown faded), and points to the one that wins. A stage built `FROM` another stage may
    override its parent's `CMD` without a finding: that is what inheritance is for.

    ## Why is this bad?
    Only the last of these instructions ends up in the image configuration; the earlier one is
    dead code that a reader may take for the real command.

    ## Example
    ```dockerfile
    FROM alpine
    CMD ["sh"]
    CMD ["ash"]
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    CMD ["ash"]
    ```
    """
    for stage in ctx.df.stages:
        last: dict[str, Instruction] = {}
        for instr in stage.instructions:
            if instr.kind not in _ONCE:
                continue
            previous = last.get(instr.kind)
            if previous is not None:
                yield Violation(
                    previous.span,
                    f"Multiple {instr.keyword} instructions should not be used in the same "
                    "stage because only the last one will be used",
                    related=(Related(instr.keyword_span, f"overridden by this {instr.kind}"),),
                    unnecessary=True,
                )
            last[instr.kind] = instr
