"""A live msb-lsp for the fuzz suite, and one session (one document) on it.

The server is the real process (`python -m msb_lsp`) spoken to over stdio with the project's
own synchronous client (`benchmarks/lspclient.py`), extended here with requests that do not
wait (several in flight, some cancelled) and a complete record of the server's stderr.

One server serves many hypothesis examples, each on a fresh document: starting a server and
loading the rules costs about a second, a session a few milliseconds per message, and a
long-lived server also shows state that leaks between documents. A server that died is
started again for the next example (so hypothesis can shrink a crash on a fresh server).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.lspclient import LspClient, ServerExited
from tests.fuzz.checks import (
    Sent,
    ServerFacts,
    answer_problems,
    edit_groups,
    edit_set_problems,
    publish_problems,
)
from tests.fuzz.textmodel import TextModel

JSON = Any
ANSWER_TIMEOUT = 30.0  # seconds: a robustness bound, far above any answer on this machine
SETTINGS = {"msbLsp": {"registry": {"enabled": False}}}
DOCUMENT_TEXT = "msb-lsp.internal.documentText"


@dataclass(frozen=True)
class Profile:
    """A kind of client: its encoding and what it supports."""

    name: str
    encoding: str
    rich: bool  # VS Code-like (lazy code actions, documentChanges, snippets, hierarchy, ...)

    def capabilities(self) -> dict[str, JSON]:
        markup = ["markdown", "plaintext"] if self.rich else ["plaintext"]
        text_document: dict[str, JSON] = {
            "synchronization": {"didSave": True},
            "publishDiagnostics": {
                "relatedInformation": True,
                "versionSupport": True,
                "codeDescriptionSupport": self.rich,
                "dataSupport": self.rich,
                "tagSupport": {"valueSet": [1, 2]} if self.rich else None,
            },
            "completion": {
                "contextSupport": True,
                "completionItem": {
                    "snippetSupport": self.rich,
                    "documentationFormat": markup,
                    "deprecatedSupport": self.rich,
                    "insertReplaceSupport": self.rich,
                    "labelDetailsSupport": self.rich,
                    "tagSupport": {"valueSet": [1]} if self.rich else None,
                },
            },
            "hover": {"contentFormat": markup},
            "definition": {"linkSupport": self.rich},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": self.rich},
            "documentLink": {"tooltipSupport": self.rich},
            "foldingRange": {"rangeLimit": 50} if not self.rich else {"lineFoldingOnly": True},
            "rename": {"prepareSupport": True},
            "semanticTokens": {
                "requests": {"full": True, "range": True},
                "tokenTypes": [],
                "tokenModifiers": [],
                "formats": ["relative"],
            },
            "inlayHint": {},
            "codeLens": {},
        }
        if self.rich:
            text_document["codeAction"] = {
                "isPreferredSupport": True,
                "dataSupport": True,
                "resolveSupport": {"properties": ["edit"]},
                "codeActionLiteralSupport": {
                    "codeActionKind": {
                        "valueSet": ["", "quickfix", "refactor", "source", "source.fixAll"]
                    }
                },
            }
        else:
            text_document["codeAction"] = {}  # Commands only
        return _without_none(
            {
                "general": {"positionEncodings": [self.encoding]},
                "window": {"workDoneProgress": self.rich},
                "workspace": {
                    "applyEdit": True,
                    "configuration": True,
                    "workspaceEdit": {
                        "documentChanges": self.rich,
                        "snippetEditSupport": self.rich,
                    },
                    "inlayHint": {"refreshSupport": self.rich},
                    "codeLens": {"refreshSupport": self.rich},
                },
                "textDocument": text_document,
            }
        )


PROFILES = (
    Profile("utf16-rich", "utf-16", rich=True),
    Profile("utf8-plain", "utf-8", rich=False),
)


def _without_none(value: JSON) -> JSON:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value


class FuzzClient(LspClient):
    """The benchmark client, plus the whole of stderr and a log of the last messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.stderr_lines: list[str] = []
        self._stderr_lock = threading.Lock()
        # The last messages both ways, for reports of what arrived out of turn.
        self.wire: collections.deque[str] = collections.deque(maxlen=60)
        super().__init__(*args, **kwargs)

    def _log(self, arrow: str, message: JSON) -> None:
        if isinstance(message, dict):
            brief = {k: message[k] for k in ("id", "method", "error") if k in message}
            params = message.get("params")
            if isinstance(params, dict) and "command" in params:
                brief["command"] = params["command"]
            self.wire.append(f"{arrow} {brief}")
        super()._log(arrow, message)

    def _stderr_loop(self) -> None:
        stderr = self.proc.stderr
        assert stderr is not None
        for line in stderr:
            text = line.decode(errors="replace")
            with self._stderr_lock:
                self.stderr_lines.append(text)
            self.stderr_tail = (self.stderr_tail + line)[-8192:]
        with contextlib.suppress(OSError):
            stderr.close()

    def stderr_since(self, mark: int) -> list[str]:
        with self._stderr_lock:
            return self.stderr_lines[mark:]

    def stderr_mark(self) -> int:
        with self._stderr_lock:
            return len(self.stderr_lines)


