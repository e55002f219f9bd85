"""MSB207 apk-add-without-no-cache."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB207"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_apk_add_and_adds_no_cache() -> None:
    text = "FROM alpine:3.19\nRUN apk add ca-certificates tzdata\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.INFO
    assert finding.rule.hadolint == ("DL3019",)
    assert flagged(text) == ["apk add"]
    assert finding.message == (
        "'apk add' without '--no-cache' keeps the package index in /var/cache/apk in the "
        "final image"
    )
    assert finding.fix is not None and finding.fix.safe
    assert fixed(text, CODE) == "FROM alpine:3.19\nRUN apk add --no-cache ca-certificates tzdata\n"


def test_catches_apk_update_without_a_fix() -> None:
    text = "FROM alpine:3.19\nRUN apk update && apk add --no-cache curl\n"
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["apk update"]
    assert finding.fix is None
    assert finding.message.endswith("use 'apk add --no-cache' instead")


def test_catches_both_in_one_run_in_order() -> None:
    text = "FROM node:20-alpine\nRUN apk --update add git\n"
    assert flagged(text) == ["apk --update add"]
    assert fixed(text, CODE) == "FROM node:20-alpine\nRUN apk --update add --no-cache git\n"


def test_does_not_catch_no_cache_cleanup_mounts_or_builders() -> None:
    quiet = [
        "FROM alpine:3.19\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.19\nRUN apk --no-cache add curl\n",
        "FROM alpine:3.19\nRUN apk add --no-network --virtual .run-deps so:libz.so.1\n",
        "FROM alpine:3.19\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\n",
        "FROM alpine:3.19\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
        "FROM alpine:3.19\nRUN apk add curl && apk cache clean\n",
        "FROM alpine:3.19 AS build\nRUN apk add gcc\nFROM scratch\nCOPY --from=build /a /a\n",
        "FROM alpine:3.19\nRUN apk del curl\n",
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
