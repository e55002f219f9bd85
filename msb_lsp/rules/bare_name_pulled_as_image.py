"""`COPY --from=<word>` or `--mount from=<word>` where the word is no stage: an untagged image."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.model.stages import RefKind, RefStatus
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.copy_from_misspelled_stage import (
    IGNORED_MOUNTS,
    is_bare_name,
    mount_of,
    mount_type,
    pulled_image,
    typo_candidates,
)


@rule(
    code="MSB104",
    name="bare-name-pulled-as-image",
    severity=Severity.WARNING,
    category=Category.STAGES,
    summary="COPY --from or RUN --mount from= names no stage, so an untagged image is pulled",
    hadolint=("DL3022",),
)
def bare_name_pulled_as_image(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `COPY --from=<word>` and `RUN --mount=...,from=<word>` where `<word>` is a bare name
    (no registry, path, tag or digest) that names no stage of the file and is not a near-miss
    of one (those are `copy-from-misspelled-stage` and `mount-from-misspelled-stage`).
    References with a tag or a registry, such as `--from=nginx:1.27-alpine` or
    `--from=ghcr.io/org/tool:1.2`, are deliberate and not flagged. `--from=scratch` is flagged
    for COPY only: it copies from the empty image, so there is nothing to copy. The reserved
    word `context` is left alone.

    ## Why is this bad?
    A bare name that is not a stage is pulled as `docker.io/library/<name>:latest`. Either it
    is a stage that was renamed or removed, and the build fails with a registry error, or it
    is a real image, and the build depends on whatever `latest` is today. A name with capitals
    is not even a valid image name, and the build fails. A named build context passed with
    `docker build --build-context <name>=...` takes precedence, which this rule cannot see.

    ## Example
    ```dockerfile
    FROM php:8.3-fpm-alpine
    COPY --from=composer /usr/bin/composer /usr/bin/composer
    ```

    ## Use instead
    ```dockerfile
    FROM php:8.3-fpm-alpine
    COPY --from=composer:2.8 /usr/bin/composer /usr/bin/composer
    ```
    """
    df = ctx.df
    for ref in df.refs:
        if ref.kind not in (RefKind.COPY, RefKind.MOUNT) or ref.status is not RefStatus.IMAGE:
            continue
        if ref.instruction.kind == "ADD" or not is_bare_name(ref.text):
            continue
        if ref.kind is RefKind.MOUNT and mount_type(mount_of(ref)) in IGNORED_MOUNTS:
            continue
        if ref.text == "context" or typo_candidates(ctx, ref):
            continue
        if ref.text == "scratch":
            if ref.kind is RefKind.COPY:
                yield Violation(
                    ref.span, "'scratch' is the empty image: there is nothing to copy from it"
                )
            continue
        image = pulled_image(ref.text)
        if image is None:
            yield Violation(
                ref.span,
                f"'{ref.text}' is not a stage, and not a valid image name (image names are "
                "lower-case): the build fails",
                severity=Severity.ERROR,
            )
            continue
        yield Violation(
            ref.span,
            f"'{ref.text}' is not a stage: BuildKit pulls the image '{image}' "
            f"(unless the build passes --build-context {ref.text}=...)",
        )
