"""Python: dependencies go into a virtual environment in the builder; the runtime is the
`-slim` image of the same Python version with that environment copied over.

The environment lives at the same path in both stages (its scripts name their interpreter
by absolute path), and both images keep Python at /usr/local/bin. A stage that already
creates an environment (`python -m venv`, `virtualenv`, `uv venv`) keeps its own; otherwise
the builder creates `/opt/venv` and puts it first on PATH (`VIRTUAL_ENV` too, which pip,
poetry and uv honour) before the first install. The runtime copies the application the way
the stage did (its COPY lines from the build context), or copies the working directory from
the builder when RUN steps after the sources produced files there.
"""

from __future__ import annotations

import posixpath
import re

from msb_lsp.images.families import runtime_alternatives
from msb_lsp.model.nodes import CopyInstruction
from msb_lsp.refactor.ecosystems import (
    Item,
    Plan,
    StageContext,
    bare,
    cache_dependencies,
    gen,
    insert_before,
    is_context_copy,
    join,
)
from msb_lsp.rules._shell import Command

VENV = "/opt/venv"
_PIP = re.compile(r"pip[0-9.]*")
_PYTHON = re.compile(r"python[0-9.]*")
_MANIFEST = re.compile(
    r"(?:requirements[\w.-]*\.txt|pyproject\.toml|poetry\.lock|Pipfile(?:\.lock)?|uv\.lock|"
    r"setup\.py|setup\.cfg|requirements)"
)


def _pip_argv(cmd: Command) -> list[str] | None:
    """The pip arguments of `pip install ...`, `python -m pip install ...`, `uv pip ...`."""
    values = cmd.values()
    if _PIP.fullmatch(cmd.name):
        return values[1:]
    if _PYTHON.fullmatch(cmd.name) and values[1:3] == ["-m", "pip"]:
        return values[3:]
    if cmd.name == "uv" and values[1:2] == ["pip"]:
        return values[2:]
    return None


def is_install(cmd: Command) -> bool:
    pip = _pip_argv(cmd)
    if pip is not None:
        return pip[:1] == ["install"]
    sub = cmd.subcommand()
    first = sub.value if sub is not None else ""
    return (cmd.name in ("poetry", "pipenv") and first == "install") or (
        cmd.name == "uv" and first == "sync"
    )


def is_requirements_install(cmd: Command) -> bool:
    pip = _pip_argv(cmd)
    if pip is None or pip[:1] != ["install"]:
        return False
    return requirement_files(cmd) != [] and not [
        a for a in _positional(pip[1:]) if a not in requirement_files(cmd)
    ]


def _positional(args: list[str]) -> list[str]:
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("-"):
            skip = a in ("-r", "--requirement", "-c", "--constraint", "-i", "--index-url")
            continue
        out.append(a)
    return out


def requirement_files(cmd: Command) -> list[str]:
    values = cmd.values()
    out = []
    for i, v in enumerate(values):
        if v in ("-r", "--requirement") and i + 1 < len(values):
            out.append(values[i + 1])
        elif v.startswith("--requirement="):
            out.append(v.split("=", 1)[1])
        elif v.startswith("-r") and len(v) > 2:
            out.append(v[2:])
    return out


def existing_venv(ctx: StageContext) -> str | None:
    for chunk, commands in ctx.runs():
        for cmd in commands:
            values = cmd.values()
            target = None
            if _PYTHON.fullmatch(cmd.name) and values[1:3] == ["-m", "venv"]:
                rest = _positional(values[3:])
                target = rest[0] if rest else None
            elif cmd.name == "virtualenv" or (cmd.name == "uv" and values[1:2] == ["venv"]):
                rest = _positional(values[2 if cmd.name == "uv" else 1 :])
                target = rest[0] if rest else (".venv" if cmd.name == "uv" else None)
            if target:
                return join(chunk.workdir, target)
    return None


def build_only(name: str) -> bool:
    return name.startswith(("PIP_", "POETRY_", "PIPENV_", "UV_"))


def _is_manifest_copy(instr: CopyInstruction) -> bool:
    return all(_MANIFEST.fullmatch(posixpath.basename(w.value.rstrip("/"))) for w in instr.sources)


def plan(ctx: StageContext) -> Plan | None:
    if ctx.base is None or ctx.base.ref is None:
        return None
    installs = [(c, cmd) for c, cmds in ctx.runs() for cmd in cmds if is_install(cmd)]
    if not installs or any(cmd.has_option("--user") for _, cmd in installs):
        return None
    style = ctx.style
    items = ctx.builder_items(build_only)
    venv = existing_venv(ctx)
    env_line = None
    if venv is None:
        venv = VENV
        pairs = [f"VIRTUAL_ENV={VENV}", f'PATH="{VENV}/bin:$PATH"']
        if any(
            cmd.name == "uv" and cmd.subcommand() and cmd.subcommand().value == "sync"
            for _, cmd in installs
        ):  # type: ignore[union-attr]
            pairs.append(f"UV_PROJECT_ENVIRONMENT={VENV}")
        env_line = style.line("ENV", " ".join(pairs))
        create = gen(*style.run([f"python -m venv {VENV}"]), env_line)
        at = next(
            i
            for i, it in enumerate(items)
            if it.chunk is not None
            and (
                (it.kind in ("COPY", "ADD") and it.chunk.instr.flag("from") is None)
                or (it.kind == "RUN" and any(c is it.chunk for c, _ in installs))
            )
        )
        insert_before(items, at, [create])
    first = installs[0][1]
    manifests = requirement_files(first) if is_requirements_install(first) else []
    cache_dependencies(ctx, items, manifests, is_requirements_install)
    steps: list[Item] = []
    if env_line is not None:
        steps.append(gen(env_line))
    steps.append(gen(style.line("COPY", f"--from={ctx.builder} {venv} {venv}")))
    app = application(ctx, installs)
    steps += app
    if all(item.chunk is not None for item in app):
        # The runtime copies the sources from the context: the builder does not need the
        # copies that only follow its last install.
        while items and items[-1].kind in ("COPY", "ADD") and items[-1].chunk is not None:
            if items[-1].chunk.instr.flag("from") is not None:
                break
            items.pop()
    alternatives = runtime_alternatives(ctx.base.ref, ctx.catalog)
    image = next((a for a in alternatives if "slim" in a.split(":", 1)[-1]), ctx.base.text)
    packages = ctx.system_packages()
    notes = []
    if packages:
        notes.append(
            f"Only the builder has {' '.join(packages)}: install the run-time libraries "
            "the app needs here."
        )
    return Plan(
        label="Python",
        builder=items,
        runtime_base=image,
        steps=steps,
        user="nobody",
        build_only_env=build_only,
        notes=notes,
    )


def application(ctx: StageContext, installs: list) -> list[Item]:  # type: ignore[type-arg]
    """The application files: the stage's own COPY lines from the context, or the working
    directory from the builder when RUN steps after the sources wrote files there."""
    context = ctx.context_copy()
    install_chunks = {id(c) for c, _ in installs}
    if context is not None:
        later = [
            c
            for c in ctx.chunks[context + 1 :]
            if c.instr.kind == "RUN" and id(c) not in install_chunks
        ]
        wd = ctx.final_workdir()
        if later and wd != "/":
            return [gen(ctx.style.line("COPY", f"--from={ctx.builder} {wd} {wd}"))]
    out = []
    for chunk in ctx.chunks:
        instr = chunk.instr
        if not isinstance(instr, CopyInstruction) or instr.flag("from") is not None:
            continue
        if _is_manifest_copy(instr) and not is_context_copy(instr):
            continue
        out.append(bare(chunk))
    return out
