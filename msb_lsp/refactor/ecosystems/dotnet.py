""".NET: `dotnet publish` in the `sdk` image; the runtime is `aspnet` for web projects (and
when the project type cannot be read) or `runtime` for console apps, same tag.

The publish output goes to a fixed folder (`-o`, added when missing); the runtime copies it
into its working directory and starts `dotnet <Assembly>.dll`. The assembly name comes from
the DLL the image runs, the project file given to `dotnet publish`, `<AssemblyName>`, or the
only `*.csproj`/`*.fsproj` next to the Dockerfile.
"""

from __future__ import annotations

import posixpath
import re

from msb_lsp.images.families import runtime_alternatives
from msb_lsp.images.tags import split_tag
from msb_lsp.model.span import Span
from msb_lsp.refactor.ecosystems import (
    Item,
    Plan,
    StageContext,
    apply_edits,
    exec_form,
    gen,
    join,
)
from msb_lsp.rules._shell import Command
from msb_lsp.rules.base import Edit

_PROJECT = re.compile(r".+\.(?:cs|fs|vb)proj$")
_ASSEMBLY = re.compile(r"<AssemblyName>\s*([^<\s]+)\s*</AssemblyName>")


def is_publish(cmd: Command) -> bool:
    sub = cmd.subcommand()
    return cmd.name == "dotnet" and sub is not None and sub.value in ("publish", "build")


def build_only(name: str) -> bool:
    return name.startswith(("NUGET_", "DOTNET_CLI_", "MSBUILD"))


def _output(cmd: Command) -> str | None:
    words = cmd.values()
    for i, w in enumerate(words):
        if w in ("-o", "--output") and i + 1 < len(words):
            return words[i + 1]
        if w.startswith("--output="):
            return w.split("=", 1)[1]
    return None


def project_file(ctx: StageContext, cmd: Command) -> str | None:
    for w in cmd.positional(2):
        if _PROJECT.fullmatch(w.value):
            return w.value
    found = ctx.project.glob("*.*proj")
    if found:
        projects = [p for p in found if _PROJECT.fullmatch(p)]
        if len(projects) == 1:
            return projects[0]
    return None


def assembly(ctx: StageContext, cmd: Command) -> str | None:
    for word in ctx.argv():
        if word.endswith(".dll"):
            return posixpath.basename(word)[: -len(".dll")]
    project = project_file(ctx, cmd)
    if project is None:
        return None
    text = ctx.project.read(project)
    if text is not None:
        found = _ASSEMBLY.search(text)
        if found:
            return found.group(1)
    return posixpath.basename(project).rsplit(".", 1)[0]


def plan(ctx: StageContext) -> Plan | None:
    found = ctx.find_last_command(is_publish)
    if found is None or ctx.base is None or ctx.base.ref is None:
        return None
    chunk, cmd = found
    name = assembly(ctx, cmd)
    if name is None:
        return None
    style = ctx.style
    edits: list[Edit] = []
    out = _output(cmd)
    if out is None:
        out = "/app/publish" if chunk.workdir != "/app/publish" else "/out"
        end = cmd.words[-1].span.end
        edits.append(Edit(Span(end, end), f" -o {out}"))
    built = join(chunk.workdir, out)
    items = ctx.builder_items(build_only)
    apply_edits(ctx, items, edits)

    alternatives = runtime_alternatives(ctx.base.ref, ctx.catalog)
    image = alternatives[0] if alternatives else ctx.base.text
    project = project_file(ctx, cmd)
    text = ctx.project.read(project) if project else None
    if text is not None and "Microsoft.NET.Sdk.Web" not in text:
        image = next((a for a in alternatives if "/dotnet/runtime:" in a), image)
    major = split_tag(ctx.base.ref.effective_tag).major
    steps: list[Item] = [gen(style.line("COPY", f"--from={ctx.builder} {built} ./"))]
    overrides: dict[int, list[str] | None] = {}
    entry, command = ctx.command_of()
    start = [style.line("ENTRYPOINT", exec_form(["dotnet", f"{name}.dll"]))]
    extra: list[Item] = []
    for c in (entry, command):
        if c is not None and "dotnet" in " ".join(c.body):
            overrides[id(c)] = None
    if entry is not None and id(entry) in overrides:
        overrides[id(entry)] = start
    elif command is not None and id(command) in overrides:
        overrides[id(command)] = start
    else:
        extra.append(gen(*start))
    return Plan(
        label=".NET",
        builder=items,
        runtime_base=image,
        steps=steps,
        user="app" if major is not None and major >= 8 else None,
        overrides=overrides,
        extra_tail=extra,
        build_only_env=build_only,
    )
