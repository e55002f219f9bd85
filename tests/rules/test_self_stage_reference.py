"""MSB106 self-stage-reference."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings

CODE = "MSB106"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_copy_from_its_own_stage() -> None:
    text = "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nCOPY --from=build /out/app /\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "circular dependency detected on stage: build"
    assert flagged(text) == ["build"]
    assert finding.span.start.line == 2
    (related,) = finding.related
    assert related.span.start.line == 0


def test_catches_its_own_index_and_a_mount() -> None:
    text = (
        "FROM alpine\n"
        "FROM alpine AS app\n"
        "COPY --from=1 /a /a\n"
        "RUN --mount=type=bind,from=APP,target=/x true\n"
    )
    assert flagged(text) == ["1", "APP"]
    assert findings(text, CODE)[0].message == "circular dependency detected on stage: app"


def test_does_not_catch_from_naming_an_image_like_its_stage() -> None:
    # FROM only sees earlier stages: this pulls the image `node`.
    assert flagged("FROM node AS node\nRUN node --version\n") == []


def test_does_not_catch_other_stages() -> None:
    text = "FROM alpine AS a\nFROM alpine AS b\nCOPY --from=a /a /a\nCOPY --from=0 /a /a\n"
    assert flagged(text) == []
