"""The deprecated MAINTAINER instruction (BuildKit's MaintainerDeprecated)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import Instruction
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

MESSAGE = "Maintainer instruction is deprecated in favor of using label"
AUTHORS_LABEL = "org.opencontainers.image.authors"


@rule(
    code="MSB304",
    name="deprecated-maintainer",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="The deprecated MAINTAINER instruction",
    buildkit="MaintainerDeprecated",
    hadolint=("DL4000",),
    fixable=True,
)
def deprecated_maintainer(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags every `MAINTAINER` instruction.

    ## Why is this bad?
    `MAINTAINER` has been deprecated since Docker 1.13. It only sets the legacy `Author` field
    of the image, which tools no longer show; the OCI annotation
    `org.opencontainers.image.authors` is the standard place for it.

    ## Example
    ```dockerfile
    FROM alpine
    MAINTAINER me@example.org
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    LABEL org.opencontainers.image.authors="me@example.org"
    ```

    ## Fix
    Replaces the instruction with `LABEL org.opencontainers.image.authors="..."`, the value
    quoted so that it reads the same (`MAINTAINER` never expands variables, so `$` is escaped).
    """
    for instr in ctx.df.instructions:  # ONBUILD MAINTAINER is an error of its own
        if instr.kind != "MAINTAINER":
            continue
        yield Violation(
            instr.span,
            MESSAGE,
            fix=_fix(instr, ctx.df.escape),
            deprecated=True,
        )


def _fix(instr: Instruction, escape: str) -> Fix | None:
    if not instr.args_text:
        return None
    value = "".join(escape + ch if ch in ('"', "$", escape) else ch for ch in instr.args_text)
    keyword = "LABEL" if instr.keyword.isupper() or not instr.keyword.islower() else "label"
    text = f'{keyword} {AUTHORS_LABEL}="{value}"'
    return Fix("Use the org.opencontainers.image.authors label", (Edit(instr.span, text),))
