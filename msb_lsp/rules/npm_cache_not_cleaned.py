"""`npm ci` / `npm install` in a shipped stage that keeps npm's cache in the image."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.rules._runtime import runtime_runs, scope_of
from msb_lsp.rules._shell import Command, Token, append_edit, mount_targets, script
from msb_lsp.rules.base import Category, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_INSTALLS = frozenset({"ci", "install", "i", "add", "isntall", "clean-install"})
_CLEAN = "npm cache clean --force"


def npm_install(cmd: Command) -> Token | None:
    """The subcommand word of `npm ci`, `npm install`, `npm i`."""
    if cmd.name != "npm":
        return None
    sub = cmd.subcommand(("--prefix", "-C", "--cache", "--userconfig", "--registry"))
    return sub if sub is not None and sub.value in _INSTALLS else None


def _cleans(commands: list[Command]) -> bool:
    for cmd in commands:
        values = cmd.values()
        if cmd.name == "npm" and values[1:3] == ["cache", "clean"]:
            return True
        if cmd.name == "rm" and any(".npm" in v for v in values[1:]):
            return True
    return False


@rule(
    code="MSB209",
    name="npm-cache-not-cleaned",
    severity=Severity.INFO,
    category=Category.FINAL_IMAGE,
    summary="npm keeps its package cache in the final image",
    fixable=True,
)
def npm_cache_not_cleaned(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `npm ci` and `npm install` in a RUN of the final stage or of a stage the final
    stage is built `FROM`, when the same RUN neither runs `npm cache clean --force` nor
    removes `~/.npm`, and does not mount a cache over npm's cache folder. Builder stages are
    not checked: their cache does not ship.

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    ## Why is this bad?
    npm keeps a copy of every package tarball it downloaded in `~/.npm/_cacache`, roughly
    the size of the installed `node_modules`. It is never used at run time. Info: the image
    works, it is only larger. hadolint has no npm rule; DL3060 is the same check for yarn.

    ## Example
    ```dockerfile
    FROM node:20-alpine
    COPY package*.json ./
    RUN npm ci --omit=dev
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-alpine
    COPY package*.json ./
    RUN npm ci --omit=dev && npm cache clean --force
    ```

    Or keep the cache out of the layer with
    `RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev`.

    ## Fix
    Appends ` && npm cache clean --force` to the RUN (safe: the cache is only a download
    cache). No fix for exec-form or heredoc RUNs, or when the command line ends with a
    comment.
    """
    for instr in runtime_runs(ctx):
        targets = mount_targets(instr)
        if any(t.endswith(".npm") or "npm" in t.rsplit("/", 1)[-1] for t in targets):
            continue
        configured = scope_of(ctx, instr).lookup("npm_config_cache") or scope_of(ctx, instr).lookup(
            "NPM_CONFIG_CACHE"
        )
        if configured is not None and configured.value in targets:
            continue
        commands = script(ctx.df, instr).commands
        if _cleans(commands):
            continue
        for cmd in commands:
            sub = npm_install(cmd)
            if sub is None:
                continue
            edit = append_edit(ctx.df, instr, _CLEAN)
            yield Violation(
                cmd.span(0, cmd.word_index(sub)),
                f"'npm {sub.value}' keeps npm's cache (~/.npm) in the final image: run "
                f"'{_CLEAN}' in the same RUN",
                fix=Fix(f"Append '&& {_CLEAN}'", (edit,)) if edit is not None else None,
            )
            break
