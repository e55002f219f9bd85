"""The parser keeps the exact span of every part."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.model.nodes import (
    CopyInstruction,
    FromInstruction,
    KeyValueInstruction,
    OnbuildInstruction,
    RunInstruction,
)
from msb_lsp.model.span import Pos, Span


def text_at(df, span: Span) -> str:  # type: ignore[no-untyped-def]
    return df.source.text_at(span)


def test_from_parts_have_exact_spans() -> None:
    df = parse("FROM --platform=$BUILDPLATFORM docker.io/library/node:20-alpine AS Builder\n")
    instr = df.instructions[0]
    assert isinstance(instr, FromInstruction)
    assert text_at(df, instr.keyword_span) == "FROM"
    platform = instr.platform
    assert platform is not None
    assert text_at(df, platform.name_span) == "--platform"
    assert platform.value == "$BUILDPLATFORM"
    assert text_at(df, platform.value_span) == "$BUILDPLATFORM"
    assert instr.image is not None and text_at(df, instr.image.span) == (
        "docker.io/library/node:20-alpine"
    )
    parts = instr.image_parts()
    assert parts is not None
    assert text_at(df, parts.registry_span) == "docker.io"
    assert text_at(df, parts.name_span) == "library/node"
    assert text_at(df, parts.tag_span) == "20-alpine"
    assert parts.digest_span is None
    assert instr.as_keyword is not None and instr.as_keyword.text == "AS"
    assert instr.stage_name is not None
    assert instr.stage_name.text == "Builder" and instr.stage_name.value == "builder"
    assert text_at(df, instr.stage_name.span) == "Builder"
    assert [v.name for v in instr.variables] == ["BUILDPLATFORM"]


def test_mount_options_each_have_a_span() -> None:
    line = "RUN --mount=type=cache,target=/root/.npm,sharing=locked --mount=from=builder,src=/a,target=/b npm ci"
    df = parse(f"FROM node:20\n{line}\n")
    run = df.instructions[1]
    assert isinstance(run, RunInstruction)
    first, second = run.mounts
    assert [(o.key, o.value) for o in first.options] == [
        ("type", "cache"),
        ("target", "/root/.npm"),
        ("sharing", "locked"),
    ]
    opt = second.option("from")
    assert opt is not None
    assert text_at(df, opt.key_span) == "from"
    assert text_at(df, opt.value_span) == "builder"
    assert opt.value_span == Span.on_line(1, line.index("builder"), line.index("builder") + 7)
    assert run.args[0].text == "npm ci"


def test_continuations_comments_and_blank_lines_map_back_to_the_file() -> None:
    text = "FROM alpine\nRUN apk add \\\n    # a comment\n\n    curl \\\n    git\n"
    df = parse(text)
    run = df.instructions[1]
    assert run.args[0].text == "apk add     curl     git"
    assert run.start_line == 1 and run.end_line == 5
    assert run.empty_continuation_lines == [3]
    assert run.args[0].span == Span(Pos(1, 4), Pos(5, 7))
    assert [c.text for c in df.comments] == ["a comment"]


def test_backtick_escape_and_crlf() -> None:
    text = "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nRUN dir `\r\n  c:\\\r\nCOPY --from=0 a b\r\n"
    df = parse(text)
    assert df.escape == "`"
    run = df.instructions[1]
    assert run.args[0].text == "dir   c:\\"
    assert run.end_line == 3
    copy = df.instructions[2]
    assert isinstance(copy, CopyInstruction)
    assert copy.from_flag is not None and copy.from_flag.value == "0"
    assert copy.from_flag.value_span == Span.on_line(4, 12, 13)


def test_bom_is_skipped_but_counted_in_columns() -> None:
    df = parse("\ufeffFROM alpine AS base\n")
    instr = df.instructions[0]
    assert instr.keyword_span == Span.on_line(0, 1, 5)
    assert isinstance(instr, FromInstruction) and instr.stage_name is not None
    assert instr.stage_name.span == Span.on_line(0, 16, 20)


def test_heredocs_in_all_forms() -> None:
    text = (
        "FROM alpine\n"
        "RUN <<EOF\necho one\nEOF\n"
        "COPY <<-'A' 3<<B /dest/\n\tbody a\n\tA\nbody b\nB\n"
        'RUN cat "<<NOT" >x\n'
    )
    df = parse(text)
    run = df.instructions[1]
    assert [h.name for h in run.heredocs] == ["EOF"]
    doc = run.heredocs[0]
    assert doc.body == "echo one\n"
    assert doc.terminator_span == Span.on_line(3, 0, 3)
    assert run.end_line == 3
    copy = df.instructions[2]
    names = [(h.name, h.chomp, h.quoted, h.fd) for h in copy.heredocs]
    assert names == [("A", True, True, None), ("B", False, False, 3)]
    assert copy.heredocs[0].body == "\tbody a\n"
    assert copy.end_line == 8
    assert df.instructions[3].heredocs == []
    assert df.problems == []


def test_unterminated_heredoc_is_a_problem() -> None:
    df = parse("FROM alpine\nRUN <<EOF\necho\n  EOF\n")
    assert [(p.code, p.message) for p in df.problems] == [
        ("unterminated-heredoc", "unterminated heredoc")
    ]
    assert df.problems[0].span == Span.on_line(1, 4, 9)


def test_json_form_words_have_spans_and_values() -> None:
    df = parse('FROM alpine\nCMD ["echo", "a \\"b\\""]\nENTRYPOINT [1]\n')
    cmd = df.instructions[1]
    assert cmd.json
    assert [w.value for w in cmd.args] == ["echo", 'a "b"']
    assert text_at(df, cmd.args[1].span) == '"a \\"b\\""'
    assert [p.code for p in df.problems] == ["json-array-not-strings"]


def test_key_values_with_quotes_and_the_legacy_form() -> None:
    df = parse(
        'FROM alpine\nENV A=1 B="two words" C=x\\ y\nENV LEGACY some value\nARG V\nARG W=${V:-x}\n'
    )
    env = df.instructions[1]
    assert isinstance(env, KeyValueInstruction)
    assert [(p.key.text, p.value.value if p.value else None) for p in env.pairs] == [
        ("A", "1"),
        ("B", "two words"),
        ("C", "x y"),
    ]
    assert text_at(df, env.pairs[1].value.span) == '"two words"'  # type: ignore[union-attr]
    legacy = df.instructions[2]
    assert isinstance(legacy, KeyValueInstruction)
    assert legacy.pairs[0].separator == ""
    assert legacy.pairs[0].value is not None and legacy.pairs[0].value.value == "some value"
    arg = df.instructions[3]
    assert isinstance(arg, KeyValueInstruction) and arg.pairs[0].value is None
    var = df.instructions[4].variables[0]
    assert (var.name, var.modifier, var.word) == ("V", ":-", "x")
    assert text_at(df, var.span) == "${V:-x}"
    assert text_at(df, var.name_span) == "V"
    assert var.modifier_span is not None and text_at(df, var.modifier_span) == ":-"


def test_variables_in_run_are_shell_expanded_and_single_quotes_are_literal() -> None:
    df = parse("FROM alpine\nRUN echo $HOME\nENV A='$NOT' B=\"$YES\" C=\\$NO\n")
    assert [(v.name, v.builder_expanded) for v in df.instructions[1].variables] == [("HOME", False)]
    assert [v.name for v in df.instructions[2].variables] == ["YES"]


def test_onbuild_wraps_an_instruction_with_its_own_spans() -> None:
    df = parse("FROM alpine\nONBUILD COPY --from=build /a /b\n")
    onbuild = df.instructions[1]
    assert isinstance(onbuild, OnbuildInstruction)
    trigger = onbuild.trigger
    assert isinstance(trigger, CopyInstruction)
    assert trigger.parent is onbuild
    assert text_at(df, trigger.keyword_span) == "COPY"
    assert trigger.from_flag is not None and text_at(df, trigger.from_flag.value_span) == "build"
    assert df.instruction_at(Pos(1, 9)) is trigger
    assert df.instruction_at(Pos(1, 2)) is onbuild


def test_directives_only_at_the_top() -> None:
    df = parse("# syntax=docker/dockerfile:1\n# check=skip=StageNameCasing\n\n# escape=`\nFROM a\n")
    assert [(d.name, d.value) for d in df.directives] == [
        ("syntax", "docker/dockerfile:1"),
        ("check", "skip=StageNameCasing"),
    ]
    assert df.escape == "\\"


def test_repeated_and_invalid_directives_are_problems() -> None:
    df = parse("# escape=x\n# escape=`\nFROM a\n")
    assert [p.code for p in df.problems] == ["invalid-escape-directive", "repeated-directive"]


def test_instruction_level_errors_use_buildkit_wording() -> None:
    df = parse("COPY a b\nFROM alpine AS 1st\nCOPY --form=x a b\nFROM a b\nONBUILD ONBUILD RUN x\n")
    messages = [p.message for p in df.problems]
    assert "no build stage in current context" in messages
    assert (
        'invalid name for build stage: "1st", name can\'t start with a number or contain symbols'
        in messages
    )
    assert "unknown flag: form (did you mean from?)" in messages
    assert "FROM requires either one or three arguments" in messages
    assert "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed" in messages


def test_parse_never_raises_on_odd_input() -> None:
    for text in [
        "",
        "\n\n",
        "\\",
        "FROM",
        "RUN \\",
        "RUN <<",
        "ENV",
        "--",
        'FROM a\nRUN ["',
        "\x00\x01",
        "\r\r\r",
    ]:
        df = parse(text)
        for node in df.walk():
            assert node.span.start <= node.span.end
