"""MSB101 copy-from-misspelled-stage."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB101"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_a_typo_of_an_earlier_stage() -> None:
    text = "FROM golang:1.22 AS builder\nFROM alpine\nCOPY --from=buidler /app /app\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "'buidler' is not a stage; did you mean 'builder'?"
    assert finding.severity is Severity.ERROR
    assert parse(text).source.text_at(finding.span) == "buidler"
    assert (finding.span.start.line, finding.span.start.col) == (2, 12)
    assert fixed(text, CODE) == text.replace("buidler", "builder")
    assert finding.fixes[0].safe


def test_offers_one_fix_per_candidate() -> None:
    text = "FROM alpine AS web1\nFROM alpine AS web2\nFROM alpine\nCOPY --from=web3 / /\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "'web3' is not a stage; did you mean 'web1' or 'web2'?"
    assert [f.title for f in finding.fixes] == ["Replace with 'web1'", "Replace with 'web2'"]
    # Choosing between candidates is a guess: fix-all must not do it.
    assert not any(f.safe for f in finding.fixes)
    assert len(finding.related) == 2


def test_fix_keeps_quotes() -> None:
    text = 'FROM alpine AS builder\nFROM alpine\nCOPY --from="buidler" /a /a\n'
    assert flagged(text) == ['"buidler"']
    assert fixed(text, CODE) == text.replace('"buidler"', '"builder"')


def test_does_not_catch_names_that_differ_only_in_case() -> None:
    # COPY --from matches stage names case-insensitively, as BuildKit does.
    assert flagged("FROM alpine AS builder\nFROM alpine\nCOPY --from=Builder /a /a\n") == []


def test_does_not_catch_stages_images_or_later_stages() -> None:
    text = (
        "FROM alpine AS builder\n"
        "FROM alpine AS nodes\n"
        "COPY --from=builder /a /a\n"
        "COPY --from=builder:1.0 /a /a\n"  # a tagged image
        "COPY --from=node /usr/local/bin/node /usr/local/bin/\n"  # a well-known image
        "COPY --from=runtim /a /a\n"  # only a later stage is close: not a typo of an earlier one
        "COPY --from=ab /a /a\n"  # too short to call it a typo
        "FROM alpine AS runtime\n"
    )
    assert flagged(text) == []


def test_does_not_catch_add_which_has_no_from_flag() -> None:
    assert flagged("FROM alpine AS builder\nFROM alpine\nADD --from=buidler /a /a\n") == []
