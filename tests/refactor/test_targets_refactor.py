"""Add development and production targets (the base / development / builder / production
layout of the multi-stage chapter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse
from msb_lsp.model.span import Pos, Span
from msb_lsp.refactor.ecosystems import DiskProject
from msb_lsp.refactor.extract import extract_builder_stage
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.refactor.style import REWRITE
from msb_lsp.refactor.targets import add_targets
from msb_lsp.rules.base import Severity

GOLDEN = Path(__file__).parent / "golden"


def at(line: int) -> Span:
    return Span(Pos(line, 0), Pos(line, 0))


def rewrite(text: str, line: int = 0, project: DiskProject | None = None) -> tuple[str, str]:
    found = add_targets(parse(text), at(line), project)
    assert found is not None
    assert found.kind == REWRITE
    return found.title, apply_edits(text, found.edits)


def no_errors(text: str) -> None:
    df = parse(text)
    assert df.problems == []
    assert [f.code for f in lint(df) if f.severity is Severity.ERROR] == []


TWO_STAGES = """\
# syntax=docker/dockerfile:1
FROM node:20-alpine AS builder
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=builder /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
"""


def test_same_image_gives_the_chapters_layout() -> None:
    title, result = rewrite(TWO_STAGES, 1)
    assert title == (
        "Add development and production targets: base, development, builder and production stages"
    )
    assert (
        result
        == """\
# syntax=docker/dockerfile:1
FROM node:20-alpine AS base
WORKDIR /app
COPY package*.json ./

FROM base AS development
RUN npm ci
COPY . .
EXPOSE 3000
CMD ["npm", "run", "dev"]

FROM base AS builder
RUN npm ci
COPY . .
RUN npm run build

FROM base AS production
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=builder /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
"""
    )
    no_errors(result)


def test_offered_on_the_builder_or_final_from_only() -> None:
    df = parse(TWO_STAGES)
    assert add_targets(df, at(1)) is not None
    assert add_targets(df, at(8)) is not None
    assert add_targets(df, at(4)) is None
    assert add_targets(df, at(12)) is None


def test_single_stage_is_split_first(tmp_path: Path) -> None:
    text = (GOLDEN / "node-npm" / "Dockerfile").read_text()
    project = DiskProject(GOLDEN / "node-npm")
    title, result = rewrite(text, 3, project)
    assert title.startswith(
        "Add development and production targets: base, development, builder and production "
        "stages; final base node:20 to node:20-alpine, about "
    )
    df = parse(result)
    assert [s.name for s in df.stages] == ["base", "development", "builder", "production"]
    assert df.stages[0].base_text == "node:20"
    assert df.stages[3].base_text == "node:20-alpine"  # production keeps the small image
    dev = "\n".join(df.lines[df.stages[1].from_.start_line : df.stages[2].from_.start_line])
    assert "RUN npm ci\n" in dev and "COPY . .\n" in dev and "npm run build" not in dev
    assert 'CMD ["npm", "run", "dev"]' not in dev  # package.json has no dev script
    assert 'CMD ["npm", "run", "start"]' in dev
    no_errors(result)
    # and the targets exist for `docker build --target`
    assert extract_builder_stage(df) is None
    assert add_targets(df, at(df.stages[3].from_.start_line)) is None


def test_a_run_that_installs_and_builds_is_cut_for_development() -> None:
    text = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download && CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12 AS runner
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""
    _, result = rewrite(text, 0)
    assert (
        result
        == """\
FROM golang:1.22 AS base
WORKDIR /src
COPY go.mod go.sum ./

FROM base AS development
RUN go mod download
CMD ["go", "run", "."]

FROM base AS build
RUN go mod download && CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12 AS runner
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""
    )
    no_errors(result)


def test_other_image_lets_setup_runs_into_the_base() -> None:
    text = """\
FROM python:3.12 AS builder
WORKDIR /app
RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

FROM python:3.12-slim
WORKDIR /app
ENV PATH="/opt/venv/bin:$PATH"
COPY --from=builder /opt/venv /opt/venv
COPY . .
CMD ["python", "app.py"]
"""
    _, result = rewrite(text, 0)
    assert (
        result
        == """\
FROM python:3.12 AS base
WORKDIR /app
RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .

FROM base AS development
RUN pip install -r requirements.txt
COPY . .
CMD ["python", "app.py"]

FROM base AS builder
RUN pip install -r requirements.txt
COPY . .

FROM python:3.12-slim AS production
WORKDIR /app
ENV PATH="/opt/venv/bin:$PATH"
COPY --from=builder /opt/venv /opt/venv
COPY . .
CMD ["python", "app.py"]
"""
    )
    no_errors(result)


def test_lower_case_and_crlf_style() -> None:
    text = TWO_STAGES.lower().replace("npm run build", "npm run build").replace("\n", "\r\n")
    _, result = rewrite(text, 1)
    assert "\r\nfrom base as development\r\n" in result
    assert '\r\ncmd ["npm", "run", "dev"]\r\n' in result
    assert "\n" not in result.replace("\r\n", "")


@pytest.mark.parametrize(
    "text",
    [
        # already has a development target
        TWO_STAGES.replace("FROM node:20-alpine\n", "FROM node:20-alpine AS dev\n"),
        # the final stage copies from no stage that builds
        'FROM alpine AS a\nRUN echo hi > /x\nFROM alpine\nCOPY --from=a /x /x\nCMD ["cat", "/x"]\n',
        # stages used by index would shift
        TWO_STAGES.replace("--from=builder", "--from=0"),
        # a single stage with nothing to extract
        'FROM alpine\nCMD ["sh"]\n',
    ],
)
def test_not_offered(text: str) -> None:
    df = parse(text)
    assert all(add_targets(df, at(line)) is None for line in range(len(df.lines)))
