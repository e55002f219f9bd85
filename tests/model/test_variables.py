"""ARG/ENV scope and expansion."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.model.variables import Scope, VarDef, expand, global_scope, scope_at


def test_global_args_are_visible_in_from_only() -> None:
    df = parse("ARG V=1.2\nFROM alpine:${V}\nRUN echo $V\nARG V\nRUN echo $V\n")
    from_scope = scope_at(df, df.instructions[1])
    assert from_scope.lookup("V") is not None
    assert scope_at(df, df.instructions[2]).lookup("V") is None
    redeclared = scope_at(df, df.instructions[4]).lookup("V")
    assert redeclared is not None and redeclared.value == "1.2" and redeclared.kind == "ARG"


def test_env_wins_over_arg_and_scope_flows_to_child_stages() -> None:
    df = parse(
        "FROM alpine AS base\nARG A=arg\nENV A=env B=$A\nFROM base AS child\nRUN x\nFROM alpine\nRUN y\n"
    )
    child = scope_at(df, df.instructions[4])
    assert child.lookup("A").value == "env"  # type: ignore[union-attr]
    assert child.lookup("B").value == "arg"  # type: ignore[union-attr]
    other = scope_at(df, df.instructions[6])
    assert other.lookup("A") is None


def test_builtin_args_need_no_declaration() -> None:
    df = parse("FROM alpine\nRUN echo\n")
    assert scope_at(df, df.instructions[1]).lookup("TARGETARCH") is not None
    assert global_scope(df).lookup("BUILDPLATFORM") is not None


def test_expand_leaves_unknowns_as_written() -> None:
    scope = Scope({"A": VarDef("A", "ARG", "x"), "E": VarDef("E", "ARG", "")})
    assert expand("${A}-$B-${C:-d}-${A:+set}-${E:-empty}", scope).text == "x-$B-d-set-empty"
    assert expand("$B", scope).unknown == ["B"]
    assert expand("${A:-${B}}", scope).complete
    unset = Scope({"U": VarDef("U", "ARG", None)})
    result = expand("${U}", unset)
    assert result.text == "${U}" and result.unknown == ["U"]
