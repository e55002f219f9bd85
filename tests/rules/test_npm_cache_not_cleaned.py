"""MSB209 npm-cache-not-cleaned."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB209"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_npm_ci_in_the_final_stage_and_cleans_the_cache() -> None:
    text = "FROM node:20-alpine\nCOPY package*.json ./\nRUN npm ci --omit=dev\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.INFO
    assert flagged(text) == ["npm ci"]
    assert finding.message == (
        "'npm ci' keeps npm's cache (~/.npm) in the final image: run "
        "'npm cache clean --force' in the same RUN"
    )
    assert finding.fix is not None and finding.fix.safe
    assert fixed(text, CODE) == text.replace("--omit=dev", "--omit=dev && npm cache clean --force")


def test_catches_install_forms_once_per_run() -> None:
    text = "FROM node:20-alpine\nRUN npm install -g pnpm && npm i --omit=dev\n"
    assert flagged(text) == ["npm install"]
    text = "FROM node:20-alpine\nRUN npm --prefix /srv ci\n"
    assert flagged(text) == ["npm --prefix /srv ci"]


def test_catches_a_base_stage_of_the_final_stage() -> None:
    text = (
        "FROM node:20-alpine AS base\nWORKDIR /app\nCOPY package*.json ./\n"
        "FROM base AS production\nRUN npm ci --omit=dev\nUSER node\n"
        'CMD ["node", "dist/main.js"]\n'
    )
    assert flagged(text) == ["npm ci"]


def test_does_not_catch_cleaned_mounted_or_builder_installs() -> None:
    quiet = [
        "FROM node:20-alpine\nRUN npm ci --omit=dev && npm cache clean --force\n",
        "FROM node:20-alpine\nRUN npm ci && rm -rf /root/.npm\n",
        "FROM node:20-alpine\nRUN --mount=type=cache,target=/root/.npm npm ci --omit=dev\n",
        "FROM node:20-alpine\nENV npm_config_cache=/cache/npm\n"
        "RUN --mount=type=cache,target=/cache/npm npm ci\n",
        "FROM node:20-alpine\nRUN npm run build\n",
        # Builder stages do not ship.
        "FROM node:20 AS build\nRUN npm ci && npm run build\n"
        "FROM node:20-alpine\nCOPY --from=build /app/dist /dist\n",
        # Development targets are not shipped images.
        'FROM node:20-alpine AS dev\nRUN npm install\nCMD ["npm", "run", "dev"]\n',
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
