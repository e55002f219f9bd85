"""MSB104 bare-name-pulled-as-image."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings

CODE = "MSB104"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_copy_from_an_untagged_image() -> None:
    text = "FROM php:8.3-fpm\nCOPY --from=composer /usr/bin/composer /usr/bin/composer\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "'composer' is not a stage: BuildKit pulls the image "
        "'docker.io/library/composer:latest' (unless the build passes --build-context "
        "composer=...)"
    )
    assert flagged(text) == ["composer"]
    assert (finding.span.start.line, finding.span.start.col) == (1, 12)


def test_catches_a_mount_from_a_removed_stage() -> None:
    text = "FROM alpine\nRUN --mount=type=bind,from=assets,target=/a ls /a\n"
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["assets"]
    assert "'docker.io/library/assets:latest'" in finding.message


def test_an_invalid_image_name_is_an_error() -> None:
    text = "FROM alpine\nCOPY --from=Assets /a /a\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("'Assets' is not a stage, and not a valid image name")


def test_copy_from_scratch_has_nothing_to_copy() -> None:
    text = "FROM alpine\nCOPY --from=scratch /a /a\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "'scratch' is the empty image: there is nothing to copy from it"


def test_does_not_catch_stages_references_or_other_rules_cases() -> None:
    text = (
        "FROM alpine AS builder\n"
        "FROM alpine\n"
        "COPY --from=builder /a /a\n"
        "COPY --from=BUILDER /a /a\n"
        "COPY --from=nginx:alpine /a /a\n"
        "COPY --from=ghcr.io/org/tool /a /a\n"
        "COPY --from=registry.example:5000/tool /a /a\n"
        "COPY --from=tool@sha256:" + "a" * 64 + " /a /a\n"
        "COPY --from=buidler /a /a\n"  # a typo: copy-from-misspelled-stage
        "COPY --from=0 /a /a\n"
        "COPY --from=7 /a /a\n"
        "COPY --from=context /a /a\n"
        "COPY --from=$X /a /a\n"
        "RUN --mount=type=cache,from=scratch,target=/c true\n"
        "RUN --mount=type=secret,id=npm,from=npmrc true\n"
        "RUN --mount=type=bind,from=0,target=/x true\n"
    )
    assert flagged(text) == []
