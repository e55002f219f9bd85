"""Incremental parsing: reusing unchanged instructions gives the same tree as a fresh parse."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msb_lsp.model import parse
from tests.model.buildkit_dump import dump
from tests.model.test_properties import check_invariants, dockerfile_text

BASE = """\
# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
RUN go build \\
  -o /out/app .
COPY <<EOF /etc/motd
hello
EOF
FROM alpine:3.19
COPY --from=build /out/app /app
"""


def fingerprint(df):  # type: ignore[no-untyped-def]
    return (
        dump(df),
        [(i.kind, i.span, i.start_line, i.end_line) for i in df.instructions],
        [(p.code, p.span) for p in df.problems],
        [(c.text, c.span) for c in df.comments],
        [(r.text, r.status, r.span) for r in df.refs],
        [_details(i) for i in df.walk()],
    )


def _details(instr):  # type: ignore[no-untyped-def]
    """Every span inside an instruction, so a badly moved node cannot go unnoticed."""
    return (
        instr.args_span,
        instr.empty_continuation_lines,
        instr.continuation_lines,
        [(w.text, w.span) for w in instr.args],
        [
            (
                f.raw,
                f.span,
                f.name_span,
                f.value_span,
                [(o.key_span, o.value_span) for o in f.options],
            )
            for f in instr.flags
        ],
        [(v.name, v.span, v.name_span, v.modifier_span, v.word_span) for v in instr.variables],
        [
            (h.name, h.marker_span, h.body_span, h.terminator_span, h.body_lines)
            for h in instr.heredocs
        ],
        [(c.text, c.span) for c in instr.comments],
        [
            (p.key.span, p.value.span if p.value else None, p.span)
            for p in getattr(instr, "pairs", [])
        ],
        [
            (w.text, w.span)
            for w in (getattr(instr, "image", None), getattr(instr, "stage_name", None))
            if w
        ],
    )


def test_unchanged_instructions_are_reused() -> None:
    first = parse(BASE)
    edited = BASE.replace("alpine:3.19", "alpine:3.20")
    second = parse(edited, previous=first)
    assert second.instructions[0] is first.instructions[0]
    assert second.instructions[1] is first.instructions[1]
    assert second.instructions[3] is not first.instructions[3]
    assert fingerprint(second) == fingerprint(parse(edited))


def test_an_instruction_at_the_end_of_the_file_can_grow() -> None:
    first = parse("FROM alpine\nRUN echo \\")
    second = parse("FROM alpine\nRUN echo \\\n  more\n", previous=first)
    assert second.instructions[1].args[0].text == "echo   more"


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    dockerfile_text,
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 20), dockerfile_text), max_size=6),
)
def test_incremental_parse_equals_fresh_parse(text: str, edits: list[tuple[int, int, str]]) -> None:
    previous = parse(text)
    for start, length, insert in edits:
        start = min(start, len(text))
        text = text[:start] + insert + text[start + length :]
        incremental = parse(text, previous=previous)
        check_invariants(incremental)
        assert fingerprint(incremental) == fingerprint(parse(text))
        previous = incremental


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(0, BASE.count("\n")), dockerfile_text)
def test_line_edits_to_a_real_file(line: int, insert: str) -> None:
    lines = BASE.split("\n")
    lines.insert(line, insert)
    text = "\n".join(lines)
    assert fingerprint(parse(text, previous=parse(BASE))) == fingerprint(parse(text))
