"""MSB401 target-not-found on a Dockerfile, for targets given with the lint options."""

from __future__ import annotations

from msb_lsp.model.span import Span
from msb_lsp.rules.target_not_found import message, suggest
from tests.rules.helpers import findings

TEXT = "FROM golang:1.22 AS Build\nRUN go build\nFROM alpine:3.20 AS runtime\n"


def test_unknown_target_is_reported_on_the_final_from_with_a_suggestion() -> None:
    found = findings(TEXT, "MSB401", targets=("runtim",))
    assert [f.message for f in found] == [
        'target stage "runtim" could not be found (did you mean runtime?)'
    ]
    assert found[0].span == Span.on_line(2, 0, 4)


def test_targets_match_stage_names_case_insensitively() -> None:
    assert findings(TEXT, "MSB401", targets=("BUILD", "Runtime", "build")) == []


def test_an_index_is_not_a_target_and_empty_targets_are_ignored() -> None:
    found = findings(TEXT, "MSB401", targets=("0", ""))
    assert [f.message for f in found] == ['target stage "0" could not be found']


def test_nothing_without_targets_and_a_file_without_stages() -> None:
    assert findings(TEXT, "MSB401") == []
    found = findings("# just a comment\n", "MSB401", targets=("app",))
    assert [(f.span, f.message) for f in found] == [
        (Span.on_line(0, 0, 0), 'target stage "app" could not be found')
    ]


def test_message_and_suggestion() -> None:
    assert message("tset", ["test", "build"]) == (
        'target stage "tset" could not be found (did you mean test?)'
    )
    assert message("zzz", ["test"]) == 'target stage "zzz" could not be found'
    assert suggest("TEST", ["test"]) is None  # a match, not a typo
    assert suggest("buidl", ["build", "runtime"]) == "build"
