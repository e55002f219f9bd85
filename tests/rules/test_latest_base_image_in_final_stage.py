"""MSB212 latest-base-image-in-final-stage."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings

CODE = "MSB212"


def flagged(text: str, **options: object) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE, **options)]


def test_catches_an_untagged_final_base() -> None:
    text = "FROM golang:1.22 AS builder\nFROM alpine\nCOPY --from=builder /app /app\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.WARNING
    assert finding.rule.hadolint == ("DL3006", "DL3007")
    assert flagged(text) == ["alpine"]
    assert finding.message == (
        "the final stage is based on 'alpine' without a tag, which means ':latest': "
        "pin a version tag"
    )


def test_catches_latest_at_the_tag() -> None:
    text = "FROM gcr.io/distroless/static-debian12:latest\nCOPY app /app\n"
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["latest"]
    assert finding.message == (
        "the final stage is based on 'gcr.io/distroless/static-debian12:latest' whose "
        "':latest' tag changes without notice: pin a version tag"
    )


def test_expands_global_args() -> None:
    text = "ARG TAG=latest\nFROM node:${TAG}\n"
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["node:${TAG}"]
    assert "'node:${TAG}' ('node:latest')" in finding.message


def test_catches_the_image_of_a_base_stage_and_targets() -> None:
    text = "FROM debian AS base\nRUN true\nFROM base\nCMD ['app']\n"
    (finding,) = findings(text, CODE)
    assert (finding.span.start.line, flagged(text)) == (0, ["debian"])
    assert finding.message.startswith("the final stage, through stage 'base', is based on")
    text = "FROM ubuntu AS api\nFROM scratch\n"
    assert flagged(text) == []
    assert flagged(text, targets=("api",)) == ["ubuntu"]


def test_does_not_catch_pinned_scratch_builders_or_parameters() -> None:
    quiet = [
        "FROM alpine:3.19\n",
        "FROM alpine@sha256:" + "a" * 64 + "\n",
        "FROM alpine:latest@sha256:" + "a" * 64 + "\n",
        "FROM scratch\n",
        "FROM golang AS builder\nFROM alpine:3.19\nCOPY --from=builder /app /app\n",
        "ARG BASE_IMAGE=debian\nFROM $BASE_IMAGE\n",
        "ARG BASE_IMAGE=debian\nFROM ${BASE_IMAGE}\n",
        "ARG TAG\nFROM node:${TAG}\n",
        "FROM node AS dev\n",
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
