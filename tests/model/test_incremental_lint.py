"""Lint results of an incrementally parsed document equal those of a fresh parse (caches
keyed by instruction identity must notice when a reused instruction moved)."""

from __future__ import annotations

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse

BASE = """\
FROM golang:1.22 AS build
RUN go build -o /out/app .
RUN apt-get update && apt-get install -y curl
FROM alpine:3.19
RUN apk add curl
COPY --from=build /out/app /app
"""


def findings(df):  # type: ignore[no-untyped-def]
    return [(f.code, f.span, f.message, [fix.to_data() for fix in f.fixes]) for f in lint(df)]


def test_moved_instructions_give_the_same_findings() -> None:
    first = parse(BASE)
    lint(first)  # fill every cache with the old positions
    moved = "# a new first line\n\n" + BASE
    incremental = parse(moved, previous=first)
    assert incremental.instructions[1] is first.instructions[1]  # reused, two lines lower
    assert findings(incremental) == findings(parse(moved))


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.model.test_properties import dockerfile_text  # noqa: E402


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), dockerfile_text), min_size=1, max_size=4))
def test_line_edits_lint_like_a_fresh_parse(edits: list[tuple[int, str]]) -> None:
    lines = BASE.split("\n")
    previous = parse(BASE)
    lint(previous)
    for line, insert in edits:
        lines.insert(min(line, len(lines)), insert)
        text = "\n".join(lines)
        incremental = parse(text, previous=previous)
        assert findings(incremental) == findings(parse(text))
        previous = incremental
