"""`SizeService`: one place front ends ask "how big is this base image?".

`known(ref)` answers at once from what is on this machine (disk cache of earlier registry
answers, else the packaged catalog). `lookup(ref, deadline)` may also ask the registry when
live lookups are on, and falls back to the offline answer with a note saying why. Answers
always say where their figures come from.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from msb_lsp.images.cache import CachedSizes, DiskCache
from msb_lsp.images.catalog import Catalog, CatalogMatch, PlatformSize, load_catalog
from msb_lsp.images.platforms import DEFAULT_PLATFORMS, normalize_platform, platform_matches
from msb_lsp.images.reference import ImageRef
from msb_lsp.images.registry import (
    LOOPBACK_HOSTS,
    PlatformManifest,
    RegistryClient,
    RegistryResult,
    RegistrySettings,
)

__all__ = ["SizeAnswer", "SizeService", "SourceKind"]

log = logging.getLogger("msb_lsp.images")


class SourceKind(str, enum.Enum):
    REGISTRY = "registry"  # asked the registry just now
    CACHE = "cache"  # an earlier registry answer, from the disk cache
    CATALOG = "catalog"  # the packaged catalog has this very tag
    ESTIMATE = "estimate"  # the catalog's closest tag of the same image and variant
    SCRATCH = "scratch"  # FROM scratch: nothing to pull
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SizeAnswer:
    """Sizes of an image for the requested platforms (compressed download bytes).

    `source` is the human label ("registry (cached 2026-11-27)", "catalog (figures of
    2025-01)", "estimate from node:20-alpine (catalog figures of 2024-04)"); `note` explains
    anything missing, e.g. why a live lookup failed. `exact` is False for estimates.
    """

    ref: ImageRef
    kind: SourceKind
    source: str
    platforms: tuple[PlatformSize, ...] = ()
    exact: bool = False
    matched_ref: str | None = None
    digest: str | None = None
    approximate: bool = False
    note: str | None = None
    missing_platforms: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.platforms)

    def for_platform(self, platform: str) -> PlatformSize | None:
        for size in self.platforms:
            if platform_matches(size.platform, platform):
                return size
        return None

    def preferred(self) -> PlatformSize | None:
        """The first requested platform's figure (linux/amd64 by default)."""
        return self.platforms[0] if self.platforms else None


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d")


def _from_manifest(p: PlatformManifest) -> PlatformSize:
    return PlatformSize(
        platform=p.platform,
        compressed_bytes=p.compressed_bytes,
        layers=p.layers,
        last_modified=p.created,
        digest=p.digest,
    )


