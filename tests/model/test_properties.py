"""Property tests: any text and any sequence of edits parses without raising, every span
lies inside the document, and the source under each span is what the node says it is."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msb_lsp.model import parse
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import FromInstruction, KeyValueInstruction, Word
from msb_lsp.model.span import Span

FRAGMENTS = [
    "FROM ",
    "node:20",
    " AS ",
    "builder",
    "\n",
    "\r\n",
    "\\",
    "`",
    "# escape=`\n",
    "# check=skip=all\n",
    "COPY ",
    "--from=",
    "RUN ",
    "--mount=type=cache,target=/x,from=b",
    "<<EOF",
    "<<-'E'",
    "EOF",
    "\t",
    " ",
    "ENV ",
    "A=1",
    'B="x y"',
    "${A:-b}",
    "$B",
    "ARG ",
    "ONBUILD ",
    "CMD ",
    '["a", 1]',
    '["a"]',
    "#",
    "é",
    "🐳",
    "\u2028",
    "\x00",
    "LABEL ",
    "'",
    '"',
    "HEALTHCHECK ",
    "CMD",
    "=",
    "EXPOSE 80/UDP",
    "scratch",
    "--platform=$BUILDPLATFORM",
    "--",
    ",",
    "\r",
]

dockerfile_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=40).map(
    "".join
)


def words(df: Dockerfile) -> list[Word]:
    found: list[Word] = []
    for instr in df.walk():
        found += instr.args
        if isinstance(instr, FromInstruction):
            found += [w for w in (instr.image, instr.as_keyword, instr.stage_name) if w]
        if isinstance(instr, KeyValueInstruction):
            for pair in instr.pairs:
                found.append(pair.key)
                if pair.value is not None:
                    found.append(pair.value)
    return found


def check_invariants(df: Dockerfile) -> None:
    source = df.source
    end = source.end()

    def inside(span: Span) -> bool:
        return span.start <= span.end and span.end <= end and source.clamp(span.start) == span.start

    for instr in df.walk():
        assert inside(instr.span), instr
        assert inside(instr.keyword_span)
        if instr.keyword_span.start.line == instr.keyword_span.end.line:
            assert source.text_at(instr.keyword_span) == instr.keyword
        for flag in instr.flags:
            assert inside(flag.span) and inside(flag.name_span)
            if flag.span.start.line == flag.span.end.line:
                assert source.text_at(flag.span) == flag.raw
            for opt in flag.options:
                assert inside(opt.key_span)
        for var in instr.variables:
            assert inside(var.span) and inside(var.name_span)
            if var.name_span.start.line == var.name_span.end.line:
                assert source.text_at(var.name_span) == var.name
        for doc in instr.heredocs:
            assert inside(doc.marker_span)
            if doc.terminator_span is not None:
                assert inside(doc.terminator_span)
    for word in words(df):
        assert inside(word.span)
        if word.span.start.line == word.span.end.line:
            assert source.text_at(word.span) == word.text
    for problem in df.problems:
        assert inside(problem.span)
    for ref in df.refs:
        assert inside(ref.span)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(dockerfile_text)
def test_any_text_parses_with_consistent_spans(text: str) -> None:
    check_invariants(parse(text))


edit = st.tuples(st.integers(min_value=0, max_value=400), st.integers(0, 20), dockerfile_text)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(dockerfile_text, st.lists(edit, max_size=8))
def test_any_sequence_of_edits_parses(text: str, edits: list[tuple[int, int, str]]) -> None:
    for start, length, insert in edits:
        start = min(start, len(text))
        text = text[:start] + insert + text[start + length :]
        check_invariants(parse(text))
