"""Hover with live registry lookups, end to end: the server process asks Debian's real
`docker-registry` on 127.0.0.1 (and scripted fault servers), fills its disk cache in a temp
folder, and answers from that cache when the registry is gone.

Every server here runs with the registry turned on through settings, its cache in a temp
folder (`MSB_LSP_CACHE_DIR`) and a temp HOME; the documents only name loopback images, so
nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from msb_lsp.images import format_size, parse_image_ref
from msb_lsp.server.app import MsbServer
from msb_lsp.server.sizes import OFFLINE_ENV, ServerSizes
from tests.images.support import (
    FakeReply,
    FakeRequest,
    FakeServer,
    PushedImage,
    RegistryProcess,
    push_image,
)
from tests.lsp.support import open_document
from tests.support.programs import require_program

LAYERS = {"linux/amd64": [400_000, 834_567], "linux/arm64": [2_345_678]}
CREATED = "2026-03-04T05:06:07Z"


@contextlib.asynccontextmanager
async def msb_server(
    tmp_path: Path,
    *,
    wait_ms: int = 3000,
    timeout_ms: int = 2500,
    enabled: bool = True,
    offline_env: bool = False,
) -> AsyncIterator[LanguageClient]:
    """A fresh server process with the registry on (settings) and its cache in `tmp_path`."""
    env = {"MSB_LSP_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home")}
    if offline_env:
        env["MSB_LSP_OFFLINE"] = "1"
    settings = {
        "registry": {"enabled": enabled, "timeoutMs": timeout_ms},
        "hover": {"waitForRegistryMs": wait_ms},
    }
    config = ClientServerConfig(server_command=[sys.executable, "-m", "msb_lsp"], server_env=env)
    client = await config.start()
    assert isinstance(client, LanguageClient)
    refreshes: list[str] = []
    client.refreshes = refreshes  # type: ignore[attr-defined]

    @client.feature(lsp.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_refresh(params: Any) -> None:
        refreshes.append(lsp.WORKSPACE_INLAY_HINT_REFRESH)

    client.set_configuration(settings, section="msbLsp")
    result = await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("neovim"), initialization_options=settings
        )
    )
    client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    try:
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


async def hover_text(client: LanguageClient, uri: str, line: int = 0, col: int = 6) -> str:
    """Hover on an ASCII line (columns are the same in every encoding)."""
    result = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line, col)
        )
    )
    assert result is not None and isinstance(result.contents, lsp.MarkupContent)
    return result.contents.value


def expected_rows(pushed: PushedImage) -> list[str]:
    return [
        f"| {platform} | {format_size(pushed.total(platform))} | {len(sizes)} | "
        f"{pushed.created[:10]} |"
        for platform, sizes in pushed.layer_sizes.items()
    ]


# -- the real registry -----------------------------------------------------------------------


@pytest.fixture
def demo_registry(tmp_path: Path) -> Iterator[tuple[RegistryProcess, PushedImage]]:
    """docker-registry of this test only, with `demo/app:1.0` (amd64 + arm64) pushed."""
    binary = require_program("docker-registry", "docker-registry")
    workdir = tmp_path / "registry"
    workdir.mkdir()
    process = RegistryProcess(binary, workdir, workdir / "storage")
    process.start()
    try:
        pushed = push_image(process.url, "demo/app", "1.0", LAYERS, created=CREATED, seed=5)
        yield process, pushed
    finally:
        process.stop()


@pytest.mark.needs_debian
async def test_live_sizes_then_the_disk_cache(
    demo_registry: tuple[RegistryProcess, PushedImage], tmp_path: Path
) -> None:
    process, pushed = demo_registry
    text = f"FROM {process.host}/demo/app:1.0 AS app\n"
    assert format_size(pushed.total("linux/amd64")) != format_size(pushed.total("linux/arm64"))

    async with msb_server(tmp_path, wait_ms=5000, timeout_ms=5000) as client:
        shown = await hover_text(client, open_document(client, text))
        for row in expected_rows(pushed):
            assert row in shown, shown
        assert "**Source:** registry (live), fetched just now" in shown
        assert f"digest `{pushed.index_digest[:19]}`" in shown
        assert "**On disk (estimate):**" in shown

    process.stop()  # the registry is gone: only the disk cache can answer now
    assert list((tmp_path / "cache").rglob("*.json"))

    async with msb_server(tmp_path, wait_ms=5000, timeout_ms=5000) as client:
        uri = open_document(client, text)
        shown = await hover_text(client, uri)
        for row in expected_rows(pushed):
            assert row in shown, shown
        today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        assert f"**Source:** registry (cached {today})" in shown
        # Inlay hints read the same cache.
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=lsp.Range(lsp.Position(0, 0), lsp.Position(1, 0)),
            )
        )
        assert hints is not None
        assert [h.label for h in hints] == [format_size(pushed.total("linux/amd64"))]


def slow_proxy(upstream: str, delay: float) -> FakeServer:
    """A registry that answers like `upstream`, each answer `delay` seconds late."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def handle(request: FakeRequest) -> FakeReply:
        forwarded = urllib.request.Request(
            upstream + request.path,
            method=request.method,
            headers={"Accept": request.headers.get("accept", "*/*")},
        )
        try:
            with opener.open(forwarded, timeout=10) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        keep = {
            name: value
            for name, value in headers.items()
            if name.lower() in ("content-type", "docker-content-digest")
        }
        return FakeReply(status, keep, body, delay=delay)

    return FakeServer(handle).start()


