"""Tests for MSB008 (chained-onbuild)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB008"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "FROM a\nONBUILD ONBUILD RUN make\n",
            ["Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"],
        ),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize("text", ["FROM a\nONBUILD RUN make\n"])
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
