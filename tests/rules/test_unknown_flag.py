"""Tests for MSB002 (unknown-flag)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB002"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM a AS b\nFROM c\nCOPY --form=b /x /y\n", ["unknown flag: form (did you mean from?)"]),
        ("FROM a\nCMD --doit x\n", ["unknown flag: doit"]),
        (
            "FROM a\nRUN --mout=type=cache,target=/x make\n",
            ["unknown flag: mout (did you mean mount?)"],
        ),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text",
    [
        "FROM --platform=linux/amd64 a\nCOPY --link --chmod=755 x y\nRUN --network=none true\n",
        "FROM a\nRUN echo --not-a-flag\n",
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []


def test_fix() -> None:
    assert (
        fixed("FROM a AS b\nFROM c\nCOPY --form=b /x /y\n", CODE)
        == "FROM a AS b\nFROM c\nCOPY --from=b /x /y\n"
    )