@pytest.mark.needs_debian
async def test_a_slow_registry_answers_the_next_hover(
    demo_registry: tuple[RegistryProcess, PushedImage], tmp_path: Path
) -> None:
    process, pushed = demo_registry
    proxy = slow_proxy(process.url, delay=0.5)
    try:
        text = f"FROM {proxy.host}/demo/app:1.0\n"
        async with msb_server(tmp_path, wait_ms=100, timeout_ms=20000) as client:
            uri = open_document(client, text)
            first = await hover_text(client, uri)
            assert "size unknown" in first
            assert "has not answered within 100 ms; asking it in the background" in first
            # The lookup goes on; when it is done the client is asked to refresh its hints.
            refreshes: list[str] = client.refreshes  # type: ignore[attr-defined]
            for _ in range(600):
                if refreshes:
                    break
                await asyncio.sleep(0.05)
            assert refreshes == [lsp.WORKSPACE_INLAY_HINT_REFRESH]
            second = await hover_text(client, uri)
            for row in expected_rows(pushed):
                assert row in second, second
            assert "**Source:** registry (cached" in second
    finally:
        proxy.stop()


# -- registries that misbehave ---------------------------------------------------------------


def fixed(reply: FakeReply) -> FakeServer:
    return FakeServer(lambda request: reply).start()


async def test_a_stalled_registry_does_not_hold_the_hover(tmp_path: Path) -> None:
    server = fixed(FakeReply(200, delay=60))
    try:
        text = f"FROM {server.host}/demo/app:1.0\n"
        async with msb_server(tmp_path, wait_ms=300, timeout_ms=2500) as client:
            uri = open_document(client, text)
            started = time.monotonic()
            shown = await hover_text(client, uri)
            elapsed = time.monotonic() - started
            assert elapsed < 2.0, f"the hover took {elapsed:.1f} s with a 0.3 s deadline"
            assert "size unknown" in shown
            assert "**Note:** not in the offline catalog" in shown
            assert "has not answered within 300 ms; asking it in the background" in shown
            # Other requests are answered while the lookup hangs.
            hints = await client.text_document_inlay_hint_async(
                lsp.InlayHintParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    range=lsp.Range(lsp.Position(0, 0), lsp.Position(1, 0)),
                )
            )
            assert hints is not None and list(hints) == []
            assert server.requests, "the lookup never reached the registry"
            closing = time.monotonic()
        # Shutdown cancelled the hanging lookup instead of waiting for it.
        assert time.monotonic() - closing < 10
    finally:
        server.stop()


async def test_other_requests_are_answered_while_a_hover_waits(tmp_path: Path) -> None:
    server = fixed(FakeReply(200, delay=60))
    try:
        text = f"FROM {server.host}/demo/app:1.0 AS app\nFROM app\n"
        async with msb_server(tmp_path, wait_ms=3000, timeout_ms=10000) as client:
            uri = open_document(client, text)
            hover = asyncio.ensure_future(hover_text(client, uri))
            try:
                for _ in range(200):
                    if server.requests:
                        break
                    await asyncio.sleep(0.02)
                assert server.requests, "the lookup never reached the registry"
                stage = await hover_text(client, uri, line=1, col=6)  # `FROM app`: the stage
                assert stage.startswith("**Stage `app`** (index 0; 2 stages)")
                lenses = await client.text_document_code_lens_async(
                    lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
                )
                assert lenses is not None
                assert not hover.done(), "the image hover should still wait for the registry"
                shown = await hover
                assert "has not answered within 3000 ms" in shown
            finally:
                if not hover.done():
                    hover.cancel()
    finally:
        server.stop()


