"""Introduce a shared base stage."""

from __future__ import annotations

import pytest

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse
from msb_lsp.model.span import Pos, Span
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.refactor.shared_base import introduce_shared_base
from msb_lsp.refactor.style import EXTRACT
from msb_lsp.rules.base import Severity

TEXT = """\
# syntax=docker/dockerfile:1
ARG NODE=20
# dependencies
FROM node:20-alpine AS deps
WORKDIR /app
COPY package*.json ./
RUN npm ci

# the test image
FROM node:20-alpine AS test
WORKDIR /app
COPY   package*.json   ./
RUN npm ci
COPY . .
RUN npm test

FROM node:20-alpine
WORKDIR /app
COPY --from=1 /app/report ./report
CMD ["node", "index.js"]
"""
# A third stage shares the first two lines: the widest group wins where it does work.
WIDE = TEXT.replace(
    "WORKDIR /app\nCOPY --from=1",
    "WORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY --from=1",
)


def at(line: int) -> Span:
    return Span(Pos(line, 0), Pos(line, 0))


def test_shared_lines_move_to_a_base_stage() -> None:
    found = introduce_shared_base(parse(TEXT), at(3))
    assert found is not None
    assert found.kind == EXTRACT
    assert found.title == (
        "Introduce a shared base stage 'base' for stages deps, test "
        "(FROM node:20-alpine and 3 instructions)"
    )
    result = apply_edits(TEXT, found.edits)
    assert (
        result
        == """\
# syntax=docker/dockerfile:1
ARG NODE=20
FROM node:20-alpine AS base
WORKDIR /app
COPY package*.json ./
RUN npm ci

# dependencies
FROM base AS deps

# the test image
FROM base AS test
COPY . .
RUN npm test

FROM node:20-alpine
WORKDIR /app
COPY --from=2 /app/report ./report
CMD ["node", "index.js"]
"""
    )
    df = parse(result)
    assert [f.code for f in lint(df) if f.severity is Severity.ERROR] == []
    # the index still names the test stage
    assert df.stages[2].name == "test"


def test_offered_on_the_from_and_shared_lines_only() -> None:
    df = parse(TEXT)
    assert introduce_shared_base(df, at(4)) is not None
    assert introduce_shared_base(df, at(11)) is not None
    assert introduce_shared_base(df, at(13)) is None  # past the shared lines
    assert introduce_shared_base(df, at(1)) is None  # global ARG


def test_the_widest_group_wins_where_it_does_work() -> None:
    assert introduce_shared_base(parse(TEXT), at(16)) is None  # only WORKDIR in common
    found = introduce_shared_base(parse(WIDE), at(3))
    assert found is not None
    assert found.title == (
        "Introduce a shared base stage 'base' for stages deps, test, 2 "
        "(FROM node:20-alpine and 2 instructions)"
    )
    result = apply_edits(WIDE, found.edits)
    df = parse(result)
    assert [s.base_text for s in df.stages] == ["node:20-alpine", "base", "base", "base"]
    assert "COPY --from=2 /app/report ./report" in result
    assert [f.code for f in lint(df) if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    "text",
    [
        # only a WORKDIR in common: not worth a stage
        "FROM alpine AS a\nWORKDIR /x\nRUN a\nFROM alpine AS b\nWORKDIR /x\nRUN b\n",
        # different bases
        "FROM alpine:3.19 AS a\nRUN apk add curl\nFROM alpine:3.20 AS b\nRUN apk add curl\n",
        # different platforms
        "FROM --platform=linux/amd64 alpine AS a\nRUN x\nFROM alpine AS b\nRUN x\n",
        # one stage
        "FROM alpine\nRUN x\n",
    ],
)
def test_not_offered(text: str) -> None:
    df = parse(text)
    assert all(introduce_shared_base(df, at(line)) is None for line in range(len(df.lines)))


def test_name_is_unique_and_style_kept() -> None:
    text = "from alpine as base\r\nrun apk add git\r\nrun a\r\nfrom alpine as other\r\nrun apk add git\r\nrun b\r\n"
    found = introduce_shared_base(parse(text), at(0))
    assert found is not None
    result = apply_edits(text, found.edits)
    assert result == (
        "from alpine as base-2\r\nrun apk add git\r\n"
        "from base-2 as base\r\nrun a\r\n"
        "from base-2 as other\r\nrun b\r\n"
    )
