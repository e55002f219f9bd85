"""Diagnostics through a real client: open, change, close, encodings, bad input."""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.support import column, diagnostics, open_document, pull_mode

TYPO = "FROM node:20 AS builder\nRUNN npm ci\nCOPY --form=builder /app /app\n"


async def test_open_reports_syntax_errors_with_exact_ranges(client: LanguageClient) -> None:
    uri = open_document(client, TYPO)
    items = await diagnostics(client, uri)
    by_code = {d.code: d for d in items}
    assert by_code["MSB001"].range == lsp.Range(lsp.Position(1, 0), lsp.Position(1, 4))
    assert by_code["MSB001"].message == "unknown instruction: RUNN (did you mean RUN?)"
    assert by_code["MSB002"].range == lsp.Range(lsp.Position(2, 5), lsp.Position(2, 11))
    assert by_code["MSB002"].source == "msb-lsp"
    assert by_code["MSB002"].code_description is not None
    assert by_code["MSB002"].code_description.href.endswith("/unknown-flag.md")
    fix = by_code["MSB002"].data["fixes"][0]
    assert fix["edits"][0]["text"] == "--from"


async def test_change_updates_diagnostics(client: LanguageClient) -> None:
    uri = open_document(client, TYPO)
    assert len(await diagnostics(client, uri)) == 2
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(1, 0), lsp.Position(1, 4)), text="RUN"
                )
            ],
        )
    )
    items = await diagnostics(client, uri, version=2)
    assert [d.code for d in items] == ["MSB002"]
    assert items[0].range.start.line == 2


async def test_columns_follow_the_negotiated_encoding(client: LanguageClient) -> None:
    copy = 'COPY --chown="🐳é" --form=x /a /b'
    text = f'FROM alpine:3.19\nLABEL emoji="🐳 é"\n{copy}\n'
    uri = open_document(client, text)
    items = await diagnostics(client, uri)
    flag = next(d for d in items if d.code == "MSB002")
    start = copy.index("--form")
    assert flag.range.start.character == column(client, copy, start)
    assert flag.range.end.character == column(client, copy, start + len("--form"))
    # 🐳 is 2 UTF-16 units and 4 UTF-8 bytes, é 1 and 2: the profiles really differ.
    assert column(client, copy, start) in (start + 1, start + 4)
    # An edit after a non-ASCII character lands where the client meant it.
    row = 'LABEL emoji="🐳 é"'
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(
                        lsp.Position(1, column(client, row, len(row))),
                        lsp.Position(1, column(client, row, len(row))),
                    ),
                    text="\nRUNN x",
                )
            ],
        )
    )
    items = await diagnostics(client, uri, version=2)
    unknown = [d for d in items if d.code == "MSB001"]
    assert [d.range.start.line for d in unknown] == [2]


async def test_unknown_document_requests_get_an_answer(client: LanguageClient) -> None:
    uri = "file:///tmp/msb-lsp-tests/never-opened/Dockerfile"
    if pull_mode(client):
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        assert list(report.items) == []  # type: ignore[union-attr]
    # A change for a document that was never opened must not kill the server.
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text="FROM x")],
        )
    )
    other = open_document(client, "FROM alpine:3.19\n")
    assert await diagnostics(client, other) == []


async def test_out_of_range_edit_is_clamped_not_lost(client: LanguageClient) -> None:
    uri = open_document(client, "FROM alpine:3.19\n")
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(40, 3), lsp.Position(99, 0)), text="RUNN x\n"
                )
            ],
        )
    )
    items = await diagnostics(client, uri, version=2)
    assert [d.code for d in items] == ["MSB001"]
    assert items[0].range.start.line == 1


async def test_compose_diagnostics_follow_an_edited_dockerfile(
    client: LanguageClient, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.19 AS runtime\n")
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  app:\n    build:\n      context: .\n      target: runtime\n")
    for path, lang in ((dockerfile, "dockerfile"), (compose, "yaml")):
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=path.as_uri(), language_id=lang, version=1, text=path.read_text()
                )
            )
        )
    assert [d.code for d in await diagnostics(client, compose.as_uri())] == []
    previous = None
    if pull_mode(client):
        first = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(
                text_document=lsp.TextDocumentIdentifier(uri=compose.as_uri())
            )
        )
        previous = first.result_id
    # The stage is renamed in the editor (not on disk): the compose file's target now
    # names no stage, and a pull must not be answered "unchanged".
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=dockerfile.as_uri(), version=2),
            content_changes=[
                lsp.TextDocumentContentChangeWholeDocument(text="FROM alpine:3.19 AS run\n")
            ],
        )
    )
    codes: list[str | int | None] = []
    for _ in range(100):
        if pull_mode(client):
            report = await client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(
                    text_document=lsp.TextDocumentIdentifier(uri=compose.as_uri()),
                    previous_result_id=previous,
                )
            )
            assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
            codes = [d.code for d in report.items]
        else:
            codes = [d.code for d in client.diagnostics.get(compose.as_uri(), [])]
        if codes:
            break
        await asyncio.sleep(0.05)
    assert codes == ["MSB401"]
