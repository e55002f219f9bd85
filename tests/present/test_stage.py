"""The stage hover: base image and size, what the stage copies from, who uses it."""

from __future__ import annotations

from msb_lsp.images import format_size, load_catalog, parse_image_ref
from msb_lsp.images.reference import ImageRef
from msb_lsp.images.sizes import SizeAnswer, SizeService
from msb_lsp.model.parser import parse
from msb_lsp.present.stage import stage_hover, summarize_stage

OFFLINE = SizeService(online=False, use_cache=False, catalog=load_catalog())

TEXT = (
    "FROM golang:1.22 AS build\n"
    "RUN go build -o /out .\n"
    "FROM build AS test\n"
    "RUN --mount=from=build,target=/b go test ./...\n"
    "FROM scratch AS runtime\n"
    "COPY --from=build /out /app\n"
    "COPY --from=nginx:1.25 /etc/nginx /etc/nginx\n"
    "FROM runtime\n"
)


def amd64(image: str) -> str:
    ref = parse_image_ref(image)
    assert ref is not None
    answer = OFFLINE.known(ref)
    size = answer.for_platform("linux/amd64")
    assert size is not None
    return format_size(size.compressed_bytes)


def test_summary_of_a_build_stage() -> None:
    df = parse(TEXT)
    asked: list[str] = []

    def size_of(ref: ImageRef) -> SizeAnswer:
        asked.append(ref.text)
        return OFFLINE.known(ref)

    summary = summarize_stage(df, df.stages[0], size_of)
    assert asked == ["golang:1.22"]
    assert summary.base_stages == ()
    assert [(s.name, how) for s, how in summary.users] == [
        ("test", ("FROM", "RUN --mount")),
        ("runtime", ("COPY --from",)),
    ]
    assert summary.copies_from == () and summary.copies_images == ()
    assert not summary.final and summary.built_by_default
    shown = stage_hover(summary, markdown=True)
    assert shown.splitlines()[0] == "**Stage `build`** (index 0; 4 stages)"
    assert (
        f"**Base image:** `golang:1.22` — {amd64('golang:1.22')} download (linux/amd64), "
        "catalog (figures of " in shown
    )
    assert "**Used by:**\n- `test` (FROM, RUN --mount)\n- `runtime` (COPY --from)" in shown
    assert "**Copies from:** no other stage or image" in shown


def test_summary_of_a_stage_built_on_a_stage() -> None:
    df = parse(TEXT)
    summary = summarize_stage(df, df.stages[1], OFFLINE.known)
    assert [s.name for s in summary.base_stages] == ["build"]
    assert [(s.name, how) for s, how in summary.copies_from] == [("build", ("RUN --mount",))]
    assert not summary.built_by_default and summary.targets == ("test",)
    shown = stage_hover(summary, markdown=True)
    assert f"**Base:** stage `build`, built on `golang:1.22` — {amd64('golang:1.22')}" in shown
    assert "Not built by default: only with `--target test`." in shown
    plain = stage_hover(summary, markdown=False)
    assert plain.splitlines()[0] == "Stage test (index 1; 4 stages)"
    assert "Base: stage build, built on golang:1.22 — " in plain
    assert "- stage build (RUN --mount)" in plain


def test_final_stage_on_scratch_with_copies() -> None:
    df = parse(TEXT)
    runtime = summarize_stage(df, df.stages[2], OFFLINE.known)
    shown = stage_hover(runtime, markdown=True)
    assert "**Base image:** `scratch` — empty image, 0 B" in shown
    assert "- stage `build` (COPY --from)\n- image `nginx:1.25` (COPY --from)" in shown
    assert "- stage 3 (FROM)" in shown
    final = summarize_stage(df, df.stages[3], OFFLINE.known)
    text = stage_hover(final, markdown=True)
    assert text.splitlines()[0] == "**Stage 3** (index 3; 4 stages)"
    assert "**Base:** stage `runtime`, built on `scratch` — empty image, 0 B" in text
    assert "Final stage: a build without --target produces this image." in text
    assert "**Used by:** no other stage" in text


def test_base_from_a_build_argument() -> None:
    df = parse("ARG BASE\nFROM ${BASE} AS app\nFROM app\n")
    summary = summarize_stage(df, df.stages[0], OFFLINE.known)
    assert summary.base_answer is None
    shown = stage_hover(summary, markdown=True)
    assert "**Base image:** `${BASE}` — chosen at build time (no default for `BASE`)" in shown


def test_a_stage_nothing_needs() -> None:
    df = parse("FROM alpine:3.19\nFROM alpine:3.19 AS final\n")
    shown = stage_hover(summarize_stage(df, df.stages[0], OFFLINE.known), markdown=False)
    assert "Never built: the final stage does not need it and it has no name for --target." in (
        shown
    )
