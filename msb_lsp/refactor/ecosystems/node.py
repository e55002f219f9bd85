"""Node.js (npm, yarn, pnpm): build in the full image, run on `-alpine` or `-slim`.

The builder copies the dependency manifests before the sources and runs the build; the
runtime installs production dependencies only (`--omit=dev`, `--production`, `--prod`)
into the small image of the same Node version (native modules get built or downloaded for
that image's libc) and copies the build output from the builder. The output folder comes
from the build command, else from `package.json` (`scripts.build` and the scripts it runs:
`--outDir`, `-d`, tool defaults such as `dist` for vite/nest/tsc with `outDir`, `build`
for react-scripts), else from the command the image runs (`node dist/main.js`), else
`dist`.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from msb_lsp.images.families import runtime_alternatives
from msb_lsp.images.tags import split_tag
from msb_lsp.refactor.ecosystems import (
    Chunk,
    Item,
    Plan,
    StageContext,
    cache_dependencies,
    directory_dest,
    gen,
    join,
    relative,
)
from msb_lsp.rules._shell import Command
from msb_lsp.rules.build_in_single_stage import build_words
from msb_lsp.rules.context_copied_before_dependency_install import dependency_install

MANAGERS = ("npm", "yarn", "pnpm")
LOCKFILES = {"npm": "package-lock.json", "yarn": "yarn.lock", "pnpm": "pnpm-lock.yaml"}
# Tools a build script runs, and the folder they write to by default.
_TOOL_DEFAULTS = {
    "vite": "dist",
    "nest": "dist",
    "ng": "dist",
    "webpack": "dist",
    "parcel": "dist",
    "tsup": "dist",
    "rollup": "dist",
    "ncc": "dist",
    "react-scripts": "build",
    "remix": "build",
    "svelte-kit": "build",
    "astro": "dist",
    "nuxt": ".output",
    "nuxi": ".output",
}
_OUT_FLAGS = ("--outDir", "--outdir", "--out-dir", "--output-path", "--dist-dir", "-d", "-o")
_RUNNERS = frozenset({"npx", "pnpx", "bunx"})


# -- what the stage uses ---------------------------------------------------------------


def is_install(cmd: Command) -> bool:
    found = dependency_install(cmd)
    return found is not None and found[0] == "node" and cmd.name in MANAGERS


def is_build(cmd: Command) -> bool:
    if cmd.name in MANAGERS and build_words(cmd):
        return True
    tool = _tool(cmd.values())
    return tool is not None and tool in {*_TOOL_DEFAULTS, "tsc", "next", "babel", "esbuild"}


def _tool(argv: list[str]) -> str | None:
    """The program a command runs, looking through `npx`/`pnpx`/`yarn exec`."""
    if not argv:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    if name in _RUNNERS or (name in MANAGERS and argv[1:2] in (["exec"], ["dlx"])):
        rest = [a for a in argv[1:] if not a.startswith("-") and a not in ("exec", "dlx")]
        return rest[0].rsplit("/", 1)[-1] if rest else None
    return name


def package_manager(ctx: StageContext) -> str:
    found = ctx.find_command(is_install)
    if found is not None:
        return found[1].name
    for chunk in ctx.chunks:
        text = " ".join(chunk.body)
        for manager in ("pnpm", "yarn"):
            if LOCKFILES[manager] in text:
                return manager
    for manager in ("pnpm", "yarn"):
        if ctx.project.exists(LOCKFILES[manager]):
            return manager
    return "npm"


def script_name(cmd: Command) -> str | None:
    """`build` for `npm run build`, `yarn build`, `pnpm run build`."""
    positional = [w.value for w in cmd.positional()]
    if not positional:
        return None
    if positional[0] in ("run", "run-script"):
        return positional[1] if len(positional) > 1 else None
    if cmd.name in ("yarn", "pnpm") and positional[0] not in ("install", "add", "exec", "dlx"):
        return positional[0]
    if cmd.name == "npm" and positional[0] in ("start", "test"):
        return positional[0]
    return None


def scripts(ctx: StageContext) -> dict[str, str]:
    package = ctx.project.json("package.json") or {}
    found = package.get("scripts")
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items() if isinstance(v, str)}


def _split_script(text: str) -> list[list[str]]:
    commands = []
    for part in re.split(r"&&|\|\||;", text):
        try:
            words = shlex.split(part)
        except ValueError:
            words = part.split()
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]  # NODE_ENV=production vite build
        if words and words[0] in ("cross-env", "env"):
            words = [w for w in words[1:] if "=" not in w or w.startswith("-")]
        if words:
            commands.append(words)
    return commands


def _flag_value(argv: list[str], flags: tuple[str, ...]) -> str | None:
    for i, word in enumerate(argv):
        for flag in flags:
            if word == flag and i + 1 < len(argv):
                return argv[i + 1]
            if word.startswith(flag + "=") and flag.startswith("--"):
                return word.split("=", 1)[1]
    return None


def _out_of_argv(
    ctx: StageContext, argv: list[str], all_scripts: dict[str, str], depth: int
) -> str | None:
    tool = _tool(argv)
    if tool is None:
        return None
    if tool in MANAGERS and depth < 4:
        rest = [a for a in argv[1:] if not a.startswith("-")]
        if rest and rest[0] in ("run", "run-script"):
            rest = rest[1:]
        if rest and rest[0] in all_scripts:
            return _out_of_script(ctx, all_scripts[rest[0]], all_scripts, depth + 1)
        return None
    if tool == "esbuild":
        outfile = _flag_value(argv, ("--outfile",))
        if outfile:
            return posixpath.dirname(outfile) or None
        return _flag_value(argv, ("--outdir",))
    flags = _OUT_FLAGS if tool in ("babel", "ncc", "tsc") else _OUT_FLAGS[:5]
    value = _flag_value(argv, flags)
    if value:
        return value
    if tool == "tsc":
        config = _flag_value(argv, ("-p", "--project")) or "tsconfig.json"
        if not config.endswith(".json"):
            config = posixpath.join(config, "tsconfig.json")
        options = (ctx.project.json(config) or {}).get("compilerOptions")
        if isinstance(options, dict) and isinstance(options.get("outDir"), str):
            return str(options["outDir"])
        return None
    return _TOOL_DEFAULTS.get(tool)


def _out_of_script(
    ctx: StageContext, text: str, all_scripts: dict[str, str], depth: int = 0
) -> str | None:
    found = None
    for argv in _split_script(text):
        out = _out_of_argv(ctx, argv, all_scripts, depth)
        if out is not None:
            found = out
    return found


def _first_folder(path: str) -> str | None:
    path = posixpath.normpath(path)
    if path.startswith(("/", "..")) or "/" not in path:
        return None
    return path.split("/", 1)[0]


def _script_file(argv: list[str]) -> str | None:
    for word in argv[1:]:
        if not word.startswith("-") and re.search(r"\.(?:c|m)?js$", word):
            return word
    return None


def output_dir(ctx: StageContext, build: Command) -> str:
    """The build's output folder, relative to the folder the build runs in."""
    all_scripts = scripts(ctx)
    out = _out_of_argv(ctx, build.values(), all_scripts, 0)
    if out is None:
        argv = ctx.argv()
        if argv and argv[0] in MANAGERS:
            name = next((a for a in argv[1:] if not a.startswith("-") and a != "run"), None)
            if name in all_scripts:
                for words in _split_script(all_scripts[name]):
                    file = _script_file(words)
                    if file:
                        out = _first_folder(file)
        elif argv:
            file = _script_file(argv)
            out = _first_folder(file) if file else None
    if out is None:
        main = (ctx.project.json("package.json") or {}).get("main")
        if isinstance(main, str):
            out = _first_folder(main)
    return posixpath.normpath(out or "dist")


