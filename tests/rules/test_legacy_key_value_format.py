from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fixed

CODE = "MSB309"


def test_buildkit_minimal_trigger() -> None:
    text = "FROM alpine\nENV APP_HOME /app\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        '"ENV key=value" should be used instead of legacy "ENV key value" format'
    )
    assert str(found.span) == "2:5-2:18"
    assert fixed(text, CODE) == "FROM alpine\nENV APP_HOME=/app\n"


def test_label_and_value_with_spaces_gets_quoted() -> None:
    text = "FROM alpine\nLABEL description a small   image\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        '"LABEL key=value" should be used instead of legacy "LABEL key value" format'
    )
    assert fixed(text, CODE) == 'FROM alpine\nLABEL description="a small   image"\n'


def test_quoted_single_word_value_is_kept() -> None:
    text = 'FROM alpine\nENV GREETING "hello world"\n'
    assert fixed(text, CODE) == 'FROM alpine\nENV GREETING="hello world"\n'


def test_variables_keep_expanding() -> None:
    text = "FROM alpine\nENV PATH /opt/bin:$PATH\n"
    assert fixed(text, CODE) == "FROM alpine\nENV PATH=/opt/bin:$PATH\n"


def test_no_fix_when_requoting_could_change_the_value() -> None:
    (found,) = findings('FROM alpine\nENV OPTS -Da="b c" -Xmx1g\n', CODE)
    assert found.fix is None


def test_unreachable_stage_is_checked_like_buildkit_lint() -> None:
    text = "FROM alpine AS unused\nENV A b\nFROM alpine\n"
    assert len(findings(text, CODE)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nENV APP_HOME=/app\n",
        'FROM alpine\nLABEL a=1 b="two words"\n',
        "FROM alpine\nARG NAME value\n",  # not ENV or LABEL
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []
