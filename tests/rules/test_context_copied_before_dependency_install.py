"""MSB211 context-copied-before-dependency-install."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings

CODE = "MSB211"


def flagged(text: str) -> list[tuple[int, str]]:
    source = parse(text).source
    return [(f.span.start.line, source.text_at(f.span)) for f in findings(text, CODE)]


def test_catches_copy_all_before_npm_ci_in_a_builder() -> None:
    text = (
        "FROM node:20-alpine AS builder\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN npm ci\n"
        "RUN npm run build\n"
        "FROM nginx:1.27-alpine\n"
        "COPY --from=builder /app/dist /usr/share/nginx/html\n"
    )
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.WARNING
    assert flagged(text) == [(2, ".")]
    assert finding.message == (
        "'COPY .' copies the whole context before 'npm ci', so any source change reinstalls "
        "the dependencies: copy the manifests first and the rest after the install"
    )
    (related,) = finding.related
    assert parse(text).source.text_at(related.span) == "npm ci"
    assert finding.fixes == ()


def test_catches_each_ecosystems_install() -> None:
    cases = {
        "npm install": "npm install",
        "yarn install --frozen-lockfile": "yarn install",
        "yarn": "yarn",
        "pnpm install --frozen-lockfile": "pnpm install",
        "pip install -r requirements.txt": "pip install",
        "poetry install --no-root": "poetry install",
        "uv sync --frozen": "uv sync",
        "go mod download": "go mod download",
        "bundle install": "bundle install",
        "composer install --no-dev": "composer install",
        "cargo fetch": "cargo fetch",
        "dotnet restore": "dotnet restore",
    }
    for command, step in cases.items():
        text = f"FROM debian:12\nWORKDIR /src\nADD ./ /src\nRUN {command}\n"
        (finding,) = findings(text, CODE)
        assert f"before '{step}'" in finding.message, command
        assert finding.message.startswith("'ADD ./' copies"), command


def test_catches_the_install_in_a_longer_run_once_per_copy() -> None:
    text = (
        "FROM python:3.12-slim\n"
        "COPY . /app\n"
        "RUN apt-get update && pip install --no-cache-dir -r /app/requirements.txt\n"
        "RUN pip install --no-cache-dir -r /app/dev.txt\n"
    )
    assert flagged(text) == [(1, ".")]


def test_does_not_catch_manifests_first_or_project_installs() -> None:
    quiet = [
        # The cache-friendly order.
        "FROM node:20-alpine\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n",
        "FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
        "RUN go mod download\nRUN go build -o /app .\n",
        # Installing the project itself needs its sources.
        "FROM python:3.12-slim\nCOPY . /app\nRUN pip install --no-cache-dir /app\n",
        "FROM node:20\nCOPY . .\nRUN npm install -g .\n",
        # Not the whole context.
        "FROM node:20\nCOPY src ./src\nRUN npm ci\n",
        "FROM node:20 AS deps\nFROM node:20\nCOPY --from=deps . .\nRUN npm ci\n",
        # The install happens in another stage.
        "FROM node:20 AS src\nCOPY . .\nFROM node:20\nRUN npm ci\n",
        # Nothing is installed after the copy.
        "FROM node:20\nCOPY . .\nRUN npm run build\n",
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
