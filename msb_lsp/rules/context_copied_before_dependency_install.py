"""`COPY . .` before the dependency install: every source change reinstalls everything."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.nodes import CopyInstruction, RunInstruction, Word
from msb_lsp.rules._shell import Command, script
from msb_lsp.rules.base import Category, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_PIP = re.compile(r"pip[0-9.]*")
_WHOLE_CONTEXT = frozenset({".", "./", "./."})
_INSTALLERS = frozenset(
    {
        "npm",
        "yarn",
        "pnpm",
        "bun",
        "pipenv",
        "poetry",
        "uv",
        "go",
        "bundle",
        "composer",
        "cargo",
        "dotnet",
        "mvn",
        "mvnw",
    }
)


def dependency_install(cmd: Command) -> tuple[str, int] | None:
    """(ecosystem, number of words naming the step) for a dependency install that reads only
    the manifests: `npm ci`, `pip install -r requirements.txt`, `go mod download`, ..."""
    name = cmd.name
    if name not in _INSTALLERS and not _PIP.fullmatch(name):
        return None  # the common case, decided before looking at the words
    values = cmd.values()
    sub = cmd.subcommand()
    first = sub.value if sub is not None else ""
    positional = [w.value for w in cmd.positional()]
    if (name == "npm" and first in ("ci", "clean-install")) or (
        name == "npm" and first in ("install", "i") and len(positional) == 1
    ):
        return "node", 2
    if name == "yarn" and (not positional or positional == ["install"]):
        return "node", 1 if not positional else 2
    if name in ("pnpm", "bun") and first in ("install", "i") and len(positional) == 1:
        return "node", 2
    if name == "pnpm" and first == "fetch":
        return "node", 2
    if _PIP.fullmatch(name) and first == "install" and cmd.has_option("-r", "--requirement"):
        return "python", 2
    if name in ("pipenv", "poetry") and first == "install":
        return "python", 2
    if name == "uv" and first == "sync":
        return "python", 2
    if name == "go" and values[1:3] == ["mod", "download"]:
        return "go", 3
    if name == "bundle" and first == "install":
        return "ruby", 2
    if name == "composer" and first == "install":
        return "php", 2
    if name == "cargo" and first == "fetch":
        return "rust", 2
    if name == "dotnet" and first == "restore":
        return "dotnet", 2
    if name in ("mvn", "mvnw") and any(v.startswith("dependency:") for v in values[1:]):
        return "java", 1
    return None


def _whole_context(instr: CopyInstruction) -> Word | None:
    """The source word that copies the whole build context (`.`), if any."""
    if instr.from_flag is not None or instr.heredocs:
        return None
    for word in instr.sources:
        if word.value.strip("\"'") in _WHOLE_CONTEXT:
            return word
    return None


@rule(
    code="MSB211",
    name="context-copied-before-dependency-install",
    severity=Severity.WARNING,
    category=Category.FINAL_IMAGE,
    summary="The whole build context is copied before the dependencies are installed",
)
def context_copied_before_dependency_install(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `COPY . .` (or `ADD . .`, `COPY . /app`) when a later RUN of the same stage
    installs dependencies from the manifests: `npm ci`, `npm install`, `yarn install`,
    `pnpm install`, `pip install -r`, `poetry install`, `pipenv install`, `uv sync`,
    `go mod download`, `bundle install`, `composer install`, `cargo fetch`,
    `dotnet restore`, `mvn dependency:go-offline`. Every stage is checked, builders
    included: the cache matters most there. A stage that already installed the same
    ecosystem's dependencies before the copy is left alone.

    ## Why is this bad?
    A layer is rebuilt when anything copied before it changes. After `COPY . .`, any edit
    to any source file invalidates the install layer, so every build downloads and
    installs all dependencies again. Copying the manifests first, installing, then copying
    the rest keeps the install cached until the manifests change. A warning: builds are
    correct, but much slower than they need to be.

    ## Example
    ```dockerfile
    FROM node:20-alpine AS builder
    WORKDIR /app
    COPY . .
    RUN npm ci
    RUN npm run build
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-alpine AS builder
    WORKDIR /app
    COPY package*.json ./
    RUN npm ci
    COPY . .
    RUN npm run build
    ```
    """
    for stage in ctx.df.stages:
        installed: set[str] = set()
        copy: tuple[CopyInstruction, Word] | None = None
        for instr in stage.instructions:
            if isinstance(instr, CopyInstruction) and copy is None:
                word = _whole_context(instr)
                if word is not None:
                    copy = (instr, word)
                continue
            if not isinstance(instr, RunInstruction):
                continue
            for cmd in script(ctx.df, instr).commands:
                found = dependency_install(cmd)
                if found is None:
                    continue
                ecosystem, n = found
                if copy is not None and ecosystem not in installed:
                    step = " ".join(w.value for w in cmd.words[:n])
                    yield Violation(
                        copy[1].span,
                        f"'{copy[0].keyword} {copy[1].text}' copies the whole "
                        f"context before '{step}', so any source change reinstalls the "
                        "dependencies: copy the manifests first and the rest after the install",
                        related=(Related(cmd.span(0, n - 1), f"'{step}' runs here"),),
                    )
                    copy = None
                    installed.add(ecosystem)
                    break
                installed.add(ecosystem)
