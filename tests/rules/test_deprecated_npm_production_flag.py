"""MSB210 deprecated-npm-production-flag."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB210"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_only_production_and_replaces_it_safely_on_modern_node() -> None:
    text = "FROM node:20-alpine\nRUN npm ci --only=production && npm cache clean --force\n"
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.INFO
    assert finding.deprecated
    assert flagged(text) == ["--only=production"]
    assert finding.message == "'--only=production' is deprecated since npm 7: use '--omit=dev'"
    assert finding.fix is not None and finding.fix.safe
    assert fixed(text, CODE) == text.replace("--only=production", "--omit=dev")


def test_catches_every_spelling() -> None:
    cases = {
        "npm install --production": ("--production", "--omit=dev"),
        "npm ci --only=prod": ("--only=prod", "--omit=dev"),
        "npm ci --only production": ("--only production", "--omit=dev"),
        "npm prune --production": ("--production", "--omit=dev"),
        "npm install --production=false": ("--production=false", "--include=dev"),
    }
    for command, (span, replacement) in cases.items():
        text = f"FROM node:22\nRUN {command}\n"
        assert flagged(text) == [span], command
        assert fixed(text, CODE) == text.replace(span, replacement), command


def test_fix_is_unsafe_where_npm_may_be_older_than_7() -> None:
    for image in ("node:14", "alpine:3.19", "example.com/node-base:1"):
        (finding,) = findings(f"FROM {image}\nRUN npm install --production\n", CODE)
        assert finding.fix is not None and not finding.fix.safe, image
    (finding,) = findings("FROM node:lts\nRUN npm install --production\n", CODE)
    assert finding.fix is not None and finding.fix.safe


def test_catches_builder_stages_exec_form_and_onbuild() -> None:
    text = 'FROM node:20 AS deps\nRUN ["npm", "ci", "--only=production"]\nFROM node:20-alpine\n'
    assert flagged(text) == ['"--only=production"']
    assert fixed(text, CODE) == text.replace('"--only=production"', '"--omit=dev"')
    text = "FROM node:20\nONBUILD RUN npm install --production\n"
    assert flagged(text) == ["--production"]


def test_does_not_catch_current_flags_or_other_tools() -> None:
    quiet = [
        "FROM node:20\nRUN npm ci --omit=dev\n",
        "FROM node:20\nRUN npm ci --include=dev\n",
        "FROM node:20\nRUN yarn install --production --frozen-lockfile\n",
        "FROM node:20\nRUN npm run build -- --production\n",
        "FROM node:20\nRUN echo --production\n",
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
