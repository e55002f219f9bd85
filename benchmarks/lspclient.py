"""A small stdio LSP client for benchmarking (standard library only).

The server runs as a child process. A reader thread parses `Content-Length` framed JSON-RPC
messages from its stdout, stamps each with `time.perf_counter()` on arrival and answers the
server's own requests at once; a writer thread feeds its stdin, so a server that stops reading
cannot block the caller; a third thread keeps the tail of its stderr. The caller's side is
synchronous: `request()` blocks until the answer (or a deadline) and returns it with its latency.
Every wait has a deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JSON = Any

METHOD_NOT_FOUND = -32601

MARKUP_KINDS = ["markdown", "plaintext"]

#: Roughly what VS Code announces; some servers switch features on or off based on these.
CLIENT_CAPABILITIES: dict[str, JSON] = {
    "general": {"positionEncodings": ["utf-16"]},
    "window": {"workDoneProgress": True, "showDocument": {"support": False}},
    "workspace": {
        "applyEdit": True,
        "configuration": True,
        "workspaceFolders": True,
        "workspaceEdit": {"documentChanges": True},
        "didChangeConfiguration": {"dynamicRegistration": True},
        "executeCommand": {"dynamicRegistration": True},
    },
    "textDocument": {
        "synchronization": {"dynamicRegistration": True, "didSave": True, "willSave": False},
        "publishDiagnostics": {
            "relatedInformation": True,
            "versionSupport": True,
            "codeDescriptionSupport": True,
            "dataSupport": True,
            "tagSupport": {"valueSet": [1, 2]},
        },
        "completion": {
            "contextSupport": True,
            "completionItem": {
                "snippetSupport": True,
                "commitCharactersSupport": True,
                "documentationFormat": MARKUP_KINDS,
                "deprecatedSupport": True,
                "preselectSupport": True,
                "insertReplaceSupport": True,
                "labelDetailsSupport": True,
                "resolveSupport": {
                    "properties": ["documentation", "detail", "additionalTextEdits"]
                },
            },
        },
        "hover": {"contentFormat": MARKUP_KINDS},
        "definition": {"linkSupport": True},
        "references": {},
        "documentHighlight": {},
        "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
        "documentLink": {"tooltipSupport": True},
        "codeAction": {
            "isPreferredSupport": True,
            "dataSupport": True,
            "disabledSupport": True,
            "resolveSupport": {"properties": ["edit"]},
            "codeActionLiteralSupport": {
                "codeActionKind": {
                    "valueSet": [
                        "",
                        "quickfix",
                        "refactor",
                        "refactor.extract",
                        "refactor.inline",
                        "refactor.rewrite",
                        "source",
                        "source.organizeImports",
                        "source.fixAll",
                    ]
                }
            },
        },
        "rename": {"prepareSupport": True},
        "formatting": {},
        "foldingRange": {"lineFoldingOnly": True},
        "signatureHelp": {"signatureInformation": {"documentationFormat": MARKUP_KINDS}},
    },
}

#: Server->client requests answered with `null`.
NULL_ANSWERS = frozenset(
    {
        "client/registerCapability",
        "client/unregisterCapability",
        "window/workDoneProgress/create",
        "window/showMessageRequest",
        "workspace/semanticTokens/refresh",
        "workspace/diagnostic/refresh",
        "workspace/inlayHint/refresh",
        "workspace/codeLens/refresh",
    }
)


class LspTimeout(Exception):
    """No answer before the deadline."""


class ServerExited(Exception):
    """The server's process ended or closed its stdout."""


class LspError(Exception):
    """The server answered a request with a JSON-RPC error."""

    def __init__(self, method: str, error: Mapping[str, JSON]) -> None:
        self.code = error.get("code")
        self.error_message = str(error.get("message", ""))
        super().__init__(f"{method}: error {self.code}: {self.error_message}")


@dataclass(frozen=True)
class Incoming:
    """A notification (or server request) as it arrived."""

    seq: int
    time: float
    method: str
    params: JSON


