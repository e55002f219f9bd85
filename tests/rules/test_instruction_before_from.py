"""Tests for MSB007 (instruction-before-from)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB007"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("WORKDIR /app\nFROM alpine\n", ["no build stage in current context"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize("text", ["ARG V=1\nFROM alpine:${V}\n"])
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
