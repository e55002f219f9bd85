"""Which image a Dockerfile names where, with global ARG defaults expanded."""

from __future__ import annotations

from msb_lsp.model.parser import parse
from msb_lsp.model.span import Pos, Span
from msb_lsp.model.stages import RefKind
from msb_lsp.present.targets import final_base, from_sites, image_site_at, image_sites, root_stage

TEXT = (
    "ARG NODE=20\n"  # 0
    "ARG FLAVOR\n"  # 1
    "FROM node:${NODE}-alpine AS deps\n"  # 2
    "FROM deps AS build\n"  # 3
    "RUN --mount=type=bind,from=python:3.12-slim,target=/py --mount=from=deps,target=/d true\n"  # 4
    "COPY --from=nginx:1.25 /etc/nginx /etc/nginx\n"  # 5
    "COPY --from=0 /a /a\n"  # 6
    "FROM debian:${FLAVOR}\n"  # 7
    "FROM Build\n"  # 8: not the stage `build` (case): pulls an image named Build
    "FROM build AS final\n"  # 9
)


def test_every_image_reference_and_only_those() -> None:
    df = parse(TEXT)
    sites = image_sites(df)
    got = [(s.kind, s.written, s.resolved, s.ref.text if s.ref else None) for s in sites]
    assert got == [
        (RefKind.FROM, "node:${NODE}-alpine", "node:20-alpine", "node:20-alpine"),
        (RefKind.MOUNT, "python:3.12-slim", "python:3.12-slim", "python:3.12-slim"),
        (RefKind.COPY, "nginx:1.25", "nginx:1.25", "nginx:1.25"),
        (RefKind.FROM, "debian:${FLAVOR}", None, None),
        (RefKind.FROM, "Build", "Build", None),  # upper case: not a valid reference
    ]
    assert sites[0].expanded and not sites[1].expanded
    assert sites[3].unknown == ("FLAVOR",)
    assert [s.written for s in from_sites(df)] == [
        "node:${NODE}-alpine",
        "debian:${FLAVOR}",
        "Build",
    ]


def test_spans_and_lookup_by_position() -> None:
    df = parse(TEXT)
    start = len("FROM ")
    node = Span(Pos(2, start), Pos(2, start + len("node:${NODE}-alpine")))
    site = image_site_at(df, Pos(2, start))
    assert site is not None and site.span == node
    after = image_site_at(df, node.end)  # the cursor right after the word
    assert after is not None and after.span == node
    assert image_site_at(df, Pos(2, 1)) is None  # the keyword
    line = TEXT.split("\n")[4]
    mount = image_site_at(df, Pos(4, line.index("python") + 2))
    assert mount is not None and mount.kind == RefKind.MOUNT
    assert image_site_at(df, Pos(4, line.index("deps,") + 1)) is None  # a stage
    assert image_site_at(df, Pos(6, len("COPY --from="))) is None  # a stage index
    assert image_site_at(df, Pos(5, len("COPY --from=n")), image_sites(df)) is not None


def test_final_base_follows_the_stage_chain() -> None:
    df = parse(TEXT)
    found = final_base(df)
    assert found is not None
    final, root, site = found
    assert final.name == "final"
    assert root.name == "deps"
    assert root_stage(final) is root
    assert site is not None and site.resolved == "node:20-alpine"


def test_final_base_without_stages_or_image() -> None:
    assert final_base(parse("# nothing\n")) is None
    found = final_base(parse("ARG X\nFROM ${X}\n"))
    assert found is not None and found[2] is not None and found[2].ref is None
