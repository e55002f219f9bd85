"""MSB130 unused-stage."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings

CODE = "MSB130"


def flagged(text: str, **options: object) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE, **options)]


def test_catches_a_stage_the_final_stage_does_not_use() -> None:
    text = (
        "FROM node:20 AS deps\nRUN npm ci\n"
        "FROM node:20 AS build\nRUN npm run build\n"
        "FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    (finding,) = findings(text, CODE)
    assert finding.severity is Severity.HINT
    assert finding.unnecessary
    assert finding.message == (
        "Stage 'deps' is not used by the final stage: it is only built with --target deps"
    )
    assert flagged(text) == ["deps"]


def test_names_the_targets_that_need_it() -> None:
    text = "FROM alpine AS tools\nFROM tools AS test\nFROM alpine AS app\n"
    messages = [f.message for f in findings(text, CODE)]
    assert messages == [
        "Stage 'tools' is not used by the final stage 'app': it is only built with "
        "--target tools or a target that needs it ('test')",
        "Stage 'test' is not used by the final stage 'app': it is only built with --target test",
    ]


def test_an_unnamed_stage_is_never_built() -> None:
    text = "FROM alpine\nRUN make\nFROM alpine AS app\n"
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["FROM"]
    assert finding.message == (
        "Stage 0 is never built: the final stage 'app' does not use it, and an unnamed stage "
        "cannot be chosen with --target"
    )


def test_known_targets_and_what_they_need_are_used() -> None:
    text = "FROM alpine AS tools\nFROM tools AS test\nFROM alpine AS app\n"
    assert flagged(text, targets=("TEST",)) == []


def test_from_with_a_variable_may_use_every_matching_stage() -> None:
    text = (
        "FROM scratch AS binaries-linux\n"
        "FROM scratch AS binaries-windows\n"
        "FROM scratch AS other\n"
        "FROM binaries-$TARGETOS\n"
    )
    assert flagged(text) == ["other"]


def test_a_forward_from_is_an_image_not_a_use() -> None:
    text = "FROM later AS early\nFROM alpine AS later\nFROM alpine\nCOPY --from=early / /\n"
    assert flagged(text) == ["later"]


def test_an_earlier_duplicate_is_never_built() -> None:
    text = "FROM alpine AS x\nFROM alpine AS x\nFROM alpine\nCOPY --from=0 / /\n"
    (finding,) = findings(text, CODE)
    assert finding.span.start.line == 1
    assert "--target x selects the later stage of that name" not in finding.message
    text = "FROM alpine AS x\nFROM alpine AS x\nFROM alpine\n"
    messages = [f.message for f in findings(text, CODE)]
    assert "--target x selects the later stage of that name" in messages[0]


def test_does_not_catch_used_stages_or_the_final_stage() -> None:
    text = (
        "FROM alpine AS a\n"
        "FROM alpine AS b\n"
        "FROM alpine AS c\n"
        "FROM a AS d\n"
        "COPY --from=b / /\n"
        "RUN --mount=from=c,target=/c true\n"
        "FROM d\n"
    )
    assert flagged(text) == []
    assert flagged("FROM alpine AS only\n") == []
