"""The final stage never sets a USER, so its process runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules._runtime import (
    base_image,
    drops_privileges,
    insert_user_fix,
    is_base_image_like,
    is_windows,
    known_nonroot,
    last_user,
    runtime_stages,
    stage_label,
    starts_as_root,
    suggested_user,
)
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext


@rule(
    code="MSB204",
    name="missing-user-in-final-stage",
    severity=Severity.INFO,
    category=Category.FINAL_IMAGE,
    summary="The final stage sets no USER and runs as root",
    fixable=True,
)
def missing_user_in_final_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a final stage that has no `USER` instruction, neither in itself nor in the stages
    it is built `FROM`, on a base image that starts as root.

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    Left alone:
    - `scratch` (no user database; a numeric `USER 65532` still works there),
      `gcr.io/distroless/*:nonroot`, Chainguard, chiseled .NET, Bitnami and
      `*-unprivileged` images, which default to a non-root user;
    - images whose start-up switches users (`gosu`, `su-exec`, `setpriv` in the stage), as
      the entrypoints of official database images do, and `nginx`, `httpd` and `php-fpm`
      commands, whose master process needs root and runs its workers as another user;
    - images meant to be built upon: the stage sets no command of its own (no `CMD`, or
      only an `ENTRYPOINT` script named `*entrypoint*` that runs the inherited command), its
      command is a shell or an interactive interpreter (`CMD ["python3"]`, `CMD ["bash"]`),
      or it has ONBUILD triggers, as official base images do. Those must stay root so that
      Dockerfiles built on them can install packages;
    - Windows images, and bases named by an ARG without a default (the image is unknown).

    For a Docker Official Image, distroless or .NET base the message says it starts as root;
    for other images it says so only if the image sets no user itself, which the rule
    cannot see.

    ## Why is this bad?
    Without `USER`, the container's process runs as root, so a flaw in the program gives
    root inside the container. Info rather than warning, because it is the default of most
    images and the fix needs a user that can read the application's files; hadolint's DL3002
    only flags an explicit `USER root` (see `root-user-in-final-stage`).

    ## Example
    ```dockerfile
    FROM golang:1.22-alpine AS builder
    WORKDIR /app
    COPY . .
    RUN go build -o main .

    FROM alpine:3.19
    COPY --from=builder /app/main /main
    ENTRYPOINT ["/main"]
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22-alpine AS builder
    WORKDIR /app
    COPY . .
    RUN go build -o main .

    FROM alpine:3.19
    COPY --from=builder /app/main /main
    USER nobody
    ENTRYPOINT ["/main"]
    ```

    ## Fix
    Adds `USER <user>` before the stage's first `CMD` or `ENTRYPOINT` (or at its end):
    `node` in node images (the official images create it, UID 1000), `nonroot` in
    distroless images, otherwise `nobody`, which Debian, Ubuntu, Alpine, BusyBox and UBI
    all define. Never applied automatically (unsafe): files the build wrote as root may not
    be writable by that user, and a program that binds a port below 1024 needs root or a
    capability.
    """
    for stage in runtime_stages(ctx):
        image = base_image(ctx, stage)
        if image is None or image.is_scratch or is_windows(image) or known_nonroot(image):
            continue
        if last_user(ctx, stage).instruction is not None:
            continue
        if drops_privileges(ctx, stage) or is_base_image_like(stage):
            continue
        word = stage.from_.image
        assert word is not None
        user = suggested_user(image)
        related = ()
        if image.stage is not stage:
            related = (Related(image.word.span, f"'{image.text}' is named here"),)
        if starts_as_root(image):
            message = f"{stage_label(ctx, stage)} runs as root: no USER is set and "
            message += f"'{image.text}' starts as root"
        else:
            message = f"{stage_label(ctx, stage)} sets no USER: unless '{image.text}' sets "
            message += "one, it runs as root"
        yield Violation(
            word.span,
            message,
            fix=insert_user_fix(ctx, stage, user, f"Add 'USER {user}' before the process starts"),
            related=related,
        )
