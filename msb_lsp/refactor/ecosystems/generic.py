"""Anything else: the build moves to a builder stage and the user says what to copy.

For a whole single-stage Dockerfile the runtime is the smaller image `families` suggests for
the base (debian slim for `gcc`, ...), or the base itself. When the image runs a file by
path (`CMD ["./app"]`, `/usr/local/bin/tool`), that file is copied. Otherwise the runtime
copies the working directory: a safe default that always builds, which the title says and a
`TODO` comment points out; editors that take snippets in workspace edits get tab stops on
the copied paths instead.

`extract_selection` moves selected instructions of any stage into a new stage built on the
same base (the stage's earlier instructions are repeated there, which BuildKit serves from
the cache), and copies the result back.
"""

from __future__ import annotations

from msb_lsp.images.catalog import Catalog
from msb_lsp.images.families import runtime_alternatives
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.span import Span
from msb_lsp.refactor.ecosystems import (
    RUNTIME_ONLY,
    Chunk,
    Item,
    Plan,
    Project,
    StageContext,
    bare,
    gen,
    is_context_copy,
    join,
    relative,
)
from msb_lsp.refactor.style import (
    EXTRACT,
    Refactoring,
    comments_above,
    detect,
    has_placeholders,
    insert_lines_edit,
    placeholder,
    plain,
    region_edit,
    snippet,
)
from msb_lsp.rules._shell import Command
from msb_lsp.rules.base import Edit
from msb_lsp.rules.build_in_single_stage import build_words
from msb_lsp.rules.context_copied_before_dependency_install import dependency_install

TODO = "TODO: copy only what the runtime needs from the builder"


def default_copy(ctx: StageContext) -> str | None:
    """What the runtime copies when nothing better is known: the working directory, or
    where the stage copied its sources."""
    wd = ctx.final_workdir()
    if wd != "/":
        return wd
    for chunk in ctx.chunks:
        instr = chunk.instr
        if is_context_copy(instr) and instr.args:
            dest = join(chunk.workdir, instr.args[-1].value)
            if dest != "/":
                return dest
    return None


def artifact_steps(ctx: StageContext, runtime_wd: str) -> tuple[list[Item], str | None] | None:
    """COPY --from lines for the runtime and a title note; None when nothing can be said."""
    argv = ctx.argv()
    style = ctx.style
    if argv and "/" in argv[0] and "$" not in argv[0]:
        path = join(runtime_wd, argv[0])
        return [
            gen(style.line("COPY", f"--from={ctx.builder} {path} {relative(path, runtime_wd)}"))
        ], None
    default = default_copy(ctx)
    if default is None:
        return None
    source = placeholder(1, default)
    dest = placeholder(2, relative(default, runtime_wd) if default != runtime_wd else ".")
    lead = [f"{style.indent}# {TODO}"]
    copy = gen(style.line("COPY", f"--from={ctx.builder} {source} {dest}"), lead=lead)
    return [copy], f"copies all of {default}: narrow it down"


def plan(ctx: StageContext) -> Plan | None:
    if ctx.base is None or ctx.base.ref is None:
        return None
    runtime_wd = ctx.final_workdir()
    found = artifact_steps(ctx, runtime_wd)
    if found is None:
        return None
    steps, note = found
    alternatives = runtime_alternatives(ctx.base.ref, ctx.catalog)
    image = alternatives[0] if alternatives else ctx.base.text
    packages = ctx.system_packages()
    notes = []
    if packages and image != ctx.base.text:
        notes.append(
            f"Only the builder has {' '.join(packages)}: install what the app needs at run "
            "time here."
        )
    return Plan(
        label="generic",
        builder=ctx.builder_items(),
        runtime_base=image,
        steps=steps,
        note=note,
        notes=notes,
        keep_shell=image == ctx.base.text,
        asks=note is not None,
    )


# -- a selection ------------------------------------------------------------------------


def _role(commands: list[Command]) -> str:
    if any(build_words(c) for c in commands):
        return "builder"
    if commands and all(dependency_install(c) for c in commands):
        return "deps"
    return "build"


def _selection_artifact(ctx: StageContext, moved: list[Chunk], wd: str) -> tuple[str, bool]:
    """The path the new stage produces (absolute) and whether it is only a guess."""
    from msb_lsp.refactor.ecosystems import dotnet, go, java, node

    moved_ids = {id(c) for c in moved}
    for chunk, commands in reversed(ctx.runs()):
        if id(chunk) not in moved_ids:
            continue
        for cmd in reversed(commands):
            if node.is_build(cmd):
                return join(chunk.workdir, node.output_dir(ctx, cmd)), False
            if go.is_build(cmd):
                option = go.output_option(cmd)
                if option is not None and not option[1].endswith("/"):
                    return join(chunk.workdir, option[1]), False
            if java.is_build(cmd):
                folder = "target" if cmd.name in java.MAVEN else "build/libs"
                return join(chunk.workdir, folder), False
            if dotnet.is_publish(cmd):
                out = dotnet._output(cmd)
                if out is not None:
                    return join(chunk.workdir, out), False
    return wd, True


