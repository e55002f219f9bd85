"""Tests for MSB001 (unknown-instruction)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB001"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM alpine\nRUNN echo\n", ["unknown instruction: RUNN (did you mean RUN?)"]),
        ("FROM alpine\nfrobnicate x\n", ["unknown instruction: frobnicate"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text",
    ["FROM alpine\nRUN echo\nrun echo\n", "FROM alpine\nRUN <<EOF\nRUNN inside a heredoc\nEOF\n"],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []


def test_fix() -> None:
    assert fixed("FROM alpine\ncopyy a b\n", CODE) == "FROM alpine\nCOPY a b\n"