async def test_cancel_request_stops_a_hover_waiting_for_the_registry(tmp_path: Path) -> None:
    """`$/cancelRequest` reaches a hover that waits for a stalled registry: the client gets
    RequestCancelled at once, not after the wait, and the server goes on answering."""
    server = fixed(FakeReply(200, delay=60))
    try:
        text = f"FROM {server.host}/demo/app:1.0 AS app\nFROM app\n"
        async with msb_server(tmp_path, wait_ms=20_000, timeout_ms=30_000) as client:
            uri = open_document(client, text)
            params = lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 6)
            )
            future = client.protocol.send_request(
                lsp.TEXT_DOCUMENT_HOVER, params, msg_id="hover-to-cancel"
            )
            for _ in range(200):
                if server.requests:
                    break
                await asyncio.sleep(0.02)
            assert server.requests, "the lookup never reached the registry"
            started = time.monotonic()
            client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="hover-to-cancel"))
            with pytest.raises(JsonRpcRequestCancelled):
                await asyncio.wait_for(asyncio.wrap_future(future), 5)
            assert time.monotonic() - started < 2
            stage = await hover_text(client, uri, line=1, col=6)
            assert stage.startswith("**Stage `app`**")
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("reply", "note"),
    [
        (FakeReply(500, {"Content-Type": "text/plain"}, b"boom"), "registry error (HTTP 500)"),
        (FakeReply(429, {"Retry-After": "120"}), "rate-limited by registry; retrying after 120 s"),
        (
            FakeReply(200, {"Content-Type": "application/vnd.oci.image.index.v1+json"}, b"{oops"),
            "registry sent malformed JSON (manifest)",
        ),
    ],
    ids=["500", "429", "malformed"],
)
async def test_registry_faults_fall_back_with_a_note(
    reply: FakeReply, note: str, tmp_path: Path
) -> None:
    server = fixed(reply)
    try:
        text = f"FROM {server.host}/demo/app:1.0\n"
        async with msb_server(tmp_path, wait_ms=3000, timeout_ms=2500) as client:
            uri = open_document(client, text)
            started = time.monotonic()
            shown = await hover_text(client, uri)
            assert time.monotonic() - started < 3.0 + 2.0
            assert "size unknown" in shown
            assert f"**Note:** {note}; not in the offline catalog" in shown
            assert "has not answered" not in shown
            assert server.requests
    finally:
        server.stop()


async def test_offline_environment_wins_over_the_setting(tmp_path: Path) -> None:
    server = fixed(FakeReply(500))
    try:
        text = f"FROM {server.host}/demo/app:1.0\nFROM node:20-alpine\n"
        async with msb_server(tmp_path, offline_env=True) as client:
            uri = open_document(client, text)
            shown = await hover_text(client, uri)
            assert "live registry lookups are off" in shown
            catalog = await hover_text(client, uri, line=1)
            assert "**Source:** catalog" in catalog
        assert server.requests == []
    finally:
        server.stop()


async def test_turning_the_registry_on_rebuilds_the_service(tmp_path: Path) -> None:
    server = fixed(FakeReply(500))
    try:
        text = f"FROM {server.host}/demo/app:1.0\n"
        async with msb_server(tmp_path, enabled=False) as client:
            uri = open_document(client, text)
            assert "live registry lookups are off" in await hover_text(client, uri)
            assert server.requests == []
            settings = {"registry": {"enabled": True}, "hover": {"waitForRegistryMs": 3000}}
            client.set_configuration(settings, section="msbLsp")
            client.workspace_did_change_configuration(
                lsp.DidChangeConfigurationParams(settings={"msbLsp": settings})
            )
            for _ in range(200):
                shown = await hover_text(client, uri)
                if "registry error" in shown:
                    break
                await asyncio.sleep(0.05)
            assert "registry error (HTTP 500)" in shown
            assert server.requests
    finally:
        server.stop()


# -- the server's size service on its own ----------------------------------------------------


@pytest.fixture
def registry_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(OFFLINE_ENV, raising=False)
    monkeypatch.setenv("MSB_LSP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


async def test_settings_build_and_rebuild_the_service(
    registry_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = MsbServer()
    sizes = ServerSizes(server)
    server.apply_settings({"registry": {"enabled": False}})
    offline = sizes.service
    assert not offline.online and offline.cache is None  # catalog only
    server.apply_settings(
        {"registry": {"enabled": True, "platforms": ["arm64", "not a platform!"]}}
    )
    online = sizes.service
    assert online is not offline
    assert online.online and online.cache is not None
    assert online.cache.directory == registry_env
    assert online.platforms == ("linux/arm64",)
    assert any("not a platform!" in message for message in server._reported_errors)
    server.apply_settings(
        {"registry": {"enabled": True, "platforms": ["arm64", "not a platform!"]}}
    )
    assert sizes.service is online  # nothing relevant changed
    monkeypatch.setenv(OFFLINE_ENV, "1")
    assert not sizes.service.online
    await sizes.aclose()


async def test_shutdown_cancels_lookups_still_running(registry_env: Path) -> None:
    stalled = fixed(FakeReply(200, delay=60))
    try:
        server = MsbServer()
        server.apply_settings({"registry": {"enabled": True, "timeoutMs": 30000}})
        sizes = ServerSizes(server)
        ref = parse_image_ref(f"{stalled.host}/demo/app:1.0")
        assert ref is not None
        answer, pending = await sizes.answer(ref, 0.05)
        assert pending and not answer.found
        for _ in range(100):
            if stalled.requests:
                break
            await asyncio.sleep(0.02)
        assert stalled.requests, "the lookup never reached the registry"
        [task] = list(sizes._tasks.values())
        await asyncio.wait_for(sizes.aclose(), 5)
        assert task.cancelled()
        assert sizes._tasks == {}
        assert not sizes.online  # closed: nothing new starts
    finally:
        stalled.stop()
