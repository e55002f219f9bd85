"""A Go binary linked against the builder's C library, copied into an image without it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from msb_lsp.model.nodes import Instruction, RunInstruction
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefKind, Stage, StageRef
from msb_lsp.rules._runtime import (
    BaseImage,
    base_image,
    chain,
    chain_instructions,
    runtime_stages,
    stage_label,
)
from msb_lsp.rules._shell import Command, installed_packages, script
from msb_lsp.rules.base import Category, Edit, Fix, Related, Severity, Violation, rule
from msb_lsp.rules.context import RuleContext

# Packages that put a C compiler on PATH (Alpine's `go` depends on gcc and musl-dev).
_C_COMPILERS = re.compile(
    r"gcc|g\+\+|clang|build-base|build-essential|musl-dev|libc6?-dev|gcc-.*|go|golang(-go)?"
)


@dataclass(frozen=True, slots=True)
class _Runtime:
    stage: Stage
    image: BaseImage
    libc: str  # "none" or "musl"


def _runtime_libc(image: BaseImage) -> str | None:
    """What C library the runtime image has: "none", "musl", or None for glibc/unknown."""
    if image.is_scratch:
        return "none"
    ref = image.ref
    if ref is None:
        return None
    name = ref.short_name
    if name.startswith("gcr.io/distroless/static") or name == "cgr.dev/chainguard/static":
        return "none"
    if name == "alpine" or "alpine" in (ref.tag or "").split("-"):
        return "musl"
    if name.endswith("/alpine") or re.search(r"alpine\d", ref.tag or ""):
        return "musl"
    return None


def _builder_libc(image: BaseImage | None) -> str:
    if image is not None and image.ref is not None:
        tag = image.ref.tag or ""
        if image.ref.short_name == "alpine" or "alpine" in tag:
            return "musl"
    return "glibc"


def _has_c_compiler(
    ctx: RuleContext, builder: Stage, before: Instruction, earlier: list[Command]
) -> bool:
    """Whether a C compiler is on PATH when `before` runs, after the `earlier` commands of
    the same RUN: Debian-based golang images ship gcc; golang:*-alpine and other images
    only if the stage chain installs one."""
    if any(_C_COMPILERS.fullmatch(p) for cmd in earlier for p in installed_packages(cmd)):
        return True
    image = base_image(ctx, builder)
    ref = image.ref if image is not None else None
    if ref is not None and ref.short_name == "golang" and "alpine" not in (ref.tag or ""):
        return True
    for instr in chain_instructions(builder):
        if instr is before:
            break
        if isinstance(instr, RunInstruction):
            for cmd in script(ctx.df, instr).commands:
                if any(_C_COMPILERS.fullmatch(p) for p in installed_packages(cmd)):
                    return True
    return False


def _go_builds(cmds: list[Command]) -> Iterator[tuple[int, Command]]:
    for i, cmd in enumerate(cmds):
        if cmd.name != "go":
            continue
        sub = cmd.subcommand(("-C",))
        if sub is not None and sub.value in ("build", "install"):
            yield i, cmd


def _cgo_setting(ctx: RuleContext, instr: Instruction, cmds: list[Command], index: int) -> str:
    """CGO_ENABLED for the command at `index`: its value, "" when unset, "?" when unknown."""
    value = cmds[index].assigned("CGO_ENABLED")
    if value is not None:
        return value
    for cmd in reversed(cmds[:index]):
        if cmd.name == "export" or not cmd.words:
            for w in cmd.words[1:] + cmd.assignments:
                key, eq, val = w.value.partition("=")
                if key == "CGO_ENABLED" and eq:
                    return val
        if cmd.name == "go" and cmd.values()[1:3] == ["env", "-w"]:
            for w in cmd.words[3:]:
                if w.value.startswith("CGO_ENABLED="):
                    return w.value.split("=", 1)[1]
    stage = instr.stage
    if stage is None:
        return "?"
    scope = ctx.scope_before(instr)
    found = scope.lookup("CGO_ENABLED") if scope is not None else None
    if found is not None:
        return found.value if found.value is not None else "?"
    # `go env -w CGO_ENABLED=0` in an earlier RUN persists in the stage chain.
    for earlier in chain_instructions(stage):
        if earlier is instr:
            break
        if isinstance(earlier, RunInstruction):
            for cmd in script(ctx.df, earlier).commands:
                if cmd.name == "go" and cmd.values()[1:3] == ["env", "-w"]:
                    for w in cmd.words[3:]:
                        if w.value.startswith("CGO_ENABLED="):
                            return w.value.split("=", 1)[1]
    return ""


def _static_anyway(cmd: Command) -> bool:
    """`-ldflags '-extldflags "-static"'` links statically; `-tags netgo` avoids libc for DNS."""
    return any("-static" in w.value or "netgo" in w.value for w in cmd.args)


def _copies(ctx: RuleContext) -> Iterator[tuple[_Runtime, StageRef]]:
    """COPY --from=<stage> into runtime stages whose image has no glibc."""
    seen: set[int] = set()
    for stage in runtime_stages(ctx):
        image = base_image(ctx, stage)
        libc = _runtime_libc(image) if image is not None else None
        if image is None or libc is None:
            continue
        runtime = _Runtime(stage, image, libc)
        for s in chain(stage):
            for ref in s.refs:
                if ref.kind is RefKind.COPY and ref.resolves and id(ref) not in seen:
                    seen.add(id(ref))
                    yield runtime, ref


@rule(
    code="MSB205",
    name="go-build-without-cgo-disabled",
    severity=Severity.WARNING,
    category=Category.FINAL_IMAGE,
    summary="A Go binary built with cgo is copied into an image without glibc",
    fixable=True,
)
def go_build_without_cgo_disabled(ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `go build` or `go install` that runs without `CGO_ENABLED=0` (no ENV or ARG in
    the stage chain, no `CGO_ENABLED=0 go build`, `export` or `go env -w` before it) in a
    stage that has a C compiler, when the final stage copies from that stage and is based
    on `scratch`, a distroless `static` image or Alpine (musl).

    Stages named as build targets elsewhere (compose, bake, CI) count as final stages. A stage
    whose name says it is not shipped (`dev`, `test`, `lint`, `debug`, `ci`, `build`, `builder`,
    `deps`, `tools`, `vendor`, `validate`, `gen`, ...), or that is built `FROM` a development or
    test stage, is not checked, even as the last stage.

    A C compiler is present in the Debian-based `golang` images; in `golang:*-alpine` and
    other images only when the stage installs one (`gcc`, `build-base`, `musl-dev`, ...;
    Alpine's `go` package pulls in gcc). Without one, Go disables cgo by itself (Go 1.20+).
    An Alpine builder with gcc copying into an Alpine image is fine (musl on both sides), and
    builds linked with `-extldflags "-static"` or the `netgo` tag are left alone.

    ## Why is this bad?
    With cgo on, a program that imports `net` or `os/user` (most servers) is linked
    dynamically against the builder's C library. `scratch` and distroless `static` have no C
    library, and Alpine has musl instead of glibc, so the container fails at start with the
    misleading `exec /app: no such file or directory`. The build succeeds, which is why
    this is a warning and not an error.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS builder
    WORKDIR /src
    COPY . .
    RUN go build -o /app .

    FROM scratch
    COPY --from=builder /app /app
    ENTRYPOINT ["/app"]
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS builder
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app .

    FROM scratch
    COPY --from=builder /app /app
    ENTRYPOINT ["/app"]
    ```

    ## Fix
    Writes `CGO_ENABLED=0 ` before `go build`. Not applied automatically (unsafe): a
    program that needs cgo (SQLite through `mattn/go-sqlite3`, for example) then fails to
    build, and the pure-Go DNS resolver and user lookup behave slightly differently from
    glibc's. No fix when `CGO_ENABLED=1` is set on purpose or the RUN is in exec form.
    """
    reported: set[tuple[int, int]] = set()
    for runtime, ref in _copies(ctx):
        assert ref.target is not None
        for builder in _sources(ref.target):
            builder_libc = _builder_libc(base_image(ctx, builder))
            for instr in builder.instructions:
                # A cheap text test first: most RUNs never mention go (heredoc bodies too).
                if not isinstance(instr, RunInstruction) or not _mentions_go(ctx, instr):
                    continue
                cmds = script(ctx.df, instr).commands
                for index, cmd in _go_builds(cmds):
                    key = (cmd.words[0].span.start.line, cmd.words[0].span.start.col)
                    if key in reported or _static_anyway(cmd):
                        continue
                    setting = _cgo_setting(ctx, instr, cmds, index)
                    if setting.lower() not in ("", "1", "true", "on"):
                        continue  # disabled, or a value only known at build time
                    explicit = setting != ""
                    if not explicit and not _has_c_compiler(ctx, builder, instr, cmds[:index]):
                        continue
                    if runtime.libc == "musl" and builder_libc == "musl":
                        continue
                    reported.add(key)
                    yield _violation(ctx, runtime, ref, instr, cmd, explicit, builder_libc)


