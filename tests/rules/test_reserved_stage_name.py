"""MSB121 reserved-stage-name."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings

CODE = "MSB121"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_scratch_and_context() -> None:
    text = "FROM alpine AS scratch\nFROM alpine AS Context\n"
    found = findings(text, CODE)
    assert [f.message for f in found] == [
        'Stage name should not use the same name as reserved stage "scratch"',
        'Stage name should not use the same name as reserved stage "context"',
    ]
    assert flagged(text) == ["scratch", "Context"]


def test_does_not_catch_the_scratch_image_or_similar_names() -> None:
    assert flagged("FROM scratch\nFROM scratch AS a\nFROM alpine AS scratchpad\n") == []
