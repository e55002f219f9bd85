from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB317"


def test_buildkit_minimal_trigger() -> None:
    text = "FROM alpine\nEXPOSE 53/UDP\n"
    (found,) = findings(text, CODE)
    assert found.message == "Defined protocol '53/UDP' in EXPOSE instruction should be lowercase"
    assert str(found.span) == "2:11-2:14"  # the protocol only
    assert fixed(text, CODE) == "FROM alpine\nEXPOSE 53/udp\n"


def test_mapping_and_several_ports() -> None:
    text = "FROM alpine\nEXPOSE 80 8080:80/Tcp 9000-9001/SCTP\n"
    found = findings(text, CODE)
    assert [(str(f.span), f.message.split("'")[1]) for f in found] == [
        ("2:19-2:22", "8080:80/Tcp"),
        ("2:33-2:37", "9000-9001/SCTP"),
    ]


def test_expanded_port_is_reported_on_the_word_without_fix() -> None:
    (found,) = findings("FROM alpine\nARG P=53/UDP\nEXPOSE $P\n", CODE)
    assert found.message == "Defined protocol '53/UDP' in EXPOSE instruction should be lowercase"
    assert str(found.span) == "3:8-3:10"
    assert found.fix is None


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nEXPOSE 53/udp 80 443/tcp\n",
        "FROM alpine\nEXPOSE $PORT/UDP\n",  # unresolved: not judged
        "FROM alpine\nONBUILD EXPOSE 53/UDP\n",  # runs in a downstream build
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
