"""Document synchronization: open, change (incremental), save and close.

The text lives in the server's own `DocumentStore`; features hear about events through
`server.document_listeners`.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from msb_lsp.server.app import MsbServer


def register(server: MsbServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MsbServer, params: lsp.DidOpenTextDocumentParams) -> None:
        doc = ls.documents.open(params.text_document)
        for listener in ls.document_listeners:
            listener.opened(doc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MsbServer, params: lsp.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.change(
            params.text_document.uri,
            params.text_document.version,
            list(params.content_changes),
            ls.encoding,
        )
        if doc is not None:
            for listener in ls.document_listeners:
                listener.changed(doc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls: MsbServer, params: lsp.DidSaveTextDocumentParams) -> None:
        doc = ls.document(params.text_document.uri)
        if doc is not None:
            for listener in ls.document_listeners:
                listener.saved(doc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MsbServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.documents.close(params.text_document.uri)
        for listener in ls.document_listeners:
            listener.closed(params.text_document.uri)
