"""Image links, semantic token classes and the stage-usage lens text."""

from __future__ import annotations

import itertools

import pytest

from msb_lsp.images.reference import parse_image_ref
from msb_lsp.model import parse
from msb_lsp.navigate.index import NavIndex
from msb_lsp.navigate.links import image_links, registry_page
from msb_lsp.navigate.tokens import TOKEN_MODIFIERS, TOKEN_TYPES, Token, semantic_tokens
from msb_lsp.navigate.usage import stage_usages
from tests.navigate.helpers import span_of


@pytest.mark.parametrize(
    ("image", "url"),
    [
        ("node:20-alpine", "https://hub.docker.com/_/node"),
        ("docker.io/library/node", "https://hub.docker.com/_/node"),
        ("bitnami/redis:7", "https://hub.docker.com/r/bitnami/redis"),
        ("ghcr.io/astral-sh/uv:0.5", "https://ghcr.io/astral-sh/uv"),
        ("quay.io/prometheus/node-exporter", "https://quay.io/repository/prometheus/node-exporter"),
        ("gcr.io/distroless/static:nonroot", "https://gcr.io/distroless/static"),
        ("us.gcr.io/proj/img", "https://us.gcr.io/proj/img"),
        (
            "mcr.microsoft.com/dotnet/aspnet:8.0",
            "https://mcr.microsoft.com/artifact/mar/dotnet/aspnet",
        ),
        ("public.ecr.aws/lambda/python:3.12", "https://gallery.ecr.aws/lambda/python"),
        ("registry.example.com:5000/team/app", None),
        ("localhost/app", None),
    ],
)
def test_registry_pages(image: str, url: str | None) -> None:
    ref = parse_image_ref(image)
    assert ref is not None
    assert registry_page(ref) == url


def test_links_skip_stages_scratch_and_unresolved_variables() -> None:
    text = (
        "ARG TAG=3.19\n"
        "FROM golang:1.22 AS build\n"
        "FROM build AS test\n"
        "FROM scratch\n"
        "FROM alpine:${TAG}\n"
        "FROM ${UNKNOWN}\n"
        "COPY --from=build /a /b\n"
        "COPY --from=nginx:1.27 /etc/nginx /etc/nginx\n"
        "RUN --mount=from=ghcr.io/owner/tools,target=/t ls\n"
        "FROM Build\n"
    )
    links = [(str(link.span), link.url) for link in image_links(parse(text))]
    assert links == [
        (str(span_of(text, "golang", line=1)), "https://hub.docker.com/_/golang"),
        (str(span_of(text, "alpine:${TAG}")), "https://hub.docker.com/_/alpine"),
        (str(span_of(text, "nginx")), "https://hub.docker.com/_/nginx"),
        (str(span_of(text, "ghcr.io/owner/tools")), "https://ghcr.io/owner/tools"),
    ]


def tokens(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    df = parse(text)
    lines = df.source.lines
    return [
        (lines[t.line][t.start : t.end], t.type, t.modifiers)
        for t in semantic_tokens(df, NavIndex(df))
    ]


def test_token_classes() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=alpine\n"
        "FROM golang:1.22 AS build\n"
        "RUN --mount=type=cache,target=/c,from=build echo $TARGETARCH\n"
        "FROM ${BASE}:3.19\n"
        "COPY --from=build /a /b\n"
        "LABEL version=1\n"
    )
    assert tokens(text) == [
        ("syntax", "macro", ()),
        ("docker/dockerfile:1", "string", ()),
        ("ARG", "keyword", ()),
        ("BASE", "variable", ("declaration",)),
        ("FROM", "keyword", ()),
        ("golang:1.22", "type", ()),
        ("AS", "keyword", ()),
        ("build", "class", ("declaration",)),
        ("RUN", "keyword", ()),
        ("--mount", "parameter", ()),
        ("type", "property", ()),
        ("target", "property", ()),
        ("from", "property", ()),
        ("build", "class", ()),
        ("$TARGETARCH", "variable", ("defaultLibrary",)),
        ("FROM", "keyword", ()),
        ("${BASE}", "variable", ()),
        (":3.19", "type", ()),
        ("COPY", "keyword", ()),
        ("--from", "parameter", ()),
        ("build", "class", ()),
        ("LABEL", "keyword", ()),
        ("version", "property", ()),
    ]


