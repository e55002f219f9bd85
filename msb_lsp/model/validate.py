"""The errors BuildKit raises while turning the syntax tree into instructions.

These come from moby/buildkit `frontend/dockerfile/instructions/parse.go`, `bflag.go` and
`commands_runmount.go`; messages keep BuildKit's wording so users can search for them.
"""

from __future__ import annotations

import re

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import (
    FromInstruction,
    HealthcheckInstruction,
    Instruction,
    OnbuildInstruction,
    Problem,
    RunInstruction,
)
from msb_lsp.model.suggest import did_you_mean

BOOL, STRING, STRINGS = "bool", "string", "strings"

# Flags each instruction accepts, with their type (`strings` may repeat).
FLAGS: dict[str, dict[str, str]] = {
    "FROM": {"platform": STRING},
    "COPY": {
        "from": STRING,
        "chown": STRING,
        "chmod": STRING,
        "link": BOOL,
        "parents": BOOL,
        "exclude": STRINGS,
    },
    "ADD": {
        "chown": STRING,
        "chmod": STRING,
        "link": BOOL,
        "keep-git-dir": BOOL,
        "checksum": STRING,
        "unpack": BOOL,
        "exclude": STRINGS,
    },
    "RUN": {"mount": STRINGS, "network": STRING, "security": STRING, "device": STRINGS},
    "HEALTHCHECK": {
        "interval": STRING,
        "timeout": STRING,
        "start-period": STRING,
        "start-interval": STRING,
        "retries": STRING,
    },
}

INSTRUCTIONS = (
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
)

MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")
MOUNT_KEYS: dict[str, tuple[str, ...]] = {
    # Keys each mount type accepts (commands_runmount.go `parseMount`).
    "bind": (
        "type",
        "from",
        "source",
        "src",
        "target",
        "dst",
        "destination",
        "readonly",
        "ro",
        "readwrite",
        "rw",
        "bind-propagation",
    ),
    "cache": (
        "type",
        "from",
        "source",
        "src",
        "target",
        "dst",
        "destination",
        "readonly",
        "ro",
        "readwrite",
        "rw",
        "id",
        "sharing",
        "mode",
        "uid",
        "gid",
    ),
    "tmpfs": ("type", "target", "dst", "destination", "size"),
    "secret": (
        "type",
        "id",
        "target",
        "dst",
        "destination",
        "required",
        "mode",
        "uid",
        "gid",
        "env",
    ),
    "ssh": ("type", "id", "target", "dst", "destination", "required", "mode", "uid", "gid"),
}
SHARING_MODES = ("shared", "private", "locked")
NETWORK_MODES = ("default", "none", "host")
SECURITY_MODES = ("sandbox", "insecure")

VALID_STAGE_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")

# Instructions that need arguments, and BuildKit's message when they have none.
_REQUIRES_ARGS = {
    "FROM": "FROM requires either one or three arguments",
    "COPY": "COPY requires at least two arguments",
    "ADD": "ADD requires at least two arguments",
    "ARG": "ARG requires at least one argument",
    "EXPOSE": "EXPOSE requires at least one argument",
    "USER": "USER requires exactly one argument",
    "WORKDIR": "WORKDIR requires exactly one argument",
    "STOPSIGNAL": "STOPSIGNAL requires exactly one argument",
    "MAINTAINER": "MAINTAINER requires exactly one argument",
    "VOLUME": "VOLUME requires at least one argument",
    "ONBUILD": "ONBUILD requires at least one argument",
    "SHELL": "SHELL requires at least one argument",
    "RUN": "RUN requires at least one argument",
}


# Problem codes this module adds; the rest come from the syntax layer (parser.py).
INSTRUCTION_CODES = frozenset(
    {
        "instruction-before-from",
        "onbuild-chain",
        "onbuild-trigger",
        "unknown-instruction",
        "missing-arguments",
        "from-argument-count",
        "invalid-stage-name",
        "shell-not-json",
        "unknown-flag",
        "duplicate-flag",
        "bad-flag-value",
        "healthcheck-arguments",
        "bad-mount",
    }
)


