"""`npm ci --only=production` and `npm install --production`: deprecated flags."""

from __future__ import annotations

import json
from collections.abc import Iterator

from msb_lsp.images.tags import split_tag
from msb_lsp.model.nodes import RunInstruction
from msb_lsp.model.span import Span
from msb_lsp.rules._runtime import base_image
from msb_lsp.rules._shell import Command, Token, script
from msb_lsp.rules.base import Category, Edit, Fix, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_SUBCOMMANDS = frozenset({"ci", "install", "i", "clean-install", "prune", "update", "add"})
_PRODUCTION = frozenset({"prod", "production"})
_FIRST_OMIT_NODE = 15  # npm 7, which introduced --omit, ships with Node.js 15


def _deprecated(cmd: Command) -> Iterator[tuple[Token, Token, str]]:
    """(first word, last word, replacement) for each deprecated production flag."""
    words = cmd.words
    for i, w in enumerate(words[1:], start=1):
        value = w.value
        if value in ("--production", "--production=true"):
            yield w, w, "--omit=dev"
        elif value == "--production=false":
            yield w, w, "--include=dev"
        elif value.startswith("--only=") and value.split("=", 1)[1] in _PRODUCTION:
            yield w, w, "--omit=dev"
        elif value == "--only" and i + 1 < len(words) and words[i + 1].value in _PRODUCTION:
            yield w, words[i + 1], "--omit=dev"


def _node_has_omit(ctx: RuleContext, instr: RunInstruction) -> bool:
    """Whether the stage's image is a node image whose npm knows `--omit` (npm 7+)."""
    if instr.stage is None:
        return False
    image = base_image(ctx, instr.stage)
    if image is None or image.ref is None or image.ref.short_name != "node":
        return False
    major = split_tag(image.ref.effective_tag).major
    return major is None or major >= _FIRST_OMIT_NODE  # latest, lts, alpine, ...


@rule(
    code="MSB210",
    name="deprecated-npm-production-flag",
    severity=Severity.INFO,
    category=Category.FINAL_IMAGE,
    summary="npm's deprecated --production / --only=production flag",
    fixable=True,
)
def deprecated_npm_production_flag(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `--only=production` (or `--only=prod`, `--only production`) and `--production`
    on `npm ci`, `npm install` and `npm prune`, in every stage and in ONBUILD triggers.

    ## Why is this bad?
    Since npm 7 (Node.js 15) both are deprecated aliases of `--omit=dev`, and every npm
    since prints `npm WARN config only Use --omit=dev to omit dev dependencies from the
    install.` They still work, so this is info, shown as deprecated; `--omit=dev` says what
    is meant and is the flag npm documents.

    ## Example
    ```dockerfile
    FROM node:20-alpine
    COPY package*.json ./
    RUN npm ci --only=production && npm cache clean --force
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-alpine
    COPY package*.json ./
    RUN npm ci --omit=dev && npm cache clean --force
    ```

    ## Fix
    Replaces the flag with `--omit=dev` (`--production=false` with `--include=dev`). Safe
    when the stage runs on a `node` image of Node.js 15 or later (or an unversioned tag
    such as `lts`); otherwise offered but not applied automatically, since npm 6 does not
    know `--omit` and would install the development dependencies too.
    """
    for instr in ctx.df.walk():  # ONBUILD triggers included
        if not isinstance(instr, RunInstruction):
            continue
        commands = [c for c in script(ctx.df, instr).commands if c.name == "npm"]
        for cmd in commands:
            sub = cmd.subcommand()
            if sub is None or sub.value not in _SUBCOMMANDS:
                continue
            for first, last, replacement in _deprecated(cmd):
                span = Span(first.span.start, last.span.end)
                written = first.value if first is last else f"{first.value} {last.value}"
                fix = None
                if not instr.json or first is last:
                    text = json.dumps(replacement) if instr.json else replacement
                    fix = Fix(
                        f"Replace with '{replacement}'",
                        (Edit(span, text),),
                        safe=_node_has_omit(ctx, instr),
                    )
                yield Violation(
                    span,
                    f"'{written}' is deprecated since npm 7: use '{replacement}'",
                    fix=fix,
                    deprecated=True,
                )
