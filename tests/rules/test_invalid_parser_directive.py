"""Tests for MSB012 (invalid-parser-directive)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB012"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("# escape=\\\n# escape=`\nFROM a\n", ["only one escape parser directive can be used"]),
        ("# escape=x\nFROM a\n", ["invalid escape token 'x' does not match ` or \\"]),
        ("# check=skip=A;color=red\nFROM a\n", ["invalid check option color"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text",
    ["# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=StageNameCasing;error=true\nFROM a\n"],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
