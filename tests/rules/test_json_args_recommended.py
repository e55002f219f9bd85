from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB303"


def test_buildkit_minimal_trigger() -> None:
    text = "FROM alpine\nENTRYPOINT my-app --serve\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        "JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to "
        "OS signals"
    )
    assert str(found.span) == "2:12-2:26"
    assert found.fix is not None and found.fix.safe
    assert fixed(text, CODE) == 'FROM alpine\nENTRYPOINT ["my-app", "--serve"]\n'


def test_cmd_keyword_as_written() -> None:
    (found,) = findings("FROM alpine\ncmd node server.js\n", CODE)
    assert found.message.startswith("JSON arguments recommended for cmd ")


def test_cmd_after_entrypoint_gets_an_unsafe_fix() -> None:
    text = 'FROM alpine\nENTRYPOINT ["tini", "--"]\nCMD node server.js\n'
    (found,) = findings(text, CODE)
    assert found.fix is not None and not found.fix.safe
    assert fixed(text, CODE).endswith('CMD ["node", "server.js"]\n')


@pytest.mark.parametrize(
    "command",
    ['echo "$HOME"', "run.sh > /log 2>&1", "a && b", "serve $PORT", "ls *.txt", "cd ~"],
)
def test_no_fix_when_the_shell_matters(command: str) -> None:
    (found,) = findings(f"FROM alpine\nCMD {command}\n", CODE)
    assert found.fix is None


@pytest.mark.parametrize(
    "text",
    [
        'FROM alpine\nCMD ["sh"]\nENTRYPOINT ["my-app"]\n',
        'FROM alpine\nSHELL ["/bin/ash", "-c"]\nCMD my-app --serve\n',
        # SHELL in a parent stage silences it (BuildKit test fact)
        'FROM alpine AS base\nSHELL ["/bin/sh", "-c"]\nFROM base\nCMD my-app\n',
        "FROM alpine\nHEALTHCHECK CMD curl -f http://localhost/\n",  # not checked
        "FROM alpine\nONBUILD CMD my-app\n",  # runs in a downstream build
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []


def test_shell_after_the_cmd_does_not_help() -> None:
    text = 'FROM alpine\nCMD my-app\nSHELL ["/bin/ash", "-c"]\n'
    assert len(findings(text, CODE)) == 1


def test_shell_in_an_unrelated_stage_does_not_help() -> None:
    text = 'FROM alpine AS a\nSHELL ["/bin/sh", "-c"]\nFROM alpine\nCMD my-app\n'
    assert len(findings(text, CODE)) == 1
