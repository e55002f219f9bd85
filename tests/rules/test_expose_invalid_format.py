from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB318"


def test_buildkit_minimal_trigger() -> None:
    text = "FROM alpine\nEXPOSE 8080:80\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'"
    )
    assert str(found.span) == "2:8-2:15"
    assert fixed(text, CODE) == "FROM alpine\nEXPOSE 80\n"


@pytest.mark.parametrize(
    ("port", "kept"),
    [
        ("127.0.0.1:80:80", "80"),
        ("127.0.0.1::80/udp", "80/udp"),
        ("[::1]:8080:8080/tcp", "8080/tcp"),
        ("8000-8001:80-81", "80-81"),
    ],
)
def test_ip_and_host_ports(port: str, kept: str) -> None:
    text = f"FROM alpine\nEXPOSE 22 {port}\n"
    (found,) = findings(text, CODE)
    assert found.message.endswith(f"found '{port}'")
    assert fixed(text, CODE) == f"FROM alpine\nEXPOSE 22 {kept}\n"


def test_expanded_port_has_no_fix() -> None:
    (found,) = findings("FROM alpine\nENV MAP=8080:80\nEXPOSE $MAP\n", CODE)
    assert found.message.endswith("found '8080:80'")
    assert found.fix is None


@pytest.mark.parametrize(
    "text",
    ["FROM alpine\nEXPOSE 80 443/tcp 9000-9010/udp\n", "FROM alpine\nEXPOSE $PORTS\n"],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
