from __future__ import annotations

import pytest

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model.parser import parse
from tests.rules.helpers import findings, fixed

CODE = "MSB316"
ENABLE = "# check=experimental=InvalidDefinitionDescription\n"


def test_buildkit_minimal_trigger() -> None:
    text = ENABLE + "# compile the app\nFROM golang:1.22 AS build\n"
    (found,) = findings(text, CODE)
    assert found.message == "Comment for FROM should follow the format: `# build <description>`"
    assert str(found.span) == "3:21-3:26"
    assert str(found.related[0].span) == "2:1-2:18"
    assert fixed(text, CODE) == ENABLE + "# build compile the app\nFROM golang:1.22 AS build\n"
    detach = found.fixes[1]
    assert detach.edits[0].text == "#\n"


def test_arg_with_several_keys() -> None:
    (found,) = findings(ENABLE + "# the versions\nARG A=1 B=2\n", CODE)
    assert found.message == "Comment for ARG should follow the format: `# <arg_key> <description>`"
    assert len(found.fixes) == 1  # only "detach": which key to start with is not known


def test_runs_only_when_enabled() -> None:
    text = "# compile the app\nFROM golang:1.22 AS build\n"

    def codes(config: LintConfig | None = None, doc: str = text) -> list[str]:
        return [f.code for f in lint(parse(doc), config) if f.code == CODE]

    assert codes() == []  # experimental: not on by default
    assert codes(LintConfig(select=("buildkit",))) == []  # a category is not enough
    assert codes(LintConfig(select=("MSB3",))) == []  # nor a code prefix
    assert codes(LintConfig(select=("all",))) == []
    assert codes(LintConfig(select=("invalid-definition-description",))) == [CODE]
    assert codes(LintConfig(select=("InvalidDefinitionDescription",))) == [CODE]
    assert codes(LintConfig(select=("msb316",))) == [CODE]
    assert codes(doc="# check=experimental=all\n" + text) == [CODE]


def test_experimental_above_one_instruction_only() -> None:
    text = (
        "# check=experimental=InvalidDefinitionDescription\n"
        "# compile the app\n"
        "FROM golang:1.22 AS build\n"
        "# the runtime\n"
        "FROM alpine AS run\n"
    )
    df = parse("# syntax=docker/dockerfile:1\n\n" + text)
    found = lint(df, LintConfig(select=("buildkit",)))
    assert [str(f.span.start) for f in found] == ["5:21"]


@pytest.mark.parametrize(
    "text",
    [
        ENABLE + "# build compiles the app\nFROM golang:1.22 AS build\n",
        ENABLE + "# compile the app\nFROM golang:1.22\n",  # no stage name
        ENABLE + "# compile the app\n#\nFROM golang:1.22 AS build\n",  # `#` detaches
        ENABLE + "# the versions\n# A the first\nARG A=1 B=2\n",  # only the last line counts
        ENABLE + "# NODE_VERSION of the runtime\nARG NODE_VERSION=20\nFROM node\n",
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []


def test_directive_directly_above_from_counts_but_is_never_rewritten() -> None:
    # BuildKit reads the directive lines as comments above the FROM, too.
    (found,) = findings(ENABLE + "FROM golang:1.22 AS build\n", CODE)
    assert [fix.title for fix in found.fixes] == [
        "Insert an empty `#` line so the comment is no description"
    ]
