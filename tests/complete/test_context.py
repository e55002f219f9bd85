"""What is under the cursor: the kind of word, its span, continuations, escapes, heredocs."""

from __future__ import annotations

import pytest

from msb_lsp.complete import Where, context_at
from msb_lsp.model import Pos, Span, parse
from tests.complete.support import at, ctx

MULTI = "FROM golang:1.22 AS builder\nRUN go build\n\nFROM alpine\n"


def test_keyword_on_an_empty_line_only_when_asked() -> None:
    found = ctx(MULTI.replace("\n\nFROM", "\n‸\nFROM"))
    assert found is not None
    assert found.where is Where.KEYWORD
    assert found.prefix == ""
    assert found.stage is not None and found.stage.name == "builder"
    # A space typed on an empty line is not a request for instructions.
    assert ctx("FROM alpine\n ‸\n", trigger=" ") is None


def test_keyword_being_typed_replaces_the_whole_keyword() -> None:
    found = ctx("FROM alpine\nCO‸PY a b\n")
    assert found is not None and found.where is Where.KEYWORD
    assert found.prefix == "CO"
    assert found.start == Pos(1, 0)
    assert found.end == Pos(1, 4)
    assert found.followed  # arguments follow: insert only the keyword
    fresh = ctx("FROM alpine\nru‸\n")
    assert fresh is not None and fresh.prefix == "ru" and not fresh.followed


def test_a_space_typed_in_front_of_a_word_asks_for_nothing() -> None:
    assert ctx("FROM  ‸node:20\n", trigger=" ") is None
    assert ctx("FROM a AS b\nFROM c\nCOPY  ‸--from=b x y\n", trigger=" ") is None
    invoked = ctx("FROM  ‸node:20\n")
    assert invoked is not None and invoked.where is Where.ARGUMENT and invoked.end == invoked.pos


def test_no_keyword_context_in_the_middle_of_odd_words() -> None:
    assert ctx("FROM alpine\nRU-‸\n", trigger="-") is None


def test_onbuild_trigger_keyword() -> None:
    found = ctx("FROM alpine\nONBUILD RU‸\n")
    assert found is not None and found.where is Where.KEYWORD
    assert found.onbuild and found.prefix == "RU" and found.start == Pos(1, 8)
    flag = ctx("FROM alpine\nONBUILD COPY --fr‸\n")
    assert flag is not None and flag.where is Where.FLAG and flag.kind == "COPY"
    assert flag.onbuild


@pytest.mark.parametrize(
    ("text", "prefix", "start"),
    [
        ("FROM a\nCOPY --fr‸ x y\n", "--fr", Pos(1, 5)),
        ("FROM a\nCOPY -‸\n", "-", Pos(1, 5)),
        ("FROM a\nCOPY --‸\n", "--", Pos(1, 5)),
        ("FROM a\nCOPY --from=a --ch‸ x y\n", "--ch", Pos(1, 14)),
    ],
)
def test_flag_names(text: str, prefix: str, start: Pos) -> None:
    found = ctx(text)
    assert found is not None and found.where is Where.FLAG
    assert (found.prefix, found.start) == (prefix, start)


def test_a_dash_after_the_arguments_is_not_a_flag() -> None:
    found = ctx("FROM a\nRUN apt-get install -‸\n", trigger="-")
    assert found is not None and found.where is Where.ARGUMENT
    assert found.index == 2 and found.prefix == "-" and not found.flag_position


def test_flag_value_and_the_other_flags() -> None:
    found = ctx("FROM a AS b\nFROM c\nCOPY --chown=1 --from=b‸uild x y\n")
    assert found is not None and found.where is Where.FLAG_VALUE
    assert found.flag == "from" and found.prefix == "b"
    assert found.start == Pos(2, 22) and found.end == Pos(2, 27)
    assert found.other_flags == ("chown",)
    assert found.stage is not None and found.stage.index == 1


def test_quoted_flag_value_starts_after_the_quote() -> None:
    found = ctx('FROM a\nCOPY --from="bu‸" x y\n')
    assert found is not None and found.where is Where.FLAG_VALUE
    assert found.prefix == "bu" and found.start == Pos(1, 13)


def test_mount_keys_and_values() -> None:
    key = ctx("FROM a\nRUN --mount=type=cache,ta‸,id=x make\n")
    assert key is not None and key.where is Where.MOUNT_KEY
    assert key.prefix == "ta" and key.start == Pos(1, 23)
    assert key.mount == {"type": "cache", "id": "x"}
    value = ctx("FROM a\nRUN --mount=dst=/x,type=‸ make\n")
    assert value is not None and value.where is Where.MOUNT_VALUE
    assert value.key == "type" and value.prefix == ""
    assert value.mount == {"target": "/x"}  # aliases read as their canonical key
    first = ctx("FROM a\nRUN --mount=‸\n", trigger="=")
    assert first is not None and first.where is Where.MOUNT_KEY and first.mount == {}


def test_mount_value_with_a_quoted_whole_value() -> None:
    found = ctx('FROM a\nRUN --mount="type=cache,sharing=lo‸" make\n')
    assert found is not None and found.where is Where.MOUNT_VALUE
    assert found.key == "sharing" and found.prefix == "lo"


