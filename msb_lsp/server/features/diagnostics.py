"""Diagnostics: pushed after a short debounce on change and at once on open and save, or
pulled (textDocument/diagnostic) by clients that announce pull support.

Dockerfiles are linted by the engine; other kinds of documents (compose, bake, scripts) get
their diagnostics from providers registered with `register_provider`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from lsprotocol import types as lsp

from msb_lsp.engine.lint import lint, options_for_path
from msb_lsp.filekinds import FileKind
from msb_lsp.rules.base import Finding, Severity
from msb_lsp.server.app import DocumentListener, MsbServer
from msb_lsp.server.convert import Converter
from msb_lsp.server.documents import MAX_CHARS, OpenDocument

log = logging.getLogger("msb_lsp.server")

SOURCE = "msb-lsp"
Provider = Callable[[MsbServer, OpenDocument], list[lsp.Diagnostic]]
PROVIDERS: dict[FileKind, Provider] = {}

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}


def register_provider(kind: FileKind, provider: Provider) -> None:
    """Let another feature supply diagnostics for a kind of document."""
    PROVIDERS[kind] = provider


def findings(ls: MsbServer, doc: OpenDocument) -> list[Finding]:
    """The engine's findings for a Dockerfile, computed once per version and settings."""
    key = f"findings:{ls.settings_generation}"
    cached = doc.cache.get(key)
    if cached is None:
        settings, config = ls.lint_config_for(doc)
        path = doc.path
        cached = doc.cache[key] = lint(doc.model, config, options_for_path(path, settings))
    return cached  # type: ignore[no-any-return]


def to_diagnostic(
    finding: Finding, conv: Converter, uri: str, version: int | None = None
) -> lsp.Diagnostic:
    tags = []
    if finding.unnecessary:
        tags.append(lsp.DiagnosticTag.Unnecessary)
    if finding.deprecated:
        tags.append(lsp.DiagnosticTag.Deprecated)
    related = [
        lsp.DiagnosticRelatedInformation(lsp.Location(uri, conv.range(r.span)), r.message)
        for r in finding.related
    ]
    data: dict[str, Any] = {
        "rule": finding.rule.name,
        "fixes": [f.to_data() for f in finding.fixes],
    }
    if version is not None:  # code actions refuse fixes computed for another version
        data["version"] = version
    return lsp.Diagnostic(
        range=conv.range(finding.span),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=lsp.CodeDescription(href=finding.rule.url),
        source=SOURCE,
        tags=tags or None,
        related_information=related or None,
        data=data,
    )


def diagnostics_for(ls: MsbServer, doc: OpenDocument) -> list[lsp.Diagnostic]:
    if doc.too_large:
        return [_too_large(doc)]
    if doc.kind == FileKind.DOCKERFILE:
        conv = doc.converter(ls.encoding)
        return [to_diagnostic(f, conv, doc.uri, doc.version) for f in findings(ls, doc)]
    provider = PROVIDERS.get(doc.kind)
    if provider is None:
        return []
    try:
        return provider(ls, doc)
    except Exception:
        log.exception("diagnostics provider for %s failed", doc.kind.value)
        return []


def _too_large(doc: OpenDocument) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        message=(
            f"msb-lsp does not analyse documents over {MAX_CHARS / 1e6:.0f} MB "
            f"({len(doc.text) / 1e6:.1f} MB)"
        ),
        severity=lsp.DiagnosticSeverity.Information,
        source=SOURCE,
    )


# Below this cost per analysis (a 3000-line file takes a few tens of ms), linting after
# every change beats any delay; above it, a burst of keystrokes costs one analysis.
CHEAP_ANALYSIS_S = 0.1


