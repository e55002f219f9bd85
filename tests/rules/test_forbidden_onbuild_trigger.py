"""Tests for MSB009 (forbidden-onbuild-trigger)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB009"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM a\nONBUILD FROM b\n", ["FROM isn't allowed as an ONBUILD trigger"]),
        ("FROM a\nONBUILD MAINTAINER me\n", ["MAINTAINER isn't allowed as an ONBUILD trigger"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize("text", ["FROM a\nONBUILD COPY . /app\n"])
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