def test_continuation_lines_join_like_the_parser() -> None:
    text = "FROM a AS b\nFROM c\nRUN --mount=type=cache,\\\nta‸ make\n"
    found = ctx(text)
    assert found is not None and found.where is Where.MOUNT_KEY
    # The key starts on the continuation line, so the range stays on the cursor's line.
    assert found.start == Pos(3, 0) and found.mount == {"type": "cache"}
    # Indentation is kept when lines are joined: it ends the flag, `ta` is the command.
    indented = ctx(text.replace("\nta‸", "\n    ta‸"))
    assert indented is not None and indented.where is Where.ARGUMENT
    copy = ctx("FROM a AS b\nFROM c\nCOPY \\\n  # a comment\n\n  --from=‸ x y\n")
    assert copy is not None and copy.where is Where.FLAG_VALUE
    assert copy.start == Pos(5, 9) and copy.flag == "from"


def test_word_split_across_lines_gives_nothing() -> None:
    # `--from=b` continues as `uild`: the word starts on the line above, no single-line range.
    assert ctx("FROM a\nCOPY --from=b\\\nuil‸ x y\n") is None


def test_after_the_escape_character_nothing() -> None:
    assert ctx("FROM a\nRUN echo \\‸\n  hi\n") is None


def test_comment_inside_a_continuation_gives_nothing() -> None:
    assert ctx("FROM a\nRUN echo \\\n# $HO‸\n  hi\n") is None


def test_backtick_escape_file() -> None:
    text = "# escape=`\nFROM a AS b\nFROM c\nCOPY `\n  --from=‸ x y\n"
    found = ctx(text)
    assert found is not None and found.where is Where.FLAG_VALUE
    assert found.start == Pos(4, 9)
    # A backslash is an ordinary character there: no continuation, a new instruction.
    plain = ctx("# escape=`\nFROM c\nRUN dir C:\\\nCO‸\n")
    assert plain is not None and plain.where is Where.KEYWORD and plain.prefix == "CO"


def test_crlf_text() -> None:
    text = "FROM node:20 AS deps\r\nFROM node:‸\r\nCOPY --from=deps \\\r\n  /a /b\r\n"
    found = ctx(text)
    assert found is not None and found.where is Where.IMAGE_TAG
    assert found.image == "node" and found.start == Pos(1, 10)
    found = ctx("FROM a AS deps\r\nFROM b\r\nCOPY \\\r\n  --from=de‸ /a /b\r\n")
    assert found is not None and found.where is Where.FLAG_VALUE and found.prefix == "de"
    assert found.start == Pos(3, 9)


def test_heredoc_bodies_get_nothing() -> None:
    assert ctx("FROM a\nRUN <<EOF\n  echo $HO‸\nEOF\nCOPY --from=b x y\n") is None
    assert ctx("FROM a\nRUN <<EOF\n‸\nEOF\n") is None
    assert ctx("FROM a\nRUN <<-EOT bash\n\tCOPY --from=‸\n\tEOT\n", trigger="=") is None
    terminator = "FROM a\nRUN <<EOF\necho\nEO‸F\n"
    assert ctx(terminator) is None
    after = ctx("FROM a\nRUN <<EOF\necho\nEOF\nRUN echo $‸\n")
    assert after is not None and after.where is Where.VARIABLE
    on_marker_line = ctx("FROM a\nRUN --mount=type=‸ <<EOF\necho\nEOF\n")
    assert on_marker_line is not None and on_marker_line.where is Where.MOUNT_VALUE
    copy_body = ctx("FROM a\nCOPY <<EOF /x\nFROM ‸\nEOF\n")
    assert copy_body is None
    # A shell comment in a heredoc body is not a check comment.
    assert ctx("FROM a\nRUN <<EOF\n# check=skip=‸\necho\nEOF\n") is None


def test_non_ascii_before_the_cursor_counts_code_points() -> None:
    line = 'COPY --chown="é🐳" --from=bu‸ x y'
    found = ctx(f"FROM a AS builder\nFROM b\n{line}\n")
    assert found is not None and found.where is Where.FLAG_VALUE
    assert found.start == Pos(2, line.index("bu"))
    assert found.prefix == "bu"
    label = ctx('FROM a\nLABEL desc="Grüße 🐳" ver=$‸\n')
    assert label is not None and label.where is Where.VARIABLE
    assert label.start == Pos(1, len('LABEL desc="Grüße 🐳" ver=$'))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("FROM a\nRUN echo $HO‸\n", Where.VARIABLE),
        ("FROM a\nRUN echo ${HO‸}\n", Where.VARIABLE),
        ("FROM a\nWORKDIR /srv/$‸\n", Where.VARIABLE),
        ("FROM a\nENV A=1 B=${‸\n", Where.VARIABLE),
        ("FROM --platform=$‸ a\n", Where.VARIABLE),
        ("ARG V=1\nFROM a:$‸\n", Where.VARIABLE),
        ("FROM a\nRUN --mount=type=cache,target=$‸ x\n", Where.VARIABLE),
    ],
)
def test_variables_where_they_are_expanded(text: str, where: Where) -> None:
    found = ctx(text)
    assert found is not None and found.where is where


