"""MSB105 forward-stage-reference."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings

CODE = "MSB105"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_copy_from_a_later_stage_with_buildkits_message() -> None:
    text = (
        "FROM golang:1.22 AS build\n"
        "COPY --from=assets /dist ./web\n"
        "FROM node:20 AS assets\n"
        "RUN npm run build\n"
    )
    (finding,) = findings(text, CODE)
    assert finding.message == (
        'cannot copy from stage "assets", it needs to be defined before current stage "build"'
    )
    assert finding.severity is Severity.ERROR
    assert flagged(text) == ["assets"]
    (related,) = finding.related
    assert parse(text).source.text_at(related.span) == "assets"
    assert related.span.start.line == 2


def test_catches_a_later_stage_index_in_an_unnamed_stage() -> None:
    text = "FROM alpine\nCOPY --from=1 /a /a\nFROM alpine\nRUN true\n"
    (finding,) = findings(text, CODE)
    assert finding.message == (
        'cannot copy from stage "1", it needs to be defined before current stage "stage-0"'
    )
    (related,) = finding.related
    assert parse(text).source.text_at(related.span) == "FROM"


def test_catches_a_mount_from_a_later_stage() -> None:
    text = (
        "FROM alpine AS build\n"
        "RUN --mount=type=bind,from=deps,target=/src make\n"
        "FROM alpine AS deps\n"
    )
    (finding,) = findings(text, CODE)
    assert finding.message == (
        'cannot mount from stage "deps" to "/src", stage needs to be defined before current command'
    )
    assert flagged(text) == ["deps"]


def test_from_a_later_stage_pulls_an_image() -> None:
    text = "FROM builder AS test\nFROM alpine AS builder\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "stage 'builder' is defined after this FROM, which only sees earlier stages, so "
        "BuildKit pulls the image 'docker.io/library/builder:latest'"
    )
    assert flagged(text) == ["builder"]


def test_from_a_well_known_image_named_like_a_later_stage_is_a_warning() -> None:
    text = "FROM node AS base\nFROM base AS node\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.WARNING


def test_does_not_catch_earlier_stages() -> None:
    text = (
        "FROM alpine AS deps\n"
        "FROM alpine AS build\n"
        "COPY --from=deps /a /a\n"
        "COPY --from=0 /a /a\n"
        "RUN --mount=from=deps,target=/d true\n"
        "FROM deps\n"
    )
    assert flagged(text) == []


def test_leaves_a_forward_reference_that_closes_a_circle_to_the_cycle_rule() -> None:
    text = "FROM alpine AS a\nCOPY --from=b /b /\nFROM alpine AS b\nCOPY --from=a /a /\n"
    assert flagged(text) == []
    assert [f.code for f in findings(text, "MSB107")] == ["MSB107"]
