"""A tiny scripted stdio language server for testing the benchmark harness (stdlib only).

It publishes versioned diagnostics on open and change, asks the client for configuration and
capability registration, and answers hover with what the client sent for configuration, so a
test can check the client's answers. `textDocument/definition` is answered with an error, as
an unsupported request would be. Run: python fake_server.py
"""

from __future__ import annotations

import json
import sys
from typing import Any

stdin = sys.stdin.buffer
stdout = sys.stdout.buffer


def read() -> Any:
    length = None
    while True:
        line = stdin.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(stdin.read(length or 0))


def send(message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    stdout.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stdout.flush()


def publish(uri: str, version: int, text: str) -> None:
    diagnostics = [
        {
            "range": {
                "start": {"line": n, "character": 0},
                "end": {"line": n, "character": len(line)},
            },
            "severity": 2,
            "source": "fake",
            "message": "lowercase instruction",
        }
        for n, line in enumerate(text.split("\n"))
        if line[:1].islower()
    ]
    send(
        {
            "method": "textDocument/publishDiagnostics",
            "params": {"uri": uri, "version": version, "diagnostics": diagnostics},
        }
    )


def apply(text: str, change: dict[str, Any]) -> str:
    if "range" not in change:
        return change["text"]
    lines = text.split("\n")

    def offset(pos: dict[str, int]) -> int:
        return sum(len(t) + 1 for t in lines[: pos["line"]]) + pos["character"]

    start, end = offset(change["range"]["start"]), offset(change["range"]["end"])
    return text[:start] + change["text"] + text[end:]


def main() -> None:
    docs: dict[str, str] = {}
    answers: dict[int, Any] = {}
    while True:
        message = read()
        if message is None:
            return
        method, msg_id, params = message.get("method"), message.get("id"), message.get("params")
        if method is None:  # an answer to one of our requests
            answers[msg_id] = message.get("result", message.get("error"))
        elif method == "initialize":
            capabilities = {
                "textDocumentSync": {"openClose": True, "change": 2},
                "hoverProvider": True,
                "completionProvider": {"triggerCharacters": ["="]},
                "definitionProvider": True,
                "codeActionProvider": True,
            }
            send({"id": msg_id, "result": {"capabilities": capabilities}})
        elif method == "initialized":
            send(
                {
                    "id": 9001,
                    "method": "workspace/configuration",
                    "params": {"items": [{"section": "fake.lint"}, {"section": "other"}]},
                }
            )
            send(
                {"id": 9002, "method": "client/registerCapability", "params": {"registrations": []}}
            )
            send({"id": 9003, "method": "fake/unknownRequest", "params": {}})
        elif method == "textDocument/didOpen":
            doc = params["textDocument"]
            docs[doc["uri"]] = doc["text"]
            publish(doc["uri"], doc["version"], doc["text"])
        elif method == "textDocument/didChange":
            uri = params["textDocument"]["uri"]
            for change in params["contentChanges"]:
                docs[uri] = apply(docs[uri], change)
            publish(uri, params["textDocument"]["version"], docs[uri])
        elif method == "textDocument/didClose":
            docs.pop(params["textDocument"]["uri"], None)
        elif method == "textDocument/hover":
            value = json.dumps([answers.get(9001), answers.get(9002), answers.get(9003)])
            send({"id": msg_id, "result": {"contents": {"kind": "plaintext", "value": value}}})
        elif method == "textDocument/completion":
            send({"id": msg_id, "result": [{"label": "build"}, {"label": "deps"}]})
        elif method == "textDocument/codeAction":
            count = len(params["context"]["diagnostics"])
            send({"id": msg_id, "result": [{"title": f"fix {count}", "kind": "quickfix"}]})
        elif method == "shutdown":
            send({"id": msg_id, "result": None})
        elif method == "exit":
            return
        elif msg_id is not None:
            send({"id": msg_id, "error": {"code": -32601, "message": f"Unhandled method {method}"}})


if __name__ == "__main__":
    main()