def encode(message: Mapping[str, JSON]) -> bytes:
    """One framed JSON-RPC message."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream: Any) -> JSON | None:
    """Read one framed message from a binary stream; None at end of stream."""
    length: int | None = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.rstrip(b"\r\n")
        if not line:
            if length is None:
                continue  # stray blank line before the headers
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = stream.read(length)
    if len(body) < length:
        return None
    return json.loads(body)


def utf16_index(line: str, character: int) -> int:
    """The index into `line` of an LSP column counted in UTF-16 code units (clamped)."""
    units = 0
    for index, char in enumerate(line):
        if units >= character:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def lookup_setting(settings: Mapping[str, JSON] | None, section: str | None) -> JSON:
    """The value under a dotted `section` of `settings` (the whole dict for no section)."""
    if settings is None:
        return None
    if not section:
        return dict(settings)
    if section in settings:
        return settings[section]
    node: JSON = settings
    for part in section.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from /proc (Linux); [root] elsewhere."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return [root]
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def peak_rss_kb(root: int) -> dict[str, JSON]:
    """VmHWM (peak resident set) of a process tree: the sum and each process."""
    rows = []
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        hwm = fields.get("VmHWM")
        if hwm is None:
            continue
        rows.append(
            {"pid": pid, "name": fields.get("Name", "?").strip(), "vmhwm_kb": int(hwm.split()[0])}
        )
    return {"total_kb": sum(row["vmhwm_kb"] for row in rows), "processes": rows}


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


class LspClient:
    """One server process and the JSON-RPC conversation with it."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        settings: Mapping[str, JSON] | None = None,
        folders: Sequence[Mapping[str, str]] = (),
        trace: bool = False,
    ) -> None:
        self.argv = list(argv)
        self.settings = settings
        self.folders = [dict(folder) for folder in folders]
        self.trace = trace
        self.server_requests: list[str] = []
        self.stderr_tail = b""
        self.write_error: str | None = None
        self._cond = threading.Condition()
        self._responses: dict[int, tuple[float, JSON]] = {}
        self._incoming: list[Incoming] = []
        self._next_id = 0
        self._eof = False
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        full_env = None if env is None else {**os.environ, **env}
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=full_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for target in (self._read_loop, self._write_loop, self._stderr_loop):
            threading.Thread(target=target, daemon=True).start()

    # -- plumbing ---------------------------------------------------------------------------

    def _log(self, arrow: str, message: JSON) -> None:
        if self.trace:
            text = json.dumps(message, ensure_ascii=False)
            if len(text) > 1500:
                text = text[:1500] + " ..."
            stamp = (time.perf_counter() - self.t_spawn) * 1000
            print(f"[{stamp:10.2f} ms] {arrow} {text}", file=sys.stderr)

    def _send(self, message: Mapping[str, JSON]) -> None:
        if self.write_error is not None:
            raise ServerExited(f"cannot write to the server: {self.write_error}")
        if self._eof:
            raise ServerExited(self._exit_description())
        self._log("-->", message)
        self._outbox.put(encode(message))

    def _write_loop(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        while True:
            data = self._outbox.get()
            if data is None:
                with contextlib.suppress(OSError, ValueError):
                    stdin.close()
                return
            try:
                stdin.write(data)
                stdin.flush()
            except (OSError, ValueError) as exc:
                self.write_error = str(exc) or type(exc).__name__
                with self._cond:
                    self._cond.notify_all()
                return

    def _stderr_loop(self) -> None:
        stderr = self.proc.stderr
        assert stderr is not None
        for line in stderr:
            self.stderr_tail = (self.stderr_tail + line)[-8192:]
            if self.trace:
                print(f"[server stderr] {line.decode(errors='replace').rstrip()}", file=sys.stderr)
        with contextlib.suppress(OSError):
            stderr.close()

    def _read_loop(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while True:
                try:
                    message = read_message(stdout)
                except (ValueError, OSError) as exc:  # bad framing or JSON
                    self.stderr_tail += f"\n[benchmark client] unreadable message: {exc}".encode()
                    message = None
                if message is None:
                    break
                arrived = time.perf_counter()
                self._log("<--", message)
                self._dispatch(message, arrived)
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()
            with contextlib.suppress(OSError):
                stdout.close()

    def _dispatch(self, message: JSON, arrived: float) -> None:
        if not isinstance(message, dict):
            return
        method = message.get("method")
        if method is None:  # a response
            msg_id = message.get("id")
            if isinstance(msg_id, int):
                with self._cond:
                    self._responses[msg_id] = (arrived, message)
                    self._cond.notify_all()
            return
        if "id" in message:  # answered before anyone waiting can see it and send more
            self.server_requests.append(method)
            self._answer(message["id"], method, message.get("params"))
        with self._cond:
            self._incoming.append(
                Incoming(len(self._incoming), arrived, method, message.get("params"))
            )
            self._cond.notify_all()

    def _answer(self, msg_id: JSON, method: str, params: JSON) -> None:
        reply: dict[str, JSON] = {"jsonrpc": "2.0", "id": msg_id}
        if method == "workspace/configuration":
            items = (params or {}).get("items", [])
            reply["result"] = [lookup_setting(self.settings, item.get("section")) for item in items]
        elif method == "workspace/applyEdit":
            reply["result"] = {
                "applied": False,
                "failureReason": "benchmark client applies nothing",
            }
        elif method == "workspace/workspaceFolders":
            reply["result"] = self.folders or None
        elif method in NULL_ANSWERS:
            reply["result"] = None
        else:
            reply["error"] = {"code": METHOD_NOT_FOUND, "message": f"unhandled method {method}"}
        with contextlib.suppress(ServerExited):
            self._send(reply)

    def _exit_description(self) -> str:
        code = self.proc.poll()
        tail = self.stderr_tail.decode(errors="replace").strip().splitlines()[-5:]
        return f"server exited (code {code})" + ("; stderr: " + " | ".join(tail) if tail else "")

    # -- the caller's side -------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return not self._eof and self.write_error is None

    def mark(self) -> int:
        """A cursor: messages that arrive from now on have `seq >= mark()`."""
        with self._cond:
            return len(self._incoming)

    def notify(self, method: str, params: JSON = None) -> None:
        message: dict[str, JSON] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)

    def send_request(self, method: str, params: JSON) -> int:
        """Queue a request without waiting; its answer is kept for `wait_response`."""
        with self._cond:
            self._next_id += 1
            msg_id = self._next_id
        message: dict[str, JSON] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        return msg_id

    def _wait_answer(self, msg_id: int, deadline: float) -> tuple[float, JSON] | None:
        """(arrival time, response message) of request `msg_id`, or None at `deadline`."""
        with self._cond:
            while msg_id not in self._responses:
                if self._eof or self.write_error is not None:
                    raise ServerExited(self._exit_description())
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self._cond.wait(left)
            return self._responses.pop(msg_id)

    def wait_response(self, msg_id: int, timeout: float) -> JSON | None:
        """The response message (result or error) of a sent request, or None after `timeout`."""
        answer = self._wait_answer(msg_id, time.perf_counter() + timeout)
        return None if answer is None else answer[1]

    def request(
        self, method: str, params: JSON, timeout: float, *, origin: float | None = None
    ) -> tuple[JSON, float]:
        """Send a request and wait for its answer: (result, milliseconds since `origin`).

        `origin` defaults to the moment just before the request is queued. Raises LspTimeout
        (after sending `$/cancelRequest`), LspError or ServerExited.
        """
        t0 = time.perf_counter()
        msg_id = self.send_request(method, params)
        answer = self._wait_answer(msg_id, t0 + timeout)
        if answer is None:
            with contextlib.suppress(ServerExited):
                self.notify("$/cancelRequest", {"id": msg_id})
            raise LspTimeout(f"{method}: no answer within {timeout:g} s")
        arrived, response = answer
        if "error" in response:
            raise LspError(method, response["error"] or {})
        return response.get("result"), (arrived - (t0 if origin is None else origin)) * 1000

    def wait_for(
        self, predicate: Any, after: int, timeout: float, what: str = "a notification"
    ) -> Incoming:
        """The first incoming message with `seq >= after` for which `predicate(msg)` holds."""
        deadline = time.perf_counter() + timeout
        index = after
        with self._cond:
            while True:
                while index < len(self._incoming):
                    incoming = self._incoming[index]
                    index += 1
                    if predicate(incoming):
                        return incoming
                if self._eof:
                    raise ServerExited(self._exit_description())
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise LspTimeout(f"no {what} within {timeout:g} s")
                self._cond.wait(left)

    def wait_for_diagnostics(
        self, uri: str, version: int | None, after: int, timeout: float
    ) -> Incoming:
        """The first `publishDiagnostics` for `uri` that belongs to `version`.

        A publish that carries a `version` must carry this one (an older one is stale);
        a publish without `version` counts as the answer to the latest change.
        """

        def matches(incoming: Incoming) -> bool:
            if incoming.method != "textDocument/publishDiagnostics":
                return False
            params = incoming.params or {}
            if params.get("uri") != uri:
                return False
            published = params.get("version")
            return version is None or published is None or published == version

        return self.wait_for(matches, after, timeout, f"diagnostics for {uri} v{version}")

    def incoming_since(self, mark: int) -> list[Incoming]:
        """What the server sent on its own from `mark()` on (no copy of the whole history)."""
        with self._cond:
            return self._incoming[mark:]

    def notifications(self, method: str | None = None) -> list[Incoming]:
        with self._cond:
            return [m for m in self._incoming if method is None or m.method == method]

    def initialize(
        self,
        root: Path | None,
        timeout: float,
        *,
        capabilities: Mapping[str, JSON] | None = None,
        initialization_options: JSON = None,
    ) -> tuple[JSON, float]:
        """`initialize` timed from the spawn; then `initialized`. Returns (result, ms)."""
        params: dict[str, JSON] = {
            "processId": os.getpid(),
            "clientInfo": {"name": "msb-lsp-benchmark", "version": "1"},
            "locale": "en",
            "rootUri": root.as_uri() if root else None,
            "rootPath": str(root) if root else None,
            "workspaceFolders": self.folders or None,
            "capabilities": dict(capabilities or CLIENT_CAPABILITIES),
            "trace": "off",
        }
        if initialization_options is not None:
            params["initializationOptions"] = initialization_options
        result, ms = self.request("initialize", params, timeout, origin=self.t_spawn)
        self.notify("initialized", {})
        return result, ms

    def peak_memory(self) -> dict[str, JSON]:
        return peak_rss_kb(self.proc.pid)

    def close(self, timeout: float) -> dict[str, JSON]:
        """`shutdown` + `exit`; make sure the process and its descendants are gone."""
        t0 = time.perf_counter()
        out: dict[str, JSON] = {"clean": True}
        leftovers = {pid: _start_time(pid) for pid in process_tree(self.proc.pid)[1:]}
        if self.alive:
            try:
                self.request("shutdown", None, timeout)
                self.notify("exit")
            except (LspTimeout, LspError, ServerExited) as exc:
                out.update(clean=False, problem=str(exc))
        else:
            out.update(clean=False, problem="server was no longer running")
        try:
            out["exit_code"] = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            out["clean"] = False
            out["problem"] = (str(out.get("problem", "")) + "; did not exit, terminated").lstrip(
                "; "
            )
            self.proc.terminate()
            try:
                out["exit_code"] = self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                out["exit_code"] = self.proc.wait()
        for pid, started in leftovers.items():
            if started is not None and _start_time(pid) == started:  # still the same process
                with contextlib.suppress(OSError):
                    os.kill(pid, 15)
                    out.setdefault("terminated_leftovers", []).append(pid)
        self._outbox.put(None)
        out["ms"] = (time.perf_counter() - t0) * 1000
        return out

    def kill(self) -> None:
        """Stop the process without ceremony (used on errors)."""
        if self.proc.poll() is None:
            self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        self._outbox.put(None)
