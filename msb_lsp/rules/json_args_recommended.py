"""CMD or ENTRYPOINT in shell form (BuildKit's JSONArgsRecommended)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from msb_lsp.model.nodes import Instruction
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

# Words made only of these characters mean the same to `sh -c` and in exec form.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:=,@%+-]+")


@rule(
    code="MSB303",
    name="shell-form-cmd-or-entrypoint",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="CMD or ENTRYPOINT in shell form, where the process does not get signals",
    buildkit="JSONArgsRecommended",
    hadolint=("DL3025",),
    fixable=True,
)
def shell_form_cmd_or_entrypoint(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags `CMD` and `ENTRYPOINT` written in shell form (`CMD my-app --serve`) in a stage where
    no `SHELL` instruction ran before them, in the stage itself or in the stages it is built
    `FROM`. With a `SHELL`, BuildKit assumes the shell form is deliberate and stays quiet.

    BuildKit also stays quiet when the base image's configuration sets a shell (some Windows
    images do); msb-lsp does not read image configurations, so it warns there too.

    ## Why is this bad?
    In shell form the container runs `/bin/sh -c "my-app --serve"`: the shell is PID 1 and
    does not pass `SIGTERM` on to `my-app`, so `docker stop` waits ten seconds and then kills
    the process without a clean shutdown.

    ## Example
    ```dockerfile
    FROM alpine
    ENTRYPOINT my-app --serve
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    ENTRYPOINT ["my-app", "--serve"]
    ```

    ## Fix
    Rewrites the command in exec form when it is a plain list of words, without quotes,
    variables, globs, redirections or other shell syntax. When a `CMD` follows an
    `ENTRYPOINT` of the stage, the fix is offered as unsafe: the arguments the entrypoint
    receives change from `/bin/sh -c "..."` to the words themselves (usually what was meant).
    """
    for stage in ctx.df.stages:
        shell_set = ctx.base_chain_runs(stage, "SHELL")
        entrypoint = ctx.base_chain_runs(stage, "ENTRYPOINT")
        for instr in stage.instructions:
            if instr.kind == "SHELL":
                shell_set = True
            elif instr.kind == "ENTRYPOINT":
                if not instr.json and not shell_set and instr.args_span is not None:
                    yield _violation(instr, safe=True)
                entrypoint = True
            elif (
                instr.kind == "CMD"
                and not instr.json
                and not shell_set
                and instr.args_span is not None
            ):
                yield _violation(instr, safe=not entrypoint)


def _violation(instr: Instruction, safe: bool) -> Violation:
    assert instr.args_span is not None
    message = (
        f"JSON arguments recommended for {instr.keyword} to prevent unintended behavior "
        "related to OS signals"
    )
    return Violation(instr.args_span, message, fix=_fix(instr, safe))


def _fix(instr: Instruction, safe: bool) -> Fix | None:
    assert instr.args_span is not None
    if instr.start_line != instr.end_line:
        return None  # continued lines may hide comments; leave those to the author
    words = instr.args_text.split()
    if not words or not all(_PLAIN_WORD.fullmatch(w) for w in words):
        return None
    exec_form = "[" + ", ".join(json.dumps(w) for w in words) + "]"
    return Fix("Use the exec form (JSON array)", (Edit(instr.args_span, exec_form),), safe=safe)
