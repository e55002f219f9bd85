"""A single-stage Dockerfile that builds: the build tools ship with the result."""

from __future__ import annotations

import re
from collections.abc import Iterator

from msb_lsp.model.nodes import RunInstruction
from msb_lsp.rules._runtime import is_base_image_like
from msb_lsp.rules._shell import Command, script
from msb_lsp.rules.base import Category, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

_PIP = re.compile(r"pip[0-9.]*")
_JS = frozenset({"npm", "pnpm", "bun"})
_MAVEN = frozenset({"mvn", "mvnw"})
_MAVEN_GOALS = frozenset({"package", "install", "verify"})
_GRADLE = frozenset({"gradle", "gradlew"})
_GRADLE_TASKS = frozenset({"build", "assemble", "bootjar", "shadowjar", "installdist", "jar"})


def build_words(cmd: Command) -> int:
    """How many words of `cmd` name a build step (`npm run build` gives 3), or 0."""
    name = cmd.name
    values = [v.lower() for v in cmd.values()]
    sub = cmd.subcommand()
    first = sub.value.lower() if sub is not None else ""
    if name in _JS or name == "yarn":
        # npm run build, yarn build, pnpm run build:prod, bun run build
        if first in ("run", "run-script") and len(cmd.positional()) >= 2:
            script_name = cmd.positional()[1].value
            if script_name.startswith("build"):
                return cmd.word_index(cmd.positional()[1]) + 1
        if name in ("yarn", "pnpm") and first.startswith("build"):
            return cmd.word_index(sub) + 1 if sub is not None else 0
        return 0
    if name == "go" and first == "build":
        return 2
    if name == "cargo" and first == "build":
        return 2
    if name == "cargo" and first == "install" and cmd.has_option("--path"):
        return 2
    for i, value in enumerate(values[1:], start=1):
        if (name in _MAVEN and value in _MAVEN_GOALS) or (
            name in _GRADLE and value.lstrip(":") in _GRADLE_TASKS
        ):
            return i + 1
    if name == "dotnet" and first in ("publish", "build"):
        return 2
    if _PIP.fullmatch(name) and first == "wheel":
        return 2
    if name == "poetry" and first == "build":
        return 2
    if name in ("make", "gmake"):
        return 1
    if name == "cmake" and "--build" in values:
        return 1
    return 0


def _cleans_up(commands: list[Command]) -> bool:
    """Whether the RUN removes packages it installed (the build deps of a from-source build
    in official images): then the toolchain does not stay in the layer."""
    for cmd in commands:
        sub = cmd.subcommand(("-o", "-c", "-t"))
        verb = sub.value if sub is not None else ""
        if cmd.name in ("apt-get", "apt") and verb in ("purge", "remove", "autoremove"):
            return True
        if cmd.name == "apk" and verb == "del":
            return True
        if cmd.name in ("dnf", "yum", "microdnf") and verb in ("remove", "erase", "autoremove"):
            return True
    return False


@rule(
    code="MSB202",
    name="build-in-single-stage",
    severity=Severity.HINT,
    category=Category.FINAL_IMAGE,
    summary="A single-stage Dockerfile builds in the image that ships",
)
def build_in_single_stage(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags the first build step of a Dockerfile that has only one stage: `npm run build`,
    `yarn build`, `pnpm build`, `go build`, `cargo build`, `mvn package`, `gradle build` /
    `./gradlew build`, `dotnet publish`, `pip wheel`, `poetry build`, `make`, `cmake --build`.
    A RUN that removes the packages it installed (`apt-get purge`, `apk del`, as official
    images do after a from-source build) is left alone: its build tools do not stay. So is
    an image meant to be built upon (no `CMD`/`ENTRYPOINT` of its own, a shell or an
    interpreter as its command, or ONBUILD triggers), such as the official language
    images, which are toolchains on purpose.

    ## Why is this bad?
    The image that runs the program then also carries the compiler or bundler, the
    development dependencies and the sources. A builder stage runs the build and the final
    stage copies only the result (`COPY --from=builder`) onto a small runtime image, which
    is usually several times smaller. A hint, because a single stage is a valid choice for
    tools and development images.

    ## Example
    ```dockerfile
    FROM node:20
    WORKDIR /app
    COPY . .
    RUN npm ci && npm run build
    CMD ["node", "dist/main.js"]
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS builder
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
    CMD ["node", "dist/main.js"]
    ```

    The "Extract builder stage" refactoring, offered on this finding, does the split.
    """
    if len(ctx.df.stages) != 1 or is_base_image_like(ctx.df.stages[0]):
        return
    for instr in ctx.df.stages[0].instructions:
        if not isinstance(instr, RunInstruction):
            continue
        commands = script(ctx.df, instr).commands
        if _cleans_up(commands):
            continue
        for cmd in commands:
            n = build_words(cmd)
            if n:
                text = " ".join(w.value for w in cmd.words[:n])
                yield Violation(
                    cmd.span(0, n - 1),
                    f"single-stage build: '{text}' runs in the image that ships, so its "
                    "toolchain and sources stay in it; a builder stage would leave them "
                    "behind (refactoring 'Extract builder stage')",
                )
                return
