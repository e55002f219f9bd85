"""The stdio transport: msb-lsp reads a pipe on its event loop (no thread hop per message) and
anything else (a regular file, /dev/null) in a thread; `shutdown` and `exit` behave as the
specification says even when a client does not wait between them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SERVER = [sys.executable, "-m", "msb_lsp"]
ENV_OFFLINE = {"MSB_LSP_OFFLINE": "1"}


def frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def answers(output: bytes) -> list[dict[str, object]]:
    """The messages in a stream of framed JSON-RPC output."""
    found: list[dict[str, object]] = []
    rest = output
    while rest:
        head, _, rest = rest.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
        found.append(json.loads(rest[:length]))
        rest = rest[length:]
    return found


INITIALIZE = frame(
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
)
INITIALIZED = frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
SHUTDOWN = frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
EXIT = frame({"jsonrpc": "2.0", "method": "exit"})


def run(stdin: bytes | Path | None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **ENV_OFFLINE}
    if isinstance(stdin, Path):
        with stdin.open("rb") as handle:
            return subprocess.run(SERVER, stdin=handle, capture_output=True, timeout=60, env=env)
    if stdin is None:
        return subprocess.run(
            SERVER, stdin=subprocess.DEVNULL, capture_output=True, timeout=60, env=env
        )
    return subprocess.run(SERVER, input=stdin, capture_output=True, timeout=60, env=env)


def test_exit_sent_right_after_shutdown_waits_for_it() -> None:
    """All four messages in one write: `shutdown` is answered before `exit` ends the process,
    which then exits with 0 (shutdown came first) and no traceback."""
    result = run(INITIALIZE + INITIALIZED + SHUTDOWN + EXIT)
    assert [m.get("id") for m in answers(result.stdout)] == [1, 2]
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr, result.stderr.decode()[-2000:]


def test_exit_without_shutdown_is_status_1() -> None:
    result = run(INITIALIZE + EXIT)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("source", ["regular-file", "dev-null"])
def test_stdin_that_is_not_a_pipe(source: str, tmp_path: Path) -> None:
    if source == "dev-null":
        result = run(None)  # end of input at once: the server stops
        assert result.returncode == 0 and result.stdout == b""
        return
    session = tmp_path / "session.bin"
    session.write_bytes(INITIALIZE + INITIALIZED + SHUTDOWN + EXIT)
    result = run(session)
    assert [m.get("id") for m in answers(result.stdout)] == [1, 2]
    assert result.returncode == 0
