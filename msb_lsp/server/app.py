"""The pygls server: wiring only. Every LSP feature lives in `msb_lsp.server.features.*`.

`create_server()` builds a fresh server and lets each feature module register its handlers
(a module-level `register(server)` function), so features stay independent of each other.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from msb_lsp import __version__
from msb_lsp.config.project import find_project_config
from msb_lsp.config.settings import Settings, load_settings
from msb_lsp.engine.lint import LintConfig
from msb_lsp.server.documents import DocumentStore, OpenDocument

log = logging.getLogger("msb_lsp.server")


class MsbProtocol(LanguageServerProtocol):
    """Document sync goes to our own store; pygls's copy (split with str.splitlines, which
    also breaks lines on U+2028) would cost a second copy of every edit for nothing."""

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams):  # type: ignore[no-untyped-def,override]
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams):  # type: ignore[no-untyped-def,override]
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams):  # type: ignore[no-untyped-def,override]
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class DocumentListener:
    """Callbacks a feature gets for document events; all are optional."""

    def opened(self, doc: OpenDocument) -> None: ...

    def changed(self, doc: OpenDocument) -> None: ...

    def saved(self, doc: OpenDocument) -> None: ...

    def closed(self, uri: str) -> None: ...


class MsbServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("msb-lsp", __version__, protocol_cls=MsbProtocol)
        self.documents = DocumentStore()
        self.settings = Settings.defaults()
        self.settings_generation = 0  # bumped on every settings change (invalidates caches)
        self._reported_errors: set[str] = set()
        # Called with every document after the settings changed (diagnostics re-publish).
        self.on_settings_changed: list[Callable[[], None]] = []
        self.services: dict[str, Any] = {}  # shared helpers features register (catalog, ...)
        # Features that react to document events register here (see features/sync.py).
        self.document_listeners: list[DocumentListener] = []

    # -- client facts ----------------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            return str(self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16)
        except RuntimeError:
            return lsp.PositionEncodingKind.Utf16

    def client_supports(self, field: str, default: Any = False) -> Any:
        """A client capability by dotted path, e.g. `text_document.diagnostic`."""
        caps = getattr(self.protocol, "client_capabilities", None)
        if caps is None:
            return default
        return get_capability(caps, field, default)

    # -- documents -------------------------------------------------------------------

    def document(self, uri: str) -> OpenDocument | None:
        return self.documents.get(uri)

    def lint_config_for(self, doc: OpenDocument) -> tuple[Settings, LintConfig]:
        """Editor settings, overridden by the project file found upward from the document."""
        settings = self.settings
        path = doc.path
        if path is not None:
            project = find_project_config(path)
            for message in project.errors:
                self.report_config_error(message)
            if project.values:
                merged = dict(settings.values)
                merged.update(project.values)
                settings = Settings(merged)
        return settings, LintConfig.from_settings(settings)

    # -- settings --------------------------------------------------------------------

    def apply_settings(self, raw: Any) -> None:
        settings, errors = load_settings(raw)
        for message in errors:
            self.report_config_error(message)
        self.settings = settings
        self.settings_generation += 1
        for callback in self.on_settings_changed:
            callback()

    def report_config_error(self, message: str) -> None:
        """Tell the user once about a bad setting; the server goes on with the defaults."""
        if message in self._reported_errors:
            return
        self._reported_errors.add(message)
        log.warning("%s", message)
        try:
            self.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=f"msb-lsp: {message}")
            )
        except Exception:  # not connected (unit tests): the log line is enough
            log.debug("could not show message", exc_info=True)


def _feature_modules() -> list[str]:
    from msb_lsp.server import features

    return sorted(
        m.name for m in pkgutil.iter_modules(features.__path__) if not m.name.startswith("_")
    )


def create_server() -> MsbServer:
    server = MsbServer()
    for name in _feature_modules():
        module = importlib.import_module(f"msb_lsp.server.features.{name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(server)
    return server


def workspace_root(server: MsbServer) -> Path | None:
    try:
        root = server.workspace.root_path
    except RuntimeError:
        return None
    return Path(root) if root else None
