"""Tests for MSB013 (missing-arguments)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB013"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM a\nENV PATH\n", ["ENV must have two arguments"]),
        ("FROM a\nCOPY src\n", ["COPY requires at least two arguments"]),
        ("FROM a\nWORKDIR\n", ["WORKDIR requires exactly one argument"]),
        (
            "FROM a\nENV a=1 b\n",
            ['Syntax error - can\'t find = in "b". Must be of the form: name=value'],
        ),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize("text", ["FROM a\nENV PATH=/x\nCOPY <<EOF /x\nhi\nEOF\nARG A\n"])
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
