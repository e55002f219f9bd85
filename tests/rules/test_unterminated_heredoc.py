"""Tests for MSB011 (unterminated-heredoc)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB011"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("FROM a\nRUN <<EOF\necho\n  EOF\n", ["unterminated heredoc"]),
    ],
)
def test_catches(text: str, messages: list[str]) -> None:
    assert [f.message for f in findings(text, CODE)] == messages


@pytest.mark.parametrize(
    "text", ["FROM a\nRUN <<-EOF\n\techo\n\tEOF\n", "FROM a\nRUN echo '<<EOF'\n"]
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
