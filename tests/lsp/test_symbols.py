"""Document symbols, folding ranges, document links and semantic tokens through a real client
(VS Code and Neovim profiles)."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from msb_lsp.server.convert import col_from_client
from tests.lsp.support import column, encoding, open_document

LINES = [
    "# escape=`",
    "# syntax=docker/dockerfile:1",
    "ARG BASE=alpine:3.19",
    "FROM golang:1.22 AS build",
    'LABEL note="é 🐳" `',
    "      other=1",
    "RUN <<EOF",
    "go build -o /out/app",
    "EOF",
    "# two comment",
    "# lines",
    "FROM ${BASE}",
    'LABEL x="🐳" y=$BASE',
    "COPY --from=build /out/app /app",
    "COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv",
    "FROM scratch",
]
TEXT = "\r\n".join(LINES) + "\r\n"


def doc_id(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


def rng(client: LanguageClient, line: int, start: int, end_line: int, end: int) -> lsp.Range:
    return lsp.Range(
        lsp.Position(line, column(client, LINES[line], start)),
        lsp.Position(end_line, column(client, LINES[end_line], end)),
    )


async def test_document_symbols_are_a_stage_tree(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=doc_id(uri))
    )
    assert symbols is not None
    top = [(s.name, s.kind, s.detail) for s in symbols]  # type: ignore[union-attr]
    assert top == [
        ("ARG", lsp.SymbolKind.Function, "BASE=alpine:3.19"),
        ("build", lsp.SymbolKind.Class, "golang:1.22"),
        ("stage 1", lsp.SymbolKind.Class, "${BASE}"),
        ("stage 2", lsp.SymbolKind.Class, "scratch"),
    ]
    build = symbols[1]
    assert isinstance(build, lsp.DocumentSymbol)
    assert build.selection_range == rng(client, 3, 20, 3, 25)
    assert build.range == rng(client, 3, 0, 8, 3)  # down to the heredoc terminator
    assert [c.name for c in build.children or []] == ["LABEL", "RUN"]
    label = (build.children or [])[0]
    assert label.range == rng(client, 4, 0, 5, 13)
    assert [(c.name, c.kind) for c in label.children or []] == [
        ("note", lsp.SymbolKind.Property),
        ("other", lsp.SymbolKind.Property),
    ]
    second = symbols[2]
    assert isinstance(second, lsp.DocumentSymbol)
    assert second.selection_range == rng(client, 11, 0, 11, 4)
    copy = (second.children or [])[1]
    assert copy.detail == "--from=build /out/app /app"
    variables = symbols[0].children or []  # type: ignore[union-attr]
    assert [(v.name, v.kind, v.detail) for v in variables] == [
        ("BASE", lsp.SymbolKind.Variable, "alpine:3.19")
    ]


async def test_folding_ranges(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    folds = await client.text_document_folding_range_async(
        lsp.FoldingRangeParams(text_document=doc_id(uri))
    )
    assert folds is not None
    assert [(f.start_line, f.end_line, f.kind) for f in folds] == [
        (0, 1, lsp.FoldingRangeKind.Comment),
        (3, 8, lsp.FoldingRangeKind.Region),  # the stage
        (4, 5, lsp.FoldingRangeKind.Region),  # the backtick continuation
        (6, 8, lsp.FoldingRangeKind.Region),  # the heredoc
        (9, 10, lsp.FoldingRangeKind.Comment),
        (11, 14, lsp.FoldingRangeKind.Region),
    ]


async def test_document_links_to_registry_pages(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    links = await client.text_document_document_link_async(
        lsp.DocumentLinkParams(text_document=doc_id(uri))
    )
    assert links is not None
    got = [(link.range, link.target) for link in links]
    assert got == [
        (rng(client, 3, 5, 3, 11), "https://hub.docker.com/_/golang"),
        (rng(client, 11, 5, 11, 12), "https://hub.docker.com/_/alpine"),  # via ${BASE}
        (rng(client, 14, 12, 14, 32), "https://ghcr.io/astral-sh/uv"),
    ]
    tooltips = client.capabilities.text_document.document_link  # type: ignore[union-attr]
    if tooltips is not None and tooltips.tooltip_support:
        assert links[0].tooltip == "golang on hub.docker.com"
    else:
        assert all(link.tooltip is None for link in links)


def decode(client: LanguageClient, data: list[int], legend: lsp.SemanticTokensLegend) -> list:
    """(text, type, modifiers) of each token, read back from the client's encoding."""
    out = []
    line = col = 0
    enc = encoding(client)
    for i in range(0, len(data), 5):
        dline, dstart, length, kind, mods = data[i : i + 5]
        line += dline
        col = col + dstart if dline == 0 else dstart
        row = LINES[line]
        start = col_from_client(row, col, enc)
        end = col_from_client(row, col + length, enc)
        names = tuple(m for b, m in enumerate(legend.token_modifiers) if mods & (1 << b))
        out.append((line, row[start:end], legend.token_types[kind], names))
    return out


async def test_semantic_tokens(client: LanguageClient) -> None:
    caps = client.server_capabilities  # type: ignore[attr-defined]
    options = caps.semantic_tokens_provider
    assert options is not None and options.full
    uri = open_document(client, TEXT)
    result = await client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(text_document=doc_id(uri))
    )
    assert result is not None
    tokens = decode(client, list(result.data), options.legend)
    assert (3, "build", "class", ("declaration",)) in tokens
    assert (13, "build", "class", ()) in tokens
    assert (3, "golang:1.22", "type", ()) in tokens
    assert (14, "ghcr.io/astral-sh/uv:0.5", "type", ()) in tokens
    assert (15, "scratch", "type", ("defaultLibrary",)) in tokens
    assert (13, "--from", "parameter", ()) in tokens
    assert (12, "$BASE", "variable", ()) in tokens  # after an emoji: columns must agree
    assert (12, "y", "property", ()) in tokens
    assert (2, "BASE", "variable", ("declaration",)) in tokens
    assert (6, "<<EOF", "string", ()) in tokens
    assert (9, "# two comment", "comment", ()) in tokens
    assert (0, "escape", "macro", ()) in tokens
    # The range request gives the same tokens for its lines.
    ranged = await client.text_document_semantic_tokens_range_async(
        lsp.SemanticTokensRangeParams(
            text_document=doc_id(uri), range=lsp.Range(lsp.Position(12, 0), lsp.Position(13, 0))
        )
    )
    assert ranged is not None
    part = decode(client, list(ranged.data), options.legend)
    assert part == [t for t in tokens if 12 <= t[0] <= 13]


async def test_unknown_documents_get_empty_answers(client: LanguageClient) -> None:
    uri = "file:///tmp/msb-lsp-tests/never-opened/Dockerfile"
    assert not await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=doc_id(uri))
    )
    assert not await client.text_document_folding_range_async(
        lsp.FoldingRangeParams(text_document=doc_id(uri))
    )
    assert not await client.text_document_document_link_async(
        lsp.DocumentLinkParams(text_document=doc_id(uri))
    )
    tokens = await client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(text_document=doc_id(uri))
    )
    assert tokens is not None and list(tokens.data) == []
    # A compose file is not a Dockerfile: nothing from these features.
    compose = open_document(client, "services: {}\n", name="compose.yaml", language_id="yaml")
    assert not await client.text_document_folding_range_async(
        lsp.FoldingRangeParams(text_document=doc_id(compose))
    )
