"""MSB111 empty-from-flag."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB111"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_an_empty_copy_from_and_removes_it() -> None:
    text = "FROM alpine\nCOPY --from= /app /app\n"
    (finding,) = findings(text, CODE)
    assert finding.message == (
        "'--from' is empty: BuildKit ignores it and copies from the build context"
    )
    assert finding.severity is Severity.WARNING
    assert flagged(text) == ["--from="]
    assert fixed(text, CODE) == "FROM alpine\nCOPY /app /app\n"


def test_catches_empty_quotes() -> None:
    text = 'FROM alpine\nCOPY --chown=1:1 --from="" /app /app\n'
    assert flagged(text) == ['--from=""']
    assert fixed(text, CODE) == "FROM alpine\nCOPY --chown=1:1 /app /app\n"


def test_catches_an_empty_mount_from_and_removes_the_option() -> None:
    text = "FROM alpine\nRUN --mount=type=bind,from=,target=/src make\n"
    (finding,) = findings(text, CODE)
    assert (
        finding.message == "'from' is empty: BuildKit ignores it and the mount is the build context"
    )
    assert flagged(text) == ["from="]
    assert fixed(text, CODE) == "FROM alpine\nRUN --mount=type=bind,target=/src make\n"


def test_removes_a_last_mount_option_with_its_comma() -> None:
    text = "FROM alpine\nRUN --mount=type=cache,target=/c,from= make\n"
    (finding,) = findings(text, CODE)
    assert "an empty cache directory" in finding.message
    assert fixed(text, CODE) == "FROM alpine\nRUN --mount=type=cache,target=/c make\n"


def test_does_not_catch_values() -> None:
    text = "FROM alpine AS a\nFROM alpine\nCOPY --from=a /a /a\nRUN --mount=from=a,target=/a true\n"
    assert flagged(text) == []
