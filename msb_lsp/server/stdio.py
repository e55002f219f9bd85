"""Reading the client's messages on the event loop itself.

pygls reads stdin with blocking reads in a worker thread: a thread hop for each header line
and each body, a sizeable share of a small request's latency. Editors start a language server
with pipes, which the event loop can read directly; anything else (a regular file, some
terminals) keeps pygls's threaded reader.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys
from threading import Event
from typing import BinaryIO

from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async
from pygls.server import JsonRPCServer

log = logging.getLogger(__name__)

MAX_HEADER_LINE = 1 << 20  # far beyond any real header line


def _is_pipe(stream: BinaryIO) -> bool:
    """A pipe or socket, which epoll can watch (a regular file or /dev/null it cannot).
    Windows event loops cannot read a stdin pipe: they keep the threaded reader."""
    if sys.platform == "win32":
        return False
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


class PipeReader:
    """`readline`/`readexactly` on an asyncio pipe transport, with a threaded fallback."""

    def __init__(self, stdin: BinaryIO, fallback: StdinAsyncReader) -> None:
        self._stdin = stdin
        self._fallback = fallback
        self._stream: asyncio.StreamReader | None = None
        self._connected = False

    async def _connect(self) -> asyncio.StreamReader | None:
        if not self._connected:
            self._connected = True
            if not _is_pipe(self._stdin):
                log.info("stdin is not a pipe or socket: reading it in a thread")
                return None
            loop = asyncio.get_running_loop()
            stream = asyncio.StreamReader(limit=MAX_HEADER_LINE)
            try:
                await loop.connect_read_pipe(
                    lambda: asyncio.StreamReaderProtocol(stream), self._stdin
                )
            except (ValueError, OSError, NotImplementedError) as exc:
                log.info("reading stdin in a thread (%s)", exc)
            else:
                self._stream = stream
        return self._stream

    async def readline(self) -> bytes:
        stream = await self._connect()
        if stream is None:
            return await self._fallback.readline()
        try:
            return await stream.readline()
        except ValueError:
            log.error("a header line over %d bytes: closing the connection", MAX_HEADER_LINE)
            return b""

    async def readexactly(self, n: int) -> bytes:
        stream = await self._connect()
        if stream is None:
            return await self._fallback.readexactly(n)
        try:
            return await stream.readexactly(n)
        except asyncio.IncompleteReadError as exc:  # the client went away mid-message
            return exc.partial


def serve_stdio(server: JsonRPCServer, stdin: BinaryIO | None, stdout: BinaryIO | None) -> None:
    """pygls's stdio loop with `PipeReader` in place of its threaded reader."""
    source = stdin or sys.stdin.buffer
    server._stop_event = Event()
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    reader = PipeReader(source, StdinAsyncReader(source, server.thread_pool))
    try:
        asyncio.run(
            run_async(
                stop_event=server._stop_event,
                reader=reader,
                protocol=server.protocol,
                logger=log,
                error_handler=server.report_server_error,
            )
        )
    except BrokenPipeError:
        log.error("the connection to the client is lost: shutting down")
    except KeyboardInterrupt:
        pass
    finally:  # SystemExit (the `exit` notification) goes on up with its code
        server.shutdown()
