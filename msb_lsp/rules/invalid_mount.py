"""A RUN --mount with an unknown type, an unknown key or a bad value.

BuildKit fails on it before building anything.
"""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.problems import problems


@rule(
    code="MSB014",
    name="invalid-mount",
    severity=Severity.ERROR,
    category=Category.SYNTAX,
    summary="A RUN --mount with an unknown type, an unknown key or a bad value",
)
def invalid_mount(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
        Flags `RUN --mount=` values BuildKit rejects: an unknown `type`, a key the mount type does
    not accept (`sharing` on a bind mount, `size` on a cache mount), a `sharing` value other than
    `shared`, `private` or `locked`, and `from` on a secret mount.

        ## Why is this bad?
        BuildKit fails the build with `unexpected key 'shareing' in '...'` or `secret mount should
    not have a from`.

        ## Example
        ```dockerfile
        RUN --mount=type=cache,target=/root/.cache,sharing=lock pip install -r requirements.txt
        ```

        ## Use instead
        ```dockerfile
        RUN --mount=type=cache,target=/root/.cache,sharing=locked pip install -r requirements.txt
        ```
    """
    yield from problems(ctx, "bad-mount")
