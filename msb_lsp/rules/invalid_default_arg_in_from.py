"""A FROM whose image is empty or invalid with the default ARG values (BuildKit's
InvalidDefaultArgInFrom)."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.images.reference import parse_image_ref
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.varrefs import find_vars
from msb_lsp.model.words import unquote_shell
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

# What the automatic platform ARGs hold when nothing is passed; any real platform will do, the
# question is only whether the reference is well formed.
_PLATFORM_DEFAULTS = {
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDOSVERSION": "",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETOSVERSION": "",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
}


class _Unknown(Exception):
    """An expansion this check cannot do exactly (pattern operators, `${V:?}` errors)."""


@rule(
    code="MSB313",
    name="invalid-default-arg-in-from",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="A FROM image that is empty or invalid unless build arguments are passed",
    buildkit="InvalidDefaultArgInFrom",
)
def invalid_default_arg_in_from(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Expands each `FROM` image that uses variables with the default values of the global ARGs
    alone (as if no `--build-arg` were given; an `ARG` without a value expands to nothing)
    and flags it when the result is empty or not a valid image reference, such as `node:`
    from `FROM node:${BASE_TAG}` with `ARG BASE_TAG` and no default.

    An image written without variables is left to the checks of image references.

    ## Why is this bad?
    The Dockerfile builds only when every caller remembers to pass the argument; a plain
    `docker build .` fails with an "invalid reference format" error, and so do editors and
    tools that read the Dockerfile without build arguments.

    ## Example
    ```dockerfile
    ARG BASE_TAG
    FROM node:${BASE_TAG}
    ```

    ## Use instead
    ```dockerfile
    ARG BASE_TAG=20-alpine
    FROM node:${BASE_TAG}
    ```
    """
    df = ctx.df
    try:
        values = _global_defaults(df)
    except _Unknown:
        return
    for stage in df.stages:
        image = stage.from_.image
        if image is None or "$" not in image.text:
            continue
        try:
            result = _expand(image.text, values, df.escape)
        except _Unknown:
            continue
        if '"' in result or "'" in result:
            result = unquote_shell(result, df.escape)  # the lexer drops quotes: alpine:"3.20"
        if parse_image_ref(result) is None:
            yield Violation(
                image.span,
                f"Default value for ARG {image.text} results in empty or invalid base image name",
            )


def _global_defaults(df: Dockerfile) -> dict[str, str]:
    """Values of the global ARGs when no build argument is passed; unset ones are absent."""
    values = dict(_PLATFORM_DEFAULTS)
    last = df.stages[-1].name if df.stages else None
    values["TARGETSTAGE"] = last or "default"
    for instr in df.global_args:
        for pair in instr.pairs:
            if pair.value is not None:
                values[pair.key.value] = _expand(pair.value.value, values, df.escape)
    return values


# Deeper `${A:-${B:-...}}` nesting is not judged (each level scans its word again).
_MAX_DEPTH = 32


def _expand(text: str, values: dict[str, str], escape: str, depth: int = 0) -> str:
    """Shell-lexer expansion where unset variables are empty, as BuildKit's defaults run."""
    if depth > _MAX_DEPTH:
        raise _Unknown("nested too deep")
    out: list[str] = []
    pos = 0
    for ref in find_vars(text, escape, nested=False):  # a word is expanded on its own
        out.append(text[pos : ref.start])
        pos = ref.end
        value = values.get(ref.name)
        word = ref.word or ""
        mod = ref.modifier
        if mod is None:
            out.append(value or "")
        elif mod in (":-", "-"):
            use_default = value is None or (mod == ":-" and value == "")
            out.append(_expand(word, values, escape, depth + 1) if use_default else value or "")
        elif mod in (":+", "+"):
            use_word = value is not None and (mod == "+" or value != "")
            out.append(_expand(word, values, escape, depth + 1) if use_word else "")
        else:
            raise _Unknown(mod)
    out.append(text[pos:])
    return "".join(out)