# -- runtime ---------------------------------------------------------------------------


def runtime_image(ctx: StageContext, needs_manager: bool = True) -> str:
    """`node:<version>-alpine`, or `-slim` when the tag names a Debian release; the base
    itself when it is already small (or is not an official node image and the runtime needs
    a package manager)."""
    assert ctx.base is not None and ctx.base.ref is not None
    alternatives = runtime_alternatives(ctx.base.ref, ctx.catalog)
    if not alternatives:
        return ctx.base.text
    codename = split_tag(ctx.base.ref.effective_tag).codename
    want = "slim" if codename else "alpine"
    for alt in alternatives:
        if alt.startswith("node:") and want in alt.split(":", 1)[1].split("-"):
            return alt
    official = [a for a in alternatives if a.startswith("node:")]
    if official:
        return official[0]
    return ctx.base.text if needs_manager else alternatives[0]


def setup_commands(ctx: StageContext, manager: str) -> list[str]:
    """The commands that made yarn or pnpm available (`corepack enable`, `npm i -g pnpm`)."""
    out: list[str] = []
    for _, commands in ctx.runs():
        for cmd in commands:
            values = cmd.values()
            if cmd.name == "corepack" or (
                cmd.name == "npm"
                and len(values) > 2
                and values[1] in ("install", "i", "add")
                and ("-g" in values or "--global" in values)
                and any(v.split("@", 1)[0] in ("pnpm", "yarn") for v in values[2:])
            ):
                out.append(" ".join(w.raw for w in cmd.words))
    if not out and manager == "pnpm":
        out.append("corepack enable")
    return out


