from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB302"


def test_buildkit_minimal_trigger() -> None:
    text = "FROM alpine\nrun echo one\nRUN echo two\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        "Command 'run' should match the case of the command majority (uppercase)"
    )
    assert str(found.span) == "2:1-2:4"
    assert fixed(text, CODE) == "FROM alpine\nRUN echo one\nRUN echo two\n"


def test_lowercase_majority() -> None:
    text = "from alpine\nrun echo one\nRUN echo two\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        "Command 'RUN' should match the case of the command majority (lowercase)"
    )
    assert fixed(text, CODE) == "from alpine\nrun echo one\nrun echo two\n"


def test_tie_goes_to_uppercase() -> None:
    (found,) = findings("from alpine\nRUN x\n", CODE)
    assert found.message.startswith("Command 'from'")
    assert found.message.endswith("(uppercase)")


def test_mixed_case_is_always_flagged_and_not_counted() -> None:
    found = findings("from alpine\nRun x\nrun y\n", CODE)
    assert [f.message for f in found] == [
        "Command 'Run' should match the case of the command majority (lowercase)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nRUN a\nCOPY . /app\n",
        "from alpine\nrun a\n",
        # global ARGs are neither counted nor checked (BuildKit counts stage commands only)
        "arg V=1\nFROM alpine:$V\nRUN a\n",
        # ONBUILD triggers are not checked, only the ONBUILD keyword
        "FROM alpine\nONBUILD run a\n",
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