def test_variable_span_and_closing_brace() -> None:
    found = ctx("FROM a\nRUN echo ${HO‸ME}\n")
    assert found is not None and found.where is Where.VARIABLE
    assert found.braced and found.closed and found.prefix == "HO"
    assert found.start == Pos(1, 11) and found.end == Pos(1, 15)
    assert not found.builder  # the shell expands RUN's text


@pytest.mark.parametrize(
    "text",
    [
        "FROM a\nRUN echo \\$‸\n",  # escaped
        "FROM a\nRUN echo '$‸\n",  # single quotes: no expansion
        'FROM a\nRUN ["echo", "$‸\n',  # exec form: no shell
        "FROM a\nENV $‸\n",  # a name being declared
        "FROM a\nARG $‸\n",
        "FROM a AS b\nFROM c\nCOPY --from=$‸ x y\n",  # BuildKit refuses variables there
        "FROM a\nMAINTAINER $‸\n",
        "FROM a\nLABEL x='$‸'\n",
    ],
)
def test_no_variables_where_nothing_expands(text: str) -> None:
    found = ctx(text)
    assert found is None or found.where is not Where.VARIABLE


def test_backtick_escape_escapes_dollar_for_the_builder_only() -> None:
    escaped = ctx("# escape=`\nFROM a\nWORKDIR `$‸\n")
    assert escaped is None or escaped.where is not Where.VARIABLE
    # In RUN the shell reads the text, and its escape is the backslash.
    shell = ctx("# escape=`\nFROM a\nRUN echo `$‸\n")
    assert shell is not None and shell.where is Where.VARIABLE


def test_from_arguments() -> None:
    image = ctx("FROM no‸\n")
    assert image is not None and image.where is Where.ARGUMENT and image.index == 0
    assert image.flag_position
    tag = ctx("FROM docker.io/library/node:20-al‸ AS x\n")
    assert tag is not None and tag.where is Where.IMAGE_TAG
    assert tag.image == "docker.io/library/node" and tag.prefix == "20-al"
    assert tag.end == Pos(0, len("FROM docker.io/library/node:20-al"))
    port = ctx("FROM localhost:5000/team/app‸\n")
    assert port is not None and port.where is Where.ARGUMENT  # the colon is a port
    as_kw = ctx("FROM node:20 ‸\n", trigger=" ")
    assert as_kw is not None and as_kw.index == 1 and as_kw.before == ("node:20",)
    name = ctx("FROM node:20 AS b‸\n")
    assert name is not None and name.index == 2 and name.prefix == "b"
    assert ctx("FROM node@sha256:ab‸\n") is None


def test_directives_only_in_the_header() -> None:
    first = ctx("# ‸\nFROM a\n", trigger=" ")
    assert first is not None and first.where is Where.DIRECTIVE
    second = ctx("# syntax=docker/dockerfile:1\n# esc‸\nFROM a\n")
    assert second is not None and second.where is Where.DIRECTIVE
    assert second.present == ("syntax",) and second.prefix == "esc"
    value = ctx("# escape=‸\nFROM a\n")
    assert value is not None and value.where is Where.DIRECTIVE_VALUE and value.key == "escape"
    # After an instruction (or any other comment) a comment is just a comment.
    assert ctx("FROM a\n# sy‸\n") is None
    assert ctx("# hello\n# sy‸\nFROM a\n") is None


def test_check_values() -> None:
    keys = ctx("# check=‸\nFROM a\n")
    assert keys is not None and keys.where is Where.CHECK and keys.key is None
    names = ctx("# check=error=true;skip=StageNameCasing,Fr‸\nFROM a\n")
    assert names is not None and names.where is Where.CHECK and names.key == "skip"
    assert names.prefix == "Fr" and names.present == ("StageNameCasing",)
    # A check comment above an instruction configures that instruction only.
    local = ctx("FROM a\n# check=skip=‸\nRUN x\n")
    assert local is not None and local.where is Where.CHECK and local.key == "skip"
    # BuildKit stops at the first space: the rest is a comment.
    assert ctx("# check=skip=A because ‸\nFROM a\n") is None


def test_bom_on_the_first_line() -> None:
    found = ctx("\ufeffFROM no‸\n")
    assert found is not None and found.where is Where.ARGUMENT and found.start == Pos(0, 6)
    header = ctx("\ufeff# sy‸\nFROM a\n")
    assert header is not None and header.where is Where.DIRECTIVE and header.start == Pos(0, 3)


def test_out_of_range_positions() -> None:
    df = parse("FROM a\n")
    assert context_at(df, Pos(5, 0)) is None
    assert context_at(df, Pos(0, 40)) is None
    assert context_at(df, Pos(-1, 0)) is None


def test_spans_are_on_the_cursor_line() -> None:
    df, pos = at("FROM a AS b\nFROM c\nCOPY --from=b‸ x y\n")
    found = context_at(df, pos)
    assert found is not None
    assert Span(found.start, found.end) == Span(Pos(2, 12), Pos(2, 13))
