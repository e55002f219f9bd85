"""MSB123 mismatched-as-casing."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings, fixed

CODE = "MSB123"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_lower_as_after_upper_from() -> None:
    text = "FROM alpine as builder\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "'as' and 'FROM' keywords' casing do not match"
    assert finding.rule.buildkit == "FromAsCasing"
    assert flagged(text) == ["as"]
    assert fixed(text, CODE) == "FROM alpine AS builder\n"


def test_catches_upper_or_mixed_as_after_lower_from() -> None:
    assert fixed("from alpine AS builder\n", CODE) == "from alpine as builder\n"
    assert fixed("from alpine As builder\n", CODE) == "from alpine as builder\n"
    (finding,) = findings("FROM alpine As builder\n", CODE)
    assert finding.message == "'As' and 'FROM' keywords' casing do not match"


def test_does_not_catch_matching_casing_or_a_mixed_case_from() -> None:
    text = (
        "FROM alpine AS a\n"
        "from alpine as b\n"
        "From alpine as c\n"  # BuildKit leaves a mixed-case FROM to ConsistentInstructionCasing
        "FROM alpine\n"
    )
    assert flagged(text) == []
