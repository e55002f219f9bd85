"""MSB110 variable-in-from-flag."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings

CODE = "MSB110"
COPY_MESSAGE = (
    "variable expansion is not supported for --from, define a new stage with FROM using ARG "
    "from global scope as a workaround"
)
MOUNT_MESSAGE = "'from' doesn't support variable expansion, define alias stage instead"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_copy_from_a_variable() -> None:
    text = "ARG BASE=node:20\nFROM alpine\nARG BASE\nCOPY --from=${BASE} /a /a\n"
    (finding,) = findings(text, CODE)
    assert finding.message == COPY_MESSAGE
    assert flagged(text) == ["${BASE}"]
    assert (finding.span.start.line, finding.span.start.col) == (3, 12)


def test_catches_mount_from_a_variable() -> None:
    text = "FROM alpine\nENV stage=test\nRUN --mount=from=$stage,type=cache,target=/tmp ls\n"
    (finding,) = findings(text, CODE)
    assert finding.message == MOUNT_MESSAGE
    assert flagged(text) == ["$stage"]


def test_does_not_catch_plain_names_or_a_trailing_dollar() -> None:
    text = (
        "FROM alpine AS a\nFROM alpine\n"
        "COPY --from=a /a /a\n"
        # BuildKit only rejects a `$` that is followed by something.
        "RUN --mount=from=a$,target=/x true\n"
    )
    assert flagged(text) == []
