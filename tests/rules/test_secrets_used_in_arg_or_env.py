from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB312"


def test_buildkit_minimal_trigger() -> None:
    (found,) = findings("FROM alpine\nARG NPM_TOKEN\n", CODE)
    assert found.message == (
        'Do not use ARG or ENV instructions for sensitive data (ARG "NPM_TOKEN")'
    )
    assert str(found.span) == "2:5-2:14"


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "DB_PASSWORD",
        "api_key",
        "APIKEY",
        "AUTH",
        "GITHUB_TOKEN",
        "secret_MESSAGE",
        "aws_credentials",
        "credential",
        "my_pword",
        "passwd",
    ],
)
def test_secret_names(name: str) -> None:
    (found,) = findings(f"FROM alpine\nENV {name}=x\n", CODE)
    assert found.message.endswith(f'(ENV "{name}")')


@pytest.mark.parametrize(
    "name",
    [
        "PUBLIC_KEY",  # allowed token
        "TOKEN_FILE",
        "GPG_KEY_VERSION",
        "GPG_KEYS",  # tokens are whole `_` parts
        "AUTHOR",
        "KEYRING",
        "PASSWORDLESS",
        "NODE_VERSION",
    ],
)
def test_not_secret_names(name: str) -> None:
    assert findings(f"FROM alpine\nARG {name}\n", CODE) == []


def test_each_pair_and_legacy_env() -> None:
    text = "FROM alpine\nENV A=1 DB_PASSWORD=x API_TOKEN=y\nENV SECRET value\n"
    assert [str(f.span) for f in findings(text, CODE)] == ["2:9-2:20", "2:23-2:32", "3:5-3:11"]


def test_global_args_are_not_checked() -> None:
    assert findings("ARG NPM_TOKEN\nFROM alpine\n", CODE) == []