def _join_notes(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


class SizeService:
    """Combines catalog, disk cache and registry client.

    Safe to use from an asyncio event loop that serves other requests: `known()` only reads a
    few small files, `lookup()` never blocks the loop (network is async, cache writes run in
    a worker thread), and concurrent lookups of the same reference share one registry task.
    """

    def __init__(
        self,
        *,
        online: bool = False,
        platforms: Sequence[str] = DEFAULT_PLATFORMS,
        plain_http: Iterable[str] = LOOPBACK_HOSTS,
        use_credentials: bool = False,
        timeout: float = 3.0,
        catalog: Catalog | None = None,
        cache: DiskCache | None = None,
        use_cache: bool = True,
        client: RegistryClient | None = None,
    ) -> None:
        wanted = [normalize_platform(p) for p in platforms]
        if not wanted or any(p is None for p in wanted):
            raise ValueError(f"invalid platforms: {list(platforms)!r}")
        self.online = online
        self.platforms: tuple[str, ...] = tuple(dict.fromkeys(p for p in wanted if p))
        self.catalog = catalog or load_catalog()
        self.cache: DiskCache | None = (cache or DiskCache()) if use_cache else None
        self.client = client or RegistryClient(
            RegistrySettings(
                plain_http=frozenset(plain_http),
                timeout=timeout,
                use_credentials=use_credentials,
            )
        )
        self._inflight: dict[tuple[str, tuple[str, ...]], asyncio.Task[SizeAnswer]] = {}

    # -- offline ---------------------------------------------------------------------------

    def _select(self, sizes: Iterable[PlatformSize]) -> tuple[tuple[PlatformSize, ...], tuple]:
        """The figures for the wanted platforms, in their order, and the wanted ones missing."""
        sizes = list(sizes)
        chosen: list[PlatformSize] = []
        missing: list[str] = []
        for platform in self.platforms:
            found = next((s for s in sizes if platform_matches(s.platform, platform)), None)
            if found is None:
                missing.append(platform)
            elif found not in chosen:
                chosen.append(found)
        return tuple(chosen), tuple(missing)

    def _cached(self, ref: ImageRef, *, fresh_only: bool) -> SizeAnswer | None:
        if self.cache is None:
            return None
        fetched_at: float
        if ref.digest is not None:
            sizes = self.cache.sizes(ref.digest)
            if sizes is None:
                return None
            fetched_at = sizes.fetched_at
        else:
            tag = self.cache.tag(ref)
            if tag is None or (fresh_only and not tag.fresh):
                return None
            sizes = self.cache.sizes(tag.digest)
            if sizes is None:
                return None
            fetched_at = tag.fetched_at
        if fresh_only and not sizes.covers(self.platforms):
            return None
        return self._answer_from_sizes(
            ref, sizes, SourceKind.CACHE, f"registry (cached {_day(fetched_at)})"
        )

    def _answer_from_sizes(
        self, ref: ImageRef, sizes: CachedSizes, kind: SourceKind, source: str
    ) -> SizeAnswer | None:
        chosen, missing = self._select(_from_manifest(p) for p in sizes.platforms)
        if not chosen:
            return None
        note = None
        if missing:
            has = ", ".join(sizes.available or [p.platform for p in sizes.platforms])
            note = f"no image for {', '.join(missing)} (has {has})"
        return SizeAnswer(
            ref=ref,
            kind=kind,
            source=source,
            platforms=chosen,
            exact=True,
            matched_ref=ref.display(),
            digest=sizes.digest,
            note=note,
            missing_platforms=missing,
        )

    def _from_catalog(self, ref: ImageRef, match: CatalogMatch) -> SizeAnswer:
        chosen, missing = self._select(match.platforms)
        if match.image == "scratch":
            return SizeAnswer(
                ref=ref,
                kind=SourceKind.SCRATCH,
                source="scratch (empty image, nothing to pull)",
                platforms=chosen,
                exact=True,
                matched_ref="scratch",
            )
        when = match.as_of
        if match.approximate:
            figures = f"approximate third-party figure, as of {when}" if when else "approximate"
        else:
            figures = f"figures of {when[:7]}" if when else "figures of unknown date"
        if match.exact:
            kind, source = SourceKind.CATALOG, f"catalog ({figures})"
        else:
            kind = SourceKind.ESTIMATE
            source = f"estimate from {match.matched_ref} (catalog {figures})"
        note = None
        if missing:
            known = ", ".join(p.platform for p in match.platforms)
            note = f"no catalog figure for {', '.join(missing)} (has {known})"
        return SizeAnswer(
            ref=ref,
            kind=kind,
            source=source,
            platforms=chosen,
            exact=match.exact,
            matched_ref=match.matched_ref,
            digest=match.index_digest if match.exact else None,
            approximate=match.approximate,
            note=note,
            missing_platforms=missing,
        )

    def known(self, ref: ImageRef) -> SizeAnswer:
        """The best answer available without the network: disk cache (however old; the
        source shows its date), else the catalog, else UNKNOWN. Instant and synchronous."""
        if not ref.is_scratch:
            cached = self._cached(ref, fresh_only=False)
            if cached is not None:
                return cached
        match = self.catalog.lookup(ref)
        if match is not None:
            return self._from_catalog(ref, match)
        return SizeAnswer(
            ref=ref,
            kind=SourceKind.UNKNOWN,
            source="unknown",
            note="not in the offline catalog"
            + ("" if self.online else "; live registry lookups are off"),
            missing_platforms=self.platforms,
        )

    # -- online ----------------------------------------------------------------------------

    def _covers(self, digest: str) -> bool:
        if self.cache is None:
            return False
        sizes = self.cache.sizes(digest)
        return sizes is not None and sizes.covers(self.platforms)

    async def _store(self, result: RegistryResult) -> None:
        if self.cache is None:
            return
        try:
            await asyncio.to_thread(self.cache.store, result)
        except Exception as error:  # the cache logs its own problems; this is a last guard
            log.debug("image-size cache write failed: %s", type(error).__name__)

    async def _live(self, ref: ImageRef) -> SizeAnswer:
        result = await self.client.fetch(ref, self.platforms, known=self._covers)
        reused = result.ok and result.reused_digest and result.digest is not None
        if reused and self.cache is not None and result.digest is not None:
            await asyncio.to_thread(self.cache.put_tag, ref, result.digest)
            sizes = self.cache.sizes(result.digest)
            if sizes is not None:
                answer = self._answer_from_sizes(
                    ref, sizes, SourceKind.REGISTRY, "registry (digest checked just now)"
                )
                if answer is not None:
                    return answer
        if result.ok and result.platforms:
            await self._store(result)
            chosen, missing = self._select(_from_manifest(p) for p in result.platforms)
            if chosen:
                note = None
                if missing:
                    has = ", ".join(result.available_platforms)
                    note = f"no image for {', '.join(missing)} (has {has})"
                return SizeAnswer(
                    ref=ref,
                    kind=SourceKind.REGISTRY,
                    source="registry (live)",
                    platforms=chosen,
                    exact=True,
                    matched_ref=ref.display(),
                    digest=result.digest,
                    note=note,
                    missing_platforms=missing,
                )
            note = f"registry has no image for {', '.join(self.platforms)}"
        else:
            note = result.note or "registry lookup failed"
        offline = self.known(ref)
        return replace(offline, note=_join_notes(note, offline.note))

    async def lookup(self, ref: ImageRef, deadline: float) -> SizeAnswer:
        """Like `known`, but asks the registry (when online) unless a fresh cached answer
        exists. `deadline` is the number of seconds this call may take; past it the offline
        answer comes back with the note "registry timed out" while the registry request
        carries on in the background and fills the cache for next time."""
        if not self.online or ref.is_scratch:
            return self.known(ref)
        cached = self._cached(ref, fresh_only=True)
        if cached is not None:
            return cached
        key = (ref.canonical, self.platforms)
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._live(ref))
            self._inflight[key] = task
            task.add_done_callback(lambda _t, k=key: self._inflight.pop(k, None))
        try:
            return await asyncio.wait_for(asyncio.shield(task), max(0.0, deadline))
        except asyncio.TimeoutError:
            offline = self.known(ref)
            return replace(offline, note=_join_notes("registry timed out", offline.note))

    async def aclose(self) -> None:
        """Cancel lookups still running and close the registry connections."""
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.client.aclose()
