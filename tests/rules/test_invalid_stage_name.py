"""Tests for MSB006 (invalid-stage-name)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB006"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "FROM a AS 1st\n",
            [
                'invalid name for build stage: "1st", name can\'t start with a number or contain symbols'
            ],
        ),
        (
            "FROM a AS my/stage\n",
            [
                'invalid name for build stage: "my/stage", name can\'t start with a number or contain symbols'
            ],
        ),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize("text", ["FROM a AS build-1.2_x\nFROM a AS Builder\n"])
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
