"""Tests for MSB003 (duplicate-flag)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB003"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM a\nCOPY --chown=1 --chown=2 x y\n", ["duplicate flag specified: chown"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text",
    [
        "FROM a\nRUN --mount=type=cache,target=/a --mount=type=cache,target=/b make\n",
        "FROM a\nCOPY --exclude=a --exclude=b . /x\n",
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
