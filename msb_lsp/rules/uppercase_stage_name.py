"""A stage name with capital letters: `FROM <name>` with the same spelling does not find it."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import Stage
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import value_edit


def _rename_edits(ctx: RuleContext, stage: Stage) -> list[Edit]:
    """Lower-case the name and every literal reference to the stage that is not already."""
    df = ctx.df
    word = stage.name_word
    assert word is not None and stage.name is not None
    edits = [Edit(word.span, word.text.lower())]
    for ref in df.refs:
        if ref.target is not stage or ref.instruction.kind == "ADD":
            continue
        written = df.source.text_at(ref.span).strip("\"'")
        if written.lower() == stage.name and written != stage.name:
            edits.append(value_edit(df, ref.span, stage.name))
    return edits


@rule(
    code="MSB122",
    name="uppercase-stage-name",
    severity=Severity.WARNING,
    category=Category.STAGES,
    summary="A stage name with upper-case letters",
    buildkit="StageNameCasing",
    fixable=True,
)
def uppercase_stage_name(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `FROM ... AS <name>` where the name has upper-case letters, such as `AS Builder`.

    ## Why is this bad?
    BuildKit lower-cases stage names. `COPY --from` and `--target` match them
    case-insensitively, but `FROM` compares the exact spelling with the lower-cased name:
    `FROM Builder` does not find the stage `AS Builder` and fails as an invalid image name.
    Writing names in lower case everywhere avoids the trap.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS Builder
    RUN go build -o /app .

    FROM Builder AS test
    RUN go test ./...
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /app .

    FROM builder AS test
    RUN go test ./...
    ```

    ## Fix
    Lower-cases the name and, in the same fix, every `COPY --from`, `RUN --mount from=` and
    `FROM` reference to the stage in the file.
    """
    for stage in ctx.df.stages:
        word = stage.name_word
        if word is None or stage.name is None or word.text == word.text.lower():
            continue
        fix = Fix(
            f"Rename stage '{word.text}' to '{word.text.lower()}' everywhere",
            tuple(_rename_edits(ctx, stage)),
        )
        yield Violation(word.span, f"Stage name '{word.text}' should be lowercase", fix=fix)
