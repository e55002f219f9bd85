"""A heredoc whose terminator line never comes: BuildKit fails before building anything."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB011",
    name="unterminated-heredoc",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A heredoc whose terminator line never comes",
)
def unterminated_heredoc(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags `<<EOF` (or `<<-EOF`, `<<'EOF'`, ...) in RUN, COPY or ADD when no later line consists
    of exactly the terminator (after removing leading tabs for `<<-`).

        ## Why is this bad?
        BuildKit fails with `unterminated heredoc`, and every line after the marker is swallowed
    into the heredoc body. A common cause is indentation before the terminator without `<<-`, or
    trailing spaces after it.

        ## Example
        ```dockerfile
        RUN <<EOF
        apk add --no-cache curl
          EOF
        ```

        ## Use instead
        ```dockerfile
        RUN <<EOF
        apk add --no-cache curl
        EOF
        ```
    """
    yield from problems(ctx, "unterminated-heredoc")
