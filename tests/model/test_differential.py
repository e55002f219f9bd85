"""Differential test against dockerfile-parse on the inputs both handle: instruction keywords
and line ranges must agree. dockerfile-parse is known to break on heredocs, blank lines
inside continuations and lines ending in `\\\\` (see ../shared/reference/pygls2.md §5), so those files are left out."""

from __future__ import annotations

import io

import pytest
from dockerfile_parse import DockerfileParser

from msb_lsp.model import parse
from tests.support.paths import SHARED

SAMPLES = [
    "FROM alpine:3.19 AS base\nRUN apk add --no-cache curl \\\n    git\nCOPY . /app\n",
    '# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\nRUN dir `\n  c:\\\nCMD ["cmd"]\n',
    "ARG V=1\nFROM node:${V}\n# comment\nENV A=1 \\\n    B=2\nLABEL x=y\nEXPOSE 80\n",
    "from alpine\nrun echo hi\nonbuild run echo later\n",
]


def _corpus() -> list[str]:
    if SHARED is None:
        return []
    folder = SHARED / "corpus"
    return sorted(p.name for p in folder.iterdir() if p.name not in ("MANIFEST.tsv", "README.md"))


def ours(text: str) -> list[tuple[str, int, int]]:
    return [(i.kind, i.start_line, i.end_line) for i in parse(text).instructions]


def theirs(text: str) -> list[tuple[str, int, int]]:
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    return [
        (entry["instruction"], entry["startline"], entry["endline"])
        for entry in parser.structure
        if entry["instruction"] != "COMMENT"
    ]


def both_handle(text: str) -> bool:
    df = parse(text)
    return (
        "<<" not in text
        and "\r" not in text
        and not any(i.empty_continuation_lines or i.heredocs for i in df.instructions)
        and not any(
            i.continuation_lines and set(i.lines) & {c.span.start.line for c in df.comments}
            for i in df.instructions
        )
        and text.endswith("\n")
        # dockerfile-parse reads a line ending in an escaped escape (`\\`) as a continuation;
        # BuildKit does not (fixture trailing-backslash), and neither do we.
        and not any(line.rstrip().endswith("\\\\") for line in text.splitlines())
    )


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_agree(text: str) -> None:
    assert ours(text) == theirs(text)


@pytest.mark.skipif(SHARED is None, reason="../shared is not present")
@pytest.mark.parametrize("name", _corpus())
def test_corpus_agrees_where_both_parsers_apply(name: str) -> None:
    assert SHARED is not None
    text = (SHARED / "corpus" / name).read_text(encoding="utf-8")
    if not both_handle(text):
        pytest.skip("heredocs, CRLF or blank/comment lines inside continuations")
    assert ours(text) == theirs(text)
