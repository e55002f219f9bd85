"""The last USER of the final stage is root."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.nodes import Instruction
from msb_lsp.model.stages import Stage
from msb_lsp.model.variables import expand
from msb_lsp.rules._runtime import (
    base_image,
    chain,
    drops_privileges,
    insert_user_fix,
    is_root,
    is_windows,
    last_user,
    runtime_stages,
    stage_label,
    suggested_user,
)
from msb_lsp.rules.base import Category, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB203",
    name="root-user-in-final-stage",
    severity=Severity.WARNING,
    category=Category.FINAL_IMAGE,
    summary="The final stage switches to the root user and stays there",
    hadolint=("DL3002",),
    fixable=True,
)
def root_user_in_final_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags the last `USER` of the final stage when it is `root` or UID `0` (`USER root`,
    `USER 0`, `USER 0:0`, also through an ARG), including a `USER root` inherited from the
    stage it is built `FROM`. Left alone: images whose start-up switches users itself
    (`gosu`, `su-exec`, `setpriv` in the stage, or an `nginx`, `httpd` or `php-fpm` command,
    whose master process needs root and runs its workers as another user), Windows images,
    and builder stages, since what runs as root there does not ship.

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    ## Why is this bad?
    The container's process runs as root. A flaw in the program then gives root inside the
    container, and with a mounted volume or a kernel flaw, more. Switching to root to
    install packages is fine; forgetting to switch back is the usual cause. A warning, as
    in hadolint's DL3002.

    ## Example
    ```dockerfile
    FROM node:20-alpine
    USER node
    COPY --chown=node . /app
    USER root
    RUN apk add --no-cache curl
    CMD ["node", "/app/main.js"]
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-alpine
    USER node
    COPY --chown=node . /app
    USER root
    RUN apk add --no-cache curl
    USER node
    CMD ["node", "/app/main.js"]
    ```

    ## Fix
    Adds `USER <user>` before the first `CMD` or `ENTRYPOINT` after the `USER root` (or at
    the end of the stage), where `<user>` is the last non-root user set earlier in the
    stage chain, else `node` in node images, `nonroot` in distroless ones and `nobody`
    elsewhere. Never applied automatically (unsafe): files the build wrote as root may not
    be readable or writable by that user.
    """
    for stage in runtime_stages(ctx):
        image = base_image(ctx, stage)
        if image is not None and is_windows(image):
            continue
        state = last_user(ctx, stage)
        if state.word is None or state.value is None or not is_root(state.value):
            continue
        if drops_privileges(ctx, stage):
            continue
        assert state.instruction is not None
        user = _previous_user(ctx, stage, state.instruction)
        if user is None:
            user = suggested_user(image) if image is not None else "nobody"
        fix: Fix = insert_user_fix(
            ctx, stage, user, f"Add 'USER {user}' before the process starts", state.instruction
        )
        shown = f"'{state.word.text}'"
        if state.word.text != state.value:
            shown += f" ('{state.value}')"
        yield Violation(
            state.word.span,
            f"{stage_label(ctx, stage)} runs as root: the last USER is {shown}",
            fix=fix,
        )


def _previous_user(ctx: RuleContext, stage: Stage, root_user: Instruction) -> str | None:
    """The last non-root user set before `root_user` in the chain, as written."""
    found = None
    for s in reversed(chain(stage)):
        for instr, scope in ctx.stage_scopes(s):
            if instr is root_user:
                return found
            if instr.kind == "USER" and instr.args:
                value = expand(instr.args[0].value, scope, ctx.df.escape)
                if value.complete and not is_root(value.text):
                    found = instr.args[0].text
    return found
