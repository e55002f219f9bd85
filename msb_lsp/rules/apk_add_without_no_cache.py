"""`apk add` in a shipped stage that keeps the package index in the image."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.span import Span
from msb_lsp.rules._runtime import runtime_runs
from msb_lsp.rules._shell import Command, mount_targets, script
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_CACHE_DIRS = ("/var/cache/apk", "/etc/apk/cache")


def _removes_cache(commands: list[Command]) -> bool:
    for cmd in commands:
        if cmd.name == "rm" and any(w.value.startswith(_CACHE_DIRS) for w in cmd.args):
            return True
        if cmd.name == "apk" and cmd.values()[1:3] in (["cache", "clean"], ["cache", "purge"]):
            return True
    return False


@rule(
    code="MSB207",
    name="apk-add-without-no-cache",
    severity=Severity.INFO,
    category=Category.FINAL_IMAGE,
    summary="apk keeps its package index in the final image",
    hadolint=("DL3019",),
    fixable=True,
)
def apk_add_without_no_cache(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `apk add` without `--no-cache` (or `--no-network`, which downloads nothing), and
    `apk update`, in a RUN of the final stage or of a stage the final stage is built
    `FROM`, unless the same RUN removes `/var/cache/apk` or mounts a cache there. Builder
    stages are not checked.

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    ## Why is this bad?
    Without `--no-cache`, apk stores the repository indexes (a few MB per repository) in
    `/var/cache/apk`, and they ship with the image. `apk add --no-cache` fetches fresh
    indexes without storing them, which also makes `apk update` unnecessary. Info, as
    hadolint's DL3019.

    ## Example
    ```dockerfile
    FROM alpine:3.19
    RUN apk update && apk add ca-certificates
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.19
    RUN apk add --no-cache ca-certificates
    ```

    ## Fix
    Adds `--no-cache` after `apk add` (safe). `apk update` has no fix: delete it once the
    `apk add` has `--no-cache`.
    """
    for instr in runtime_runs(ctx):
        if any(t in _CACHE_DIRS for t in mount_targets(instr)):
            continue
        commands = script(ctx.df, instr).commands
        if _removes_cache(commands):
            continue
        for cmd in commands:
            sub = cmd.subcommand(("-X", "--repository", "-p", "--root"))
            if cmd.name != "apk" or sub is None or cmd.has_option("--no-cache", "--no-network"):
                continue  # --no-network installs from the index already there: nothing new
            span = cmd.span(0, cmd.word_index(sub))
            if sub.value == "add":
                at = sub.span.end
                yield Violation(
                    span,
                    "'apk add' without '--no-cache' keeps the package index in "
                    "/var/cache/apk in the final image",
                    fix=Fix("Add '--no-cache'", (Edit(Span(at, at), " --no-cache"),)),
                )
            elif sub.value == "update":
                yield Violation(
                    span,
                    "'apk update' keeps the package index in /var/cache/apk in the final "
                    "image: use 'apk add --no-cache' instead",
                )
