"""Tests for MSB004 (invalid-flag-value)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB004"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM a\nCOPY --link=yes x y\n", ["expecting boolean value for flag link, not: yes"]),
        ("FROM a\nCOPY --from x y\n", ["missing a value on flag: from"]),
        ("FROM a\nRUN --network=bridge make\n", ['unsupported network mode "bridge"']),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text", ["FROM a\nCOPY --link=false x y\nCOPY --link x y\nRUN --network=host make\n"]
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