def test_tokens_are_sorted_disjoint_single_line_and_in_the_legend() -> None:
    text = (
        "FROM node:${V:-20}-alpine AS web\n"
        "RUN <<EOF\necho $HOME\nEOF\n"
        "# comment é 🐳\n"
        "ONBUILD ENV X=1\n"
    )
    df = parse(text)
    toks = semantic_tokens(df, NavIndex(df))
    assert toks == sorted(toks, key=lambda t: (t.line, t.start))
    for a, b in itertools.pairwise(toks):
        assert (a.line, a.end) <= (b.line, b.start)
    for t in toks:
        assert t.type in TOKEN_TYPES and set(t.modifiers) <= set(TOKEN_MODIFIERS)
        assert 0 <= t.start < t.end <= len(df.source.lines[t.line])
    texts = [(df.source.lines[t.line][t.start : t.end], t.type) for t in toks]
    assert ("node:", "type") in texts and ("${V:-20}", "variable") in texts
    assert ("-alpine", "type") in texts
    assert ("HOME", "variable") in texts  # a heredoc body reference
    assert ("# comment é 🐳", "comment") in texts
    assert ("X", "variable") in texts  # an ONBUILD trigger's key


def test_nested_variables_split_their_enclosing_tokens() -> None:
    text = "ARG W=1\nFROM img${V:-x$W}y AS s\n"
    assert [t for t in tokens(text) if t[1] in ("type", "variable")][1:] == [
        ("img", "type", ()),
        ("${V:-x", "variable", ()),
        ("$W", "variable", ()),
        ("}", "variable", ()),
        ("y", "type", ()),
    ]


def test_token_overlap_resolution() -> None:
    from msb_lsp.navigate.tokens import _flatten

    outer = Token(0, 0, 10, "type")
    inner = Token(0, 3, 5, "variable")
    crossing = Token(0, 8, 12, "comment")
    after = Token(0, 12, 14, "keyword")
    next_line = Token(1, 0, 2, "keyword")
    assert _flatten([next_line, after, inner, outer, crossing]) == [
        Token(0, 0, 3, "type"),
        inner,
        Token(0, 5, 10, "type"),
        after,
        next_line,
    ]


USAGE = """\
FROM golang:1.22 AS build
FROM build AS test
RUN --mount=from=build,target=/b ls
FROM alpine AS lint
COPY --from=test /r /r
FROM golang AS unused
FROM alpine
FROM alpine AS runner
COPY --from=build /app /app
ADD --from=build /x /x
"""


def test_stage_usage_titles() -> None:
    titles = {u.stage.label: u.title for u in stage_usages(parse(USAGE))}
    assert titles == {
        "build": "used by 'test' (FROM, RUN --mount), 'runner' (COPY --from, ADD --from)",
        "test": "used by 'lint' (COPY --from) · not built by default: only with --target "
        "test or --target lint",
        "lint": "not built by default: only with --target lint",
        "unused": "not built by default: only with --target unused",
        "4": "never built: nothing uses it and it has no name for --target",
        "runner": "final stage",
    }


def test_many_users_are_summarised() -> None:
    text = "FROM alpine AS base\n" + "".join(
        f"FROM alpine AS s{i}\nCOPY --from=base /a /a\n" for i in range(6)
    )
    usage = stage_usages(parse(text))[0]
    assert usage.title == (
        "used by 's0' (COPY --from), 's1' (COPY --from), 's2' (COPY --from) and 3 more"
    )
    assert len(usage.refs) == 6