def _mentions_go(ctx: RuleContext, instr: RunInstruction) -> bool:
    if "go" in instr.args_text:
        return True
    return any("go" in doc.body for doc in instr.heredocs)


def _sources(stage: Stage) -> list[Stage]:
    """The stage, the stages it is built on, and the stages those copy from, transitively:
    every stage whose files a `COPY --from=<stage>` can bring along."""
    out: list[Stage] = []
    todo = [stage]
    while todo:
        current = todo.pop()
        if current in out:
            continue
        out.append(current)
        for ref in current.refs:
            if ref.resolves and ref.target is not None and ref.target is not current:
                todo.append(ref.target)
    return out


def _violation(
    ctx: RuleContext,
    runtime: _Runtime,
    ref: StageRef,
    instr: Instruction,
    cmd: Command,
    explicit: bool,
    builder_libc: str,
) -> Violation:
    target = runtime.image.text
    lacks = "has no C library" if runtime.libc == "none" else "has musl, not glibc"
    why = "CGO_ENABLED=1 is set" if explicit else "cgo is on by default with a C compiler"
    sub = cmd.subcommand(("-C",))
    assert sub is not None  # _go_builds found `build` or `install`
    message = (
        f"'go {sub.value}' links against {builder_libc} ({why}), but the "
        f"{stage_label(ctx, runtime.stage)} runs it on '{target}', which {lacks}: "
        "set CGO_ENABLED=0"
    )
    fix = None
    if not explicit and not instr.json:
        at = cmd.words[0].span.start
        fix = Fix("Build with CGO_ENABLED=0", (Edit(Span(at, at), "CGO_ENABLED=0 "),), safe=False)
    return Violation(
        cmd.span(0, cmd.word_index(sub)),
        message,
        fix=fix,
        related=(Related(ref.span, f"copied into '{target}' here"),),
    )
