"""The hover of a variable (`$NAME`, `${NAME}`, or the key of an ARG or ENV pair): the value it
has where the cursor is, where that value was set, and what the build or the container sees.
"""

from __future__ import annotations

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import Instruction, KeyValueInstruction
from msb_lsp.model.variables import (
    BUILTIN_ARGS,
    Scope,
    StageScopes,
    VarDef,
    expand,
    global_scope,
)
from msb_lsp.navigate.index import RUNTIME_KINDS
from msb_lsp.present.markup import Doc

__all__ = ["scope_before", "variable_hover"]


def scope_before(
    df: Dockerfile, instruction: Instruction, scopes: StageScopes | None = None
) -> Scope:
    """The variables in effect when `instruction` runs: global ARGs for a FROM line and
    before the first stage, the stage's ARG/ENV history inside a stage."""
    outer = instruction.parent or instruction  # an ONBUILD trigger is read where it is written
    stage = outer.stage
    if stage is None or outer is stage.from_:
        if stage is None:  # a global ARG sees the global ARGs above it
            return _globals_before(df, outer)
        return global_scope(df)
    for instr, scope in (scopes or StageScopes(df)).of(stage):
        if instr is outer:
            return scope
    return Scope()


def _globals_before(df: Dockerfile, instruction: Instruction) -> Scope:
    scope = global_scope(df)
    ids = [id(i) for i in df.global_args]
    if id(instruction) not in ids:
        return scope
    later = set(ids[ids.index(id(instruction)) :])  # declared at or after this instruction
    return Scope(
        {
            name: d
            for name, d in scope.vars.items()
            if d.instruction is None or id(d.instruction) not in later
        }
    )


def variable_hover(
    df: Dockerfile,
    instruction: Instruction,
    name: str,
    *,
    defining: bool,
    markdown: bool,
    scopes: StageScopes | None = None,
) -> str:
    """What hovering `name` in `instruction` shows. `defining`: the cursor is on the key of
    an ARG/ENV pair (the value set there is shown), else on a use of the variable."""
    doc = Doc(markdown)
    scope = scope_before(df, instruction, scopes)
    if defining and isinstance(instruction, KeyValueInstruction):
        pair = next((p for p in instruction.pairs if p.key.value == name), None)
        if pair is not None:
            _defined_here(doc, df, instruction, name, pair.value, scope)
            return doc.render()
    found = scope.lookup(name)
    if found is None:
        doc.para(doc.bold(doc.code("$" + name)), doc.text("is not defined here"))
        doc.para(doc.text("It expands to an empty string."))
        return doc.render()
    _value_line(doc, name, found.value)
    doc.para(_origin(doc, df, found))
    if found.kind != "ENV" and (instruction.parent or instruction).kind in RUNTIME_KINDS:
        doc.para(
            doc.text(
                "A build argument: the running container does not see it (declare it with "
                "ENV for that)."
            )
        )
    return doc.render()


def _defined_here(
    doc: Doc,
    df: Dockerfile,
    instruction: KeyValueInstruction,
    name: str,
    value: object,
    scope: Scope,
) -> None:
    raw = getattr(value, "value", None)
    if raw is None:  # `ARG NAME` without a default
        inherited = global_scope(df).vars.get(name) if instruction.stage is not None else None
        if inherited is not None and inherited.kind == "global ARG":
            _value_line(doc, name, inherited.value)
            doc.para(
                doc.text(f"Brings the global ARG (line {inherited.instruction.start_line + 1})")
                if inherited.instruction is not None
                else doc.text("Brings the global ARG"),
                doc.text("into this stage;"),
                doc.code("--build-arg"),
                doc.text("overrides it."),
            )
            return
        doc.para(doc.bold(doc.code(name)), doc.text("has no default"))
        doc.para(
            doc.text("Set it with"),
            doc.code(f"--build-arg {name}=…") + doc.text("; until then it is empty."),
        )
        return
    expanded = expand(raw, scope, df.escape)
    _value_line(doc, name, expanded.text)
    if instruction.kind == "ENV":
        doc.para(doc.text("Set for the rest of the build and in the running container."))
    else:
        doc.para(
            doc.text("A default:"),
            doc.code("--build-arg"),
            doc.text("overrides it; the container does not see it."),
        )
    if expanded.unknown:
        names = ", ".join(doc.code(n) for n in expanded.unknown)
        doc.para(doc.text("Known only at build time:"), names)


def _value_line(doc: Doc, name: str, value: str | None) -> None:
    shown = doc.code(value) if value else doc.text("(empty)" if value == "" else "(unknown)")
    doc.para(doc.bold(doc.code(name)), "=", shown)


def _origin(doc: Doc, df: Dockerfile, found: VarDef) -> str:
    if found.kind == "builtin" or (found.instruction is None and found.name in BUILTIN_ARGS):
        return doc.text("A build argument BuildKit sets (platform or proxy).")
    where = found.instruction
    if where is None:
        return doc.text(f"Set by {found.kind}.")
    line = where.start_line + 1
    stage = where.stage
    if stage is None:
        return doc.text(f"Global ARG on line {line}.")
    stage_name = f"stage {stage.name}" if stage.name else f"stage {stage.index}"
    text = doc.text(f"Set by {found.kind} on line {line} ({stage_name}).")
    if found.value is None:
        text += " " + doc.text("No default: set with") + " " + doc.code("--build-arg") + "."
    return text
