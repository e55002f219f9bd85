"""The image that ships is a build image: compilers and SDKs go to production."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.images.catalog import Catalog, format_size, load_catalog
from msb_lsp.images.families import runtime_alternatives, toolchain_reason
from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.images.tags import split_tag
from msb_lsp.rules._runtime import (
    BaseImage,
    base_image,
    is_base_image_like,
    runtime_stages,
    stage_label,
)
from msb_lsp.rules.base import Category, Edit, Fix, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_ADVICE = re.compile(r" \(use [^)]*\)$")  # the alternatives below say it better
# Images whose `-slim` variant is the same distribution without the build tools.
_SLIM_FAMILIES = frozenset({"node", "python", "ruby"})


@rule(
    code="MSB201",
    name="toolchain-image-in-final-stage",
    severity=Severity.WARNING,
    category=Category.FINAL_IMAGE,
    summary="The final stage runs on a build (toolchain) image",
    fixable=True,
)
def toolchain_image_in_final_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a final stage whose base image is meant for building, not for running: `golang`,
    `rust`, `gcc`, `maven`, `gradle`, JDK images (`eclipse-temurin:21-jdk`, `openjdk`), the
    .NET `sdk`, and the full `node`, `python` and `ruby` images (built on `buildpack-deps`,
    with compilers and development headers). A final stage built `FROM <stage>` is checked
    through that stage's image. An image meant to be built upon is left alone: no `CMD` or
    `ENTRYPOINT` of its own, a shell or an interpreter as its command (`CMD ["python3"]`),
    or ONBUILD triggers. The official language images are toolchains on purpose.

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    The message gives the image's size from the offline catalog (compressed download size,
    `≈` when it is the estimate of a neighbouring tag) and the smaller runtime images that
    can run what it builds, with their sizes.

    ## Why is this bad?
    Everything in the base image ships: `node:20` is about eight times the download of
    `node:20-alpine`, `golang` is hundreds of MB for a binary that runs on `scratch`. The
    compilers also widen the attack surface of the running container. A warning, because
    the image works; it is just much larger than it needs to be.

    ## Example
    ```dockerfile
    FROM node:20
    WORKDIR /app
    COPY --from=build /app/dist ./dist
    CMD ["node", "dist/main.js"]
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-alpine
    WORKDIR /app
    COPY --from=build /app/dist ./dist
    CMD ["node", "dist/main.js"]
    ```

    ## Fix
    For `node`, `python` and `ruby`, the fix (titled with the runtime image's size and the
    download it saves) swaps the image for its `-slim` variant of the same version and Debian
    release; for `eclipse-temurin` JDK tags, the `jre` tag; for the
    .NET SDK, the `aspnet` image of the same tag (which also runs console apps). The fix is
    never applied automatically (unsafe): the runtime image lacks compilers, headers and
    tools that a `RUN` in the stage or a native module may need. The alpine variants are
    listed in the message but not offered as a fix, since musl instead of glibc can change
    behaviour. Go, Rust, C and Maven/Gradle images have no like-for-like runtime variant: move
    the build into a builder stage (the "Extract builder stage" refactoring) and copy the
    result into one of the images the message names.
    """
    catalog = load_catalog()
    for stage in runtime_stages(ctx):
        image = base_image(ctx, stage)
        if image is None or image.ref is None or image.is_scratch:
            continue
        reason = toolchain_reason(image.ref)
        if reason is None or is_base_image_like(stage):
            continue
        own = image.stage is stage
        where = stage_label(ctx, stage)
        if own:
            head = f"{where} runs on '{image.text}'{_size(catalog, image.ref)}"
        else:
            head = (
                f"{where} is based on stage '{image.stage.label}', which runs on "
                f"'{image.text}'{_size(catalog, image.ref)}"
            )
        alternatives = _alternatives(catalog, image.ref)
        message = f"{head}: {_ADVICE.sub('', reason)}"
        if alternatives:
            message += f"; {_join(alternatives)} would be smaller"
        word = stage.from_.image
        assert word is not None  # base_image found an image
        related = () if own else (Related(image.word.span, f"'{image.text}' is named here"),)
        yield Violation(
            word.span, message, fix=_fix(catalog, image) if own else None, related=related
        )


