"""Next.js: the standalone output (`output: 'standalone'` in next.config) runs with
`node server.js` and carries the node_modules it needs, so the runtime installs nothing:
it copies `.next/standalone` to its working directory, `.next/static` and `public` next to
it, and starts `server.js` as the `node` user, listening on all interfaces.
"""

from __future__ import annotations

import itertools
import re

from msb_lsp.refactor.ecosystems import Item, Plan, StageContext, exec_form, gen, join, relative
from msb_lsp.refactor.ecosystems.node import builder_and_build, runtime_image, scripts

CONFIGS = ("next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs")
_NEXT = re.compile(r"(?<![\w.-])next (?:build|start)\b|\.next\b")
_PORT = re.compile(r"(?:-p|--port)[ =](\d+)")


def detect(ctx: StageContext) -> bool:
    """Next.js: `next build` in the build script, `next` among the dependencies, a
    next.config next to the Dockerfile, or `.next` / `next start` in the Dockerfile."""
    if any("next build" in text for text in scripts(ctx).values()):
        return True
    package = ctx.project.json("package.json") or {}
    for key in ("dependencies", "devDependencies"):
        deps = package.get(key)
        if isinstance(deps, dict) and "next" in deps:
            return True
    if any(ctx.project.exists(name) for name in CONFIGS):
        return True
    argv = ctx.argv()
    if any(a == "next" and b in ("start", "build") for a, b in itertools.pairwise(argv)):
        return True
    return any(_NEXT.search(" ".join(c.body)) for c in ctx.chunks)


def standalone_configured(ctx: StageContext) -> bool | None:
    """Whether next.config asks for the standalone output; None when it cannot be read."""
    for name in CONFIGS:
        text = ctx.project.read(name)
        if text is not None:
            return "standalone" in text
    return None


def port(ctx: StageContext) -> str | None:
    """The port `next start` was told to use, when it is not Next's default 3000."""
    for text in [scripts(ctx).get("start", ""), *(" ".join(c.body) for c in ctx.chunks)]:
        found = _PORT.search(text) if "next" in text else None
        if found and found.group(1) != "3000":
            return found.group(1)
    for chunk in ctx.chunks:
        if chunk.instr.kind == "EXPOSE" and chunk.instr.args:
            value = chunk.instr.args[0].value.split("/", 1)[0]
            return value if value.isdigit() and value != "3000" else None
    return None


def plan(ctx: StageContext) -> Plan | None:
    found = builder_and_build(ctx)
    if found is None:
        return None
    items, build_chunk, _build, manager, _install = found
    style = ctx.style
    wd = build_chunk.workdir
    runtime_wd = ctx.final_workdir()
    steps: list[Item] = []
    if ctx.project.exists("public") is not False:
        public = join(wd, "public")
        steps.append(
            gen(style.line("COPY", f"--from={ctx.builder} {public} {relative(public, runtime_wd)}"))
        )
    owner = f"--chown=node:node --from={ctx.builder}"
    steps.append(gen(style.line("COPY", f"{owner} {join(wd, '.next/standalone')} ./")))
    static = join(wd, ".next/static")
    steps.append(gen(style.line("COPY", f"{owner} {static} ./.next/static")))
    env = ['HOSTNAME="0.0.0.0"']
    custom = port(ctx)
    if custom:
        env.append(f"PORT={custom}")
    steps.append(gen(style.line("ENV", " ".join(env))))
    overrides: dict[int, list[str] | None] = {
        id(c): None for c in ctx.chunks if c.instr.kind in ("CMD", "ENTRYPOINT")
    }
    note = None
    if standalone_configured(ctx) is False:
        note = "set output: 'standalone' in next.config"
    return Plan(
        label=f"Next.js ({manager})",
        builder=items,
        runtime_base=runtime_image(ctx, needs_manager=False),
        steps=steps,
        user="node",
        overrides=overrides,
        extra_tail=[gen(style.line("CMD", exec_form(["node", "server.js"])))],
        note=note,
    )
