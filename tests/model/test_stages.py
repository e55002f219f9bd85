"""Stage references resolved with BuildKit's rules."""

from __future__ import annotations

from msb_lsp.model import parse
from msb_lsp.model.stages import RefKind, RefStatus, cycles, find_target, reachable

TEXT = """\
FROM golang:1.22 AS Build
FROM node:20 AS web
COPY --from=BUILD /out /out
COPY --from=0 /a /a
RUN --mount=type=bind,from=build,target=/src true
RUN --mount=from=0,target=/x true
FROM build AS test
FROM Build AS wrong-case
COPY --from=later /x /x
COPY --from=$STAGE /x /x
COPY --from=9 /x /x
FROM alpine AS later
COPY --from=later /x /x
"""


def refs(df, kind):  # type: ignore[no-untyped-def]
    return [
        (r.text, r.status, r.target.index if r.target else None) for r in df.refs if r.kind == kind
    ]


def test_copy_from_matches_names_case_insensitively_and_indices() -> None:
    df = parse(TEXT)
    assert refs(df, RefKind.COPY) == [
        ("BUILD", RefStatus.STAGE, 0),
        ("0", RefStatus.INDEX, 0),
        ("later", RefStatus.FORWARD, 4),
        ("$STAGE", RefStatus.VARIABLE, None),
        ("9", RefStatus.BAD_INDEX, None),
        ("later", RefStatus.SELF, 4),
    ]


def test_mount_from_never_reads_a_number_as_an_index() -> None:
    df = parse(TEXT)
    assert refs(df, RefKind.MOUNT) == [("build", RefStatus.STAGE, 0), ("0", RefStatus.IMAGE, None)]


def test_from_only_matches_the_lowercase_spelling_of_earlier_stages() -> None:
    df = parse(TEXT)
    assert refs(df, RefKind.FROM) == [
        ("golang:1.22", RefStatus.IMAGE, None),
        ("node:20", RefStatus.IMAGE, None),
        ("build", RefStatus.STAGE, 0),
        ("Build", RefStatus.CASE_MISMATCH, 0),
        ("alpine", RefStatus.IMAGE, None),
    ]
    assert df.stages[2].base_stage is df.stages[0]
    assert df.stages[3].base_stage is None


def test_from_expands_global_args_before_matching() -> None:
    df = parse(
        "ARG ARCH=amd64\nFROM alpine AS build_amd64\nFROM build_${ARCH}\nFROM x_${UNKNOWN}\n"
    )
    assert df.stages[1].base_stage is df.stages[0]
    assert df.stages[2].base_ref is not None and df.stages[2].base_ref.status == RefStatus.IMAGE


def test_reference_spans_cover_only_the_value() -> None:
    df = parse(TEXT)
    ref = df.refs[2]  # COPY --from=BUILD
    assert df.source.text_at(ref.span) == "BUILD"
    mount = next(r for r in df.refs if r.kind == RefKind.MOUNT)
    assert df.source.text_at(mount.span) == "build"


def test_reachability_and_targets() -> None:
    df = parse(
        "FROM a AS one\nFROM b AS two\nCOPY --from=one / /\nFROM c AS unused\nFROM two AS final\n"
    )
    assert reachable(df) == {0, 1, 3}
    unused = find_target(df, "UNUSED")
    assert unused is not None and reachable(df, unused) == {2}


def test_cycles_through_forward_references() -> None:
    df = parse("FROM a AS x\nCOPY --from=y / /\nFROM b AS y\nCOPY --from=x / /\n")
    found = cycles(df)
    assert [[s.name for s in c] for c in found] == [["x", "y"]]


def test_deep_chains_do_not_exhaust_the_stack() -> None:
    lines = ["FROM alpine AS s0"] + [f"FROM s{i} AS s{i + 1}" for i in range(5000)]
    df = parse("\n".join(lines))
    assert len(df.stages) == 5001
    assert len(reachable(df)) == 5001
    assert cycles(df) == []


def test_onbuild_references_are_not_linked() -> None:
    df = parse("FROM a AS b\nONBUILD COPY --from=b / /\n")
    assert [r.kind for r in df.refs] == [RefKind.FROM]
