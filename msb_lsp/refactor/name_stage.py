"""Name this stage: an unnamed stage that `COPY --from=<n>` uses by index gets a name, and
every `--from=<n>` that means it is rewritten to the name.

Offered on the stage's FROM line and on any `--from=<n>` value that points at it. The name
says what the stage does: `builder` (it runs a build), `deps` (it only installs
dependencies), `test`, `tools` (it only downloads or installs programs), `build` (a build
image that runs no recognised build step), `assets` (it only copies files), otherwise
`stage-<n>`; made unique by a `-2`, `-3`, ... suffix.
"""

from __future__ import annotations

import re

from msb_lsp.images.families import is_toolchain_image
from msb_lsp.images.reference import parse_image_ref
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefKind, RefStatus, Stage, StageRef
from msb_lsp.model.variables import expand_global
from msb_lsp.refactor.style import REWRITE, Refactoring, detect
from msb_lsp.rules._shell import Command, installed_packages, script
from msb_lsp.rules.base import Edit
from msb_lsp.rules.build_in_single_stage import build_words
from msb_lsp.rules.context_copied_before_dependency_install import dependency_install

RULES = ("copy-from-stage-index",)
_TEST = re.compile(r"test|pytest|jest|vitest|mocha|tox|nox")
_FETCH = frozenset({"curl", "wget", "git", "tar", "unzip", "chmod", "mkdir", "ln", "mv", "cp"})


def index_refs(df: Dockerfile, stage: Stage) -> list[StageRef]:
    """The `COPY --from=<n>` references that resolve to `stage` by its index."""
    return [
        r
        for r in df.refs
        if r.kind is RefKind.COPY and r.status is RefStatus.INDEX and r.target is stage
    ]


def _is_test(cmd: Command) -> bool:
    sub = cmd.subcommand()
    first = sub.value if sub is not None else ""
    if _TEST.fullmatch(cmd.name):
        return True
    return first in ("test", "tests") or (first == "run" and cmd.values()[2:3] == ["test"])


def role(df: Dockerfile, stage: Stage) -> str:
    commands = [
        cmd
        for instr in stage.instructions
        if instr.kind == "RUN"
        for cmd in script(df, instr).commands
    ]
    if any(build_words(c) for c in commands):
        return "builder"
    if any(_is_test(c) for c in commands):
        return "test"
    if (
        commands
        and all(dependency_install(c) or installed_packages(c) for c in commands)
        and any(dependency_install(c) for c in commands)
    ):
        return "deps"
    if commands and all(installed_packages(c) or c.name in _FETCH for c in commands):
        return "tools"
    image = stage.from_.image
    text = expand_global(df, image.text) if image is not None else None
    ref = parse_image_ref(text) if text else None
    if ref is not None and is_toolchain_image(ref) and commands:
        return "build"
    if not commands and any(i.kind in ("COPY", "ADD") for i in stage.instructions):
        return "assets"
    return f"stage-{stage.index}"


def unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def target_at(df: Dockerfile, span: Span) -> Stage | None:
    """The unnamed stage the cursor is on (its FROM, or a `--from=<n>` naming it)."""
    for ref in df.refs:
        if (
            ref.kind is RefKind.COPY
            and ref.status is RefStatus.INDEX
            and ref.target is not None
            and ref.target.name is None
            and ref.span.contains(span.start)
        ):
            return ref.target
    for stage in df.stages:
        f = stage.from_
        if f.start_line <= span.start.line <= f.end_line and stage.name is None:
            return stage if index_refs(df, stage) else None
    return None


def name_stage(df: Dockerfile, span: Span) -> Refactoring | None:
    stage = target_at(df, span)
    if stage is None or stage.from_.image is None:
        return None
    refs = index_refs(df, stage)
    if not refs:
        return None
    taken = {s.name for s in df.stages if s.name}
    name = unique(role(df, stage), taken)
    style = detect(df)
    end = stage.from_.image.span.end
    edits = [Edit(Span(end, end), f" {style.as_word} {name}")]
    edits += [Edit(r.span, name) for r in refs]
    count = f"{len(refs)} reference" + ("s" if len(refs) > 1 else "")
    return Refactoring(
        f"Name stage {stage.index} '{name}' and copy from it by name ({count})",
        REWRITE,
        tuple(edits),
        rules=RULES,
        data={"stage": stage.index, "name": name},
    )