def _size(catalog: Catalog, ref: ImageRef) -> str:
    match = catalog.lookup(ref)
    size = match.preferred() if match is not None else None
    if match is None or size is None:
        return ""
    approx = "" if match.exact else "≈ "
    return f" ({approx}{format_size(size.compressed_bytes)})"


def _alternatives(catalog: Catalog, ref: ImageRef) -> list[str]:
    """The runtime alternatives, each quoted with its size; only those known to be smaller
    (or of unknown size) are kept."""
    current = catalog.lookup(ref)
    current_size = current.preferred() if current is not None else None
    out = []
    for text in runtime_alternatives(ref, catalog):
        alt = parse_image_ref(text)
        if alt is None:
            continue
        match = catalog.lookup(alt)
        size = match.preferred() if match is not None else None
        if (
            size is not None
            and current_size is not None
            and size.compressed_bytes >= current_size.compressed_bytes
        ):
            continue
        out.append(f"'{text}'{_size(catalog, alt)}")
    return out


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _like_for_like(ref: ImageRef) -> str | None:
    """The reference, as written, of the runtime image that is the same distribution
    without the build tools; None when there is no such image."""
    if ref.tag is None or ref.tag_range is None or ref.digest is not None:
        return None
    image = ref.short_name
    prefix = ref.text[: ref.tag_range[0]]  # keeps `docker.io/library/node:` as written
    tag = ref.tag
    tokens = tag.split("-")
    if image in _SLIM_FAMILIES:
        parts = split_tag(tag)
        channel = [t for t in parts.flavor if not (image == "node" and t in ("lts", "current"))]
        if channel:
            return None  # already a variant (or one we do not know)
        rest = [t for t in tokens if t != parts.codename]
        if rest == ["latest"]:
            rest = []
        if image == "node" or parts.codename is None:
            new = [*rest, *([parts.codename] if parts.codename else []), "slim"]
        else:
            new = [*rest, "slim", parts.codename]  # python:3.12-slim-bookworm
        return prefix + "-".join(new)
    if image == "eclipse-temurin" and tokens.count("jdk") == 1:
        return prefix + "-".join("jre" if t == "jdk" else t for t in tokens)
    if image == "mcr.microsoft.com/dotnet/sdk":
        return ref.text.replace("/dotnet/sdk", "/dotnet/aspnet", 1)
    return None


def _fix(catalog: Catalog, image: BaseImage) -> Fix | None:
    if image.has_variables or image.ref is None:
        return None
    replacement = _like_for_like(image.ref)
    if replacement is None:
        return None
    alt = parse_image_ref(replacement)
    size = _size(catalog, alt) if alt is not None else ""
    saves = _saving(catalog, image.ref, alt) if alt is not None else None
    if saves is not None and size:
        size = f"{size[:-1]}, saves {saves})"
    return Fix(
        f"Use '{replacement}'{size} instead of '{image.text}'",
        (Edit(image.word.span, replacement),),
        safe=False,
    )


def _saving(catalog: Catalog, current: ImageRef, alt: ImageRef) -> str | None:
    """How much smaller the download of `alt` is than that of `current` (`≈` when either
    figure is an estimate); None when a size is unknown or nothing is saved."""
    a, b = catalog.lookup(current), catalog.lookup(alt)
    size_a = a.preferred() if a is not None else None
    size_b = b.preferred() if b is not None else None
    if a is None or b is None or size_a is None or size_b is None:
        return None
    saved = size_a.compressed_bytes - size_b.compressed_bytes
    if saved <= 0:
        return None
    approx = "" if a.exact and b.exact else "≈ "
    return f"{approx}{format_size(saved)}"
