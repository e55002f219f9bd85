"""Tests for MSB005 (from-with-wrong-argument-count)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB005"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM node:20 builder\n", ["FROM requires either one or three arguments"]),
        ("FROM node:20 AS\n", ["FROM requires either one or three arguments"]),
        ("FROM node:20 FOR builder\n", ["FROM requires either one or three arguments"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize("text", ["FROM node:20\nFROM node:20 AS b\nfrom node:20 as c\n"])
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
