from __future__ import annotations

import pytest

from msb_lsp.rules.from_platform_flag_const_disallowed import Platform, parse_platform
from tests.rules.helpers import findings

CODE = "MSB314"


def test_buildkit_minimal_trigger() -> None:
    (found,) = findings("FROM --platform=linux/amd64 alpine AS build\n", CODE)
    assert found.message == 'FROM --platform flag should not use constant value "linux/amd64"'
    assert str(found.span) == "1:17-1:28"


def test_unnamed_stage() -> None:
    assert len(findings('FROM --platform="linux/arm64" alpine\n', CODE)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "FROM --platform=linux/amd64 alpine AS build_amd64\n",  # name has the arch
        "FROM --platform=linux/amd64 alpine AS linux\n",  # name has the OS
        "FROM --platform=x86_64 alpine AS build-amd64\n",  # normalized arch
        "FROM --platform=linux/aarch64 alpine AS Build-ARM64\n",  # names are lower-cased
        "FROM --platform=$BUILDPLATFORM alpine AS build\n",
        "FROM --platform=${TARGETOS}/amd64 alpine AS build\n",
        "FROM --platform=not*a/platform alpine AS build\n",  # fails later, not here
        "FROM alpine AS build\n",
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("linux/amd64", Platform("linux", "amd64")),
        ("linux/x86_64", Platform("linux", "amd64")),
        ("linux/arm64/v8", Platform("linux", "arm64")),
        ("linux/arm", Platform("linux", "arm")),
        ("linux/arm/v7", Platform("linux", "arm", "v7")),
        ("linux/armhf", Platform("linux", "arm")),
        ("arm64", Platform("linux", "arm64")),
        ("windows", Platform("windows", "amd64")),
        ("MacOS/ARM64", Platform("darwin", "arm64")),
        ("i386", Platform("linux", "386")),
    ],
)
def test_parse_platform(text: str, expected: Platform) -> None:
    assert parse_platform(text) == expected


@pytest.mark.parametrize("text", ["", "linux/", "nosuchthing", "a/b/c/d", "linux/*"])
def test_parse_platform_rejects(text: str) -> None:
    assert parse_platform(text) is None
