"""Tests for MSB010 (exec-form-with-non-strings)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB010"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            'FROM a\nCMD ["sleep", 10]\n',
            ["when using JSON array syntax, arrays must be comprised of strings only"],
        ),
        (
            'FROM a\nENTRYPOINT [["nested"]]\n',
            ["when using JSON array syntax, arrays must be comprised of strings only"],
        ),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text", ["FROM a\nCMD [\"sleep\", \"10\"]\nCMD ['single', 'quotes']\nRUN [ unterminated\n"]
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
