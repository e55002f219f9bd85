"""`pip install` in a shipped stage that keeps pip's download cache in the image."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.nodes import Instruction
from msb_lsp.model.span import Span
from msb_lsp.rules._runtime import runtime_runs, scope_of
from msb_lsp.rules._shell import Command, Token, mount_targets, script
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_PIP = re.compile(r"pip[0-9.]*")
_PYTHON = re.compile(r"python[0-9.]*")


def pip_install(cmd: Command) -> Token | None:
    """The `install` word of `pip install`, `pip3.12 install`, `python -m pip install`."""
    words = cmd.words
    if _PIP.fullmatch(cmd.name):
        start = 1
    elif _PYTHON.fullmatch(cmd.name):
        values = cmd.values()
        if "-m" not in values[1:3]:
            return None
        m = values.index("-m")
        if m + 1 >= len(values) or values[m + 1] != "pip":
            return None
        start = m + 2
    else:
        return None
    for w in words[start:]:
        if not w.value.startswith("-"):
            return w if w.value == "install" else None
    return None


def _cache_disabled(cmd: Command, commands: list[Command]) -> bool:
    if cmd.has_option("--no-cache-dir") or cmd.assigned("PIP_NO_CACHE_DIR") is not None:
        return True
    for other in commands:
        if other.name == "export" and any(
            w.value.startswith("PIP_NO_CACHE_DIR=") for w in other.args
        ):
            return True
        if other.name == "rm" and any(".cache" in w.value for w in other.args):
            return True
        if pip_cache_purge(other):
            return True
    return False


def pip_cache_purge(cmd: Command) -> bool:
    cache = cmd.values()[1:3]
    return bool(_PIP.fullmatch(cmd.name)) and cache in (["cache", "purge"], ["cache", "remove"])


def _env_disables(ctx: RuleContext, instr: Instruction) -> bool:
    """PIP_NO_CACHE_DIR set by ENV or ARG (pip reads any value as 'no cache')."""
    return scope_of(ctx, instr).lookup("PIP_NO_CACHE_DIR") is not None


@rule(
    code="MSB208",
    name="pip-install-without-no-cache-dir",
    severity=Severity.WARNING,
    category=Category.FINAL_IMAGE,
    summary="pip keeps its download cache in the final image",
    hadolint=("DL3042",),
    fixable=True,
)
def pip_install_without_no_cache_dir(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `pip install` (also `pip3`, `pip3.12`, `python -m pip`) without `--no-cache-dir`
    in a RUN of the final stage or of a stage the final stage is built `FROM`. Left alone:
    `PIP_NO_CACHE_DIR` set by ENV, ARG or in the RUN; a cache or tmpfs mount on
    `~/.cache` or `~/.cache/pip`; a RUN that removes `.cache` or runs `pip cache purge`.
    Builder stages are not checked: a virtualenv built there and copied over carries no
    cache.

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    ## Why is this bad?
    pip keeps every downloaded and built wheel in `~/.cache/pip`. In an image that cache is
    never reused and can be as large as the installed packages themselves (hundreds of MB
    for numpy, torch and the like). A warning, as hadolint's DL3042.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Fix
    Adds `--no-cache-dir` after `install` (safe: it changes nothing but the cache).
    """
    for instr in runtime_runs(ctx):
        if any(t.endswith(("/.cache", "/.cache/pip")) for t in mount_targets(instr)):
            continue
        if _env_disables(ctx, instr):
            continue
        commands = script(ctx.df, instr).commands
        for cmd in commands:
            install = pip_install(cmd)
            if install is None or _cache_disabled(cmd, commands):
                continue
            at = install.span.end
            last = cmd.word_index(install)
            written = " ".join(w.value for w in cmd.words[: last + 1])
            yield Violation(
                cmd.span(0, last),
                f"'{written}' without '--no-cache-dir' keeps pip's download cache in the "
                "final image",
                fix=Fix("Add '--no-cache-dir'", (Edit(Span(at, at), " --no-cache-dir"),)),
            )
