"""Name this stage: an unnamed stage used by index gets a name from its role."""

from __future__ import annotations

import pytest

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse
from msb_lsp.model.span import Pos, Span
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.refactor.name_stage import name_stage
from msb_lsp.refactor.style import REWRITE

TEXT = """\
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM alpine:3.19 AS builder
COPY --from=0 /out/app /app
COPY --from=0 /src/config.yaml /config.yaml
RUN --mount=from=0,target=/x true
CMD ["/app"]
"""


def at(line: int, col: int = 0) -> Span:
    return Span(Pos(line, col), Pos(line, col))


def test_name_from_the_role_unique_and_every_index_rewritten() -> None:
    found = name_stage(parse(TEXT), at(0))
    assert found is not None
    assert found.kind == REWRITE
    assert found.rules == ("copy-from-stage-index",)
    assert found.title == "Name stage 0 'builder-2' and copy from it by name (2 references)"
    result = apply_edits(TEXT, found.edits)
    assert result == TEXT.replace("FROM golang:1.22\n", "FROM golang:1.22 AS builder-2\n").replace(
        "--from=0 /", "--from=builder-2 /"
    )
    # RUN --mount from=0 names an image, not the stage: left alone
    assert "--mount=from=0," in result
    assert "copy-from-stage-index" not in {f.rule.name for f in lint(parse(result))}


def test_offered_on_the_from_value() -> None:
    line = TEXT.splitlines()[6]
    found = name_stage(parse(TEXT), at(6, line.index("0")))
    assert found is not None and found.data["stage"] == 0
    assert name_stage(parse(TEXT), at(6, 0)) is None  # on COPY, not on the value


@pytest.mark.parametrize(
    ("body", "role"),
    [
        ("RUN npm ci", "deps"),
        ("RUN go test ./...", "test"),
        ("RUN apk add --no-cache curl && curl -fsSLo /usr/local/bin/tool https://x/tool", "tools"),
        ("COPY static /static", "assets"),
        ("RUN ./generate.sh", "stage-0"),
    ],
)
def test_roles(body: str, role: str) -> None:
    text = f"FROM alpine:3.19\n{body}\nFROM alpine:3.19\nCOPY --from=0 / /\n"
    found = name_stage(parse(text), at(0))
    assert found is not None
    assert found.data["name"] == role


def test_style_of_as_follows_the_file() -> None:
    text = "from golang:1.22\nrun go build -o /a .\nfrom scratch as final\ncopy --from=0 /a /a\n"
    found = name_stage(parse(text), at(0))
    assert found is not None
    assert apply_edits(text, found.edits).startswith("from golang:1.22 as builder\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine AS a\nRUN x\nFROM alpine\nCOPY --from=0 /x /x\n",  # already named
        "FROM alpine\nRUN x\nFROM alpine\nCOPY /x /x\n",  # not used by index
    ],
)
def test_not_offered(text: str) -> None:
    df = parse(text)
    assert all(name_stage(df, at(line)) is None for line in range(len(df.lines)))
