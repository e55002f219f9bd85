"""`apt-get update` in a shipped stage without removing the package lists afterwards."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules._runtime import runtime_runs
from msb_lsp.rules._shell import Command, append_edit, mount_targets, script
from msb_lsp.rules.base import Category, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_LISTS = "/var/lib/apt/lists"
_CLEANUP = "rm -rf /var/lib/apt/lists/*"


def _removes_lists(commands: list[Command]) -> bool:
    for cmd in commands:
        if cmd.name in ("rm", "find") and any(_LISTS in w.value for w in cmd.args):
            return True
        sub = cmd.subcommand(("-o", "-c"))
        if (
            cmd.name in ("apt-get", "apt")
            and sub is not None
            and sub.value
            in (
                "distclean",
                "dist-clean",
            )
        ):
            return True
    return False


@rule(
    code="MSB206",
    name="apt-lists-not-removed",
    severity=Severity.INFO,
    category=Category.FINAL_IMAGE,
    summary="apt package lists are left in the final image",
    hadolint=("DL3009",),
    fixable=True,
)
def apt_lists_not_removed(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `apt-get update` (or `apt update`) in a RUN of the final stage, or of a stage the
    final stage is built `FROM`, when the same RUN does not remove `/var/lib/apt/lists`
    (`rm -rf /var/lib/apt/lists/*`, `apt-get distclean`) and does not mount a cache or
    tmpfs there. Builder stages are not checked: their layers do not ship.

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    ## Why is this bad?
    `apt-get update` downloads the package indexes of every configured repository, often
    20 to 50 MB, and they stay in the layer even when a later RUN deletes them. They are of
    no use at run time (the next build runs `apt-get update` again). Info, as hadolint's
    DL3009: the image works, it is only larger.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    Appends ` && rm -rf /var/lib/apt/lists/*` to the RUN (safe: the lists are only read by
    apt itself). No fix for exec-form or heredoc RUNs, or when the command line ends with
    a comment.
    """
    for instr in runtime_runs(ctx):
        if any(t in ("/var/lib/apt", _LISTS) for t in mount_targets(instr)):
            continue
        commands = script(ctx.df, instr).commands
        if _removes_lists(commands):
            continue
        for cmd in commands:
            sub = cmd.subcommand(("-o", "-c", "-t"))
            if cmd.name in ("apt-get", "apt") and sub is not None and sub.value == "update":
                edit = append_edit(ctx.df, instr, _CLEANUP)
                fix = Fix(f"Append '&& {_CLEANUP}'", (edit,)) if edit is not None else None
                yield Violation(
                    cmd.span(0, cmd.word_index(sub)),
                    f"'{cmd.name} update' leaves the package lists in {_LISTS} in the "
                    "final image: remove them in the same RUN",
                    fix=fix,
                )
                break
