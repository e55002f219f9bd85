from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB305"


def test_buildkit_minimal_trigger() -> None:
    text = "ARG TAG=3.20\nFROM alpine:${TAG}${SUFFIX}\n"
    (found,) = findings(text, CODE)
    assert found.message == "FROM argument 'SUFFIX' is not declared"
    assert str(found.span) == "2:21-2:27"
    assert found.fix is None


def test_typo_suggestion_and_fix() -> None:
    text = "ARG ALPINE_VERSION=3.20\nFROM alpine:${ALPINE_VERSON}\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        "FROM argument 'ALPINE_VERSON' is not declared (did you mean ALPINE_VERSION?)"
    )
    assert found.fix is not None and not found.fix.safe
    assert fixed(text, CODE) == "ARG ALPINE_VERSION=3.20\nFROM alpine:${ALPINE_VERSION}\n"


def test_platform_flag_is_checked_too() -> None:
    (found,) = findings("FROM --platform=$BUILDPLATFROM golang\n", CODE)
    assert found.message == (
        "FROM argument 'BUILDPLATFROM' is not declared (did you mean BUILDPLATFORM?)"
    )


def test_stage_arg_is_too_late_for_from() -> None:
    text = "FROM alpine\nARG TAG=3.20\nFROM alpine:$TAG\n"
    assert [f.message for f in findings(text, CODE)] == ["FROM argument 'TAG' is not declared"]


@pytest.mark.parametrize(
    "text",
    [
        "ARG TAG=3.20\nFROM alpine:${TAG}\n",
        "FROM --platform=$BUILDPLATFORM golang\n",  # BuildKit test fact: needs no ARG
        "ARG DEBUG\nFROM scra${DEBUG:-tch}\n",  # declared without a value still counts
        "FROM --platform=${TARGETOS}/${TARGETARCH} alpine\n",
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
