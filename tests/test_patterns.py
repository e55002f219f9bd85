"""The seed chapter's patterns, as the project's own example files: every rule together gives
no false finding on them, and deliberately broken copies give the expected findings."""

from __future__ import annotations

import pytest

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse
from msb_lsp.rules.context import LintOptions
from tests.support.paths import ROOT

PATTERNS = ROOT / "examples" / "patterns"


def read(name: str) -> str:
    return (PATTERNS / name / "Dockerfile").read_text()


def codes(text: str, targets: tuple[str, ...] = ()) -> list[str]:
    return [f.code for f in lint(parse(text), options=LintOptions(targets=targets))]


@pytest.mark.parametrize("name", ["node", "nextjs", "go-scratch", "python-slim", "dev-prod"])
def test_patterns_are_clean(name: str) -> None:
    # The development stage is built with `--target development`, which the build
    # scripts name; a compose file or bake file would tell msb-lsp so.
    targets = ("development",) if name == "dev-prod" else ()
    assert codes(read(name), targets=targets) == []


def test_dev_target_without_a_known_target_is_only_a_hint() -> None:
    found = lint(parse(read("dev-prod")))
    assert [(f.code, f.severity.value) for f in found] == [("MSB130", "hint")]


BROKEN = [
    ("node", "--from=builder", "--from=buidler", "MSB101"),
    ("node", "npm ci --omit=dev", "npm ci --only=production", "MSB210"),
    ("node", "FROM node:20-alpine AS production", "FROM node:20 AS production", "MSB201"),
    ("node", "USER node\n", "", "MSB204"),
    ("node", "FROM node:20-alpine AS production", "FROM node AS production", "MSB212"),
    (
        "nextjs",
        "COPY --from=deps /app/node_modules",
        "COPY --from=runner /app/node_modules",
        "MSB107",
    ),
    (
        "dev-prod",
        "RUN npm install\n",
        "RUN npm install\nCOPY --from=builder /app/dist ./dist\n",
        "MSB105",
    ),
    ("nextjs", "RUN npm ci\n", "RUN npm ci\nCOPY --from=deps /x /x\n", "MSB106"),
    (
        "nextjs",
        "ENV NEXT_TELEMETRY_DISABLED=1\nRUN",
        "ENV NEXT_TELEMETRY_DISABLED 1\nRUN",
        "MSB309",
    ),
    ("go-scratch", "FROM golang:1.22-alpine AS builder", "FROM golang:1.22 AS builder", None),
    ("go-scratch", "RUN CGO_ENABLED=0 GOOS=linux go build", "RUN GOOS=linux go build", None),
    ("python-slim", "COPY . .\n", "COPY . .\nRUN pip install gunicorn\n", "MSB208"),
    ("dev-prod", "FROM base AS production", "FROM Base AS production", "MSB124"),
    ("dev-prod", "FROM base AS development", "FROM base as development", "MSB123"),
    ("dev-prod", "FROM base AS builder", "FROM base AS Builder", "MSB122"),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), BROKEN)
def test_broken_copies_give_the_expected_finding(
    name: str, old: str, new: str, expected: str | None
) -> None:
    text = read(name)
    assert old in text
    broken = text.replace(old, new, 1)
    found = codes(broken, targets=("development",) if name == "dev-prod" else ())
    if expected is None:
        # Either change alone is harmless: an Alpine builder without gcc cannot link cgo,
        # and CGO_ENABLED=0 keeps a Debian builder's binary static.
        assert "MSB205" not in found
    else:
        assert expected in found, found


def test_cgo_binary_from_a_debian_builder_into_scratch() -> None:
    text = (
        read("go-scratch")
        .replace("golang:1.22-alpine", "golang:1.22")
        .replace("CGO_ENABLED=0 ", "")
    )
    assert "MSB205" in codes(text)
