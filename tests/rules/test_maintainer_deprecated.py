from __future__ import annotations

from tests.rules.helpers import findings, fixed

CODE = "MSB304"


def test_buildkit_minimal_trigger() -> None:
    text = "FROM alpine\nMAINTAINER me@example.org\n"
    (found,) = findings(text, CODE)
    assert found.message == "Maintainer instruction is deprecated in favor of using label"
    assert found.deprecated
    assert str(found.span) == "2:1-2:26"
    assert fixed(text, CODE) == (
        'FROM alpine\nLABEL org.opencontainers.image.authors="me@example.org"\n'
    )


def test_fix_quotes_what_the_label_would_expand() -> None:
    text = 'FROM alpine\nMAINTAINER Jane "JD" Doe <$USER@example.org>\n'
    assert fixed(text, CODE) == (
        "FROM alpine\n"
        'LABEL org.opencontainers.image.authors="Jane \\"JD\\" Doe <\\$USER@example.org>"\n'
    )


def test_fix_with_backtick_escape() -> None:
    text = '# escape=`\nFROM alpine\nMAINTAINER a "b"\n'
    assert fixed(text, CODE).endswith('LABEL org.opencontainers.image.authors="a `"b`""\n')


def test_does_not_catch_a_label() -> None:
    text = 'FROM alpine\nLABEL org.opencontainers.image.authors="me@example.org"\n'
    assert findings(text, CODE) == []