class _Sink:
    """Where the checks of one instruction put their problems (the checks only need
    `.problems`, so one instruction's problems can be kept with it)."""

    __slots__ = ("problems",)

    def __init__(self) -> None:
        self.problems: list[Problem] = []


def validate(df: Dockerfile) -> None:
    """Append BuildKit's instruction-level errors to `df.problems`.

    An instruction's own errors are computed once and kept on it, so an instruction reused
    by incremental parsing is not checked again.
    """
    seen_from = False
    for instr in df.instructions:
        if isinstance(instr, FromInstruction):
            seen_from = True
        elif instr.kind != "ARG" and not seen_from and instr.kind in INSTRUCTIONS:
            df.problems.append(
                Problem(
                    "instruction-before-from",
                    "no build stage in current context",
                    instr.keyword_span,
                )
            )
        if instr.instruction_problems is None:
            sink = _Sink()
            _check_with_trigger(sink, instr)
            instr.instruction_problems = sink.problems
        df.problems.extend(instr.instruction_problems)


def _check_with_trigger(df: _Sink, instr: Instruction) -> None:
    _check(df, instr)  # type: ignore[arg-type]
    if isinstance(instr, OnbuildInstruction) and instr.trigger is not None:
        trigger = instr.trigger
        if trigger.kind == "ONBUILD":
            df.problems.append(
                Problem(
                    "onbuild-chain",
                    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                    trigger.keyword_span,
                )
            )
        elif trigger.kind in ("FROM", "MAINTAINER"):
            df.problems.append(
                Problem(
                    "onbuild-trigger",
                    f"{trigger.kind} isn't allowed as an ONBUILD trigger",
                    trigger.keyword_span,
                )
            )
        else:
            _check(df, trigger)  # type: ignore[arg-type]


def _check(df: Dockerfile, instr: Instruction) -> None:
    problems = df.problems
    if instr.kind not in INSTRUCTIONS:
        problems.append(
            Problem(
                "unknown-instruction",
                f"unknown instruction: {instr.keyword}{did_you_mean(instr.keyword, INSTRUCTIONS)}",
                instr.keyword_span,
                data={"suggestion": _suggested(instr.keyword, INSTRUCTIONS)},
            )
        )
        return
    _check_flags(df, instr)
    if not instr.args_text and instr.kind in _REQUIRES_ARGS and not instr.heredocs:
        problems.append(
            Problem("missing-arguments", _REQUIRES_ARGS[instr.kind], instr.keyword_span)
        )
        return
    if isinstance(instr, FromInstruction):
        _check_from(df, instr)
    elif instr.kind in ("COPY", "ADD") and len(instr.args) < 2 and not instr.heredocs:
        problems.append(
            Problem("missing-arguments", _REQUIRES_ARGS[instr.kind], instr.args_span or instr.span)
        )
    elif instr.kind == "SHELL" and not instr.json:
        problems.append(
            Problem(
                "shell-not-json",
                "SHELL requires the arguments to be in JSON form",
                instr.args_span or instr.span,
            )
        )
    elif isinstance(instr, HealthcheckInstruction):
        _check_healthcheck(df, instr)
    elif isinstance(instr, RunInstruction):
        _check_mounts(df, instr)


def _check_from(df: Dockerfile, instr: FromInstruction) -> None:
    words = instr.args
    if len(words) not in (1, 3) or (len(words) == 3 and instr.as_keyword is None):
        df.problems.append(
            Problem(
                "from-argument-count",
                "FROM requires either one or three arguments",
                instr.args_span or instr.span,
            )
        )
        return
    name = instr.stage_name
    if name is not None and not VALID_STAGE_NAME.match(name.value):
        df.problems.append(
            Problem(
                "invalid-stage-name",
                f'invalid name for build stage: "{name.text}", name can\'t start with a number '
                "or contain symbols",
                name.span,
            )
        )