class FuzzServer:
    """One server process for many sessions, started again when it died."""

    def __init__(self, profile: Profile, folder: Path) -> None:
        self.profile = profile
        self.folder = folder
        self.client: FuzzClient | None = None
        self.capabilities: dict[str, JSON] = {}
        self.encoding = profile.encoding
        self.restarts = 0
        self.sessions = 0
        self.stats: dict[str, int] = {}  # answers per method, and per kind of error answer
        self._uris = itertools.count()

    def ensure(self) -> FuzzClient:
        if self.client is not None and self.client.alive and self.client.proc.poll() is None:
            return self.client
        if self.client is not None:
            self.client.kill()
            self.restarts += 1
        client = FuzzClient(
            [sys.executable, "-m", "msb_lsp"],
            env={"MSB_LSP_OFFLINE": "1", "MSB_LSP_CACHE_DIR": str(self.folder / "cache")},
            settings=SETTINGS,
        )
        result, _ = client.initialize(
            self.folder,
            ANSWER_TIMEOUT,
            capabilities=self.profile.capabilities(),
            initialization_options=SETTINGS["msbLsp"],
        )
        self.capabilities = result["capabilities"]
        self.encoding = self.capabilities.get("positionEncoding", "utf-16")
        self.client = client
        return client

    def new_uri(self) -> str:
        return (self.folder / f"session{next(self._uris)}" / "Dockerfile").as_uri()

    def facts(self, uri: str) -> ServerFacts:
        caps = self.capabilities
        legend = (caps.get("semanticTokensProvider") or {}).get("legend") or {}
        return ServerFacts(
            uri=uri,
            commands=frozenset((caps.get("executeCommandProvider") or {}).get("commands", [])),
            token_types=len(legend.get("tokenTypes", [])),
            token_modifiers=len(legend.get("tokenModifiers", [])),
        )

    def summary(self) -> str:
        lines = [f"{self.profile.name}: {self.sessions} sessions, {self.restarts} restarts"]
        lines += [f"  {count:6d}  {key}" for key, count in sorted(self.stats.items())]
        return "\n".join(lines)

    def close(self) -> dict[str, JSON] | None:
        if self.client is None:
            return None
        outcome = self.client.close(10)
        self.client = None
        return outcome


@dataclass
class Pools:
    """What earlier answers handed out, for requests that need it (resolve, commands)."""

    completion_items: list[JSON] = field(default_factory=list)
    code_actions: list[JSON] = field(default_factory=list)
    code_lenses: list[JSON] = field(default_factory=list)
    links: list[JSON] = field(default_factory=list)
    hints: list[JSON] = field(default_factory=list)
    commands: list[tuple[str, list[JSON]]] = field(default_factory=list)
    diagnostics: dict[int, list[JSON]] = field(default_factory=dict)  # version -> published

    def remember(self, method: str, result: JSON) -> None:
        if not result:
            return
        if method == "textDocument/completion":
            items = result.get("items", []) if isinstance(result, dict) else result
            self.completion_items.extend(items[:5])
        elif method == "textDocument/codeAction":
            for action in result:
                if "command" in action and isinstance(action["command"], str):
                    self.commands.append((action["command"], action.get("arguments") or []))
                else:
                    self.code_actions.append(action)
        elif method == "textDocument/codeLens":
            self.code_lenses.extend(result[:5])
            for lens in result[:5]:
                command = lens.get("command")
                if command:
                    self.commands.append((command["command"], command.get("arguments") or []))
        elif method == "textDocument/documentLink":
            self.links.extend(result[:3])
        elif method == "textDocument/inlayHint":
            self.hints.extend(result[:3])
        for pool in (self.completion_items, self.code_actions, self.code_lenses, self.commands):
            del pool[:-20]


