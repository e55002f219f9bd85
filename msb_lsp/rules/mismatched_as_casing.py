"""`FROM image as name`: the AS keyword cased unlike FROM."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import FromInstruction
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB123",
    name="mismatched-as-casing",
    severity=Severity.WARNING,
    category=Category.STAGES,
    summary="The AS keyword is not cased like FROM",
    buildkit="FromAsCasing",
    fixable=True,
)
def mismatched_as_casing(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `AS` when its case does not match a consistently cased `FROM`: `FROM alpine as
    build` or `from alpine AS build`. As in BuildKit, a mixed-case keyword such as `From`
    is left to the instruction-casing check and its `as` is not compared.

    ## Why is this bad?
    Nothing breaks, but mixed casing makes the stage definitions harder to scan and search
    for; BuildKit warns about it.

    ## Example
    ```dockerfile
    FROM node:20 as build
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS build
    ```

    ## Fix
    Re-cases `as` to match `FROM`.
    """
    for stage in ctx.df.stages:
        instr: FromInstruction = stage.from_
        as_word = instr.as_keyword
        keyword = instr.keyword
        if as_word is None:
            continue
        if keyword == keyword.lower():
            expected = as_word.text.lower()
        elif keyword == keyword.upper():
            expected = as_word.text.upper()
        else:
            continue
        if as_word.text == expected:
            continue
        yield Violation(
            as_word.span,
            f"'{as_word.text}' and '{keyword}' keywords' casing do not match",
            fix=Fix(f"Replace with '{expected}'", (Edit(as_word.span, expected),)),
        )
