"""Debugging aids: commands that show the server's own view of a document.

- `msb-lsp.internal.documentText` with one argument, a document URI: the text and version the
  server holds for that open document (`{"uri", "version", "text"}`), or null when it is not
  open. The server keeps its own copy of every document (incremental sync, see
  `server/documents.py`); comparing it with the editor's copy shows whether an edit was
  applied differently. The fuzz suite (tests/fuzz) ends every session with this comparison.

The command reads and changes nothing else, so it is harmless to leave advertised.
"""

from __future__ import annotations

from typing import Any

from msb_lsp.server.app import MsbServer

DOCUMENT_TEXT = "msb-lsp.internal.documentText"


def document_text(ls: MsbServer, uri: Any) -> dict[str, Any] | None:
    """The server's copy of an open document, or None (unknown or not a string URI)."""
    if not isinstance(uri, str):
        return None
    doc = ls.document(uri)
    if doc is None:
        return None
    return {"uri": doc.uri, "version": doc.version, "text": doc.text}


def register(server: MsbServer) -> None:
    @server.command(DOCUMENT_TEXT)
    def _document_text(ls: MsbServer, *args: Any) -> dict[str, Any] | None:
        return document_text(ls, args[0]) if len(args) == 1 else None
