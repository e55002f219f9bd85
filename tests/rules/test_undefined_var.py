from __future__ import annotations

import pytest

from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB307"


def test_buildkit_minimal_trigger() -> None:
    (found,) = findings("FROM alpine\nCOPY ${SRC_DIR} /src\n", CODE)
    assert found.message == "Usage of undefined variable '$SRC_DIR'"
    assert str(found.span) == "2:8-2:15"


def test_severity_says_how_sure_the_finding_is() -> None:
    # On an image, the variable may come from the image's ENV, which is not read offline.
    (on_image,) = findings("FROM alpine\nCOPY ${SRC_DIR} /src\n", CODE)
    assert on_image.severity is Severity.INFO
    assert str(on_image.related[0].span) == "1:6-1:12"
    assert "may set SRC_DIR" in on_image.related[0].message
    # On scratch nothing else defines it; the base chain is followed to its root.
    text = "FROM scratch AS base\nFROM base\nCOPY ${SRC_DIR} /src\n"
    assert [f.severity for f in findings(text, CODE)] == [Severity.WARNING]
    # A global ARG that the stage forgot to redeclare, and a platform ARG, are warnings.
    text = "ARG VERSION=1\nFROM alpine\nLABEL v=$VERSION\nCOPY app-$TARGETARCH /app\n"
    assert [f.severity for f in findings(text, CODE)] == [Severity.WARNING, Severity.WARNING]


def test_typo_suggestion_and_fix() -> None:
    text = "FROM alpine\nARG APP_DIR=/app\nWORKDIR $APP_DRI\n"
    (found,) = findings(text, CODE)
    assert found.message == "Usage of undefined variable '$APP_DRI' (did you mean $APP_DIR?)"
    assert found.fix is not None and not found.fix.safe
    assert fixed(text, CODE).endswith("WORKDIR $APP_DIR\n")


def test_global_arg_must_be_redeclared_in_the_stage() -> None:
    text = "ARG VERSION=1\nFROM alpine\nLABEL version=$VERSION\n"
    assert [f.message for f in findings(text, CODE)] == ["Usage of undefined variable '$VERSION'"]


def test_platform_args_need_an_arg_in_the_stage() -> None:
    text = "FROM alpine\nCOPY bin/app-${TARGETARCH} /app\n"
    assert len(findings(text, CODE)) == 1


def test_stage_scope_does_not_leak_into_other_stages() -> None:
    text = "FROM alpine AS a\nENV A=1\nFROM alpine\nENV B=$A\n"
    assert [str(f.span) for f in findings(text, CODE)] == ["4:8-4:9"]


def test_pairs_of_one_env_see_only_earlier_instructions() -> None:
    text = "FROM alpine\nENV A=1 B=$A\n"
    assert len(findings(text, CODE)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nARG SRC_DIR=app\nCOPY ${SRC_DIR} /src\n",
        "FROM alpine\nARG SRC_DIR\nCOPY ${SRC_DIR} /src\n",  # declared without a value
        "ARG V=1\nFROM alpine\nARG V\nLABEL v=$V\n",
        "FROM alpine AS base\nENV APP=/app\nFROM base\nWORKDIR $APP\n",  # inherited
        "FROM alpine\nARG TARGETARCH\nCOPY bin/app-${TARGETARCH} /app\n",
        "FROM alpine\nENV PATH=$PATH:/opt/bin\n",  # PATH is always set
        "FROM alpine\nRUN echo $HOME $UNDEFINED\n",  # the shell expands RUN
        'FROM alpine\nCMD echo "$X"\nENTRYPOINT ["sh", "-c", "$Y"]\n',
        "FROM alpine\nEXPOSE $PORT\n",  # BuildKit does not check EXPOSE
        "FROM alpine:$TAG\n",  # FROM has its own rule
        "FROM alpine\nARG A=1 B=$A\n",  # ARG pairs are declared in order
        "FROM alpine\nLABEL a='$NOT_EXPANDED' b=\\$ESCAPED\n",
        "FROM alpine\nARG A=x\nENV B=${A:-$NOT_READ}\n",  # the default word is not read
        "FROM alpine\nONBUILD COPY $SRC /src\n",  # expanded in the downstream build
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []


def test_mount_values_and_copy_flags_are_checked() -> None:
    text = (
        "FROM alpine\nRUN --mount=type=cache,target=$CACHE_DIR make\n"
        "COPY --chown=$APP_USER . /app\n"
    )
    assert [f.message for f in findings(text, CODE)] == [
        "Usage of undefined variable '$CACHE_DIR'",
        "Usage of undefined variable '$APP_USER'",
    ]
