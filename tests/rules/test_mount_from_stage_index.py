"""MSB109 mount-from-stage-index."""

from __future__ import annotations

from msb_lsp.model import parse
from tests.rules.helpers import findings, fixed

CODE = "MSB109"


def flagged(text: str) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE)]


def test_catches_an_index_and_fixes_it_with_the_stage_name() -> None:
    text = (
        "FROM node:20 AS deps\nRUN npm ci\nFROM node:20\n"
        "RUN --mount=type=bind,from=0,source=/node_modules,target=/app/node_modules npm test\n"
    )
    (finding,) = findings(text, CODE)
    assert finding.message == (
        "'0' is not a stage index here: BuildKit mounts the image 'docker.io/library/0:latest'"
    )
    assert flagged(text) == ["0"]
    assert (finding.span.start.line, finding.span.start.col) == (3, 27)
    assert fixed(text, CODE) == text.replace("from=0", "from=deps")


def test_no_fix_for_an_unnamed_or_not_earlier_stage() -> None:
    unnamed = "FROM alpine\nFROM alpine\nRUN --mount=from=0,target=/x true\n"
    (finding,) = findings(unnamed, CODE)
    assert finding.fixes == ()
    itself = "FROM alpine AS a\nRUN --mount=from=0,target=/x true\n"
    (finding,) = findings(itself, CODE)
    assert finding.fixes == ()
    missing = "FROM alpine AS a\nFROM alpine\nRUN --mount=from=5,target=/x true\n"
    assert flagged(missing) == ["5"]


def test_does_not_catch_names_or_copy_indices() -> None:
    text = (
        "FROM alpine AS deps\nFROM alpine\n"
        "RUN --mount=from=deps,target=/x true\n"
        "RUN --mount=from=node:20,target=/x true\n"
        "COPY --from=0 /a /a\n"
    )
    assert flagged(text) == []