class _Publisher(DocumentListener):
    """Push mode. A document whose analysis is cheap is linted on the next loop turn after
    each change; one whose analysis is costly waits for `diagnostics.debounceMs` of quiet,
    so a burst of keystrokes costs one analysis."""

    def __init__(self, server: MsbServer) -> None:
        self.server = server
        self.pending: dict[str, asyncio.TimerHandle | asyncio.Handle] = {}
        self.cost: dict[str, float] = {}  # seconds the last analysis of the document took
        # Bumped when a document's diagnostics depend on another document that changed (a
        # compose file on its Dockerfile): part of the pull result id, so a pull after such a
        # change is never answered "unchanged".
        self.dependency_generation: dict[str, int] = {}
        self._refresh_pending = False

    @property
    def pull_mode(self) -> bool:
        return self.server.client_supports("text_document.diagnostic", None) is not None

    def opened(self, doc: OpenDocument) -> None:
        self.publish_now(doc.uri)

    def saved(self, doc: OpenDocument) -> None:
        self.publish_now(doc.uri)

    def changed(self, doc: OpenDocument) -> None:
        if self.pull_mode:
            return
        loop = asyncio.get_running_loop()
        self._cancel(doc.uri)
        debounce = self.server.settings["diagnostics.debounceMs"] / 1000
        if self.cost.get(doc.uri, 0.0) < CHEAP_ANALYSIS_S:
            self.pending[doc.uri] = loop.call_soon(self._fire, doc.uri)
        else:
            self.pending[doc.uri] = loop.call_later(debounce, self._fire, doc.uri)

    def dependency_changed(self, doc: OpenDocument) -> None:
        """Something `doc`'s diagnostics read (another document) changed."""
        self.dependency_generation[doc.uri] = self.dependency_generation.get(doc.uri, 0) + 1
        if not self.pull_mode:
            self.changed(doc)
        elif not self._refresh_pending and self.server.client_supports(
            "workspace.diagnostics.refresh_support", False
        ):
            # One refresh per burst of edits: the client then pulls every open document.
            self._refresh_pending = True
            asyncio.get_running_loop().call_later(0.2, self._refresh)

    def _refresh(self) -> None:
        self._refresh_pending = False
        self.server.workspace_diagnostic_refresh(None)

    def closed(self, uri: str) -> None:
        self._cancel(uri)
        self.dependency_generation.pop(uri, None)
        self.cost.pop(uri, None)
        if not self.pull_mode:
            self.server.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def _cancel(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def _fire(self, uri: str) -> None:
        self.pending.pop(uri, None)
        self.publish_now(uri)

    def publish_now(self, uri: str) -> None:
        if self.pull_mode:
            return
        doc = self.server.document(uri)
        if doc is None:
            return
        started = time.perf_counter()
        try:
            items = diagnostics_for(self.server, doc)
        except Exception:  # never let one document's analysis kill the server
            log.exception("analysis of %s failed", uri)
            items = []
        self.cost[uri] = time.perf_counter() - started
        self.server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, version=doc.version, diagnostics=items)
        )

    def republish_all(self) -> None:
        if self.pull_mode:
            if self.server.client_supports("workspace.diagnostics.refresh_support", False):
                self.server.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.server.documents.docs):
            self.publish_now(uri)


def register(server: MsbServer) -> None:
    publisher = _Publisher(server)
    server.document_listeners.append(publisher)
    server.on_settings_changed.append(publisher.republish_all)
    server.services["diagnostics"] = publisher

    @server.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(
            identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False
        ),
    )
    def pull(ls: MsbServer, params: lsp.DocumentDiagnosticParams) -> lsp.DocumentDiagnosticReport:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return lsp.RelatedFullDocumentDiagnosticReport(items=[])
        deps = publisher.dependency_generation.get(doc.uri, 0)
        result_id = f"{doc.uri}@{doc.version}#{ls.settings_generation}.{deps}"
        if params.previous_result_id == result_id:
            return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return lsp.RelatedFullDocumentDiagnosticReport(
            items=diagnostics_for(ls, doc), result_id=result_id
        )
