"""Helpers for end-to-end tests: open a document, get its diagnostics in push or pull mode,
and convert expected code-point columns to the client's negotiated encoding."""

from __future__ import annotations

import asyncio
import itertools

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

_counter = itertools.count()


def uri_for(name: str = "Dockerfile") -> str:
    """A unique file URI per call (documents stay open for the whole session)."""
    return f"file:///tmp/msb-lsp-tests/{next(_counter)}/{name}"


def encoding(client: LanguageClient) -> str:
    caps = client.server_capabilities  # type: ignore[attr-defined]
    return str(caps.position_encoding or lsp.PositionEncodingKind.Utf16)


def column(client: LanguageClient, line_text: str, codepoint_col: int) -> int:
    """The client's column for a code-point column of `line_text`."""
    prefix = line_text[:codepoint_col]
    enc = encoding(client)
    if enc == lsp.PositionEncodingKind.Utf8:
        return len(prefix.encode("utf-8"))
    if enc == lsp.PositionEncodingKind.Utf32:
        return len(prefix)
    return len(prefix.encode("utf-16-le")) // 2


def pull_mode(client: LanguageClient) -> bool:
    caps = client.capabilities  # type: ignore[attr-defined]
    return caps.text_document is not None and caps.text_document.diagnostic is not None


def open_document(
    client: LanguageClient, text: str, name: str = "Dockerfile", language_id: str = "dockerfile"
) -> str:
    uri = uri_for(name)
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id=language_id, version=1, text=text
            )
        )
    )
    return uri


async def diagnostics(client: LanguageClient, uri: str, version: int = 1) -> list[lsp.Diagnostic]:
    """The server's diagnostics for a document version, pulled or pushed as the client does."""
    if pull_mode(client):
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)  # type: ignore[union-attr]
    for _ in range(200):
        published = client.diagnostics.get(uri)
        versions = getattr(client, "diagnostic_versions", {})
        if published is not None and versions.get(uri, version) == version:
            return list(published)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics published for {uri} version {version}")
