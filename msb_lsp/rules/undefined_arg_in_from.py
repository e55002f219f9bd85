"""A variable in FROM that no global ARG declares (BuildKit's UndefinedArgInFrom)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.suggest import closest
from msb_lsp.model.variables import PLATFORM_ARGS
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB305",
    name="undefined-arg-in-from",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="A variable in FROM that no ARG before the first FROM declares",
    buildkit="UndefinedArgInFrom",
    fixable=True,
)
def undefined_arg_in_from(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `$VAR` in a `FROM` image or `--platform` value when `VAR` is neither declared by
    an `ARG` before the first `FROM` (a declaration without a value counts) nor one of the
    automatic platform ARGs (`BUILDPLATFORM`, `TARGETARCH`, ...). A likely typo gets a
    suggestion.

    ## Why is this bad?
    `FROM` only sees global ARGs. An undeclared variable expands to the empty string, so
    `FROM alpine:${TAG}${SUFFIX}` silently pulls `alpine:3.20` instead of the intended
    variant, or fails with an invalid reference. An `ARG` inside a stage does not help: it is
    declared too late for any `FROM`.

    ## Example
    ```dockerfile
    ARG TAG=3.20
    FROM alpine:${TAG}${SUFFIX}
    ```

    ## Use instead
    ```dockerfile
    ARG TAG=3.20
    ARG SUFFIX=
    FROM alpine:${TAG}${SUFFIX}
    ```

    ## Fix
    When a declared global ARG has a close name (a typo), the fix renames the reference to it
    (offered as unsafe: it guesses what was meant).
    """
    declared = [pair.key.value for instr in ctx.df.global_args for pair in instr.pairs]
    known = set(declared) | set(PLATFORM_ARGS)
    candidates = list(dict.fromkeys([*declared, *PLATFORM_ARGS]))
    for stage in ctx.df.stages:
        for ref in stage.from_.variables:
            if ref.name in known:
                continue
            suggestion = closest(ref.name, candidates, case_insensitive=True)
            message = f"FROM argument '{ref.name}' is not declared"
            fix = None
            if suggestion is not None and suggestion != ref.name:
                message += f" (did you mean {suggestion}?)"
                fix = Fix(f"Use `{suggestion}`", (Edit(ref.name_span, suggestion),), safe=False)
            yield Violation(ref.name_span, message, fix=fix)
