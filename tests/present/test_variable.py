"""The variable hover text, on the engine (no server)."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.model.nodes import Instruction
from msb_lsp.present.variable import scope_before, variable_hover

TEXT = (
    "ARG BASE=alpine\n"  # 0
    "ARG TAG=3.20 FULL=${BASE}:${TAG}\n"  # 1
    "FROM ${FULL} AS build\n"  # 2
    "ARG TAG\n"  # 3
    "ARG TOKEN\n"  # 4
    "RUN echo $TAG $TOKEN $TARGETPLATFORM $NOPE\n"  # 5
    "ENV TAG=edge\n"  # 6
    "RUN echo $TAG\n"  # 7
)


def instruction(df, line: int) -> Instruction:  # type: ignore[no-untyped-def]
    return next(i for i in df.instructions if i.start_line == line)


def hover(line: int, name: str, defining: bool = False) -> str:
    df = parse(TEXT)
    return variable_hover(df, instruction(df, line), name, defining=defining, markdown=False)


def test_global_args_see_only_the_ones_above() -> None:
    df = parse(TEXT)
    assert scope_before(df, instruction(df, 0)).names() == []
    assert scope_before(df, instruction(df, 1)).names() == ["BASE"]
    assert hover(1, "FULL", defining=True).startswith("FULL = alpine:${TAG}")


def test_a_stage_arg_brings_the_global_value_in() -> None:
    shown = hover(3, "TAG", defining=True)
    assert shown.startswith("TAG = 3.20")
    assert "Brings the global ARG (line 2) into this stage" in shown


def test_uses_show_the_value_in_effect_and_where_it_was_set() -> None:
    assert hover(5, "TAG").startswith("TAG = 3.20\n\nSet by ARG on line 4 (stage build).")
    assert hover(7, "TAG").startswith("TAG = edge\n\nSet by ENV on line 7 (stage build).")
    token = hover(5, "TOKEN")
    assert token.startswith("TOKEN = (unknown)") and "No default: set with --build-arg." in token
    assert "BuildKit sets" in hover(5, "TARGETPLATFORM")
    assert hover(5, "NOPE").startswith("$NOPE is not defined here")


def test_an_arg_without_default_says_how_to_set_it() -> None:
    shown = hover(4, "TOKEN", defining=True)
    assert shown.startswith("TOKEN has no default")
    assert "--build-arg TOKEN=…" in shown
