"""The final stage's base image floats: no tag, or `:latest`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.span import Pos, Span
from msb_lsp.rules._runtime import BaseImage, base_image, runtime_stages, stage_label
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_WHOLE_VARIABLE = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})")
_WHAT = {
    True: "without a tag, which means ':latest'",
    False: "whose ':latest' tag changes without notice",
}


def _tag_span(image: BaseImage) -> Span:
    """The `latest` of `alpine:latest` when written literally on one line, else the word."""
    word = image.word
    ref = image.ref
    if (
        ref is not None
        and ref.tag_range is not None
        and word.text == image.text
        and word.span.start.line == word.span.end.line
    ):
        line, col = word.span.start.line, word.span.start.col
        a, b = ref.tag_range
        return Span(Pos(line, col + a), Pos(line, col + b))
    return word.span


@rule(
    code="MSB212",
    name="latest-base-image-in-final-stage",
    severity=Severity.WARNING,
    category=Category.FINAL_IMAGE,
    summary="The final stage's base image has no tag or uses ':latest'",
    hadolint=("DL3006", "DL3007"),
)
def latest_base_image_in_final_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags the base image of the final stage when it has no tag (`FROM alpine`) or the
    `latest` tag (`FROM alpine:latest`), after global ARGs are expanded, and without a
    digest. A final stage built `FROM <stage>` is checked through the image that stage
    names. `scratch` is left alone, and so is an image given entirely by an ARG
    (`FROM $BASE_IMAGE`), whose default is a placeholder for `--build-arg`. Builder stages
    are not checked.

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    ## Why is this bad?
    `latest` moves: the next build can get a new major version with another C library,
    another default user or a different size, and two builds of the same commit can differ.
    A version tag (or a digest) makes the shipped image reproducible and its size
    predictable. A warning, as hadolint's DL3006 and DL3007.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN CGO_ENABLED=0 go build -o /app .

    FROM alpine:latest
    COPY --from=builder /app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN CGO_ENABLED=0 go build -o /app .

    FROM alpine:3.19
    COPY --from=builder /app /app
    ```
    """
    seen: set[int] = set()
    for stage in runtime_stages(ctx):
        image = base_image(ctx, stage)
        if image is None or image.ref is None or image.is_scratch or image.ref.digest:
            continue
        if image.ref.tag not in (None, "latest") or id(image.word) in seen:
            continue
        if _WHOLE_VARIABLE.fullmatch(image.word.text):
            continue  # `FROM $BASE_IMAGE`: the default is a placeholder for --build-arg
        seen.add(id(image.word))
        where = stage_label(ctx, stage)
        shown = f"'{image.word.text}'"
        if image.word.text != image.text:
            shown += f" ('{image.text}')"
        if image.stage is not stage:
            where += f", through stage '{image.stage.label}',"
        related = ()
        if image.stage is not stage and stage.from_.image is not None:
            related = (Related(stage.from_.image.span, f"the {stage_label(ctx, stage)}"),)
        yield Violation(
            _tag_span(image) if image.ref.tag is not None else image.word.span,
            f"the {where} is based on {shown} {_WHAT[image.ref.tag is None]}: pin a version tag",
            related=related,
        )
