from __future__ import annotations

import pytest

from tests.rules.helpers import findings

CODE = "MSB308"


def test_buildkit_minimal_trigger_reports_the_overridden_one() -> None:
    (found,) = findings('FROM alpine\nCMD ["sh"]\nCMD ["ash"]\n', CODE)
    assert found.message == (
        "Multiple CMD instructions should not be used in the same stage because only the "
        "last one will be used"
    )
    assert str(found.span) == "2:1-2:11"
    assert found.unnecessary
    assert str(found.related[0].span) == "3:1-3:4"


def test_each_kind_and_each_earlier_one() -> None:
    text = (
        "FROM alpine\nENTRYPOINT a\nHEALTHCHECK NONE\nENTRYPOINT b\n"
        "HEALTHCHECK CMD true\nENTRYPOINT c\n"
    )
    found = findings(text, CODE)
    assert [(str(f.span.start), f.message.split()[1]) for f in found] == [
        ("2:1", "ENTRYPOINT"),
        ("3:1", "HEALTHCHECK"),
        ("4:1", "ENTRYPOINT"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        'FROM alpine\nCMD ["sh"]\nENTRYPOINT ["x"]\n',
        # not across a `FROM parent`: overriding the parent's CMD is inheritance
        'FROM alpine AS base\nCMD ["sh"]\nFROM base\nCMD ["ash"]\n',
        'FROM alpine\nCMD ["sh"]\nFROM alpine\nCMD ["ash"]\n',
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
