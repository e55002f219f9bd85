"""MSB107 circular-stage-dependency."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings

CODE = "MSB107"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_two_stages_copying_from_each_other() -> None:
    text = "FROM alpine AS a\nCOPY --from=b /b.txt /\n\nFROM alpine AS b\nCOPY --from=a /a.txt /\n"
    (finding,) = findings(text, CODE)
    assert finding.message == "circular dependency detected on stage: a"
    # Reported once, at the reference that points forward.
    assert (finding.span.start.line, finding.span.start.col) == (1, 12)
    (related,) = finding.related
    assert related.span.start.line == 4
    assert related.message == "stage 'b' copies from stage 'a' here"


def test_catches_a_longer_circle_through_a_mount() -> None:
    text = (
        "FROM alpine AS a\n"
        "COPY --from=c /c /\n"
        "FROM alpine AS b\n"
        "RUN --mount=from=a,target=/a true\n"
        "FROM alpine AS c\n"
        "COPY --from=b /b /\n"
    )
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["c"]
    assert {r.message for r in finding.related} == {
        "stage 'b' mounts from stage 'a' here",
        "stage 'c' copies from stage 'b' here",
    }


def test_each_circle_is_reported_once() -> None:
    text = (
        "FROM alpine AS a\nCOPY --from=b / /\nFROM alpine AS b\nCOPY --from=a / /\n"
        "FROM alpine AS c\nCOPY --from=d / /\nFROM alpine AS d\nCOPY --from=c / /\n"
    )
    assert flagged(text) == ["b", "d"]


def test_does_not_catch_chains_or_from_edges() -> None:
    chain = "FROM alpine AS a\nFROM alpine AS b\nCOPY --from=a / /\nFROM b\nCOPY --from=a / /\n"
    assert flagged(chain) == []
    # BuildKit's circle check only follows COPY and mounts: this is a forward reference.
    from_edge = "FROM alpine AS a\nCOPY --from=b / /\nFROM a AS b\n"
    assert flagged(from_edge) == []
    assert [f.code for f in findings(from_edge, "MSB105")] == ["MSB105"]


def test_does_not_catch_a_self_reference() -> None:
    assert flagged("FROM alpine AS a\nCOPY --from=a / /\n") == []