class Session:
    """One document on the server: its versions as the client sent them, the requests in
    flight, and every problem found."""

    def __init__(self, server: FuzzServer, text: str) -> None:
        self.server = server
        self.client = server.ensure()
        self.uri = server.new_uri()
        self.encoding = server.encoding
        self.models: dict[int, TextModel] = {1: TextModel(text, self.encoding)}
        self.version = 1
        self.pending: list[Sent] = []
        self.problems: list[str] = []
        self.transcript: list[str] = []
        self.pools = Pools()
        self.facts = server.facts(self.uri)
        self.message_mark = self.client.mark()
        self.message_seen = self.message_mark
        self.stderr_mark = self.client.stderr_mark()
        self.answers = 0
        self.closed = False
        server.sessions += 1

    @property
    def model(self) -> TextModel:
        return self.models[self.version]

    def log(self, line: str) -> None:
        self.transcript.append(line)

    # -- notifications ---------------------------------------------------------------

    def open(self) -> None:
        self.log(f"didOpen {self.model.text!r}")
        self.client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": self.uri,
                    "languageId": "dockerfile",
                    "version": 1,
                    "text": self.model.text,
                }
            },
        )

    def change(self, changes: list[JSON]) -> None:
        text = self.model.apply(changes)
        self.version += 1
        self.models[self.version] = TextModel(text, self.encoding)
        self.log(f"didChange v{self.version} {changes!r}")
        self.client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": changes},
        )

    def save(self) -> None:
        self.log("didSave")
        self.client.notify("textDocument/didSave", {"textDocument": {"uri": self.uri}})

    # -- requests ----------------------------------------------------------------------

    def request(
        self,
        method: str,
        params: JSON,
        *,
        position: tuple[int, int] | None = None,
        cancel: bool = False,
    ) -> None:
        msg_id = self.client.send_request(method, params)
        sent = Sent(msg_id, method, params, self.uri, self.version, cancel, position)
        self.log(
            f"#{msg_id} {method} v{self.version} {params!r}" + (" (cancelled)" if cancel else "")
        )
        if cancel:
            self.client.notify("$/cancelRequest", {"id": msg_id})
        self.pending.append(sent)

    def drain(self) -> None:
        """Wait for every answer in flight and check it."""
        pending, self.pending = self.pending, []
        for sent in pending:
            response = self.client.wait_response(sent.id, ANSWER_TIMEOUT)
            if response is None:
                self.problems.append(
                    f"#{sent.id} {sent.method}: no answer within {ANSWER_TIMEOUT:g} s"
                )
                continue
            sent.received_version = self.version
            self.answers += 1
            key = sent.method
            if "error" in response:
                key += f" (error {(response.get('error') or {}).get('code')})"
            self.server.stats[key] = self.server.stats.get(key, 0) + 1
            found = answer_problems(sent, response, self.models, self.facts)
            if found:
                self.problems.extend(f"#{sent.id} {sent.method}: {p}" for p in found)
            elif "result" in response:
                self.pools.remember(sent.method, response["result"])
        self.absorb()
        self.await_diagnostics()

    def await_diagnostics(self) -> None:
        """Wait for the diagnostics of the current version and keep them for later code action
        requests. (Which intermediate versions get diagnostics depends on timing; the current
        one always does, so what later requests draw from does not.)"""
        try:
            got = self.client.wait_for_diagnostics(
                self.uri, self.version, self.message_mark, ANSWER_TIMEOUT
            )
        except Exception as exc:
            self.problems.append(f"no diagnostics published for v{self.version}: {exc}")
            return
        self.pools.diagnostics[self.version] = (got.params or {}).get("diagnostics", [])

    # -- the end of a session -------------------------------------------------------------

    def finish(self) -> None:
        """Drain, check what the server pushed, compare its text with ours, close."""
        self.drain()  # both client profiles take pushed diagnostics: the last version's came
        self.absorb()
        self.compare_text()
        self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})
        self.closed = True
        self.check_stderr()

    def abandon(self) -> None:
        """Hypothesis stopped the example midway (it does when a draw overruns): let what is
        in flight land and close the document, so that late answers and the edits they ask
        for do not arrive in the next session."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(ServerExited):
            for sent in self.pending:
                self.client.wait_response(sent.id, ANSWER_TIMEOUT)
            self.pending = []
            self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})

    def absorb(self) -> None:
        """Check what the server sent on its own since the last look (diagnostics, messages,
        edits it asked the client to apply)."""
        incoming = self.client.incoming_since(self.message_seen)
        self.message_seen += len(incoming)
        for message in incoming:
            params = message.params or {}
            if message.method == "textDocument/publishDiagnostics":
                if params.get("uri") != self.uri:
                    continue
                found = publish_problems(params, self.models, self.uri)
                self.problems.extend(f"publishDiagnostics: {p}" for p in found)
            elif message.method in ("window/showMessage", "window/logMessage"):
                if params.get("type") == 1:  # Error
                    self.problems.append(f"{message.method}: {params.get('message')}")
            elif message.method == "workspace/applyEdit":
                edit = params.get("edit") or {}
                for uri, version, edits in edit_groups(edit):
                    if uri != self.uri or (version is not None and version not in self.models):
                        self.problems.append(
                            f"applyEdit for {uri} v{version}: unknown (this session: "
                            f"{self.uri}); the last messages:\n    "
                            + "\n    ".join(self.client.wire)
                        )
                        continue
                    self.problems.extend(
                        f"applyEdit: {p}" for p in self._edit_problems(version, edits)
                    )

    def _edit_problems(self, version: int | None, edits: list[JSON]) -> list[str]:
        """A versioned edit must fit its version. An unversioned one (a client without
        `documentChanges`) was computed for the text the server had when it ran the command;
        the client may have sent edits since, so it must fit one of the versions sent."""
        if version is not None:
            return edit_set_problems(self.models[version], edits)
        first: list[str] | None = None
        for sent in sorted(self.models, reverse=True):
            found = edit_set_problems(self.models[sent], edits)
            if not found:
                return []
            first = found if first is None else first
        return first or []

    def compare_text(self) -> None:
        response = None
        with contextlib.suppress(ServerExited):
            msg_id = self.client.send_request(
                "workspace/executeCommand", {"command": DOCUMENT_TEXT, "arguments": [self.uri]}
            )
            response = self.client.wait_response(msg_id, ANSWER_TIMEOUT)
        if response is None or "result" not in response or response["result"] is None:
            self.problems.append(f"{DOCUMENT_TEXT} gave no text: {response!r}")
            return
        mine = self.model.text
        theirs = response["result"]
        if theirs.get("version") != self.version or theirs.get("text") != mine:
            self.problems.append(
                f"the server's text (v{theirs.get('version')}) differs from the client's "
                f"(v{self.version}): server {theirs.get('text')!r} client {mine!r}"
            )

    def check_stderr(self) -> None:
        lines = self.client.stderr_since(self.stderr_mark)
        text = "".join(lines)
        if "Traceback" in text or "Error in server" in text:
            self.problems.append("server stderr:\n" + text[-6000:])
        if not self.client.alive or self.client.proc.poll() is not None:
            self.problems.append("the server exited: " + self.client._exit_description())

    def report(self) -> str:
        shown = self.transcript[-60:]
        return (
            f"{len(self.problems)} problem(s) in a session of {len(self.transcript)} messages "
            f"({self.server.profile.name}, {self.encoding}):\n  "
            + "\n  ".join(p[:3000] for p in self.problems[:20])
            + "\n-- transcript (last 60) --\n  "
            + "\n  ".join(t[:1500] for t in shown)
        )
