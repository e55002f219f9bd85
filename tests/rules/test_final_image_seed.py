"""The final-image rules (MSB201-MSB212) on the patterns of the seed chapter.

The good patterns of the multi-stage chapter (Node two-stage, Next.js standalone, Go to
scratch, Python slim, dev/prod targets) must give no finding; broken copies give exactly the
expected ones. The examples here are written for these tests after those patterns. When
../shared is present, the chapter itself is checked too: its examples predate npm 7 and
three findings on them are expected (see `SEED_EXPECTED`).
"""

from __future__ import annotations

import re

import pytest

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model import parse
from msb_lsp.rules.context import LintOptions
from tests.support.paths import SHARED

CODES = tuple(f"MSB2{n:02d}" for n in range(1, 13))


def codes(text: str, targets: tuple[str, ...] = ()) -> list[str]:
    found = lint(parse(text), LintConfig(select=CODES), LintOptions(targets=targets))
    return [f.code for f in found]


NODE_TWO_STAGE = """\
FROM node:20 AS builder
WORKDIR /srv
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /srv
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=builder /srv/build ./build
USER node
EXPOSE 8080
CMD ["node", "build/index.js"]
"""

NEXT_STANDALONE = """\
FROM node:20-alpine AS deps
WORKDIR /web
COPY package.json package-lock.json ./
RUN npm ci

FROM node:20-alpine AS builder
WORKDIR /web
COPY --from=deps /web/node_modules ./node_modules
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build

FROM node:20-alpine AS runner
WORKDIR /web
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
RUN addgroup --system --gid 1001 web && adduser --system --uid 1001 next
COPY --from=builder /web/public ./public
COPY --from=builder --chown=next:web /web/.next/standalone ./
COPY --from=builder --chown=next:web /web/.next/static ./.next/static
USER next
EXPOSE 3000
ENV PORT=3000 HOSTNAME=0.0.0.0
CMD ["node", "server.js"]
"""

GO_TO_SCRATCH = """\
FROM golang:1.22-alpine AS builder
WORKDIR /go/src/app
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -o /bin/svc ./cmd/svc

FROM scratch
COPY --from=builder /bin/svc /svc
ENTRYPOINT ["/svc"]
"""

GO_TO_ALPINE = """\
FROM golang:1.22-alpine AS builder
WORKDIR /go/src/app
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /bin/svc ./cmd/svc

FROM alpine:3.19
RUN apk --no-cache add ca-certificates
COPY --from=builder /bin/svc /svc
USER nobody
ENTRYPOINT ["/svc"]
"""

PYTHON_SLIM = """\
FROM python:3.12-slim AS builder
WORKDIR /srv
RUN pip install poetry
COPY pyproject.toml poetry.lock ./
RUN poetry export -f requirements.txt > requirements.txt

FROM python:3.12-slim
WORKDIR /srv
COPY --from=builder /srv/requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER nobody
CMD ["python", "-m", "uvicorn", "api:app", "--host", "0.0.0.0"]
"""

DEV_PROD_TARGETS = """\
FROM node:20-alpine AS base
WORKDIR /srv
COPY package.json package-lock.json ./

FROM base AS development
RUN npm install
COPY . .
CMD ["npm", "run", "dev"]

FROM base AS builder
RUN npm ci
COPY . .
RUN npm run build

FROM base AS production
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=builder /srv/build ./build
USER node
CMD ["node", "build/index.js"]
"""

GOOD = {
    "node two-stage": NODE_TWO_STAGE,
    "next.js standalone": NEXT_STANDALONE,
    "go to scratch": GO_TO_SCRATCH,
    "go to alpine": GO_TO_ALPINE,
    "python slim": PYTHON_SLIM,
    "dev/prod targets": DEV_PROD_TARGETS,
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_patterns_give_no_finding(name: str) -> None:
    assert codes(GOOD[name]) == []
    assert codes(GOOD[name], targets=("development", "builder", "production")) == []


BROKEN = [
    # The runtime stage on the full image, running as root, with npm's old flag and cache.
    (
        NODE_TWO_STAGE.replace("FROM node:20-alpine", "FROM node:20")
        .replace("--omit=dev && npm cache clean --force", "--only=production")
        .replace("USER node\n", ""),
        ["MSB201", "MSB204", "MSB209", "MSB210"],
    ),
    # A single stage that copies everything, then installs and builds in the shipped image.
    (
        "FROM node:20\nWORKDIR /srv\nCOPY . .\nRUN npm ci\nRUN npm run build\n"
        'USER node\nCMD ["node", "build/index.js"]\n',
        ["MSB201", "MSB211", "MSB209", "MSB202"],
    ),
    # Go on Debian without CGO_ENABLED=0 into scratch.
    (
        GO_TO_SCRATCH.replace("golang:1.22-alpine", "golang:1.22").replace(
            "CGO_ENABLED=0 GOOS=linux ", ""
        ),
        ["MSB205"],
    ),
    # The alpine runtime without a tag, with apk's index, forgetting to drop root.
    (
        GO_TO_ALPINE.replace("alpine:3.19", "alpine")
        .replace("apk --no-cache add", "apk add")
        .replace("USER nobody\n", ""),
        ["MSB204", "MSB212", "MSB207"],
    ),
    # pip's cache and apt lists in the runtime stage, USER root at the end.
    (
        PYTHON_SLIM.replace("--no-cache-dir ", "")
        .replace("COPY . .\n", "COPY . .\nRUN apt-get update && apt-get install -y curl\n")
        .replace("USER nobody", "USER root"),
        ["MSB208", "MSB206", "MSB203"],
    ),
]


@pytest.mark.parametrize("index", range(len(BROKEN)))
def test_broken_copies_give_the_expected_findings(index: int) -> None:
    text, expected = BROKEN[index]
    assert codes(text) == expected


# The chapter's ```dockerfile blocks, in order: what the rules say about each, and why.
SEED_EXPECTED: list[list[str]] = [
    # Basic two-stage: `npm ci --only=production` in the runtime stage, cache kept.
    ["MSB209", "MSB210"],
    # Express/NestJS: `--only=production` (the cache is cleaned).
    ["MSB210"],
    # Next.js standalone.
    [],
    # dev/prod targets: the production stage as in the basic example.
    ["MSB209", "MSB210"],
    # Go to scratch.
    [],
    # Go to Alpine: the binary runs as root (info).
    ["MSB204"],
    # Python slim.
    [],
    # Copying from other images (a fragment without a command of its own).
    [],
    # Cache ordering (a fragment).
    [],
]


@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
def test_the_seed_chapter_as_written() -> None:
    assert SHARED is not None
    chapter = (SHARED / "seed" / "multi-stage-builds.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```dockerfile\n(.*?)```", chapter, re.DOTALL)
    assert [codes(block) for block in blocks] == SEED_EXPECTED
