"""Tests for MSB016 (invalid-healthcheck)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB016"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            "FROM a\nHEALTHCHECK CONNECT TCP 7000\n",
            ['Unknown type "CONNECT" in HEALTHCHECK (try CMD)'],
        ),
        ("FROM a\nHEALTHCHECK CMD\n", ["Missing command after HEALTHCHECK CMD"]),
        ("FROM a\nHEALTHCHECK NONE x\n", ["HEALTHCHECK NONE takes no arguments"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text",
    [
        'FROM a\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/\nHEALTHCHECK NONE\nHEALTHCHECK CMD ["true"]\n'
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
