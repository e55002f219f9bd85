"""The image hover, inlay label and lens title, from catalog and registry answers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from msb_lsp.images import PlatformSize, format_size, load_catalog, parse_image_ref
from msb_lsp.images.reference import ImageRef
from msb_lsp.images.sizes import SizeAnswer, SizeService, SourceKind
from msb_lsp.present.image import (
    image_hover,
    inlay_label,
    inlay_tooltip,
    lens_title,
    lighter_variants,
    runtime_options,
    size_text,
    slimmer_base,
    unresolved_hover,
)

CATALOG = load_catalog()
OFFLINE = SizeService(online=False, use_cache=False, catalog=CATALOG)


def ref(text: str) -> ImageRef:
    parsed = parse_image_ref(text)
    assert parsed is not None
    return parsed


def figure(image: str, platform: str = "linux/amd64") -> PlatformSize:
    match = CATALOG.lookup(ref(image))
    assert match is not None and match.exact
    size = match.for_platform(platform)
    assert size is not None
    return size


def registry_answer(image: str, sizes: dict[str, int]) -> SizeAnswer:
    return SizeAnswer(
        ref=ref(image),
        kind=SourceKind.REGISTRY,
        source="registry (live)",
        platforms=tuple(
            PlatformSize(platform=p, compressed_bytes=n, layers=3, last_modified="2026-05-06")
            for p, n in sizes.items()
        ),
        exact=True,
        matched_ref=image,
        digest="sha256:" + "ab" * 32,
    )


def test_size_text() -> None:
    assert size_text(48_200_000) == "48.2 MB"
    assert size_text(48_200_000, approximate=True) == "≈ 48.2 MB"
    assert size_text(0) == "0 B"


def test_catalog_hover_in_markdown() -> None:
    answer = OFFLINE.known(ref("node:20"))
    shown = image_hover(answer, CATALOG, markdown=True)
    assert shown.startswith("**`node:20`** — compressed download size\n\n")
    for p in answer.platforms:
        cells = f"| {p.platform} | {format_size(p.compressed_bytes)} | {p.layers} |"
        assert cells in shown
    assert "| Platform | Download | Layers | Date |\n| --- | ---: | ---: | --- |" in shown
    assert f"**Source:** {answer.source}" in shown
    assert answer.source.startswith("catalog (figures of ")
    assert "**On disk (estimate):** ≈ " in shown
    assert "not a measurement" in shown
    full = figure("node:20").compressed_bytes
    alpine = figure("node:20-alpine").compressed_bytes
    line = f"- `node:20-alpine` {format_size(alpine)}, {format_size(full - alpine)} less"
    assert line in shown
    # Runtime images already listed as variants are not repeated.
    assert shown.count("`node:20-alpine`") == 1
    assert "**Runtime images for the final stage**" in shown
    assert "`gcr.io/distroless/nodejs20-debian12`" in shown


def test_catalog_hover_in_plain_text() -> None:
    answer = OFFLINE.known(ref("golang:1.22"))
    shown = image_hover(answer, CATALOG, markdown=False)
    assert shown.startswith("golang:1.22 — compressed download size\n\nPlatform")
    size = figure("golang:1.22")
    row = next(line for line in shown.splitlines() if line.startswith("linux/amd64"))
    assert row.split() == [
        "linux/amd64",
        *format_size(size.compressed_bytes).split(),
        str(size.layers),
        str(size.last_modified),
    ]
    assert "- scratch 0 B, " in shown
    assert "*" not in shown.replace("≈", "") and "`" not in shown and "|" not in shown


def test_registry_figures_are_compared_with_the_registry_figure() -> None:
    answer = registry_answer("node:20", {"linux/amd64": 400_000_000, "linux/arm64": 390_000_000})
    shown = image_hover(answer, CATALOG, markdown=True)
    assert "**Source:** registry (live), fetched just now · digest `sha256:abababababab`" in shown
    assert "| linux/amd64 | 400.0 MB | 3 | 2026-05-06 |" in shown
    alpine = figure("node:20-alpine").compressed_bytes
    assert f"`node:20-alpine` {format_size(alpine)}, {format_size(400_000_000 - alpine)} less" in (
        shown
    )
    cached = replace(answer, kind=SourceKind.CACHE, source="registry (cached 2026-05-07)")
    assert "**Source:** registry (cached 2026-05-07) · digest" in image_hover(
        cached, CATALOG, markdown=True
    )


def test_lighter_variants_are_measured_on_the_first_platform() -> None:
    arm = registry_answer("node:20", {"linux/arm64": 390_000_000})
    variants = lighter_variants(arm, CATALOG)
    assert variants
    for variant in variants:
        other = figure(variant.ref, "linux/arm64")
        assert variant.platform == "linux/arm64"
        assert variant.compressed_bytes == other.compressed_bytes
        assert variant.saved_bytes == 390_000_000 - other.compressed_bytes
    # node:20-alpine has no arm64 figure in the catalog: it cannot be compared.
    assert CATALOG.lookup(ref("node:20-alpine")).for_platform("linux/arm64") is None  # type: ignore[union-attr]
    assert "node:20-alpine" not in [v.ref for v in variants]
    assert "(linux/arm64)" in image_hover(arm, CATALOG, markdown=True)


def test_an_unknown_tag_shows_the_closest_one_as_an_estimate() -> None:
    answer = OFFLINE.known(ref("node:20.99-alpine"))
    assert answer.kind == SourceKind.ESTIMATE
    shown = image_hover(answer, CATALOG, markdown=True)
    assert (
        "**Estimate:** the catalog has no figure for `node:20.99-alpine`; these are the "
        f"figures of the closest known tag `{answer.matched_ref}`." in shown
    )
    amd64 = answer.platforms[0]
    assert f"| linux/amd64 | ≈ {format_size(amd64.compressed_bytes)} |" in shown
    assert "| linux/arm64 | no figure | — | — |" in shown
    assert "**Note:** no catalog figure for linux/arm64" in shown
    assert inlay_label(answer) == f"≈ {format_size(amd64.compressed_bytes)}"


def test_third_party_figures_are_approximate() -> None:
    answer = OFFLINE.known(ref("gcr.io/distroless/static"))
    shown = image_hover(answer, CATALOG, markdown=True)
    assert "**Approximate:** a rounded third-party figure." in shown
    assert "No tag: a pull uses `gcr.io/distroless/static:latest`." in shown
    assert "| any platform | ≈ " in shown
    assert inlay_label(answer) is not None and inlay_label(answer).startswith("≈ ")  # type: ignore[union-attr]


def test_on_disk_figures_are_labelled() -> None:
    answer = registry_answer("example/app:1", {"linux/amd64": 1_000_000})
    answer = replace(
        answer,
        platforms=(replace(answer.platforms[0], size_kind="from-on-disk", includes_app=True),),
    )
    shown = image_hover(answer, CATALOG, markdown=False)
    assert "linux/amd64: scaled down from an on-disk figure" in shown
    assert "linux/amd64: measured with a sample app inside" in shown


def test_scratch() -> None:
    answer = OFFLINE.known(ref("scratch"))
    shown = image_hover(answer, CATALOG, markdown=True)
    assert shown.startswith("**`scratch`** — the empty image")
    assert "0 B download, no layers" in shown
    assert inlay_label(answer) == "0 B"
    assert lens_title(answer, CATALOG) == "final image base: scratch 0 B (empty image)"
    assert "nothing to download" in inlay_tooltip(answer)


def test_unknown_image_with_a_note_that_looks_like_markup() -> None:
    answer = SizeAnswer(
        ref=ref("example.com/team/app:1"),
        kind=SourceKind.UNKNOWN,
        source="unknown",
        note="registry said <b>no</b> *twice*",
        missing_platforms=("linux/amd64",),
    )
    shown = image_hover(answer, CATALOG, markdown=True, pending=True, waited_ms=300)
    assert shown.startswith("**`example.com/team/app:1`** — size unknown")
    assert r"**Note:** registry said \<b\>no\</b\> \*twice\*" in shown
    assert "The registry has not answered within 300 ms; asking it in the background" in shown
    assert "Platform" not in shown and "On disk" not in shown
    assert inlay_label(answer) is None
    assert lens_title(answer, CATALOG) == "final image base: example.com/team/app:1, size unknown"


def test_written_form_with_arg_defaults() -> None:
    answer = OFFLINE.known(ref("node:20-alpine"))
    shown = image_hover(answer, CATALOG, markdown=True, written="node:${V}-alpine")
    assert "With the global ARG defaults, `node:${V}-alpine` is `node:20-alpine`." in shown
    plain = image_hover(answer, CATALOG, markdown=False, written="node:${V}-alpine")
    assert "With the global ARG defaults, node:${V}-alpine is node:20-alpine." in plain


def test_unresolved_hover() -> None:
    shown = unresolved_hover("${BASE}:${TAG}", ("BASE", "TAG"), markdown=True)
    assert shown.startswith("**`${BASE}:${TAG}`** — chosen at build time")
    assert "No default for `BASE`, `TAG`: the image (and its size) depends on `--build-arg`." in (
        shown
    )


def test_inlay_tooltip_lists_every_platform() -> None:
    answer = registry_answer("demo/app:1", {"linux/amd64": 1_234_567, "linux/arm64": 2_345_678})
    answer = replace(answer, missing_platforms=("linux/s390x",))
    assert inlay_label(answer) == "1.2 MB"
    assert inlay_tooltip(answer).splitlines() == [
        "linux/amd64: 1.2 MB",
        "linux/arm64: 2.3 MB",
        "linux/s390x: no figure",
        "compressed download size; source: registry (live)",
    ]


@pytest.mark.parametrize(
    ("image", "slimmer"),
    [
        ("node:20", "node:20-alpine"),  # a build image: its best runtime image
        ("golang:1.22", "scratch"),
        ("python:3.12-slim", "python:3.12-alpine"),  # a runtime image: its lightest variant
    ],
)
def test_lens_title_names_a_slimmer_base(image: str, slimmer: str) -> None:
    answer = OFFLINE.known(ref(image))
    base = figure(image).compressed_bytes
    small = 0 if slimmer == "scratch" else figure(slimmer).compressed_bytes
    chosen = slimmer_base(answer, CATALOG)
    assert chosen is not None and chosen.ref == slimmer
    assert lens_title(answer, CATALOG) == (
        f"final image base: {image} {format_size(base)} — "
        f"{slimmer} would save {format_size(base - small)}"
    )
    assert lens_title(answer, CATALOG, via="deps").startswith(
        f"final image base: {image} {format_size(base)} (through stage deps) — "
    )


def test_nothing_slimmer_than_the_smallest() -> None:
    answer = OFFLINE.known(ref("alpine:3.19"))
    assert slimmer_base(answer, CATALOG) is None
    assert lens_title(answer, CATALOG) == (
        f"final image base: alpine:3.19 {format_size(figure('alpine:3.19').compressed_bytes)}"
    )
    assert runtime_options(answer, CATALOG) == []
