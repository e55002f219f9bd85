"""Go: a static binary (`CGO_ENABLED=0`) built to a fixed path, run from `scratch`.

The builder copies `go.mod`/`go.sum` and runs `go mod download` before the sources, builds
with `CGO_ENABLED=0` (unless the stage sets it) and `-o` the path the image runs. The
runtime is `scratch` with the CA certificates copied from the builder and a numeric
non-root user (scratch has no /etc/passwd). A command that needs a shell (shell form that
is more than plain words, a HEALTHCHECK) gets `alpine` instead, with `nobody`; a build with
`CGO_ENABLED=1` gets a slim Debian of the builder's release.
"""

from __future__ import annotations

import posixpath

from msb_lsp.images.families import runtime_alternatives
from msb_lsp.images.tags import split_tag
from msb_lsp.model.span import Span
from msb_lsp.refactor.ecosystems import (
    Item,
    Plan,
    StageContext,
    apply_edits,
    cache_dependencies,
    command_span,
    exec_form,
    gen,
    join,
    relative,
    simple_words,
)
from msb_lsp.rules._shell import Command, Token
from msb_lsp.rules.base import Edit

CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
SHELLS = frozenset({"sh", "bash", "ash", "dash"})
_DEFAULT_RELEASE = "trixie"


def is_build(cmd: Command) -> bool:
    sub = cmd.subcommand()
    return cmd.name == "go" and sub is not None and sub.value in ("build", "install")


def is_download(cmd: Command) -> bool:
    return cmd.name == "go" and cmd.values()[1:3] == ["mod", "download"]


def build_only(name: str) -> bool:
    return name == "CGO_ENABLED" or (name.startswith("GO") and name != "GODEBUG")


def output_option(cmd: Command) -> tuple[Token, str] | None:
    """The `-o` word and its value (`-o path` or `-o=path`)."""
    words = cmd.words
    for i, w in enumerate(words):
        if w.value == "-o" and i + 1 < len(words):
            return words[i + 1], words[i + 1].value
        if w.value.startswith("-o="):
            return w, w.value[3:]
    return None


def program(ctx: StageContext) -> str | None:
    """The file the image runs (`./main`, `/server`, `app`); None behind a shell."""
    argv = ctx.argv()
    if not argv or argv[0].rsplit("/", 1)[-1] in SHELLS:
        return None
    return argv[0]


def needs_shell(ctx: StageContext) -> bool:
    for chunk in ctx.chunks:
        instr = chunk.instr
        if instr.kind == "HEALTHCHECK" and instr.args_text.split()[:1] != ["NONE"]:
            return True
        if (
            instr.kind in ("CMD", "ENTRYPOINT")
            and not instr.json
            and simple_words(instr.args_text) is None
        ):
            return True
    return False


def plan(ctx: StageContext) -> Plan | None:
    found = ctx.find_last_command(is_build)
    if found is None or ctx.base is None or ctx.base.ref is None:
        return None
    chunk, cmd = found
    sub = cmd.subcommand()
    assert sub is not None
    style = ctx.style
    runtime_wd = ctx.final_workdir()
    prog = program(ctx)
    edits: list[Edit] = []
    option = output_option(cmd)
    if sub.value == "install":
        if prog is None or ctx.base.ref.short_name != "golang" or option is not None:
            return None
        gobin = ctx.env_value("GOBIN") or "/go/bin"
        built = posixpath.join(gobin, prog.rsplit("/", 1)[-1])
    elif option is not None:
        built = join(chunk.workdir, option[1])
        if option[1].endswith("/"):
            if prog is None:
                return None
            built = posixpath.join(built, prog.rsplit("/", 1)[-1])
    else:
        if prog is None:
            return None
        target = join(runtime_wd, prog) if "/" in prog else f"/usr/local/bin/{prog}"
        written = prog if "/" in prog and chunk.workdir == runtime_wd else target
        edits.append(Edit(Span(sub.span.end, sub.span.end), f" -o {written}"))
        built = target
    cgo = cmd.assigned("CGO_ENABLED")
    if cgo is None:
        cgo = ctx.env_value("CGO_ENABLED")
    if cgo is None:
        at = command_span(cmd).start
        edits.append(Edit(Span(at, at), "CGO_ENABLED=0 "))
    items = ctx.builder_items(build_only)
    manifests = []
    if ctx.project.exists("go.mod") is not False:
        manifests.append("go.mod")
        if ctx.project.exists("go.sum") is not False:
            manifests.append("go.sum")
    cache_dependencies(ctx, items, manifests, is_download, edits, add_install=["go mod download"])
    apply_edits(ctx, items, edits)

    if prog is None:
        dest = built
    elif "/" in prog:
        dest = relative(join(runtime_wd, prog), runtime_wd)
    else:
        dest = f"/usr/local/bin/{prog}"
    overrides: dict[int, list[str] | None] = {}
    steps: list[Item] = []
    if cgo == "1":
        codename = split_tag(ctx.base.ref.effective_tag).codename or _DEFAULT_RELEASE
        image, user = f"debian:{codename}-slim", "nobody"
        steps.append(gen(style.line("COPY", f"--from={ctx.builder} {CA_BUNDLE} /etc/ssl/certs/")))
    elif needs_shell(ctx):
        alternatives = runtime_alternatives(ctx.base.ref, ctx.catalog)
        image = next((a for a in alternatives if a.startswith("alpine:")), "alpine:latest")
        user = "nobody"
    else:
        image, user = "scratch", "65534:65534"
        steps.append(gen(style.line("COPY", f"--from={ctx.builder} {CA_BUNDLE} /etc/ssl/certs/")))
        for c in ctx.chunks:
            instr = c.instr
            if instr.kind in ("CMD", "ENTRYPOINT") and not instr.json:
                words = simple_words(instr.args_text)
                assert words is not None  # needs_shell said so
                overrides[id(c)] = [style.line(instr.kind, exec_form(words))]
    steps.append(gen(style.line("COPY", f"--from={ctx.builder} {built} {dest}")))
    return Plan(
        label="Go",
        builder=items,
        runtime_base=image,
        steps=steps,
        user=user,
        overrides=overrides,
        build_only_env=build_only,
    )
