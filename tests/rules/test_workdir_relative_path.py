from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB306"


def test_buildkit_minimal_trigger() -> None:
    (found,) = findings("FROM alpine\nWORKDIR app\n", CODE)
    assert found.message == (
        'Relative workdir "app" can have unexpected results if the base image changes'
    )
    assert str(found.span) == "2:9-2:12"


def test_expanded_value_is_reported() -> None:
    (found,) = findings("FROM alpine\nARG DIR=src\nWORKDIR $DIR/app\n", CODE)
    assert 'Relative workdir "src/app"' in found.message


def test_only_the_first_workdir_of_the_chain() -> None:
    text = "FROM alpine AS base\nWORKDIR app\nWORKDIR other\nFROM base\nWORKDIR more\n"
    found = findings(text, CODE)
    assert [str(f.span) for f in found] == ["2:9-2:12"]


def test_each_unrelated_stage_is_checked() -> None:
    text = "FROM alpine\nWORKDIR /app\nFROM alpine\nWORKDIR app\n"
    assert [str(f.span) for f in findings(text, CODE)] == ["4:9-4:12"]


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nWORKDIR /app\nWORKDIR sub\n",  # anchored by an absolute first one
        "FROM alpine AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\n",  # anchored in the parent
        'FROM alpine\nWORKDIR "/app"\n',
        "FROM alpine\nARG DIR=/srv\nWORKDIR $DIR\n",
        "FROM alpine\nWORKDIR $HOME/app\n",  # HOME may come from the base image: not judged
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\\\app\n",
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
