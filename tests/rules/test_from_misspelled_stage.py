"""MSB103 from-misspelled-stage."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings, fixed

CODE = "MSB103"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_a_typo_of_an_earlier_stage() -> None:
    text = "FROM node:20 AS builder\nRUN npm ci\n\nFROM biulder AS test\nRUN npm test\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "'biulder' is not a stage; did you mean 'builder'?"
    assert flagged(text) == ["biulder"]
    assert (finding.span.start.line, finding.span.start.col) == (3, 5)
    assert fixed(text, CODE) == text.replace("FROM biulder", "FROM builder")


def test_a_typo_through_a_global_arg_is_reported_without_a_fix() -> None:
    text = "ARG BASE=biulder\nFROM node:20 AS builder\nFROM ${BASE}\n"
    (finding,) = findings(text, CODE)
    assert parse(text).source.text_at(finding.span) == "${BASE}"
    assert finding.fixes == ()


def test_does_not_catch_images() -> None:
    text = (
        "FROM alpine AS nodes\n"
        "FROM node\n"  # a well-known image beside a stage `nodes`
        "FROM nodse:20\n"  # tagged: deliberately an image
        "FROM ghcr.io/org/nodse\n"
        "FROM scratch\n"
        "FROM nodes\n"  # the stage itself
    )
    assert flagged(text) == []


def test_does_not_catch_case_mismatch_or_later_stages() -> None:
    text = "FROM alpine AS builder\nFROM Builder\nFROM runtmie\nFROM alpine AS runtime\n"
    assert flagged(text) == []
