"""Document outline and folding ranges."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.model.span import Span
from msb_lsp.navigate.outline import Fold, FoldKind, NodeKind, OutlineNode, folding_ranges, outline
from tests.navigate.helpers import span_of

TEXT = """\
# syntax=docker/dockerfile:1
ARG GO=1.22
FROM golang:${GO} AS build
ENV CGO_ENABLED=0 GOOS=linux
# build the binary
# statically
RUN go build \\
    -o /out/app \\
    ./cmd/app
FROM alpine:3.19
LABEL org.opencontainers.image.title="app"
COPY <<EOF /etc/app.conf
listen=:8080
EOF
COPY --from=build /out/app /app
"""


def shape(nodes: list[OutlineNode]) -> list[object]:
    return [
        (n.name, n.kind.value, n.detail, shape(n.children))
        if n.children
        else (n.name, n.kind.value, n.detail)
        for n in nodes
    ]


def test_stages_hold_their_instructions_and_global_args_stay_on_top() -> None:
    assert shape(outline(parse(TEXT))) == [
        ("ARG", "instruction", "GO=1.22", [("GO", "variable", "1.22")]),
        (
            "build",
            "stage",
            "golang:${GO}",
            [
                (
                    "ENV",
                    "instruction",
                    "CGO_ENABLED=0 GOOS=linux",
                    [("CGO_ENABLED", "variable", "0"), ("GOOS", "variable", "linux")],
                ),
                ("RUN", "instruction", "go build -o /out/app ./cmd/app"),
            ],
        ),
        (
            "stage 1",
            "stage",
            "alpine:3.19",
            [
                (
                    "LABEL",
                    "instruction",
                    'org.opencontainers.image.title="app"',
                    [("org.opencontainers.image.title", "label", "app")],
                ),
                ("COPY", "instruction", "<<EOF /etc/app.conf"),
                ("COPY", "instruction", "--from=build /out/app /app"),
            ],
        ),
    ]


def test_ranges_nest_and_selections_are_names() -> None:
    nodes = outline(parse(TEXT))
    build = nodes[1]
    assert build.selection == span_of(TEXT, "build", line=2)
    assert build.span == Span.of(2, 0, 8, 13)
    unnamed = nodes[2]
    assert unnamed.selection == Span.on_line(9, 0, 4)
    assert unnamed.span.end.line == 14
    heredoc_copy = unnamed.children[1]
    assert heredoc_copy.span == Span.of(11, 0, 13, 3)

    def check(node: OutlineNode) -> None:
        assert node.span.contains_span(node.selection), node.name
        for child in node.children:
            assert node.span.contains_span(child.span), (node.name, child.name)
            check(child)

    for node in nodes:
        check(node)


def test_long_arguments_are_abbreviated() -> None:
    text = "FROM alpine\nRUN " + " ".join(["echo something"] * 10) + "\n"
    detail = outline(parse(text))[0].children[0].detail
    assert len(detail) == 60 and detail.endswith("…")


def test_folds_cover_stages_continuations_heredocs_and_comment_blocks() -> None:
    text = (
        "# a\n# b\n# c\n"  # 0-2 comment block
        "FROM alpine AS build\n"  # 3 stage 3-12
        "RUN apk add \\\n    curl \\\n    git\n"  # 4-6 continuation
        "RUN <<EOF\nset -e\necho hi\nEOF\n"  # 7-10 heredoc
        "# single\n"  # 11 alone: no fold
        "COPY . /src\n"  # 12
        "\n"
        "FROM scratch\n"  # 14 one-line stage: no fold
    )
    assert folding_ranges(parse(text)) == [
        Fold(0, 2, FoldKind.COMMENT),
        Fold(3, 12, FoldKind.REGION),
        Fold(4, 6, FoldKind.REGION),
        Fold(7, 10, FoldKind.REGION),
    ]


def test_folds_with_crlf_and_backtick_escape() -> None:
    text = "# escape=`\r\nFROM alpine\r\nRUN echo a `\r\n    b `\r\n    c\r\nCMD x\r\n"
    assert folding_ranges(parse(text)) == [
        Fold(1, 5, FoldKind.REGION),
        Fold(2, 4, FoldKind.REGION),
    ]


def test_unnamed_stage_and_instruction_before_from() -> None:
    nodes = outline(parse("RUN x\nFROM alpine\nCMD y\n"))
    assert [(n.name, n.kind) for n in nodes] == [
        ("RUN", NodeKind.INSTRUCTION),
        ("stage 0", NodeKind.STAGE),
    ]
