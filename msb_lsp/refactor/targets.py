"""Add development and production targets: the base / development / builder / production
layout, so that `docker build --target development` gives a dev image and
`--target production` (the default, last stage) the small one.

From a builder stage and the final stage that copies from it:

- `base`: the builder's image and its first set-up lines (WORKDIR, ENV, ARG, the manifest
  COPYs), up to the dependency install. When the final stage runs on another image, set-up
  RUNs (system packages) join the base too, since production does not start from it;
- `development`: `FROM base`, the builder's lines up to the build step (dependencies with dev
  tools, the sources), the final stage's EXPOSE, and the ecosystem's dev command
  (`npm run dev`, `go run .`, `cargo run`, `dotnet watch run`, ...);
- `builder`: `FROM base` and the rest of the builder;
- `production`: the final stage (keeping its name when it has one), `FROM base` minus the
  lines the base already runs when both use the same image.

A single-stage Dockerfile is first split by "Extract builder stage". Not offered when a
stage is already called `development`/`dev`, or when the final stage copies from no stage
that builds.
"""

from __future__ import annotations

from msb_lsp.images.families import ecosystem
from msb_lsp.images.reference import parse_image_ref
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Instruction
from msb_lsp.model.parser import parse
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefKind, RefStatus, Stage
from msb_lsp.model.variables import expand_global
from msb_lsp.refactor.ecosystems import (
    Project,
    exec_form,
    is_context_copy,
    run_lines,
    segments,
)
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.refactor.shared_base import signature
from msb_lsp.refactor.style import REWRITE, Refactoring, detect, region_edit, whole_text_edit
from msb_lsp.rules._shell import Command, script
from msb_lsp.rules.base import Edit
from msb_lsp.rules.build_in_single_stage import build_words
from msb_lsp.rules.context_copied_before_dependency_install import dependency_install

TITLE = "Add development and production targets"
_DEV_NAMES = frozenset({"development", "dev", "develop", "devel"})
_SETUP = frozenset({"ARG", "ENV", "WORKDIR", "LABEL", "USER", "SHELL"})
_GO = frozenset({"go"})


def is_build(cmd: Command) -> bool:
    from msb_lsp.refactor.ecosystems import go, node, rust

    return bool(build_words(cmd)) or node.is_build(cmd) or go.is_build(cmd) or rust.is_build(cmd)


def builder_of(df: Dockerfile, final: Stage) -> Stage | None:
    """The stage the final stage copies its build from: one that runs a build step or
    installs the dependencies."""
    for ref in final.refs:
        target = ref.target
        if (
            ref.kind is RefKind.COPY
            and ref.resolves
            and target is not None
            and target is not final
            and any(
                is_build(cmd) or dependency_install(cmd) is not None
                for instr in target.instructions
                if instr.kind == "RUN"
                for cmd in script(df, instr).commands
            )
        ):
            return target
    return None


def _eco(df: Dockerfile, stage: Stage) -> str | None:
    image = stage.from_.image
    text = expand_global(df, image.text) if image is not None else None
    ref = parse_image_ref(text) if text else None
    return ecosystem(ref) if ref is not None else None


def dev_command(df: Dockerfile, builder: Stage, project: Project) -> list[str] | None:
    """What the development image runs; None to keep the final stage's command."""
    from msb_lsp.refactor.ecosystems import node

    commands = [
        cmd
        for instr in builder.instructions
        if instr.kind == "RUN"
        for cmd in script(df, instr).commands
    ]
    names = {c.name for c in commands}
    eco = _eco(df, builder)
    if eco == "node" or names & set(node.MANAGERS):
        manager = next((c.name for c in commands if c.name in node.MANAGERS), "npm")
        package = project.json("package.json") or {}
        scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else None
        script_name = "dev"
        if scripts:
            script_name = next((s for s in ("dev", "start:dev", "start") if s in scripts), "dev")
        return [manager, "run", script_name]
    if eco == "go" or names & _GO:
        return ["go", "run", "."]
    if eco == "rust" or "cargo" in names:
        return ["cargo", "run"]
    if eco == "dotnet" or "dotnet" in names:
        return ["dotnet", "watch", "run"]
    return None


def _splits_build(df: Dockerfile, instr: Instruction) -> tuple[list[str], list[str]] | None:
    """A RUN that installs and then builds, cut before the build: (before, from the build)."""
    segs = segments(df, instr)
    if segs is None:
        return None
    for k, seg in enumerate(segs):
        if is_build(seg.command):
            return [s.text for s in segs[:k]], [s.text for s in segs[k:]]
    return None


def base_prefix(df: Dockerfile, builder: Stage, same_image: bool) -> int:
    """How many of the builder's instructions (after FROM) go to the base stage."""
    n = 0
    for instr in builder.instructions[1:]:
        if instr.kind in _SETUP:
            n += 1
            continue
        if (
            instr.kind in ("COPY", "ADD")
            and not is_context_copy(instr)
            and instr.flag("from") is None
        ):
            n += 1
            continue
        if instr.kind == "RUN" and not same_image:
            commands = script(df, instr).commands
            if commands and not any(dependency_install(c) or is_build(c) for c in commands):
                n += 1
                continue
        break
    return n


