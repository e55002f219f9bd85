from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB313"


def test_buildkit_minimal_trigger() -> None:
    (found,) = findings("ARG BASE_TAG\nFROM node:${BASE_TAG}\n", CODE)
    assert found.message == (
        "Default value for ARG node:${BASE_TAG} results in empty or invalid base image name"
    )
    assert str(found.span) == "2:6-2:22"


@pytest.mark.parametrize(
    "text",
    [
        "ARG IMAGE\nFROM $IMAGE\n",  # empty
        "ARG REPO=Node\nFROM ${REPO}:20\n",  # upper case repository
        "FROM alpine:${UNDECLARED}\n",  # unset: `alpine:`
        "ARG A=\nARG B=${A:+x}\nFROM ${B}alpine:\n",
    ],
)
def test_catches(text: str) -> None:
    assert len(findings(text, CODE)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "ARG BASE_TAG=20-alpine\nFROM node:${BASE_TAG}\n",
        "ARG DEBUG\nFROM scra${DEBUG:-tch}\n",
        "ARG V=3.20\nARG IMAGE=alpine:$V\nFROM $IMAGE\n",
        "FROM --platform=$BUILDPLATFORM golang:1.22-${TARGETOS}\n",
        "FROM build_${TARGETARCH}\n",
        "ARG TAG\nFROM alpine:${TAG:-3.20}\n",
        'ARG ALPINE_TAG=3.22\nFROM alpine:"${ALPINE_TAG}"\n',  # the lexer drops the quotes
        "FROM Alpine\n",  # no variables: left to the image-reference checks
        "ARG V=1\nFROM alpine:${V%.*}\n",  # pattern operators are not evaluated here
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
