"""The server's image-size service: one `SizeService` per server, built from the settings and
rebuilt when they change.

- `registry.enabled` off, or the environment variable `MSB_LSP_OFFLINE=1`: figures come from
  the packaged catalog only (no network, no disk cache).
- On: the disk cache (`MSB_LSP_CACHE_DIR` or the user cache folder) and live registry lookups,
  bounded by `registry.timeoutMs`.

Requests never wait on the network longer than they allow: `answer()` waits at most the given
time for a live answer and otherwise leaves the lookup running in the background, where it
fills the disk cache; when it completes the client is asked to refresh inlay hints and code
lenses (if it supports that), so the new figure shows up. Lookups still running are cancelled
on `shutdown`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass, replace

from lsprotocol import types as lsp

from msb_lsp.images.cache import DiskCache
from msb_lsp.images.catalog import Catalog, load_catalog
from msb_lsp.images.platforms import DEFAULT_PLATFORMS, normalize_platform
from msb_lsp.images.reference import ImageRef
from msb_lsp.images.registry import LOOPBACK_HOSTS
from msb_lsp.images.sizes import SizeAnswer, SizeService, SourceKind
from msb_lsp.server.app import MsbServer

__all__ = ["OFFLINE_ENV", "ServerSizes", "sizes_of"]

log = logging.getLogger("msb_lsp.server")

OFFLINE_ENV = "MSB_LSP_OFFLINE"
_SERVICE_KEY = "image-sizes"
# A background lookup may take this much longer than the client's own budget (it then reports
# its own timeout instead of being cut off).
_SLACK_S = 0.5


def offline_forced() -> bool:
    """`MSB_LSP_OFFLINE` set to anything but empty/0/false/no turns registry lookups off."""
    value = os.environ.get(OFFLINE_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class _Config:
    online: bool
    platforms: tuple[str, ...]
    plain_http: frozenset[str]
    use_credentials: bool
    timeout: float


class ServerSizes:
    """Image sizes for the server's features (hover, inlay hints, code lens)."""

    def __init__(self, server: MsbServer) -> None:
        self.server = server
        self._service: SizeService | None = None
        self._config: _Config | None = None
        self._tasks: dict[str, asyncio.Task[SizeAnswer]] = {}
        self._waiting: set[str] = set()  # lookups a request stopped waiting for
        self._closing: set[asyncio.Task[None]] = set()
        self._catalog_ready = False
        self.closed = False
        server.on_settings_changed.append(self._settings_changed)
        server.shutdown_hooks.append(self.aclose)

    # -- configuration -----------------------------------------------------------------------

    def _wanted(self) -> _Config:
        settings = self.server.settings
        platforms: list[str] = []
        for text in settings["registry.platforms"]:
            platform = normalize_platform(text)
            if platform is None or platform == "any":
                self.server.report_config_error(
                    f"setting msbLsp.registry.platforms: {text!r} is not a platform "
                    "(e.g. linux/arm64); ignoring it"
                )
                continue
            platforms.append(platform)
        return _Config(
            online=bool(settings["registry.enabled"]) and not offline_forced() and not self.closed,
            platforms=tuple(dict.fromkeys(platforms)) or DEFAULT_PLATFORMS,
            plain_http=LOOPBACK_HOSTS | frozenset(settings["registry.insecureRegistries"]),
            use_credentials=bool(settings["registry.useCredentials"]),
            timeout=settings["registry.timeoutMs"] / 1000,
        )

    @property
    def service(self) -> SizeService:
        """The service for the current settings (built on first use, rebuilt on change)."""
        config = self._wanted()
        if self._service is None or config != self._config:
            self._replace(config)
        assert self._service is not None
        return self._service

    def _replace(self, config: _Config) -> None:
        old = self._service
        self._config = config
        self._service = SizeService(
            online=config.online,
            platforms=config.platforms,
            plain_http=config.plain_http,
            use_credentials=config.use_credentials,
            timeout=config.timeout,
            catalog=load_catalog(),
            cache=DiskCache() if config.online else None,
            use_cache=config.online,
        )
        if old is not None:
            self._cancel_tasks()
            self._close_later(old)

    def _settings_changed(self) -> None:
        if self._service is not None and self._wanted() != self._config:
            self._replace(self._wanted())

    def _close_later(self, service: SizeService) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (unit use): nothing is running either
        task = loop.create_task(service.aclose())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    @property
    def online(self) -> bool:
        return self._wanted().online

    @property
    def catalog(self) -> Catalog:
        return self.service.catalog

    async def ready(self) -> None:
        """Load the catalog off the event loop the first time (it takes a moment)."""
        if not self._catalog_ready:
            await asyncio.to_thread(load_catalog)
            self._catalog_ready = True

    # -- answers -----------------------------------------------------------------------------

    def known(self, ref: ImageRef) -> SizeAnswer:
        """What is known without the network (cache when the registry is on, catalog)."""
        return self.service.known(ref)

    async def answer(self, ref: ImageRef, wait: float) -> tuple[SizeAnswer, bool]:
        """The best answer within `wait` seconds, and whether a registry lookup goes on in
        the background after it (its figure then appears on the next request)."""
        service = self.service
        if not service.online or ref.is_scratch:
            return service.known(ref), False
        key = ref.canonical
        task = self._tasks.get(key)
        if task is None:
            deadline = service.client.settings.timeout + _SLACK_S
            task = asyncio.ensure_future(service.lookup(ref, deadline))
            self._tasks[key] = task
            task.add_done_callback(lambda t, k=key: self._finished(k, t))
        if wait > 0:
            # `wait` neither cancels the lookup nor raises what it raises.
            await asyncio.wait({task}, timeout=wait)
        else:
            # One turn of the loop: a fresh cached answer needs no network and is done by then.
            await asyncio.sleep(0)
        if task.done():
            if task.cancelled() or task.exception() is not None:
                return service.known(ref), False
            return task.result(), False
        self._waiting.add(key)
        answer = service.known(ref)
        if answer.kind == SourceKind.CACHE:
            note = _join("checking the registry for a newer digest", answer.note)
            return replace(answer, note=note), True
        return answer, True

    def _finished(self, key: str, task: asyncio.Task[SizeAnswer]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        waited = key in self._waiting
        self._waiting.discard(key)
        if task.cancelled() or task.exception() is not None or self.closed:
            return
        if waited and task.result().kind in (SourceKind.REGISTRY, SourceKind.CACHE):
            self._refresh_client()

    def _refresh_client(self) -> None:
        """Ask the client to re-request inlay hints and code lenses (new figures)."""
        requests = []
        if self.server.client_supports("workspace.inlay_hint.refresh_support", False):
            requests.append(self.server.workspace_inlay_hint_refresh_async(None))
        if self.server.client_supports("workspace.code_lens.refresh_support", False):
            requests.append(self.server.workspace_code_lens_refresh_async(None))
        for request in requests:
            future = asyncio.ensure_future(request)
            future.add_done_callback(_ignore_failure)

    # -- shutdown ----------------------------------------------------------------------------

    def _cancel_tasks(self) -> list[asyncio.Task[SizeAnswer]]:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        self._waiting.clear()
        for task in tasks:
            task.cancel()
        return tasks

    async def aclose(self) -> None:
        """Cancel lookups still running and close registry connections (on shutdown)."""
        self.closed = True
        tasks = self._cancel_tasks()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        service, self._service = self._service, None
        self._config = None
        if service is not None:
            await service.aclose()
        for closing in list(self._closing):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await closing


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


def _ignore_failure(future: asyncio.Future[object]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.debug("refresh request failed: %s", future.exception())


def sizes_of(server: MsbServer) -> ServerSizes:
    """The server's size service (created on first use)."""
    sizes = server.services.get(_SERVICE_KEY)
    if sizes is None:
        sizes = server.services[_SERVICE_KEY] = ServerSizes(server)
    return sizes  # type: ignore[no-any-return]


def client_markdown(server: MsbServer) -> bool:
    """Whether the client renders Markdown in hovers."""
    formats = server.client_supports("text_document.hover.content_format", None) or []
    return lsp.MarkupKind.Markdown in formats
