"""Renaming stages and variables: exact edits, what is left alone, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse
from msb_lsp.model.span import Span
from msb_lsp.navigate import targets
from msb_lsp.navigate.index import NavIndex
from msb_lsp.navigate.rename import RenameError, plan_rename, prepare_rename
from tests.navigate.helpers import apply, pos_in, span_of

BUILD = """\
FROM golang:1.22 AS build
RUN go build -o /out/app
FROM build AS test
RUN --mount=type=bind,from=build,source=/out,target=/in ls /in
FROM alpine:3.19
COPY --from=build /out/app /app
COPY --from=0 /out/app /app2
FROM Build
"""


def rename(text: str, needle: str, new: str, line: int | None = None, **kw: object) -> str:
    index = NavIndex(parse(text))
    plan = plan_rename(index, pos_in(text, needle, line=line), new, **kw)  # type: ignore[arg-type]
    assert plan is not None
    return apply(text, [(c.span, c.text) for c in plan.changes])


def finding_keys(text: str) -> set[tuple[str, str]]:
    return {(f.code, f.message) for f in lint(parse(text))}


def test_stage_rename_covers_copy_mount_and_from_and_leaves_index_and_case_mismatch() -> None:
    new = rename(BUILD, "build", "compile", line=0)
    assert new == (
        "FROM golang:1.22 AS compile\n"
        "RUN go build -o /out/app\n"
        "FROM compile AS test\n"
        "RUN --mount=type=bind,from=compile,source=/out,target=/in ls /in\n"
        "FROM alpine:3.19\n"
        "COPY --from=compile /out/app /app\n"
        "COPY --from=0 /out/app /app2\n"
        "FROM Build\n"
    )
    allowed = finding_keys(BUILD) | {
        (code, msg.replace("build", "compile")) for code, msg in finding_keys(BUILD)
    }
    assert finding_keys(new) <= allowed
    # The check has teeth: the Node server's rename, which skips the mount, breaks the build.
    node_style = new.replace("from=compile,", "from=build,")
    assert not finding_keys(node_style) <= allowed


@pytest.mark.parametrize(
    ("line", "needle"), [(0, "build"), (2, "build"), (3, "from=build"), (5, "build")]
)
def test_stage_rename_from_any_spelling_gives_the_same_edits(line: int, needle: str) -> None:
    index = NavIndex(parse(BUILD))
    plan = plan_rename(index, pos_in(BUILD, needle, line=line, offset=len(needle) - 1), "x")
    assert plan is not None
    assert sorted(str(c.span) for c in plan.changes) == sorted(
        str(span_of(BUILD, "build", line=n)) for n in (0, 2, 3, 5)
    )


def test_mixed_case_references_are_renamed_too() -> None:
    text = "FROM alpine AS Builder\nFROM alpine\nCOPY --from=BUILDER /a /b\n"
    assert rename(text, "BUILDER", "base") == (
        "FROM alpine AS base\nFROM alpine\nCOPY --from=base /a /b\n"
    )


def test_quoted_values_keep_their_quotes() -> None:
    text = 'FROM alpine AS build\nFROM alpine\nCOPY --from="build" /a /b\n'
    assert rename(text, "build", "make", line=0).endswith('COPY --from="make" /a /b\n')


def test_prepare_gives_the_span_and_the_name_as_written() -> None:
    index = NavIndex(parse(BUILD))
    assert prepare_rename(index, pos_in(BUILD, "build", line=5)) == (
        span_of(BUILD, "build", line=5),
        "build",
    )
    assert prepare_rename(index, pos_in(BUILD, "go build")) is None
    assert prepare_rename(index, pos_in(BUILD, "Build", line=7)) is None


def test_prepare_on_a_numeric_from_explains_where_to_rename() -> None:
    index = NavIndex(parse(BUILD))
    with pytest.raises(RenameError, match=r"by its number.*AS build.*line 1"):
        prepare_rename(index, pos_in(BUILD, "0", line=6, offset=0))


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Compile", r"must be lower-case \('compile'\).*FROM Compile"),
        ("9lives", "must start with a lower-case letter"),
        ("my/stage", "must start with a lower-case letter"),
        ("", "must start with a lower-case letter"),
        ("scratch", "reserved"),
        ("context", "reserved"),
        ("test", r"a stage named 'test' already exists \(line 3\)"),
        ("alpine:3.19", "must start with a lower-case letter"),
    ],
)
def test_bad_stage_names_are_refused(new: str, message: str) -> None:
    index = NavIndex(parse(BUILD))
    with pytest.raises(RenameError, match=message):
        plan_rename(index, pos_in(BUILD, "build", line=0), new)


def test_a_name_already_used_for_an_image_is_refused() -> None:
    text = "FROM alpine AS build\nFROM alpine\nCOPY --from=tools /a /b\nRUN --mount=from=cache ls\n"
    index = NavIndex(parse(text))
    with pytest.raises(RenameError, match="image or build context on line 3"):
        plan_rename(index, pos_in(text, "build"), "tools")
    with pytest.raises(RenameError, match="line 4"):
        plan_rename(index, pos_in(text, "build"), "cache")


def test_from_of_an_earlier_image_name_is_no_collision() -> None:
    text = "FROM tools\nFROM alpine AS build\n"
    index = NavIndex(parse(text))
    plan = plan_rename(index, pos_in(text, "build"), "tools")
    assert plan is not None and len(plan.changes) == 1


def test_a_stage_named_through_a_build_argument_blocks_the_rename() -> None:
    text = "ARG BASE=build\nFROM alpine AS build\nFROM ${BASE}\n"
    index = NavIndex(parse(text))
    with pytest.raises(RenameError, match=r"line 3 names stage 'build' through a build argument"):
        plan_rename(index, pos_in(text, "build", line=1), "make")
    with pytest.raises(RenameError, match="through a build argument"):
        prepare_rename(index, pos_in(text, "BASE", line=2))


def test_unnamed_stage_cannot_be_renamed() -> None:
    text = "FROM golang\nFROM alpine\nCOPY --from=0 /a /b\n"
    index = NavIndex(parse(text))
    with pytest.raises(RenameError, match="has no name"):
        prepare_rename(index, pos_in(text, "0", line=2, offset=0))


def test_same_name_is_no_change() -> None:
    index = NavIndex(parse(BUILD))
    plan = plan_rename(index, pos_in(BUILD, "build", line=0), "build")
    assert plan is not None and plan.changes == []


def test_target_values_in_other_files_are_renamed(monkeypatch: pytest.MonkeyPatch) -> None:
    compose_uri = "file:///p/compose.yaml"
    compose = "services:\n  app:\n    build:\n      target: build\n"
    calls: list[tuple[Path, str, dict[str, str]]] = []

    def find(path: Path, stage: str, documents: dict[str, str]) -> list[tuple[str, Span]]:
        calls.append((path, stage, dict(documents)))
        return [(compose_uri, span_of(compose, "build", line=3))]

    monkeypatch.setattr(targets, "_finder", lambda: find)
    index = NavIndex(parse(BUILD))
    plan = plan_rename(
        index,
        pos_in(BUILD, "build", line=0),
        "compile",
        path=Path("/p/Dockerfile"),
        documents={compose_uri: compose},
    )
    assert plan is not None
    assert calls == [(Path("/p/Dockerfile"), "build", {compose_uri: compose})]
    edits = plan.external[compose_uri]
    assert apply(compose, [(c.span, c.text) for c in edits]).endswith("target: compile\n")


def test_a_failing_target_lookup_refuses_the_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, stage: str, documents: dict[str, str]) -> list[tuple[str, Span]]:
        raise OSError("disk on fire")

    monkeypatch.setattr(targets, "_finder", lambda: broken)
    index = NavIndex(parse(BUILD))
    with pytest.raises(RenameError, match="disk on fire"):
        plan_rename(
            index,
            pos_in(BUILD, "build", line=0),
            "compile",
            path=Path("/p/Dockerfile"),
            documents={"file:///p/compose.yaml": "services: {}\n"},
        )
    # References only log it.
    assert targets.target_references(Path("/p/Dockerfile"), "build", {"u": "x"}) == []


# -- variables -----------------------------------------------------------------------------

VARS = """\
ARG VERSION=1.22
FROM golang:${VERSION} AS build
ARG VERSION
RUN echo $VERSION && echo ${VERSION:-none}
FROM build AS test
RUN echo ${VERSION}
FROM alpine
ARG VERSION=3
RUN echo $VERSION
"""


def test_variable_rename_follows_the_global_arg_and_its_redeclarations() -> None:
    new = rename(VARS, "VERSION", "GO_VERSION", line=0)
    assert new == (
        "ARG GO_VERSION=1.22\n"
        "FROM golang:${GO_VERSION} AS build\n"
        "ARG GO_VERSION\n"
        "RUN echo $GO_VERSION && echo ${GO_VERSION:-none}\n"
        "FROM build AS test\n"
        "RUN echo ${GO_VERSION}\n"
        "FROM alpine\n"
        "ARG VERSION=3\n"
        "RUN echo $VERSION\n"
    )
    assert rename(VARS, "VERSION", "GO_VERSION", line=5) == new
    assert finding_keys(new) == finding_keys(VARS)


def test_env_rename_covers_heredoc_bodies() -> None:
    text = "FROM alpine\nENV APP_HOME=/app\nRUN <<EOF\ncd $APP_HOME\nEOF\nWORKDIR $APP_HOME\n"
    assert rename(text, "APP_HOME", "HOME_DIR", line=1) == (
        "FROM alpine\nENV HOME_DIR=/app\nRUN <<EOF\ncd $HOME_DIR\nEOF\nWORKDIR $HOME_DIR\n"
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("1X", "not a valid variable name"),
        ("A-B", "not a valid variable name"),
        ("TARGETARCH", "sets automatically"),
        ("OTHER", "already a variable on line 3"),
        ("USED", r"'\$USED' is already used on line 5"),
    ],
)
def test_bad_variable_names_are_refused(new: str, message: str) -> None:
    text = "FROM alpine\nARG NAME=1\nARG OTHER=2\nRUN echo $NAME\nRUN echo $USED\n"
    index = NavIndex(parse(text))
    with pytest.raises(RenameError, match=message):
        plan_rename(index, pos_in(text, "NAME", line=1), new)


def test_a_name_used_in_a_child_stage_is_a_collision() -> None:
    text = "FROM alpine AS base\nARG NAME=1\nFROM base\nRUN echo $NAME $OTHER\n"
    index = NavIndex(parse(text))
    with pytest.raises(RenameError, match="already used on line 4"):
        plan_rename(index, pos_in(text, "NAME", line=1), "OTHER")
