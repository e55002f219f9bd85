"""Definition, references, highlights and rename through a real client (VS Code and Neovim
profiles), on a file with CRLF line ends, the backtick escape, heredocs and non-ASCII text."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from msb_lsp.engine.lint import lint
from msb_lsp.model import parse
from msb_lsp.model.source import Source
from msb_lsp.server.convert import col_from_client
from tests.lsp.support import column, encoding, open_document, uri_for

LINES = [
    "# escape=`",
    "# Build stage — compiles 🐳",
    "ARG GO_VERSION=1.22",
    "FROM golang:${GO_VERSION} AS build",
    "ARG GO_VERSION",
    'RUN echo "🐳 é $GO_VERSION" && `',
    "    go build -o /out/app",
    "COPY <<EOF /etc/motd",
    "built with 🐳 $GO_VERSION",
    "EOF",
    "FROM build AS test",
    'RUN --mount=type=bind,from=build,source=/out,target=/in echo "🐳" && ls /in',
    "FROM alpine:3.19",
    'LABEL note="é 🐳"',
    "COPY --from=build /out/app /app",
    "COPY --from=0 /out/app /app2",
    "FROM Build AS other",
]
TEXT = "\r\n".join(LINES) + "\r\n"


def position(client: LanguageClient, line: int, needle: str, offset: int = 1) -> lsp.Position:
    row = LINES[line]
    col = row.index(needle) + offset
    return lsp.Position(line, column(client, row, col))


def span_range(client: LanguageClient, line: int, needle: str, skip: int = 0) -> lsp.Range:
    """The client range of `needle` on `line` (its text after `skip` characters of it)."""
    row = LINES[line]
    start = row.index(needle) + skip
    end = row.index(needle) + len(needle)
    return lsp.Range(
        lsp.Position(line, column(client, row, start)), lsp.Position(line, column(client, row, end))
    )


def doc_id(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


async def definition(client: LanguageClient, uri: str, pos: lsp.Position) -> list[lsp.Location]:
    result = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=doc_id(uri), position=pos)
    )
    assert result is None or isinstance(result, list)
    return list(result or [])  # type: ignore[arg-type]


BUILD_NAME = (3, "build")


@pytest.mark.parametrize(
    ("line", "needle"),
    [(10, "build"), (11, "from=build"), (14, "build"), (15, "=0"), (3, "build")],
)
async def test_definition_of_stage_references(
    client: LanguageClient, line: int, needle: str
) -> None:
    uri = open_document(client, TEXT)
    found = await definition(client, uri, position(client, line, needle, len(needle) - 1))
    assert found == [lsp.Location(uri, span_range(client, *BUILD_NAME))]


async def test_definition_of_variables(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    # A use in the stage lands on the stage's ARG; the redeclaration on the global ARG.
    use = await definition(client, uri, position(client, 5, "$GO_VERSION", 3))
    assert use == [lsp.Location(uri, span_range(client, 4, "GO_VERSION"))]
    heredoc = await definition(client, uri, position(client, 8, "GO_VERSION", 2))
    assert heredoc == use
    redeclared = await definition(client, uri, position(client, 4, "GO_VERSION"))
    assert redeclared == [lsp.Location(uri, span_range(client, 2, "GO_VERSION"))]
    from_line = await definition(client, uri, position(client, 3, "GO_VERSION"))
    assert from_line == redeclared


async def test_no_definition_where_nothing_is_known(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    assert await definition(client, uri, position(client, 16, "Build")) == []  # pulls an image
    assert await definition(client, uri, position(client, 12, "alpine")) == []
    assert await definition(client, uri, lsp.Position(400, 3)) == []
    assert await definition(client, uri, lsp.Position(3, 400)) == []
    never = "file:///tmp/msb-lsp-tests/never-opened/Dockerfile"
    assert await definition(client, never, lsp.Position(0, 0)) == []


async def test_references_of_a_stage(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    params = lsp.ReferenceParams(
        text_document=doc_id(uri),
        position=position(client, 14, "build"),
        context=lsp.ReferenceContext(include_declaration=True),
    )
    found = await client.text_document_references_async(params)
    expected = [
        span_range(client, 3, "build"),
        span_range(client, 10, "build"),
        span_range(client, 11, "from=build", skip=5),
        span_range(client, 14, "build"),
        span_range(client, 15, "0"),
    ]
    assert list(found or []) == [lsp.Location(uri, r) for r in expected]
    params.context = lsp.ReferenceContext(include_declaration=False)
    without = await client.text_document_references_async(params)
    assert list(without or []) == [lsp.Location(uri, r) for r in expected[1:]]


async def test_highlights_tell_definitions_from_uses(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    stage = await client.text_document_document_highlight_async(
        lsp.DocumentHighlightParams(
            text_document=doc_id(uri), position=position(client, 3, "build")
        )
    )
    assert stage is not None
    kinds = [(h.range.start.line, h.kind) for h in stage]
    read, write = lsp.DocumentHighlightKind.Read, lsp.DocumentHighlightKind.Write
    assert kinds == [(3, write), (10, read), (11, read), (14, read), (15, read)]
    var = await client.text_document_document_highlight_async(
        lsp.DocumentHighlightParams(
            text_document=doc_id(uri), position=position(client, 5, "GO_VERSION")
        )
    )
    assert var is not None
    assert [(h.range, h.kind) for h in var] == [
        (span_range(client, 2, "GO_VERSION"), write),
        (span_range(client, 3, "GO_VERSION"), read),
        (span_range(client, 4, "GO_VERSION"), write),
        (span_range(client, 5, "GO_VERSION"), read),
        (span_range(client, 8, "GO_VERSION"), read),
    ]


def apply_edits(client: LanguageClient, text: str, edits: list[lsp.TextEdit]) -> str:
    source = Source(text)
    enc = encoding(client)

    def offset(p: lsp.Position) -> int:
        line = source.lines[p.line]
        return source.line_starts[p.line] + col_from_client(line, p.character, enc)

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def finding_keys(text: str, old: str = "", new: str = "") -> set[tuple[str, str]]:
    return {(f.code, f.message.replace(old, new) if old else f.message) for f in lint(parse(text))}


async def test_rename_stage_through_copy_mount_and_from(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    prepared = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=doc_id(uri), position=position(client, 11, "=build"))
    )
    assert prepared == lsp.PrepareRenamePlaceholder(
        range=span_range(client, 11, "from=build", skip=5), placeholder="build"
    )
    edit = await client.text_document_rename_async(
        lsp.RenameParams(
            text_document=doc_id(uri), position=position(client, 11, "=build"), new_name="compile"
        )
    )
    assert edit is not None and edit.changes is not None
    new_text = apply_edits(client, TEXT, edit.changes[uri])
    new_lines = new_text.split("\r\n")
    assert new_lines[3] == "FROM golang:${GO_VERSION} AS compile"
    assert new_lines[10] == "FROM compile AS test"
    assert new_lines[11].startswith("RUN --mount=type=bind,from=compile,source=/out")
    assert new_lines[14] == "COPY --from=compile /out/app /app"
    assert new_lines[15] == "COPY --from=0 /out/app /app2"  # by index: left alone
    assert new_lines[16] == "FROM Build AS other"  # never resolved to the stage
    before = finding_keys(TEXT) | finding_keys(TEXT, "build", "compile")
    assert finding_keys(new_text) <= before


async def test_rename_variable(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    edit = await client.text_document_rename_async(
        lsp.RenameParams(
            text_document=doc_id(uri), position=position(client, 8, "GO_VERSION"), new_name="GO"
        )
    )
    assert edit is not None and edit.changes is not None
    new_lines = apply_edits(client, TEXT, edit.changes[uri]).split("\r\n")
    assert new_lines[2] == "ARG GO=1.22"
    assert new_lines[3] == "FROM golang:${GO} AS build"
    assert new_lines[4] == "ARG GO"
    assert new_lines[5] == 'RUN echo "🐳 é $GO" && `'
    assert new_lines[8] == "built with 🐳 $GO"


@pytest.mark.parametrize(
    ("new_name", "message"),
    [
        ("Compile", "must be lower-case"),
        ("test", "already exists"),
        ("2nd", "must start with a lower-case letter"),
    ],
)
async def test_bad_stage_names_get_an_error_the_client_shows(
    client: LanguageClient, new_name: str, message: str
) -> None:
    uri = open_document(client, TEXT)
    with pytest.raises(JsonRpcException, match=message) as info:
        await client.text_document_rename_async(
            lsp.RenameParams(
                text_document=doc_id(uri), position=position(client, 3, "build"), new_name=new_name
            )
        )
    assert info.value.code == lsp.LSPErrorCodes.RequestFailed
    # The server is still answering.
    assert await definition(client, uri, position(client, 14, "build")) != []


async def test_prepare_rename_on_an_index_explains(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    with pytest.raises(JsonRpcException, match="by its number"):
        await client.text_document_prepare_rename_async(
            lsp.PrepareRenameParams(text_document=doc_id(uri), position=position(client, 15, "0"))
        )
    nothing = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=doc_id(uri), position=position(client, 6, "go"))
    )
    assert nothing is None


async def test_rename_after_an_edit_uses_the_new_version(client: LanguageClient) -> None:
    text = "FROM alpine AS a\nFROM alpine\nCOPY --from=a /x /y\n"
    uri = open_document(client, text)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(1, 0), lsp.Position(1, 0)),
                    text="RUN --mount=from=a ls\n",
                )
            ],
        )
    )
    edit = await client.text_document_rename_async(
        lsp.RenameParams(text_document=doc_id(uri), position=lsp.Position(0, 15), new_name="b")
    )
    assert edit is not None and edit.changes is not None
    assert sorted(e.range.start.line for e in edit.changes[uri]) == [0, 1, 3]


COMPOSE = "services:\n  app:\n    build:\n      context: .\n      target: build\n"


async def test_rename_and_references_reach_compose_targets(client: LanguageClient) -> None:
    folder = uri_for("Dockerfile").rsplit("/", 1)[0]
    dockerfile, compose = f"{folder}/Dockerfile", f"{folder}/compose.yaml"
    for uri, text, language in ((dockerfile, TEXT, "dockerfile"), (compose, COMPOSE, "yaml")):
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=text
                )
            )
        )
    found = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=doc_id(dockerfile),
            position=position(client, 3, "build"),
            context=lsp.ReferenceContext(include_declaration=False),
        )
    )
    target = lsp.Range(lsp.Position(4, 14), lsp.Position(4, 19))
    assert lsp.Location(compose, target) in list(found or [])
    edit = await client.text_document_rename_async(
        lsp.RenameParams(
            text_document=doc_id(dockerfile), position=position(client, 3, "build"), new_name="make"
        )
    )
    assert edit is not None and edit.changes is not None
    assert list(edit.changes[compose]) == [lsp.TextEdit(target, "make")]
    new_text = apply_edits(client, TEXT, edit.changes[dockerfile])
    assert finding_keys(new_text) <= finding_keys(TEXT) | finding_keys(TEXT, "build", "make")
