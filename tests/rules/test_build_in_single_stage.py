"""MSB202 build-in-single-stage."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings

CODE = "MSB202"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_an_npm_build_and_names_the_refactoring() -> None:
    text = (
        "FROM node:20\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN npm ci && npm run build\n"
        'CMD ["node", "dist/main.js"]\n'
    )
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.HINT
    assert flagged(text) == ["npm run build"]
    assert finding.message == (
        "single-stage build: 'npm run build' runs in the image that ships, so its toolchain "
        "and sources stay in it; a builder stage would leave them behind (refactoring "
        "'Extract builder stage')"
    )
    assert finding.fixes == ()  # the refactoring is offered by the code actions


def test_catches_each_ecosystems_build_step() -> None:
    cases = {
        "yarn build": "yarn build",
        "pnpm run build:prod": "pnpm run build:prod",
        "CGO_ENABLED=0 go build -o /app .": "go build",
        "cargo build --release": "cargo build",
        "./mvnw -B clean package -DskipTests": "./mvnw -B clean package",
        "./gradlew --no-daemon bootJar": "./gradlew --no-daemon bootJar",
        "dotnet publish -c Release -o /out": "dotnet publish",
        "pip wheel --wheel-dir /wheels -r requirements.txt": "pip wheel",
        "make -j4": "make",
    }
    for command, span in cases.items():
        text = f'FROM debian:12\nRUN {command}\nCMD ["/app"]\n'
        assert flagged(text) == [span], command


def test_reports_only_the_first_build_step() -> None:
    text = 'FROM golang:1.22\nRUN go build ./cmd/a\nRUN go build ./cmd/b\nCMD ["/a"]\n'
    assert [f.span.start.line for f in findings(text, CODE)] == [1]


def test_catches_heredoc_scripts() -> None:
    text = 'FROM node:20\nRUN <<EOF\nnpm ci\nnpm run build\nEOF\nCMD ["node", "a.js"]\n'
    assert flagged(text) == ["npm run build"]


def test_does_not_catch_multi_stage_files_cleaned_builds_or_base_images() -> None:
    quiet = [
        # Already multi-stage.
        "FROM node:20 AS build\nRUN npm run build\nFROM node:20-alpine\n"
        "COPY --from=build /app/dist /dist\n",
        # Not builds.
        'FROM node:20\nRUN npm ci\nRUN npm run lint\nCMD ["node", "a.js"]\n',
        'FROM python:3.12\nRUN pip install -r requirements.txt\nCMD ["python", "a.py"]\n',
        # A from-source build that removes its build dependencies in the same RUN.
        "FROM debian:12-slim\n"
        "RUN apt-get update && apt-get install -y gcc make \\\n"
        "    && make && make install \\\n"
        "    && apt-get purge -y gcc make && rm -rf /var/lib/apt/lists/*\n"
        'CMD ["redis-server"]\n',
        "FROM alpine:3.19\n"
        "RUN apk add --no-cache --virtual .build-deps gcc make && make && apk del .build-deps\n"
        'CMD ["app"]\n',
        # Images meant to be built upon (no command of their own, or an interpreter).
        "FROM debian:12\nRUN make && make install\n",
        'FROM buildpack-deps:bookworm\nRUN make\nCMD ["python3"]\n',
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
