"""A base image that can only come in another platform than the stage asks for (BuildKit's
InvalidBaseImagePlatform), decided offline."""

from __future__ import annotations

from collections.abc import Iterator

from msb_lsp.images.cache import DiskCache
from msb_lsp.images.catalog import load_catalog
from msb_lsp.images.platforms import ANY_PLATFORM
from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.images.registry import DOCKER_LIST, OCI_INDEX
from msb_lsp.model.stages import RefStatus
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext
from msb_lsp.rules.from_platform_flag_const_disallowed import (
    Platform,
    normalized,
    parse_platform,
)


@rule(
    code="MSB310",
    name="base-image-platform-mismatch",
    severity=Severity.WARNING,
    category=Category.BUILDKIT,
    summary="A base image that exists only for another platform than `FROM --platform` asks",
    buildkit="InvalidBaseImagePlatform",
)
def base_image_platform_mismatch(ctx: RuleContext) -> Iterator[Violation]:
    """
    ## What it does
    Flags `FROM --platform=<constant> <image>` when `<image>` names a single-platform image
    manifest for a different OS or architecture, such as an `amd64` manifest digest under
    `--platform=linux/arm64`.

    BuildKit checks this after pulling the image's configuration. msb-lsp decides it offline,
    and only where it knows the answer for sure:

    - the reference pins a platform manifest digest that the embedded image catalog knows
      (`alpine@sha256:...` of its `linux/amd64` manifest), or
    - the image-size cache (filled by the size hover or `msb-lsp size --online`) recorded the
      tag or digest as a single-platform manifest.

    A multi-platform tag is never flagged: when it lacks the platform, BuildKit does not warn
    but fails to pull, and the catalog lists only the platforms it measured, not all that
    exist. A platform given by variables (`$TARGETPLATFORM`) or a build without `--platform`
    cannot be judged offline either.

    ## Why is this bad?
    The stage runs a base image built for another architecture: under emulation if the
    builder has it (slow), or failing with `exec format error`, and the final image carries
    binaries for the wrong platform.

    ## Example
    ```dockerfile
    # the linux/amd64 manifest of alpine:3.20
    FROM --platform=linux/arm64 \\
        alpine@sha256:008827ed2172a676b08121e21cf9db0ce08a90ee6c8a12fc374af8a56c0e496d
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=linux/arm64 alpine:3.20
    ```
    """
    for stage in ctx.df.stages:
        from_ = stage.from_
        flag = from_.platform
        image = from_.image
        if flag is None or flag.value is None or flag.value_span is None or image is None:
            continue
        if "$" in flag.value or stage.base_ref is None:
            continue
        if stage.base_ref.status is not RefStatus.IMAGE or "$" in image.text:
            continue
        wanted = parse_platform(flag.value)
        ref = parse_image_ref(image.text)
        if wanted is None or ref is None or ref.is_scratch:
            continue
        actual = single_platform(ref)
        if actual is None:
            continue
        expected = normalized(wanted)
        if (actual.os, actual.arch) == (expected.os, expected.arch):
            continue
        yield Violation(
            image.span,
            f'Base image {image.text} was pulled with platform "{actual.format()}", '
            f'expected "{expected.format()}" for current build',
            related=(Related(flag.value_span, "the platform the stage asks for"),),
        )


def single_platform(ref: ImageRef) -> Platform | None:
    """The one platform `ref` resolves to when it is known to be a single-platform manifest."""
    if ref.digest is not None:
        match = load_catalog().lookup(ref)
        # A platform manifest's digest: exactly one platform, no index around it.
        if (
            match is not None
            and match.exact
            and match.index_digest is None
            and len(match.platforms) == 1
            and match.platforms[0].platform != ANY_PLATFORM
        ):
            return parse_platform(match.platforms[0].platform)
    return _from_cache(ref)


def _from_cache(ref: ImageRef) -> Platform | None:
    cache = DiskCache()
    digest = ref.digest
    if digest is None:
        tag = cache.tag(ref)
        digest = tag.digest if tag is not None else None
    if digest is None:
        return None
    sizes = cache.sizes(digest)
    if sizes is None or sizes.media_type in (None, OCI_INDEX, DOCKER_LIST):
        return None
    if len(sizes.platforms) != 1 or len(sizes.available) > 1:
        return None
    return parse_platform(sizes.platforms[0].platform)
