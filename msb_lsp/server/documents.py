"""Open documents: text kept in sync with the client, and the model parsed once per version.

The server keeps its own copy of the text (not pygls's), applying incremental changes with
LSP line breaks and the negotiated encoding, so that no edit can shift or lose text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from msb_lsp.filekinds import FileKind, kind_of
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.parser import parse
from msb_lsp.model.source import Source
from msb_lsp.server.convert import Converter

log = logging.getLogger("msb_lsp.server")

MAX_CHARS = 2 * 1024 * 1024  # beyond this a document is kept but not analysed (real ones are KBs)


@dataclass(eq=False)
class OpenDocument:
    uri: str
    version: int | None
    text: str
    language_id: str
    kind: FileKind
    _source: Source | None = None
    _model: Dockerfile | None = None
    _previous_model: Dockerfile | None = None  # last version's model, for incremental parsing
    cache: dict[str, Any] = field(default_factory=dict)  # per-version results (findings, ...)

    @property
    def source(self) -> Source:
        if self._source is None:
            self._source = Source(self.text)
        return self._source

    @property
    def too_large(self) -> bool:
        return len(self.text) > MAX_CHARS

    @property
    def model(self) -> Dockerfile:
        """The parsed Dockerfile of this version (parsed on first use, then shared)."""
        if self._model is None:
            text = "" if self.too_large else self.text
            self._model = parse(text, previous=self._previous_model)
            self._previous_model = None
        return self._model

    @property
    def path(self) -> Path | None:
        if not self.uri.startswith("file:"):
            return None
        from pygls.uris import to_fs_path

        fs = to_fs_path(self.uri)
        return Path(fs) if fs else None

    def converter(self, encoding: str) -> Converter:
        key = f"converter:{encoding}"
        conv = self.cache.get(key)
        if conv is None:
            conv = self.cache[key] = Converter(self.source, encoding)
        return conv  # type: ignore[no-any-return]

    def replace(self, text: str, version: int | None) -> None:
        self.text = text
        self.version = version
        self._source = None
        if self._model is not None:
            if self._previous_model is not None:
                self._previous_model.release()  # two edits without a parse in between
            self._previous_model = self._model
        self._model = None
        self.cache = {}

    def release(self) -> None:
        """Free the models of a closed document promptly (see Dockerfile.release)."""
        for model in (self._model, self._previous_model):
            if model is not None:
                model.release()
        self._model = self._previous_model = None
        self.cache = {}


class DocumentStore:
    def __init__(self) -> None:
        self.docs: dict[str, OpenDocument] = {}

    def get(self, uri: str) -> OpenDocument | None:
        return self.docs.get(uri)

    def open(self, item: lsp.TextDocumentItem) -> OpenDocument:
        doc = OpenDocument(
            uri=item.uri,
            version=item.version,
            text=item.text,
            language_id=item.language_id,
            kind=kind_of(item.uri, item.language_id),
        )
        self.docs[item.uri] = doc
        return doc

    def change(
        self,
        uri: str,
        version: int | None,
        changes: list[lsp.TextDocumentContentChangeEvent],
        encoding: str,
    ) -> OpenDocument | None:
        doc = self.docs.get(uri)
        if doc is None:
            log.warning("didChange for a document that is not open: %s", uri)
            return None
        text = doc.text
        for change in changes:
            if isinstance(change, lsp.TextDocumentContentChangePartial):
                conv = (
                    Converter(Source(text), encoding)
                    if text is not doc.text
                    else doc.converter(encoding)
                )
                start = conv.offset(change.range.start)
                end = conv.offset(change.range.end)
                if end < start:
                    start, end = end, start
                text = text[:start] + change.text + text[end:]
            else:
                text = change.text
        doc.replace(text, version)
        return doc

    def close(self, uri: str) -> OpenDocument | None:
        doc = self.docs.pop(uri, None)
        if doc is not None:
            doc.release()
        return doc
