"""The navigation index: which spans are the occurrences of each stage and variable."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.model.span import Pos, Span
from msb_lsp.navigate.index import NavIndex, OccurrenceKind, SymbolKind
from tests.navigate.helpers import pos_in, span_of

STAGES = """\
FROM golang:1.22 AS build
RUN go build -o /out/app
FROM build AS test
RUN --mount=type=cache,target=/root/.cache,from=build go test ./...
FROM alpine:3.19
COPY --from=build /out/app /app
COPY --from=0 /out/app /app2
COPY --from="test" /x /y
COPY --from=Build /out/app /app3
"""


def occurrences(index: NavIndex, pos: Pos) -> list[tuple[Span, OccurrenceKind, bool]]:
    occ = index.at(pos)
    assert occ is not None
    return sorted(((o.span, o.kind, o.write) for o in occ.symbol.occurrences), key=str)


def test_every_spelling_of_a_stage_is_an_occurrence() -> None:
    index = NavIndex(parse(STAGES))
    got = occurrences(index, pos_in(STAGES, "build", line=0))
    expected = [
        (span_of(STAGES, "build", line=0), OccurrenceKind.STAGE_NAME, True),
        (span_of(STAGES, "build", line=2), OccurrenceKind.FROM_BASE, False),
        (span_of(STAGES, "build", line=3), OccurrenceKind.MOUNT_FROM, False),
        (span_of(STAGES, "build", line=5), OccurrenceKind.COPY_FROM, False),
        (span_of(STAGES, "0", line=6), OccurrenceKind.COPY_INDEX, False),
        (span_of(STAGES, "Build", line=8), OccurrenceKind.COPY_FROM, False),
    ]
    assert got == sorted(expected, key=str)


def test_definition_targets_the_as_name_from_every_reference() -> None:
    index = NavIndex(parse(STAGES))
    target = span_of(STAGES, "build", line=0)
    for line, needle in ((2, "build"), (3, "from=build"), (5, "build"), (6, "0"), (8, "Build")):
        occ = index.at(pos_in(STAGES, needle, line=line, offset=len(needle) - 1))
        assert occ is not None, (line, needle)
        assert occ.target == target


def test_quoted_from_value_occurrence_excludes_the_quotes() -> None:
    index = NavIndex(parse(STAGES))
    occ = index.at(pos_in(STAGES, '"test"', offset=2))
    assert occ is not None and occ.symbol.name == "test"
    assert occ.span == span_of(STAGES, "test", line=7)
    assert occ.literal


def test_numeric_from_is_a_reference_but_not_a_spelling() -> None:
    index = NavIndex(parse(STAGES))
    occ = index.at(pos_in(STAGES, "=0", offset=1))
    assert occ is not None
    assert occ.kind == OccurrenceKind.COPY_INDEX and not occ.literal


def test_from_with_other_case_is_not_a_reference() -> None:
    text = "FROM alpine AS build\nFROM Build\nFROM build AS second\n"
    index = NavIndex(parse(text))
    assert index.at(pos_in(text, "Build")) is None
    occ = index.at(pos_in(text, "build", line=2))
    assert occ is not None
    assert [o.span for o in occ.symbol.uses] == [span_of(text, "build", line=2)]


def test_forward_copy_is_a_reference_but_forward_from_is_not() -> None:
    text = "FROM alpine AS early\nCOPY --from=later /a /b\nFROM later\nFROM alpine AS later\n"
    index = NavIndex(parse(text))
    occ = index.at(pos_in(text, "later", line=1))
    assert occ is not None and occ.target == span_of(text, "later", line=3)
    assert index.at(pos_in(text, "later", line=2)) is None


def test_onbuild_references_are_not_linked() -> None:
    text = "FROM alpine AS build\nFROM alpine\nONBUILD COPY --from=build /a /b\n"
    index = NavIndex(parse(text))
    assert index.at(pos_in(text, "build", line=2)) is None


def test_unnamed_stage_is_anchored_at_its_from_keyword() -> None:
    text = "FROM golang:1.22\nRUN make\nFROM alpine\nCOPY --from=0 /a /b\n"
    index = NavIndex(parse(text))
    occ = index.at(pos_in(text, "0", line=3, offset=0))
    assert occ is not None and occ.target == Span.on_line(0, 0, 4)


def test_images_and_unknown_names_are_not_occurrences() -> None:
    text = "FROM alpine AS build\nFROM alpine\nCOPY --from=nginx:1.27 /a /b\nCOPY --from=buidler /a /b\n"
    index = NavIndex(parse(text))
    assert index.at(pos_in(text, "nginx")) is None
    assert index.at(pos_in(text, "buidler")) is None
    assert index.at(pos_in(text, "alpine", line=1)) is None


def test_cursor_right_after_a_name_still_finds_it() -> None:
    text = "FROM alpine\nARG A=1 B=2\nRUN echo $A$B\n"
    index = NavIndex(parse(text))
    row = text.splitlines()[2]
    after_a = index.at(Pos(2, row.index("$B")))
    assert after_a is not None and after_a.symbol.name == "A"
    on_b = index.at(Pos(2, row.index("$B") + 1))
    assert on_b is not None and on_b.symbol.name == "B"
    end = index.at(Pos(2, len(row)))
    assert end is not None and end.symbol.name == "B"


def test_cursor_between_touching_occurrences_prefers_the_one_it_starts() -> None:
    text = "FROM alpine AS a\nFROM alpine AS b\nFROM alpine\nCOPY --from=a --from=b /x /y\n"
    index = NavIndex(parse(text))
    # `--from=a --from=b`: the cursor right after `a` is only on `a`; BuildKit uses the last.
    row = text.splitlines()[3]
    occ = index.at(Pos(3, row.index("a ") + 1))
    assert occ is not None and occ.symbol.name == "a"


# -- variables -----------------------------------------------------------------------------

VARS = """\
ARG VERSION=1.22
ARG IMAGE=golang:${VERSION}
FROM ${IMAGE} AS build
ARG VERSION
ENV GOFLAGS=-mod=vendor CGO=0
RUN echo "$VERSION $GOFLAGS"
FROM build AS test
RUN go test ${GOFLAGS} $CGO
CMD echo $VERSION $GOFLAGS
FROM alpine
RUN echo $VERSION
"""


def var_symbol(index: NavIndex, text: str, needle: str, line: int) -> list[tuple[Span, bool]]:
    occ = index.at(pos_in(text, needle, line=line))
    assert occ is not None, (needle, line)
    assert occ.symbol.kind == SymbolKind.VARIABLE
    return sorted(((o.span, o.write) for o in occ.symbol.occurrences), key=str)


def test_global_arg_reaches_from_lines_and_redeclarations() -> None:
    index = NavIndex(parse(VARS))
    got = var_symbol(index, VARS, "VERSION", 0)
    expected = [
        (span_of(VARS, "VERSION", line=0), True),
        (span_of(VARS, "VERSION", line=1), False),
        (span_of(VARS, "VERSION", line=3), True),
        (span_of(VARS, "VERSION", line=5), False),
    ]
    assert got == sorted(expected, key=str)


def test_redeclaration_jumps_to_the_global_arg() -> None:
    index = NavIndex(parse(VARS))
    occ = index.at(pos_in(VARS, "VERSION", line=3))
    assert occ is not None and occ.kind == OccurrenceKind.REDECLARE
    assert occ.target == span_of(VARS, "VERSION", line=0)
    use = index.at(pos_in(VARS, "VERSION", line=5))
    assert use is not None and use.target == span_of(VARS, "VERSION", line=3)


def test_from_line_uses_resolve_to_global_args() -> None:
    index = NavIndex(parse(VARS))
    occ = index.at(pos_in(VARS, "IMAGE", line=2))
    assert occ is not None and occ.target == span_of(VARS, "IMAGE", line=1)


def test_env_reaches_child_stages_and_the_container_command() -> None:
    index = NavIndex(parse(VARS))
    got = var_symbol(index, VARS, "GOFLAGS", 4)
    expected = [
        (span_of(VARS, "GOFLAGS", line=4), True),
        (span_of(VARS, "GOFLAGS", line=5), False),
        (span_of(VARS, "GOFLAGS", line=7), False),
        (span_of(VARS, "GOFLAGS", line=8), False),
    ]
    assert got == sorted(expected, key=str)


def test_cmd_does_not_see_build_arguments() -> None:
    index = NavIndex(parse(VARS))
    assert index.at(pos_in(VARS, "VERSION", line=8)) is None


def test_unrelated_stage_does_not_see_another_stages_arg() -> None:
    index = NavIndex(parse(VARS))
    assert index.at(pos_in(VARS, "VERSION", line=10)) is None
    assert any(u.name == "VERSION" and u.span.start.line == 10 for u in index.var_uses)


def test_arg_defaults_see_earlier_pairs_and_env_pairs_see_only_the_past() -> None:
    text = "FROM alpine\nARG A=1 B=${A}\nENV X=1 Y=$X\nENV Z=$X\n"
    index = NavIndex(parse(text))
    occ = index.at(pos_in(text, "A}", offset=0))
    assert occ is not None and occ.target == Span.on_line(1, 4, 5)
    assert index.at(pos_in(text, "$X", line=2)) is None  # X is set by the same ENV
    occ = index.at(pos_in(text, "$X", line=3))
    assert occ is not None and occ.target == Span.on_line(2, 4, 5)


def test_redefinitions_along_a_chain_are_one_variable() -> None:
    text = "FROM alpine AS base\nENV PATH=/a\nFROM base\nENV PATH=/b:$PATH\nRUN echo $PATH\n"
    index = NavIndex(parse(text))
    got = var_symbol(index, text, "PATH", 1)
    assert [w for _, w in got].count(True) == 2
    use = index.at(pos_in(text, "$PATH", line=3))
    assert use is not None and use.target == span_of(text, "PATH", line=1)
    last = index.at(pos_in(text, "PATH", line=4))
    assert last is not None and last.target == span_of(text, "PATH", line=3)


def test_arg_after_env_of_the_same_name_does_not_win() -> None:
    text = "FROM alpine\nENV MODE=prod\nARG MODE=dev\nRUN echo $MODE\n"
    index = NavIndex(parse(text))
    use = index.at(pos_in(text, "MODE", line=3))
    assert use is not None and use.target == span_of(text, "MODE", line=1)


def test_heredoc_bodies() -> None:
    text = (
        "FROM alpine\nARG NAME=x\n"
        "RUN <<EOF\necho $NAME\nEOF\n"
        "COPY <<'EOF' /quoted\n$NAME\nEOF\n"
        "COPY <<EOF /plain\n${NAME}\nEOF\n"
    )
    index = NavIndex(parse(text))
    occ = index.at(pos_in(text, "NAME", line=1))
    assert occ is not None
    uses = sorted(o.span.start.line for o in occ.symbol.uses)
    assert uses == [3, 9]


def test_builtin_args_have_no_definition_unless_declared() -> None:
    text = "FROM --platform=$BUILDPLATFORM alpine\nRUN echo $TARGETARCH\nARG TARGETARCH\nRUN echo $TARGETARCH\n"
    index = NavIndex(parse(text))
    assert index.at(pos_in(text, "BUILDPLATFORM")) is None
    assert index.at(pos_in(text, "TARGETARCH", line=1)) is None
    occ = index.at(pos_in(text, "TARGETARCH", line=3))
    assert occ is not None and occ.target == span_of(text, "TARGETARCH", line=2)


def test_backtick_escape_and_crlf_keep_spans_exact() -> None:
    text = (
        "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS build\r\n"
        "ARG DIR=C:\\app\r\nRUN echo $DIR `\r\n    && echo done\r\n"
        "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\r\n"
        "COPY --from=build `\r\n    C:\\app C:\\app\r\n"
    )
    index = NavIndex(parse(text))
    occ = index.at(pos_in(text, "build", line=6))
    assert occ is not None and occ.target == span_of(text, "build", line=1)
    use = index.at(pos_in(text, "DIR", line=3))
    assert use is not None and use.target == span_of(text, "DIR", line=2)


def test_non_ascii_text_columns_are_code_points() -> None:
    text = 'FROM alpine AS bäse\nLABEL x="🐳"\nFROM alpine\nCOPY --from=bäse /a /b\n'
    index = NavIndex(parse(text))
    occ = index.at(pos_in(text, "bäse", line=3))
    assert occ is not None
    assert occ.span == Span.on_line(3, 12, 16)
