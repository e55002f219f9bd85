"""MSB122 uppercase-stage-name."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings, fixed

CODE = "MSB122"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_capitals_with_buildkits_message() -> None:
    text = "FROM golang:1.22 AS Builder\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "Stage name 'Builder' should be lowercase"
    assert flagged(text) == ["Builder"]
    assert (finding.span.start.line, finding.span.start.col) == (0, 20)


def test_fix_renames_the_stage_and_every_reference() -> None:
    text = (
        "FROM golang:1.22 AS Builder\n"
        "FROM Builder AS test\n"
        'COPY --from="BUILDER" /a /a\n'
        "RUN --mount=type=bind,from=Builder,target=/b true\n"
        "COPY --from=builder /c /c\n"
    )
    assert fixed(text, CODE) == (
        "FROM golang:1.22 AS builder\n"
        "FROM builder AS test\n"
        'COPY --from="builder" /a /a\n'
        "RUN --mount=type=bind,from=builder,target=/b true\n"
        "COPY --from=builder /c /c\n"
    )


def test_fix_leaves_references_through_variables_alone() -> None:
    text = "ARG BASE=Builder\nFROM alpine AS Builder\nFROM ${BASE}\n"
    assert fixed(text, CODE) == "ARG BASE=Builder\nFROM alpine AS builder\nFROM ${BASE}\n"


def test_does_not_catch_lower_case_names() -> None:
    assert flagged("FROM alpine AS builder-2.x\nFROM Alpine\n") == []
