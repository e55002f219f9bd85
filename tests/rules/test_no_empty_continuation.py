from __future__ import annotations

import pytest

from msb_lsp.model.span import Pos, Span
from tests.rules.helpers import findings, fixed

CODE = "MSB301"


def test_buildkit_minimal_trigger() -> None:
    text = "FROM alpine\nRUN apk add curl \\\n\n    git\n"
    (found,) = findings(text, CODE)
    assert found.message == "Empty continuation line"
    assert found.rule.buildkit == "NoEmptyContinuation"
    assert found.span == Span(Pos(2, 0), Pos(3, 0))  # the blank line, break included
    assert fixed(text, CODE) == "FROM alpine\nRUN apk add curl \\\n    git\n"


def test_a_run_of_blank_lines_is_one_finding_and_one_deletion() -> None:
    text = "FROM alpine\nRUN a \\\n\n  \t\nb \\\n\nc\n"
    found = findings(text, CODE)
    assert [f.span for f in found] == [Span(Pos(2, 0), Pos(4, 0)), Span(Pos(5, 0), Pos(6, 0))]
    assert fixed(text, CODE) == "FROM alpine\nRUN a \\\nb \\\n\nc\n"


def test_blank_line_at_end_of_file_inside_a_continuation() -> None:
    text = "FROM alpine\nRUN a \\\n\n"
    (found,) = findings(text, CODE)
    assert found.span == Span(Pos(2, 0), Pos(3, 0))


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nRUN apk add curl \\\n    git\n\nRUN b\n",  # blank line after the end
        "FROM alpine\nRUN apk add curl \\\n# a comment line is not empty\n    git\n",
        "FROM alpine\nRUN a \\\n",  # continuation at the end of the file, no blank line
        "# escape=`\nFROM alpine\nRUN a \\\n\nRUN b\n",  # `\` is no escape character here
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []


def test_backtick_escape() -> None:
    text = "# escape=`\nFROM alpine\nRUN a `\n\n  b\n"
    (found,) = findings(text, CODE)
    assert found.span.start == Pos(3, 0)