def _check_flags(df: Dockerfile, instr: Instruction) -> None:
    allowed = FLAGS.get(instr.kind, {})
    used: set[str] = set()
    for flag in instr.flags:
        kind = allowed.get(flag.name)
        if kind is None:
            df.problems.append(
                Problem(
                    "unknown-flag",
                    f"unknown flag: {flag.name}{did_you_mean(flag.name, allowed)}",
                    flag.name_span,
                    data={"suggestion": _suggested(flag.name, allowed)},
                )
            )
            continue
        if flag.name in used and kind != STRINGS:
            df.problems.append(
                Problem("duplicate-flag", f"duplicate flag specified: {flag.name}", flag.span)
            )
        used.add(flag.name)
        if kind == BOOL:
            if flag.value is not None and flag.value.lower() not in ("true", "false"):
                message = (
                    f"missing a value on flag: {flag.name}"
                    if flag.value == ""
                    else f"expecting boolean value for flag {flag.name}, not: {flag.value}"
                )
                df.problems.append(Problem("bad-flag-value", message, flag.value_span or flag.span))
        elif flag.value is None:
            df.problems.append(
                Problem("bad-flag-value", f"missing a value on flag: {flag.name}", flag.span)
            )


def _check_healthcheck(df: Dockerfile, instr: HealthcheckInstruction) -> None:
    kind = instr.check_type
    if kind is None:
        return
    upper = kind.text.upper()
    if upper == "NONE":
        if instr.args or instr.flags:
            df.problems.append(
                Problem(
                    "healthcheck-arguments",
                    "HEALTHCHECK NONE takes no arguments",
                    instr.args_span or instr.span,
                )
            )
    elif upper != "CMD":
        df.problems.append(
            Problem(
                "healthcheck-arguments",
                f'Unknown type "{kind.text}" in HEALTHCHECK (try CMD)',
                kind.span,
            )
        )
    elif not instr.args:
        df.problems.append(
            Problem("healthcheck-arguments", "Missing command after HEALTHCHECK CMD", kind.span)
        )


def _check_mounts(df: Dockerfile, instr: RunInstruction) -> None:
    for mount in instr.mounts:
        type_opt = mount.option("type")
        mount_type = (type_opt.value or "").lower() if type_opt is not None else "bind"
        if mount_type not in MOUNT_TYPES:
            span = type_opt.value_span if type_opt and type_opt.value_span else mount.span
            df.problems.append(
                Problem(
                    "bad-mount",
                    f'unsupported mount type "{mount_type}"{did_you_mean(mount_type, MOUNT_TYPES)}',
                    span,
                )
            )
            continue
        keys = MOUNT_KEYS[mount_type]
        for opt in mount.options:
            key = opt.key.lower()
            if key not in keys and not (key == "from" and mount_type == "secret"):
                df.problems.append(
                    Problem(
                        "bad-mount",
                        f"unexpected key '{opt.key}' in '{mount.value}'{did_you_mean(key, keys)}",
                        opt.key_span,
                    )
                )
            elif key == "sharing" and (opt.value or "") not in SHARING_MODES:
                df.problems.append(
                    Problem(
                        "bad-mount",
                        f'unsupported sharing value "{opt.value}"',
                        opt.value_span or opt.span,
                    )
                )
        if mount_type == "secret" and mount.option("from") is not None:
            opt = mount.option("from")
            assert opt is not None
            df.problems.append(
                Problem("bad-mount", "secret mount should not have a from", opt.span)
            )
    for flag in instr.flags:
        if flag.name == "network" and flag.value is not None and flag.value not in NETWORK_MODES:
            df.problems.append(
                Problem(
                    "bad-flag-value",
                    f'unsupported network mode "{flag.value}"',
                    flag.value_span or flag.span,
                )
            )
        elif (
            flag.name == "security" and flag.value is not None and flag.value not in SECURITY_MODES
        ):
            df.problems.append(
                Problem(
                    "bad-flag-value",
                    f'unsupported security mode "{flag.value}"',
                    flag.value_span or flag.span,
                )
            )


def _suggested(word: str, candidates: object) -> str | None:
    from msb_lsp.model.suggest import closest

    return closest(word, candidates)  # type: ignore[arg-type]