def _text(df: Dockerfile, instr: Instruction, lead_from: int) -> list[str]:
    return df.lines[lead_from : instr.end_line + 1]


def add_targets(
    df: Dockerfile, span: Span | None = None, project: Project | None = None
) -> Refactoring | None:
    project = project or Project()
    if any(s.name in _DEV_NAMES for s in df.stages):
        return None
    if len(df.stages) == 1:
        from msb_lsp.refactor.extract import split_single_stage

        first = split_single_stage(df, project)
        if first is None or first.snippet_edits is not None:
            return None
        text = apply_edits(df.text, first.edits)
        second = _layout(parse(text), project)
        if second is None:
            return None
        final_text = apply_edits(text, second.edits)
        size = first.title.split(": ", 1)[1]
        return Refactoring(
            f"{TITLE}: {second.data['stages']}; {size}",
            REWRITE,
            (whole_text_edit(df, final_text),),
            data=dict(second.data),
        )
    if span is not None and not offered_at(df, span):
        return None
    return _layout(df, project)


def offered_at(df: Dockerfile, span: Span) -> bool:
    """Where the rewrite is offered: anywhere in a single-stage file, else on the FROM of
    the builder or of the final stage (cheap: the rewrite itself does not depend on it)."""
    if len(df.stages) == 1:
        return True
    final = df.final_stage
    if final is None:
        return False
    for stage in (builder_of(df, final), final):
        if stage is not None and stage.from_.start_line <= span.start.line <= stage.from_.end_line:
            return True
    return False


def _layout(df: Dockerfile, project: Project) -> Refactoring | None:
    final = df.final_stage
    if final is None or final.from_.image is None:
        return None
    builder = builder_of(df, final)
    if builder is None or builder.from_.image is None or builder.index == final.index:
        return None
    if any(r.status is RefStatus.INDEX for r in df.refs):
        return None  # stages used by index would shift: "Name this stage" first
    style = detect(df)
    taken = {s.name for s in df.stages if s.name}
    from msb_lsp.refactor.extract import unique

    base_name = unique("base", taken)
    same_image = final.from_.image.text == builder.from_.image.text and _same_platform(
        final, builder
    )
    n = base_prefix(df, builder, same_image)
    body = builder.instructions[1:]
    prefix, rest = body[:n], body[n:]

    platform = builder.from_.platform
    flags = platform.raw if platform else ""
    out = [style.from_line(builder.from_.image.text, base_name, flags)]
    cursor = builder.from_.end_line + 1
    for instr in prefix:
        out += _text(df, instr, cursor)
        cursor = instr.end_line + 1
    # development: the builder's lines up to the build step
    dev: list[str] = []
    for instr in rest:
        cmds = script(df, instr).commands if instr.kind == "RUN" else []
        if any(is_build(c) for c in cmds):
            cut = _splits_build(df, instr)
            if cut is not None and cut[0]:
                dev += run_lines(style, instr, cut[0])
            break
        dev += _text(df, instr, instr.start_line)
    for instr in final.instructions[1:]:
        if instr.kind == "EXPOSE":
            dev += _text(df, instr, instr.start_line)
    command = dev_command(df, builder, project)
    if command is not None:
        dev.append(style.line("CMD", exec_form(command)))
    else:
        for instr in final.instructions[1:]:
            if instr.kind in ("ENTRYPOINT", "CMD"):
                dev += _text(df, instr, instr.start_line)
    blank = [""] if style.blank_between_stages else []
    out += [*blank, style.from_line(base_name, "development"), *dev]
    builder_name = builder.name_word.text if builder.name_word is not None else "builder"
    out += [*blank, style.from_line(base_name, builder_name)]
    out += _strip_blank_start(df.lines[cursor : builder.end_line + 1])

    edits: list[Edit] = []
    top = builder.from_.start_line
    edits.append(region_edit(df, top, builder.end_line, out))
    # production
    final_name = final.name_word.text if final.name_word is not None else "production"
    drop = 0
    if same_image:
        for a, b in zip(prefix, final.instructions[1:], strict=False):
            if signature(a) != signature(b):
                break
            drop += 1
        image = base_name
    else:
        image = final.from_.image.text
    final_flags = "" if same_image else (final.from_.platform.raw if final.from_.platform else "")
    new_from = style.from_line(image, final_name, final_flags)
    end = final.instructions[drop].end_line
    edits.append(region_edit(df, final.from_.start_line, end, [new_from]))
    stages = f"{base_name}, development, {builder_name} and {final_name} stages"
    return Refactoring(
        f"{TITLE}: {stages}",
        REWRITE,
        tuple(edits),
        data={"stages": stages, "production": final_name},
    )


def _same_platform(a: Stage, b: Stage) -> bool:
    pa, pb = a.from_.platform, b.from_.platform
    return (pa.raw if pa else "") == (pb.raw if pb else "")


def _strip_blank_start(lines: list[str]) -> list[str]:
    k = 0
    while k < len(lines) and not lines[k].strip():
        k += 1
    return lines[k:]
