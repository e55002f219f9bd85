"""MSB120 duplicate-stage-name."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings

CODE = "MSB120"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_the_second_and_later_definitions() -> None:
    text = "FROM node:20 AS build\nFROM node:20 AS build\nFROM alpine AS Build\n"
    found = findings(text, CODE)
    assert [f.message for f in found] == [
        'Duplicate stage name "build", stage names should be unique'
    ] * 2
    assert flagged(text) == ["build", "Build"]
    assert [(f.span.start.line, f.span.start.col) for f in found] == [(1, 16), (2, 15)]
    for finding in found:
        (related,) = finding.related
        assert (related.span.start.line, related.span.start.col) == (0, 16)


def test_is_known_to_buildkit_and_hadolint() -> None:
    (finding,) = findings("FROM a AS x\nFROM b AS x\n", CODE)
    assert finding.rule.buildkit == "DuplicateStageName"
    assert finding.rule.hadolint == ("DL3024",)


def test_does_not_catch_unique_or_unnamed_stages() -> None:
    assert flagged("FROM alpine AS build\nFROM alpine AS test\nFROM alpine\nFROM alpine\n") == []
