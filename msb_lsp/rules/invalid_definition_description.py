"""A comment above a named stage or ARG that does not start with its name (BuildKit's
experimental InvalidDefinitionDescription)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import Comment, Instruction, KeyValueInstruction, Word
from msb_lsp.model.span import Pos, Span
from msb_lsp.rules.base import Category, Edit, Fix, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB316",
    name="invalid-definition-description",
    severity=Severity.INFO,
    category=Category.BUILDKIT,
    summary="A comment above a named stage or ARG that does not start with its name",
    buildkit="InvalidDefinitionDescription",
    experimental=True,
    fixable=True,
)
def invalid_definition_description(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Checks the comment lines directly above `FROM ... AS <name>` and `ARG <name>`: BuildKit
    takes them as the description of the stage or argument (shown by
    `docker buildx build --call=outline` and `--call=targets`) and expects the last of them
    to start with the name, `# build compile the app`. A comment that does not is flagged on
    the name it describes.

    This check is experimental in BuildKit, so it runs only with
    `# check=experimental=InvalidDefinitionDescription` (or `experimental=all`) at the top
    of the Dockerfile, or when selected explicitly by code or name.

    ## Why is this bad?
    The comment shows up as the description of the stage or argument in build tooling, where
    an arbitrary note reads as nonsense; a comment meant as a description but not following
    the format is not recognised as one.

    ## Example
    ```dockerfile
    # check=experimental=InvalidDefinitionDescription
    # compile the app
    FROM golang:1.22 AS build
    ```

    ## Use instead
    ```dockerfile
    # check=experimental=InvalidDefinitionDescription
    # build compiles the app
    FROM golang:1.22 AS build
    ```

    ## Fix
    Two choices, both only touching comments: start the comment with the name, or put an
    empty `#` line between the comment and the instruction so that it is no longer taken as
    a description (a blank line does not separate them).
    """
    for instr in ctx.df.instructions:
        if not instr.comments:
            continue
        if instr.kind == "FROM" and instr.stage is not None and instr.stage.name_word:
            word = instr.stage.name_word
            yield from _check(ctx, instr, "FROM", [word.value], word)
        elif instr.kind == "ARG" and isinstance(instr, KeyValueInstruction) and instr.pairs:
            keys = [pair.key.value for pair in instr.pairs]
            yield from _check(ctx, instr, "ARG", keys, instr.pairs[0].key)


def _check(
    ctx: RuleContext, instr: Instruction, kind: str, names: list[str], anchor: Word
) -> Iterator[Violation]:
    comment = instr.comments[-1]
    if comment.text.split(" ")[0] in names:
        return
    example = names[0] if len(names) == 1 else "<arg_key>"
    # A parser directive (`# syntax=...`) above the FROM counts too, but must stay as it is.
    directive = any(d.span.start.line == comment.span.start.line for d in ctx.df.directives)
    fixes = [] if len(names) > 1 or directive else [_prefix(ctx, comment, names[0])]
    fixes.append(_detach(ctx, comment))
    yield Violation(
        anchor.span,
        f"Comment for {kind} should follow the format: `# {example} <description>`",
        fix=fixes[0],
        fixes=tuple(fixes[1:]),
        related=(Related(comment.span, "the description comment"),),
    )


def _prefix(ctx: RuleContext, comment: Comment, name: str) -> Fix:
    line = ctx.df.lines[comment.span.start.line]
    col = comment.span.start.col + 1  # after the `#`
    while col < len(line) and line[col] in " \t":
        col += 1
    at = Pos(comment.span.start.line, col)
    return Fix(f"Start the comment with `{name}`", (Edit(Span(at, at), name + " "),), safe=False)


def _detach(ctx: RuleContext, comment: Comment) -> Fix:
    at = Pos(comment.span.start.line + 1, 0)
    eol = ctx.df.source.eol
    return Fix(
        "Insert an empty `#` line so the comment is no description",
        (Edit(Span(at, at), "#" + eol),),
        safe=False,
    )
