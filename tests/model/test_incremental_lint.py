"""Lint results of an incrementally parsed document equal those of a fresh parse (caches
keyed by instruction identity must notice when a reused instruction moved)."""

from __future__ import annotations

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse

BASE = """\
FROM golang:1.22 AS build
RUN go build -o /out/app .
RUN apt-get update && apt-get install -y curl
FROM alpine:3.19
RUN apk add curl
COPY --from=build /out/app /app
"""


def findings(df):  # type: ignore[no-untyped-def]
    return [(f.code, f.span, f.message, [fix.to_data() for fix in f.fixes]) for f in lint(df)]


def test_moved_instructions_give_the_same_findings() -> None:
    first = parse(BASE)
    lint(first)  # fill every cache with the old positions
    moved = "# a new first line\n\n" + BASE
    incremental = parse(moved, previous=first)
    assert incremental.instructions[1] is first.instructions[1]  # reused, two lines lower
    assert findings(incremental) == findings(parse(moved))
