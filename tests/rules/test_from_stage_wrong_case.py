"""MSB124 from-stage-wrong-case."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB124"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_a_differently_cased_stage_name() -> None:
    text = "FROM golang:1.22 AS build\nRUN go build .\n\nFROM Build AS test\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "'Build' is not stage 'build': FROM matches stage names case-sensitively, so BuildKit "
        "reads 'Build' as an image name, which is invalid"
    )
    assert flagged(text) == ["Build"]
    assert (finding.span.start.line, finding.span.start.col) == (3, 5)
    assert fixed(text, CODE) == text.replace("FROM Build", "FROM build")


def test_catches_the_spelling_of_a_capitalised_definition() -> None:
    # Stage names are lower-cased, so `FROM Builder` misses `AS Builder` too.
    text = "FROM alpine AS Builder\nFROM Builder\n"
    assert flagged(text) == ["Builder"]
    assert fixed(text, CODE) == "FROM alpine AS Builder\nFROM builder\n"


def test_does_not_catch_exact_names_or_copy() -> None:
    text = "FROM alpine AS build\nFROM build\nCOPY --from=Build /a /a\n"
    assert flagged(text) == []
