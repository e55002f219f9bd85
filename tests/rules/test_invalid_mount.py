"""Tests for MSB014 (invalid-mount)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB014"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM a\nRUN --mount=type=volume,target=/x make\n", ['unsupported mount type "volume"']),
        (
            "FROM a\nRUN --mount=type=cache,target=/x,sharing=lock make\n",
            ['unsupported sharing value "lock"'],
        ),
        (
            "FROM a\nRUN --mount=type=secret,id=npm,from=b make\n",
            ["secret mount should not have a from"],
        ),
        (
            "FROM a\nRUN --mount=type=bind,target=/x,size=10 make\n",
            ["unexpected key 'size' in 'type=bind,target=/x,size=10'"],
        ),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text",
    [
        "FROM a\nRUN --mount=type=cache,target=/x,sharing=locked --mount=type=secret,id=t,required --mount=type=tmpfs,target=/t,size=64m make\n"
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
