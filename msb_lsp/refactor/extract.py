"""Extract builder stage: a single-stage Dockerfile becomes a builder plus a small runtime.

The ecosystem comes from the base image (`msb_lsp.images.families.ecosystem`), else from
the commands (`go build`, `cargo build`, `mvn`, `dotnet publish`, ...). Its module in
`ecosystems/` decides what the builder does and what the runtime copies; this module
assembles the text:

- builder: the original FROM named `builder`, then every instruction that takes part in
  the build, in order, with the comments above them;
- runtime: `FROM <small image>` (keeping `--platform` and the original stage name), the
  stage's ARGs that the runtime uses, its ENV (minus build-only variables), WORKDIR and
  LABEL lines, the ecosystem's steps (production dependencies, `COPY --from=builder`), a
  non-root USER unless the stage sets one, then EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK,
  USER, ENTRYPOINT and CMD as written.

On a selection of instructions inside any stage, the selected instructions move into a new
stage built on the same base (with the WORKDIR/ENV/ARG/USER/SHELL lines in effect there), and
the stage copies the result from it. What to copy is the build output when the selection
holds a build step this module understands; otherwise the user chooses (a snippet tab stop
where the editor supports it, the working directory as a safe default otherwise).

Titles quote the catalog's sizes: "Extract builder stage: final base node:20 to
node:20-alpine, about 350 MB less".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from msb_lsp.images.catalog import Catalog, format_size, load_catalog
from msb_lsp.images.families import ecosystem
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import KeyValueInstruction
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefKind, RefStatus, Stage
from msb_lsp.refactor.ecosystems import (
    Item,
    Plan,
    Project,
    StageContext,
    bare,
    gen,
    insert_before,
)
from msb_lsp.refactor.style import (
    EXTRACT,
    Refactoring,
    detect,
    has_placeholders,
    plain,
    region_edit,
    snippet,
)
from msb_lsp.rules._runtime import is_base_image_like
from msb_lsp.rules.base import Edit
from msb_lsp.rules.build_in_single_stage import build_in_single_stage
from msb_lsp.rules.context import RuleContext

TITLE = "Extract builder stage"
RULES = ("build-in-single-stage", "toolchain-image-in-final-stage")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_BUILD_NAMES = frozenset({"build", "builder", "compile"})
_ALWAYS_TOOLCHAIN = frozenset({"golang", "rust", "gcc", "maven", "gradle"})


def extract_builder_stage(
    df: Dockerfile,
    selection: Span | None = None,
    project: Project | None = None,
    catalog: Catalog | None = None,
) -> Refactoring | None:
    """The refactoring for `df`, or None when there is nothing to extract.

    A selection that covers instructions of a stage (not its FROM, not all of a single
    stage's instructions) extracts those; otherwise a single-stage Dockerfile is split.
    """
    project = project or Project()
    catalog = catalog or load_catalog()
    if selection is not None and selection.start.line != selection.end.line:
        from msb_lsp.refactor.ecosystems.generic import extract_selection

        found = extract_selection(df, selection, project, catalog)
        if found is not None:
            return found
    return split_single_stage(df, project, catalog)


# -- the whole stage ------------------------------------------------------------------------


def stage_names(stage: Stage, taken: set[str]) -> tuple[str, str | None]:
    """(builder name, runtime name): the runtime keeps the stage's own name (build targets
    elsewhere may use it) unless that name says "build"."""
    original = stage.name
    if original in _BUILD_NAMES:
        return stage.name_word.text, unique("runtime", taken)  # type: ignore[union-attr]
    return unique("builder", taken | ({original} if original else set())), (
        stage.name_word.text if stage.name_word is not None else None
    )


def unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def plan_for(ctx: StageContext) -> Plan | None:
    """The ecosystem's plan for the stage, or the generic one; None when the stage builds
    nothing worth a builder stage."""
    from msb_lsp.refactor.ecosystems import dotnet, generic, go, java, nextjs, node, python, rust

    assert ctx.base is not None and ctx.base.ref is not None
    modules: dict[str, Callable[[StageContext], Plan | None]] = {
        "node": node.plan,
        "go": go.plan,
        "python": python.plan,
        "rust": rust.plan,
        "java": java.plan,
        "dotnet": dotnet.plan,
    }
    eco = ecosystem(ctx.base.ref)
    if eco == "node" and nextjs.detect(ctx):
        found = nextjs.plan(ctx)
    elif eco in modules:
        found = modules[eco](ctx)
    else:
        found = None
        for name in by_commands(ctx):
            found = modules[name](ctx)
            if found is not None:
                break
    if found is not None:
        return found
    if builds(ctx):
        return generic.plan(ctx)
    return None


def by_commands(ctx: StageContext) -> list[str]:
    """Ecosystems whose runtime does not depend on the base image, recognised by the
    commands (a Go or Rust toolchain installed on `ubuntu`, say)."""
    out = []
    for _, commands in ctx.runs():
        for cmd in commands:
            sub = cmd.subcommand()
            first = sub.value if sub is not None else ""
            if cmd.name == "go" and first in ("build", "install") and "go" not in out:
                out.append("go")
            if cmd.name == "cargo" and first in ("build", "install") and "rust" not in out:
                out.append("rust")
    return out


def builds(ctx: StageContext) -> bool:
    """The base is an image made only for building, or a build step leaves its toolchain
    in the image: exactly what `build-in-single-stage` flags (a RUN that builds from
    source and purges its build dependencies, as official images do, is not worth a
    builder stage)."""
    ref = ctx.base.ref if ctx.base else None
    if ref is not None and ref.short_name in _ALWAYS_TOOLCHAIN:
        return True
    if ref is not None and ref.short_name == "mcr.microsoft.com/dotnet/sdk":
        return True
    return next(iter(build_in_single_stage(RuleContext(ctx.df))), None) is not None


def split_single_stage(
    df: Dockerfile, project: Project | None = None, catalog: Catalog | None = None
) -> Refactoring | None:
    if len(df.stages) != 1 or _has_blocking_problems(df):
        return None
    stage = df.stages[0]
    if is_base_image_like(stage) or stage.from_.image is None:
        return None
    style = detect(df)
    builder_name, runtime_name = stage_names(stage, set())
    ctx = StageContext(
        df,
        stage,
        style,
        project or Project(),
        catalog or load_catalog(),
        builder=builder_name.lower(),
    )
    if ctx.base is None or ctx.base.ref is None or ctx.base.ref.is_scratch:
        return None
    plan = plan_for(ctx)
    if plan is None:
        return None
    lines = assemble(ctx, plan, builder_name, runtime_name)
    text = "\n".join(lines)
    edit = region_edit(df, stage.from_.start_line, stage.end_line, [plain(x) for x in lines])
    title = title_for(ctx, plan)
    snippet_edits = None
    snippet_title = None
    if has_placeholders(text):
        snippet_edit = region_edit(df, stage.from_.start_line, stage.end_line, snippet_lines(lines))
        snippet_edits = (snippet_edit,)
        snippet_title = title_for(ctx, plan, snippets=True)
    return Refactoring(
        title,
        EXTRACT,
        (edit,),
        snippet_edits=snippet_edits,
        snippet_title=snippet_title,
        rules=RULES,
        data={"ecosystem": plan.label},
    )


def snippet_lines(lines: list[str]) -> list[str]:
    """Lines as snippet text; escaping works per line since markers never span lines."""
    return [snippet(x) for x in lines]


# -- assembling the two stages ------------------------------------------------------------


def builder_from(ctx: StageContext, name: str) -> list[str]:
    """The original FROM lines, with the stage named `name`."""
    df, instr = ctx.df, ctx.stage.from_
    lines = list(df.lines[instr.start_line : instr.end_line + 1])
    if instr.stage_name is not None:
        span = instr.stage_name.span
        k = span.start.line - instr.start_line
        lines[k] = lines[k][: span.start.col] + name + lines[k][span.end.col :]
        return lines
    assert instr.image is not None
    end = instr.image.span.end
    k = end.line - instr.start_line
    lines[k] = lines[k][: end.col] + f" {ctx.style.as_word} {name}" + lines[k][end.col :]
    return lines


def runtime_from(ctx: StageContext, plan: Plan, name: str | None) -> str:
    instr = ctx.stage.from_
    platform = instr.platform
    assert ctx.base is not None
    return ctx.style.from_line(
        ctx.base.rewrite(plan.runtime_base), name, platform.raw if platform else ""
    )


def assemble(
    ctx: StageContext, plan: Plan, builder_name: str, runtime_name: str | None
) -> list[str]:
    style = ctx.style
    lines = builder_from(ctx, builder_name)
    for item in without_idle_tail(plan.builder):
        lines += item.render()
    if style.blank_between_stages:
        lines.append("")
    lines.append(runtime_from(ctx, plan, runtime_name))
    lines += runtime_body(ctx, plan)
    return lines


def without_idle_tail(items: list[Item]) -> list[Item]:
    """The builder without the settings after its last step (an `ENV PORT=8080` after the
    build changes nothing the runtime copies; the runtime keeps its own copy)."""
    end = len(items)
    while end > 0 and items[end - 1].kind in _SETTINGS:
        end -= 1
    return items[:end] if end else items


_SETTINGS = frozenset({"ENV", "ARG", "WORKDIR", "USER", "SHELL"})


def runtime_body(ctx: StageContext, plan: Plan) -> list[str]:
    """Preamble (ARG, ENV, WORKDIR, LABEL), notes, steps, USER, then the tail."""
    chunks = ctx.chunks
    last_user = max((i for i, c in enumerate(chunks) if c.instr.kind == "USER"), default=None)
    in_builder = {id(item.chunk) for item in plan.builder if item.chunk is not None}
    preamble: list[Item] = []
    args: list[tuple[int, Item]] = []
    tail: list[Item] = []
    for i, chunk in enumerate(chunks):
        instr = chunk.instr
        kind = instr.kind
        shared = id(chunk) in in_builder
        item = bare(chunk) if shared else Item(chunk)
        if kind == "ARG":
            args.append((len(preamble), item))
        elif kind == "ENV":
            assert isinstance(instr, KeyValueInstruction)
            if not all(plan.build_only_env(p.key.value) for p in instr.pairs):
                preamble.append(item)
        elif kind in ("WORKDIR", "LABEL", "MAINTAINER") or (kind == "SHELL" and plan.keep_shell):
            preamble.append(item)
        elif kind == "USER":
            if i == last_user:
                tail.append(item)
        elif kind in ("EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "ENTRYPOINT", "CMD"):
            tail.append(item)
    for item in tail:
        override = plan.overrides.get(id(item.chunk), ...) if item.chunk else ...
        if override is None:
            item.lines = []
            item.lead = []
        elif override is not ...:
            item.lines = override
    tail = [t for t in tail if t.lines != []] + plan.extra_tail
    if last_user is None and plan.user:
        insert_before(tail, 0, [gen(ctx.style.line("USER", plan.user))])
    notes = [gen(lead=[f"{ctx.style.indent}# {n}" for n in plan.notes])] if plan.notes else []
    groups = [preamble, notes + plan.steps, tail]
    # The runtime's ARGs: those whose variables the rest of the runtime uses.
    used = {
        m.group(1)
        for group in groups
        for item in group
        for x in item.render()
        for m in _VAR.finditer(x)
    }
    for position, item in reversed(args):
        instr = item.chunk.instr if item.chunk else None
        if isinstance(instr, KeyValueInstruction) and any(p.key.value in used for p in instr.pairs):
            preamble.insert(position, item)
    spaced = any(not x.strip() for c in chunks for x in c.lead)
    out: list[str] = []
    for group in groups:
        rendered = [x for item in group for x in item.render()]
        if not rendered:
            continue
        if out and spaced and (rendered[0].strip() or len(rendered) == 1):
            out.append("")
        out += rendered
    return _single_blanks(out)


def _single_blanks(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    return out


# -- titles -----------------------------------------------------------------------------


def about(n: int) -> str:
    """A rounded size for titles: `350 MB`, `1.2 GB`, `45 MB`, `3.4 MB`."""
    if n >= 1_000_000_000:
        return f"{n / 1e9:.1f} GB"
    if n >= 100_000_000:
        return f"{round(n / 1e7) * 10} MB"
    if n >= 10_000_000:
        return f"{round(n / 1e6)} MB"
    return format_size(n)


def size_change(catalog: Catalog, before: str, after: str) -> str:
    from msb_lsp.refactor.ecosystems import size_of

    if before == after:
        return f"final base stays {before}"
    a, b = size_of(catalog, before), size_of(catalog, after)
    text = f"final base {before} to {after}"
    if a is not None and b is not None and a > b:
        text += f", about {about(a - b)} less"
    return text


def title_for(ctx: StageContext, plan: Plan, snippets: bool = False) -> str:
    assert ctx.base is not None
    title = f"{TITLE}: {size_change(ctx.catalog, ctx.base.text, plan.runtime_base)}"
    note = "choose what the runtime copies" if snippets and plan.asks else plan.note
    if note:
        title += f" ({note})"
    return title


# -- shared by the selection extraction -----------------------------------------------------


def renumber_edits(df: Dockerfile, from_index: int, delta: int) -> list[Edit]:
    """Edits that keep `COPY --from=<n>` pointing at the same stages after `delta` stages
    were inserted before stage `from_index`."""
    out = []
    for ref in df.refs:
        target = ref.target
        if (
            ref.kind is RefKind.COPY
            and ref.status is RefStatus.INDEX
            and target is not None
            and target.index >= from_index
        ):
            out.append(Edit(ref.span, str(target.index + delta)))
    return out


def _has_blocking_problems(df: Dockerfile) -> bool:
    return any(p.severity == "error" for p in df.problems)
