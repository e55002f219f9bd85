"""The pygls server: wiring only. Every LSP feature lives in `msb_lsp.server.features.*`.

`create_server()` builds a fresh server and lets each feature module register its handlers
(a module-level `register(server)` function), so features stay independent of each other.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import logging
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.feature_manager import is_thread_function
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import _prepare_command_arguments, lsp_method

from msb_lsp import __version__
from msb_lsp.config.project import find_project_config
from msb_lsp.config.settings import Settings, load_settings
from msb_lsp.engine.lint import LintConfig
from msb_lsp.server.documents import DocumentStore, OpenDocument
from msb_lsp.server.stdio import serve_stdio

log = logging.getLogger("msb_lsp.server")


class Refusal(JsonRpcException):
    """An error answer the user's request earned (a rename to an invalid name): the client
    shows its message. Features raise a subclass with a CODE; the server log gets no
    traceback for it (pygls logs every JsonRpcException with one)."""


class _QuietRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, Refusal)


def _quiet_refusals() -> None:
    """Keep expected refusals out of pygls's error log (once per process)."""
    logger = logging.getLogger("pygls.protocol.json_rpc")
    if not any(isinstance(f, _QuietRefusals) for f in logger.filters):
        logger.addFilter(_QuietRefusals())


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

    @lsp_method(lsp.WORKSPACE_EXECUTE_COMMAND)
    async def lsp_workspace__execute_command(self, params: lsp.ExecuteCommandParams) -> Any:  # type: ignore[override]
        """Run a command in the request's own task, so that `$/cancelRequest` reaches it.

        pygls runs a command as a second task that a cancellation does not reach: the client
        was told "cancelled" while the command went on (and could still ask it to apply an
        edit)."""
        handler = self.fm.commands.get(params.command)
        if handler is None:
            raise JsonRpcInvalidParams.of(
                ValueError(f"Command name {params.command!r} is not defined")
            )
        try:
            args, kwargs = _prepare_command_arguments(handler, params, self._converter)
        except Exception as exc:
            raise JsonRpcInvalidParams.of(exc) from exc
        if is_thread_function(handler):
            loop = asyncio.get_running_loop()
            call = functools.partial(handler, *args, **kwargs)
            return await loop.run_in_executor(self._server.thread_pool, call)
        result = handler(*args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    def _handle_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        """The client's answer to a request of ours. When the handler that awaited it was
        cancelled, so is the future pygls kept for it: drop the answer instead of failing on
        it (pygls would log "Unable to handle message" and show the user an error)."""
        future = self._request_futures.get(msg_id)
        if future is not None and future.cancelled():
            self._request_futures.pop(msg_id, None)
            return
        super()._handle_response(msg_id, result, error)


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
        self.shutdown_request_id: Any = None  # the id of `shutdown`, once it arrived
        self.settings = Settings.defaults()
        self.settings_generation = 0  # bumped on every settings change (invalidates caches)
        self._reported_errors: set[str] = set()
        # Called with every document after the settings changed (diagnostics re-publish).
        self.on_settings_changed: list[Callable[[], None]] = []
        self.services: dict[str, Any] = {}  # shared helpers features register (catalog, ...)
        # Features that react to document events register here (see features/sync.py).
        self.document_listeners: list[DocumentListener] = []
        # LSP methods several features answer (completion, hover, definition, ...): each
        # feature contributes a handler; create_server() wires one merged handler per method.
        self.contributions: dict[str, list[tuple[Callable[..., Any], Any]]] = {}
        # Called (and awaited when they return an awaitable) when the client sends `shutdown`:
        # features cancel background work there (registry lookups, timers).
        self.shutdown_hooks: list[Callable[[], Any]] = []

    def contribute(self, method: str, handler: Callable[..., Any], options: Any = None) -> None:
        """Add a handler for an LSP method that other features may answer too.

        `handler(ls, params)` returns None when it has nothing to say; results are merged
        (lists and completion items concatenated, workspace edits combined, otherwise the
        first answer wins, in the order features register).
        """
        self.contributions.setdefault(method, []).append((handler, options))

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

    def _start_io_async(self, stdin: Any = None, stdout: Any = None) -> None:
        serve_stdio(self, stdin, stdout)  # reads the pipe on the event loop, no thread hops

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


# -- contributions: several features answering one LSP method ------------------------------


def _merge_options(method: str, a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, lsp.CompletionOptions):
        triggers = sorted(set(a.trigger_characters or []) | set(b.trigger_characters or []))
        return lsp.CompletionOptions(
            trigger_characters=triggers or None,
            resolve_provider=bool(a.resolve_provider or b.resolve_provider) or None,
        )
    if isinstance(a, lsp.CodeActionOptions):
        kinds = list(dict.fromkeys([*(a.code_action_kinds or []), *(b.code_action_kinds or [])]))
        return lsp.CodeActionOptions(
            code_action_kinds=kinds or None,
            resolve_provider=bool(a.resolve_provider or b.resolve_provider) or None,
        )
    if isinstance(a, lsp.SignatureHelpOptions):
        return a
    return a


def _merge_results(method: str, results: list[Any]) -> Any:
    """Combine the answers of several contributors to one LSP response."""
    present = [r for r in results if r is not None]
    if not present:
        return None
    first = present[0]
    if isinstance(first, lsp.WorkspaceEdit):
        changes: dict[str, list[lsp.TextEdit]] = {}
        document_changes: list[Any] = []
        for edit in present:
            for uri, edits in (edit.changes or {}).items():
                changes.setdefault(uri, []).extend(edits)
            document_changes.extend(edit.document_changes or [])
        return lsp.WorkspaceEdit(changes=changes or None, document_changes=document_changes or None)
    if isinstance(first, (list, lsp.CompletionList)):
        items: list[Any] = []
        incomplete = False
        for r in present:
            if isinstance(r, lsp.CompletionList):
                items.extend(r.items)
                incomplete = incomplete or r.is_incomplete
            elif isinstance(r, list):
                items.extend(r)
            else:
                items.append(r)
        if method == lsp.TEXT_DOCUMENT_COMPLETION:
            return lsp.CompletionList(is_incomplete=incomplete, items=items)
        return items
    return first  # hover, prepareRename, ...: the first contributor that answers wins


def _wire_contributions(server: MsbServer) -> None:
    for method, entries in server.contributions.items():
        handlers = [h for h, _ in entries]
        options = None
        for _, opt in entries:
            options = _merge_options(method, options, opt)
        is_async = any(inspect.iscoroutinefunction(h) for h in handlers)

        if is_async:

            async def handler(ls: MsbServer, params: Any, _m=method, _hs=handlers) -> Any:
                results = []
                for h in _hs:
                    try:
                        r = h(ls, params)
                        results.append(await r if inspect.isawaitable(r) else r)
                    except JsonRpcException:
                        raise  # an error response for the client (e.g. a refused rename)
                    except Exception:
                        log.exception("%s contributor %s failed", _m, h.__qualname__)
                return _merge_results(_m, results)

        else:

            def handler(ls: MsbServer, params: Any, _m=method, _hs=handlers) -> Any:  # type: ignore[misc]
                results = []
                for h in _hs:
                    try:
                        results.append(h(ls, params))
                    except JsonRpcException:
                        raise  # an error response for the client (e.g. a refused rename)
                    except Exception:
                        log.exception("%s contributor %s failed", _m, h.__qualname__)
                return _merge_results(_m, results)

        server.feature(method, options)(handler) if options is not None else server.feature(method)(
            handler
        )


def _feature_modules() -> list[str]:
    from msb_lsp.server import features

    return sorted(
        m.name for m in pkgutil.iter_modules(features.__path__) if not m.name.startswith("_")
    )


def _wire_shutdown(server: MsbServer) -> None:
    """Run `server.shutdown_hooks` on `shutdown`, and have an early `exit` wait for them
    (unless features own those messages)."""
    if lsp.SHUTDOWN in server.protocol.fm.features:
        return

    @server.feature(lsp.SHUTDOWN)
    async def shutdown(ls: MsbServer, params: None) -> None:
        ls.shutdown_request_id = ls.protocol.msg_id
        for hook in list(ls.shutdown_hooks):
            try:
                result = hook()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("shutdown hook %s failed", getattr(hook, "__qualname__", hook))

    if lsp.EXIT in server.protocol.fm.features:
        return

    @server.feature(lsp.EXIT)
    async def exit_after_shutdown(ls: MsbServer, params: None) -> None:
        """A client that sends `exit` without waiting for the answer to `shutdown` (the spec
        says to wait): let the shutdown finish and be answered first, for a moment at most."""
        pending = ls.shutdown_request_id
        if pending is None:
            return
        protocol = ls.protocol
        for _ in range(400):  # 2 s
            if protocol._shutdown and pending not in protocol._request_futures:
                return
            await asyncio.sleep(0.005)


def create_server() -> MsbServer:
    _quiet_refusals()
    server = MsbServer()
    for name in _feature_modules():
        module = importlib.import_module(f"msb_lsp.server.features.{name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(server)
    _wire_contributions(server)
    _wire_shutdown(server)
    return server


def workspace_root(server: MsbServer) -> Path | None:
    try:
        root = server.workspace.root_path
    except RuntimeError:
        return None
    return Path(root) if root else None
