"""MSB112 copy-from-stage-index."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB112"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_an_index_of_a_named_stage_and_fixes_it() -> None:
    text = (
        "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=0 /app /app\n"
    )
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.INFO
    assert finding.message == "'--from=0' refers to stage 'build' by its index; use its name"
    assert flagged(text) == ["0"]
    assert fixed(text, CODE) == text.replace("--from=0", "--from=build")


def test_an_unnamed_stage_gets_no_fix() -> None:
    text = "FROM golang:1.22\nFROM scratch\nCOPY --from=0 /app /app\n"
    (finding,) = findings(text, CODE)
    assert finding.fixes == ()
    assert "name the stage" in finding.message


def test_does_not_catch_names_or_invalid_indices() -> None:
    text = (
        "FROM alpine AS a\nFROM alpine\n"
        "COPY --from=a /a /a\n"
        "COPY --from=5 /a /a\n"  # invalid-stage-index
        "COPY --from=1 /a /a\n"  # its own stage: self-stage-reference
    )
    assert flagged(text) == []
