"""Tests for MSB017 (empty-dockerfile)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB017"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("", ["file with no instructions"]),
        ("# only a comment\n\n", ["file with no instructions"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize("text", ["FROM scratch\n"])
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
