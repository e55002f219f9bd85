"""An ARG or ENV whose name says it holds a secret (BuildKit's SecretsUsedInArgOrEnv)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.nodes import KeyValueInstruction
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

# BuildKit's token lists: a token is a `_`-delimited part of the name, any case.
_SECRET = re.compile(
    r"(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)"
    r"(?:_|$)",
    re.IGNORECASE,
)
_ALLOWED = re.compile(r"(?:_|^)(?:public|file|version)(?:_|$)", re.IGNORECASE)


def looks_secret(name: str) -> bool:
    return _SECRET.search(name) is not None and _ALLOWED.search(name) is None


@rule(
    code="MSB312",
    name="secret-in-arg-or-env",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="An ARG or ENV whose name says it holds a secret",
    buildkit="SecretsUsedInArgOrEnv",
)
def secret_in_arg_or_env(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags an `ARG` or `ENV` inside a stage whose name contains one of the `_`-separated
    tokens `apikey`, `auth`, `credential(s)`, `key`, `password`, `pword`, `passwd`, `secret`
    or `token` (any case), unless it also contains `public`, `file` or `version`: so
    `NPM_TOKEN` and `DB_PASSWORD` are flagged, `PUBLIC_KEY`, `TOKEN_FILE` and `GPG_KEYS` are
    not. These are BuildKit's exact rules; ARGs before the first `FROM` are not checked, as in
    BuildKit.

    ## Why is this bad?
    ARG and ENV values end up in the image: ENV in its configuration, ARG in the build
    history of every `RUN` that follows (`docker history` shows them). Anyone who can pull
    the image can read the secret, and multi-stage builds do not help when the ARG is used in
    the final stage.

    ## Example
    ```dockerfile
    FROM node:20
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci
    ```

    ## Use instead
    ```dockerfile
    FROM node:20
    RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \\
        echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci && rm .npmrc
    ```
    """
    for stage in ctx.df.stages:
        for instr in stage.instructions:
            if instr.kind not in ("ARG", "ENV") or not isinstance(instr, KeyValueInstruction):
                continue
            for pair in instr.pairs:
                name = pair.key.value
                if not looks_secret(name):
                    continue
                quoted = name.replace("\\", "\\\\").replace('"', '\\"')
                yield Violation(
                    pair.key.span,
                    "Do not use ARG or ENV instructions for sensitive data "
                    f'({instr.kind} "{quoted}")',
                )
