"""MSB108 invalid-stage-index."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings

CODE = "MSB108"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_an_index_past_the_last_stage() -> None:
    text = "FROM golang:1.22\nRUN go build -o /app .\nFROM scratch\nCOPY --from=2 /app /app\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "invalid stage index 2"
    assert finding.severity is Severity.ERROR
    assert flagged(text) == ["2"]
    assert (finding.span.start.line, finding.span.start.col) == (3, 12)


def test_catches_a_negative_index() -> None:
    # BuildKit parses the value with Go's strconv.Atoi, which accepts a sign.
    text = "FROM alpine\nFROM alpine\nCOPY --from=-1 /a /a\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "invalid stage index -1"


def test_does_not_catch_existing_indices() -> None:
    text = "FROM alpine\nCOPY --from=1 /a /a\nFROM alpine\nCOPY --from=0 /a /a\n"
    assert flagged(text) == []


def test_does_not_catch_mounts() -> None:
    # A number in --mount from= is an image name: mount-from-stage-index.
    assert flagged("FROM alpine\nRUN --mount=from=9,target=/x true\n") == []
