"""`ENV key value` / `LABEL key value` without `=` (BuildKit's LegacyKeyValueFormat)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import KeyValue, KeyValueInstruction
from msb_lsp.model.words import shell_words
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB309",
    name="legacy-key-value-format",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="`ENV key value` or `LABEL key value` in the legacy form without `=`",
    buildkit="LegacyKeyValueFormat",
    fixable=True,
)
def legacy_key_value_format(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags `ENV` and `LABEL` instructions in the legacy whitespace form, `ENV APP_HOME /app`,
    including those wrapped in `ONBUILD`. The finding spans the key and its value.

    ## Why is this bad?
    The legacy form sets exactly one variable, and everything after the first space is its
    value: `ENV A 1 B 2` sets `A` to `1 B 2`, which is rarely what was meant. Mixing it with
    the `key=value` form makes that easy to get wrong; BuildKit deprecates it.

    ## Example
    ```dockerfile
    FROM alpine
    ENV APP_HOME /app
    ENV GREETING hello world
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    ENV APP_HOME=/app
    ENV GREETING="hello world"
    ```

    ## Fix
    Rewrites the pair as `key=value`. A value with unquoted whitespace is put in double
    quotes; a value that mixes whitespace with quotes or escape characters is left to the
    author, because requoting it could change what it means.
    """
    escape = ctx.df.escape
    for instr in ctx.df.walk():
        if instr.kind not in ("ENV", "LABEL") or not isinstance(instr, KeyValueInstruction):
            continue
        for pair in instr.pairs:
            if pair.separator or pair.value is None:
                continue
            yield Violation(
                pair.span,
                f'"{instr.keyword} key=value" should be used instead of legacy '
                f'"{instr.keyword} key value" format',
                fix=_fix(pair, escape),
            )


def _fix(pair: KeyValue, escape: str) -> Fix | None:
    assert pair.value is not None
    raw = pair.value.text
    words = shell_words(raw, escape)
    if len(words) == 1 and words[0] == (0, len(raw)):
        value = raw  # one shell word, quoted or not: it reads the same after `=`
    elif not any(ch in raw for ch in ('"', "'", escape)):
        value = f'"{raw}"'  # `$` still expands inside double quotes, as it did unquoted
    else:
        return None
    text = f"{pair.key.text}={value}"
    return Fix(f"Use `{text}`" if len(text) <= 60 else "Use key=value", (Edit(pair.span, text),))
