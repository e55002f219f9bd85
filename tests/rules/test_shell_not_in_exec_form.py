"""Tests for MSB015 (shell-not-in-exec-form)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB015"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM a\nSHELL /bin/bash -c\n", ["SHELL requires the arguments to be in JSON form"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize("text", ['FROM a\nSHELL ["/bin/bash", "-c"]\n'])
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