def _berry(ctx: StageContext, install: Command | None) -> bool:
    if install is not None and install.has_option("--immutable"):
        return True
    return bool(ctx.project.exists(".yarnrc.yml"))


def production_install(ctx: StageContext, manager: str, install: Command | None) -> list[str]:
    """The install command for production dependencies, keeping the original's options."""
    words = [w.raw for w in install.words] if install is not None else [manager, "install"]
    drop = {"--include=dev", "--production=false", "--dev", "-D"}
    words = [w for w in words if w not in drop]
    if manager == "npm":
        if words[1:2] == ["install"] and ctx.project.exists("package-lock.json"):
            words[1] = "ci"
        if "--omit=dev" not in words:
            words.append("--omit=dev")
        return [" ".join(words), "npm cache clean --force"]
    if manager == "yarn":
        if _berry(ctx, install):
            return ["yarn workspaces focus --all --production"]
        if "--production" not in words:
            words.append("--production")
        return [" ".join(words), "yarn cache clean"]
    if "--prod" not in words and "-P" not in words:
        words.append("--prod")
    return [" ".join(words)]


def manifests(ctx: StageContext, manager: str, install: Command | None) -> list[str]:
    if manager == "npm":
        return ["package*.json"]
    out = ["package.json"]
    if ctx.project.exists(LOCKFILES[manager]) is not False:
        out.append(LOCKFILES[manager])
    if manager == "yarn" and _berry(ctx, install):
        out.append(".yarnrc.yml")
    return out


def dependency_dest(install_chunk: Chunk | None, runtime_wd: str) -> str:
    wd = install_chunk.workdir if install_chunk is not None else runtime_wd
    return directory_dest(relative(wd, runtime_wd) if wd != runtime_wd else ".")


def builder_and_build(
    ctx: StageContext,
) -> tuple[list[Item], Chunk, Command, str, Command | None] | None:
    """The builder items with the dependency install cached, and the build step."""
    found = ctx.find_last_command(is_build)
    if found is None:
        return None
    build_chunk, build = found
    manager = package_manager(ctx)
    install = ctx.find_command(is_install)
    items = ctx.builder_items()
    cache_dependencies(
        ctx, items, manifests(ctx, manager, install[1] if install else None), is_install
    )
    return items, build_chunk, build, manager, install[1] if install else None


def plan(ctx: StageContext) -> Plan | None:
    found = builder_and_build(ctx)
    if found is None:
        return None
    items, build_chunk, build, manager, install = found
    install_chunk = ctx.find_command(is_install)
    style = ctx.style
    runtime_wd = ctx.final_workdir()
    out = join(build_chunk.workdir, output_dir(ctx, build))
    steps: list[Item] = []
    argv = ctx.argv()
    if install is not None:
        dest = dependency_dest(install_chunk[0] if install_chunk else None, runtime_wd)
        steps.append(gen(style.line("COPY", " ".join([*manifests(ctx, manager, install), dest]))))
        commands = [*setup_commands(ctx, manager), *production_install(ctx, manager, install)]
        steps.append(gen(*style.run(commands)))
    elif argv and argv[0] in MANAGERS:
        steps.append(gen(style.line("COPY", "package.json ./")))
    steps.append(gen(style.line("COPY", f"--from={ctx.builder} {out} {relative(out, runtime_wd)}")))
    image = runtime_image(ctx)
    return Plan(
        label=f"Node.js ({manager})",
        builder=items,
        runtime_base=image,
        steps=steps,
        user="node" if image.startswith("node:") else None,
    )
