from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB311"


def test_buildkit_minimal_trigger() -> None:
    text = "FROM --platform=$TARGETPLATFORM alpine\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the "
        "default behavior"
    )
    assert str(found.span) == "1:6-1:32"
    assert found.unnecessary
    assert fixed(text, CODE) == "FROM alpine\n"


def test_braced_form_is_quoted_as_written() -> None:
    text = "FROM --platform=${TARGETPLATFORM} alpine AS run\n"
    (found,) = findings(text, CODE)
    assert "predefined ${TARGETPLATFORM} in FROM" in found.message
    assert fixed(text, CODE) == "FROM alpine AS run\n"


@pytest.mark.parametrize(
    "text",
    [
        "FROM --platform=$BUILDPLATFORM alpine\n",
        "FROM --platform=${TARGETOS}/${TARGETARCH} alpine\n",
        "FROM --platform=$TARGETPLATFORM-x alpine\n",
        "FROM --platform=linux/amd64 alpine\n",
        "ARG TARGETPLATFORM=linux/arm64\nFROM --platform=$TARGETPLATFORM alpine\n",
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
