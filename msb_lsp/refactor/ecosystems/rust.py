"""Rust: `cargo build --release` in the builder, the binary on a slim Debian of the same
release (a glibc binary needs a glibc at least as new as the one it was linked against,
which `families.runtime_alternatives` accounts for), or on `scratch` after a musl build on
`rust:alpine`.

The binary's name comes from `--bin`, else `Cargo.toml` (`[package] name`), else the
command the image runs. `cargo install --path .` is followed to `$CARGO_HOME/bin`.
"""

from __future__ import annotations

import posixpath
import re

from msb_lsp.images.families import runtime_alternatives
from msb_lsp.model.span import Span
from msb_lsp.refactor.ecosystems import (
    Item,
    Plan,
    StageContext,
    apply_edits,
    exec_form,
    gen,
    join,
    relative,
    simple_words,
)
from msb_lsp.refactor.ecosystems.go import CA_BUNDLE, needs_shell
from msb_lsp.rules._shell import Command
from msb_lsp.rules.base import Edit

_PACKAGE_NAME = re.compile(r'^\s*name\s*=\s*"([^"]+)"', re.MULTILINE)


def is_build(cmd: Command) -> bool:
    sub = cmd.subcommand()
    if cmd.name != "cargo" or sub is None:
        return False
    return sub.value == "build" or (sub.value == "install" and cmd.has_option("--path"))


def build_only(name: str) -> bool:
    return name.startswith(("CARGO_", "RUSTUP_", "RUSTFLAGS", "RUSTC"))


def _value(cmd: Command, name: str) -> str | None:
    words = cmd.values()
    for i, w in enumerate(words):
        if w == name and i + 1 < len(words):
            return words[i + 1]
        if w.startswith(name + "="):
            return w.split("=", 1)[1]
    return None


def crate_name(ctx: StageContext, cmd: Command) -> str | None:
    name = _value(cmd, "--bin")
    if name:
        return name
    manifest = ctx.project.read("Cargo.toml")
    if manifest is not None:
        section = re.search(r"^\[package\](.*?)(?=^\[|\Z)", manifest, re.MULTILINE | re.DOTALL)
        if section:
            found = _PACKAGE_NAME.search(section.group(1))
            if found:
                return found.group(1)
    argv = ctx.argv()
    if argv and argv[0].rsplit("/", 1)[-1] not in ("sh", "bash", "cargo"):
        return argv[0].rsplit("/", 1)[-1]
    return None


def plan(ctx: StageContext) -> Plan | None:
    found = ctx.find_last_command(is_build)
    if found is None or ctx.base is None:
        return None
    chunk, cmd = found
    sub = cmd.subcommand()
    assert sub is not None
    name = crate_name(ctx, cmd)
    if name is None:
        return None
    style = ctx.style
    edits: list[Edit] = []
    if sub.value == "install":
        root = _value(cmd, "--root") or ctx.env_value("CARGO_HOME") or "/usr/local/cargo"
        built = posixpath.join(join(chunk.workdir, root), "bin", name)
    else:
        profile = _value(cmd, "--profile")
        if profile is None and not cmd.has_option("--release", "-r"):
            edits.append(Edit(Span(sub.span.end, sub.span.end), " --release"))
        folder = {"dev": "debug", "test": "debug", None: "release"}.get(profile, profile)
        target_dir = _value(cmd, "--target-dir") or ctx.env_value("CARGO_TARGET_DIR") or "target"
        parts = [join(chunk.workdir, target_dir)]
        triple = _value(cmd, "--target")
        if triple:
            parts.append(triple)
        built = posixpath.join(*parts, folder or "release", name)
    items = ctx.builder_items(build_only)
    apply_edits(ctx, items, edits)

    runtime_wd = ctx.final_workdir()
    argv = ctx.argv()
    prog = argv[0] if argv else None
    if prog is not None and "/" in prog:
        dest = relative(join(runtime_wd, prog), runtime_wd)
    else:
        dest = f"/usr/local/bin/{name}"
    ref = ctx.base.ref
    alternatives = runtime_alternatives(ref, ctx.catalog) if ref is not None else []
    image = alternatives[0] if alternatives else "debian:trixie-slim"
    overrides: dict[int, list[str] | None] = {}
    user = "nobody"
    if image == "scratch":
        if needs_shell(ctx):
            image = alternatives[1] if len(alternatives) > 1 else "alpine:latest"
        else:
            user = "65534:65534"
            for c in ctx.chunks:
                if c.instr.kind in ("CMD", "ENTRYPOINT") and not c.instr.json:
                    words = simple_words(c.instr.args_text)
                    assert words is not None
                    overrides[id(c)] = [style.line(c.instr.kind, exec_form(words))]
    steps: list[Item] = [
        gen(style.line("COPY", f"--from={ctx.builder} {CA_BUNDLE} /etc/ssl/certs/")),
        gen(style.line("COPY", f"--from={ctx.builder} {built} {dest}")),
    ]
    return Plan(
        label="Rust",
        builder=items,
        runtime_base=image,
        steps=steps,
        user=user,
        overrides=overrides,
        build_only_env=build_only,
    )