def extract_selection(
    df: Dockerfile, selection: Span, project: Project, catalog: Catalog
) -> Refactoring | None:
    """Move the instructions the selection touches into a new stage before this one.

    The new stage starts `FROM` the same base and repeats the stage's instructions above the
    selection (identical steps on the same base come from the build cache), then runs the
    selected ones. WORKDIR, ENV, ARG, USER and SHELL lines stay in place too (what follows
    depends on them), and so do lines that only describe the image (CMD, EXPOSE, ...). The
    selected lines are replaced by `COPY --from=<new stage>` of the result.
    """
    from msb_lsp.refactor.extract import renumber_edits, unique

    stage = df.stage_at_line(selection.start.line)
    if stage is None or selection.start.line <= stage.from_.end_line:
        return None
    last = selection.end.line
    if selection.end.col == 0 and last > selection.start.line:
        last -= 1  # a selection of whole lines ends at the start of the next one
    style = detect(df)
    ctx = StageContext(df, stage, style, project, catalog)
    picked = [
        (i, c)
        for i, c in enumerate(ctx.chunks)
        if c.instr.start_line <= last and c.instr.end_line >= selection.start.line
    ]
    if not picked:
        return None
    chunks = [c for _, c in picked]
    moved = [c for c in chunks if c.instr.kind not in RUNTIME_ONLY]
    if not any(c.instr.kind in ("RUN", "COPY", "ADD") for c in moved):
        return None
    if len(df.stages) == 1 and len(moved) == sum(
        1 for c in ctx.chunks if c.instr.kind not in RUNTIME_ONLY
    ):
        return None  # the whole stage: the single-stage refactoring does that better
    moved_ids = {id(c) for c in moved}
    commands = [cmd for chunk, cmds in ctx.runs() if id(chunk) in moved_ids for cmd in cmds]
    name = unique(_role(commands), {s.name for s in df.stages if s.name})
    ctx.builder = name

    # The comment lines right above the first selected instruction move with it.
    first = chunks[0]
    n_comments = 0
    while n_comments < len(first.lead) and first.lead[-1 - n_comments].lstrip().startswith("#"):
        n_comments += 1
    comments = first.lead[len(first.lead) - n_comments :]

    assert stage.from_.image is not None
    flags = stage.from_.platform.raw if stage.from_.platform else ""
    new_lines = [style.from_line(stage.from_.image.text, name, flags)]
    for c in ctx.chunks[: picked[0][0]]:
        if c.instr.kind not in RUNTIME_ONLY:
            new_lines += bare(c).render()
    for c in moved:
        new_lines += Item(c, lead=comments if c is first else None).render()

    wd_after = chunks[-1].workdir
    for c in chunks:
        if c.instr.kind == "WORKDIR" and c.instr.args:
            wd_after = join(wd_after, c.instr.args[0].value)
    artifact, guessed = _selection_artifact(ctx, moved, wd_after)
    if guessed and artifact == "/":
        return None
    dest_text = relative(artifact, wd_after) if artifact != wd_after else "."
    replacement = [x for c in chunks if c.instr.kind in _STAYS for x in bare(c).render()]
    note = None
    if guessed:
        replacement.append(f"{style.indent}# {TODO}")
        source, dest = placeholder(1, artifact), placeholder(2, dest_text)
        note = f"copies all of {artifact}: narrow it down"
    else:
        source, dest = artifact, dest_text
    replacement.append(style.line("COPY", f"--from={name} {source} {dest}"))

    first_line = first.instr.start_line - n_comments
    edits = [region_edit(df, first_line, chunks[-1].instr.end_line, replacement)]
    top = comments_above(df, stage.from_.start_line)
    edits.append(
        insert_lines_edit(df, top, [*new_lines, ""] if style.blank_between_stages else new_lines)
    )
    edits += renumber_edits(df, stage.index, 1)

    title = f"Extract builder stage: move the selected instructions to stage '{name}'"
    snippet_edits = snippet_title = None
    if any(has_placeholders(e.text) for e in edits):
        snippet_edits = tuple(
            Edit(e.span, snippet(e.text) if has_placeholders(e.text) else e.text) for e in edits
        )
        snippet_title = f"{title} (choose what to copy back)"
    if note:
        title += f" ({note})"
    return Refactoring(
        title,
        EXTRACT,
        tuple(Edit(e.span, plain(e.text)) for e in edits),
        snippet_edits=snippet_edits,
        snippet_title=snippet_title,
        data={"stage": name},
    )


# Instructions that stay in the stage when selected: what follows depends on them, or they
# only describe the image.
_STAYS = RUNTIME_ONLY | {"WORKDIR", "ENV", "ARG", "USER", "SHELL"}
