"""SizeService: where answers come from, notes on failures, deadlines, shared lookups."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone

import pytest

from msb_lsp.images.cache import DiskCache
from msb_lsp.images.catalog import Catalog
from msb_lsp.images.platforms import DEFAULT_PLATFORMS
from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.images.registry import (
    FailureKind,
    PlatformManifest,
    RegistryClient,
    RegistryResult,
)
from msb_lsp.images.sizes import SizeService, SourceKind

INDEX = "sha256:" + "1" * 64
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc).timestamp()
LIVE = (
    PlatformManifest("linux/amd64", 4023, 3, "sha256:" + "2" * 64, "2026-03-04"),
    PlatformManifest("linux/arm64", 3500, 2, "sha256:" + "3" * 64, "2026-03-04"),
)

Script = Callable[[ImageRef, "Callable[[str], bool] | None"], Awaitable[RegistryResult]]


class ScriptedClient(RegistryClient):
    """A registry client whose answers the test scripts; counts the calls."""

    def __init__(self, script: Script) -> None:
        super().__init__()
        self.script = script
        self.calls: list[ImageRef] = []

    async def fetch(  # type: ignore[override]
        self,
        ref: ImageRef,
        platforms: Sequence[str] = DEFAULT_PLATFORMS,
        *,
        timeout: float | None = None,
        known: Callable[[str], bool] | None = None,
    ) -> RegistryResult:
        self.calls.append(ref)
        return await self.script(ref, known)


def ok(ref: ImageRef, known: object = None) -> RegistryResult:
    return RegistryResult(
        ref=ref,
        ok=True,
        digest=INDEX,
        media_type="application/vnd.oci.image.index.v1+json",
        platforms=LIVE,
        available_platforms=("linux/amd64", "linux/arm64"),
    )


async def answer_ok(ref: ImageRef, known: object) -> RegistryResult:
    return ok(ref)


async def never_called(ref: ImageRef, known: object) -> RegistryResult:
    raise AssertionError("no registry call expected")


def ref(text: str) -> ImageRef:
    parsed = parse_image_ref(text)
    assert parsed is not None
    return parsed


APP = "registry.example.test/team/app"
SMALL_CATALOG = Catalog(
    {
        "format": "msb-lsp-image-catalog",
        "version": 1,
        "header": {"sources": [], "official": {"dates": ["2026-01-01", "2026-01-01"]}},
        "scratch": {"bytes": 0, "layers": 0, "src": None},
        "images": {
            APP: {
                "1.0": {
                    "index": "sha256:" + "7" * 64,
                    "platforms": {
                        "linux/amd64": {"bytes": 9000, "layers": 4, "date": "2026-01-01",
                                        "digest": "sha256:" + "8" * 64, "src": None},
                    },
                }
            }
        },
    }
)  # fmt: skip


def service(client: RegistryClient, *, online: bool = True, **kwargs: object) -> SizeService:
    cache = kwargs.pop("cache", None) or DiskCache(clock=lambda: NOW)
    return SizeService(
        online=online,
        client=client,
        catalog=kwargs.pop("catalog", SMALL_CATALOG),  # type: ignore[arg-type]
        cache=cache,  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


# -- offline answers --------------------------------------------------------------------------


def test_known_catalog_answer() -> None:
    s = SizeService()
    answer = s.known(ref("node:20"))
    assert answer.kind is SourceKind.CATALOG
    assert answer.source == "catalog (figures of 2025-01)"
    assert answer.exact and answer.found
    assert [(p.platform, p.compressed_bytes) for p in answer.platforms] == [
        ("linux/amd64", 397_742_964),
        ("linux/arm64", 388_209_233),
    ]


def test_known_estimate_says_what_it_is_from() -> None:
    answer = SizeService().known(ref("node:20.11-alpine3.19"))
    assert answer.kind is SourceKind.ESTIMATE
    assert not answer.exact
    assert answer.matched_ref == "node:20-alpine"
    assert answer.source == "estimate from node:20-alpine (catalog figures of 2024-04)"


def test_known_scratch_and_unknown() -> None:
    s = SizeService()
    scratch = s.known(ref("scratch"))
    assert scratch.kind is SourceKind.SCRATCH and scratch.exact
    assert [p.compressed_bytes for p in scratch.platforms] == [0]
    unknown = s.known(ref("bitnami/redis:7"))
    assert unknown.kind is SourceKind.UNKNOWN and not unknown.found
    assert unknown.note == "not in the offline catalog; live registry lookups are off"


def test_known_approximate_third_party_figure() -> None:
    answer = SizeService().known(ref("gcr.io/distroless/static-debian12"))
    assert answer.kind is SourceKind.CATALOG and answer.approximate
    assert answer.source.startswith("catalog (approximate third-party figure")


def test_platform_filter_and_missing_platforms() -> None:
    s = SizeService(platforms=["linux/arm64/v8"])
    assert s.platforms == ("linux/arm64",)
    answer = s.known(ref("node:20-alpine"))  # the catalog only has amd64 for it
    assert not answer.found
    assert answer.missing_platforms == ("linux/arm64",)
    assert answer.note == "no catalog figure for linux/arm64 (has linux/amd64)"
    with pytest.raises(ValueError):
        SizeService(platforms=["not a platform"])


async def test_offline_lookup_never_asks_the_registry() -> None:
    client = ScriptedClient(never_called)
    s = service(client, online=False)
    answer = await s.lookup(ref(f"{APP}:1.0"), deadline=1)
    assert answer.kind is SourceKind.CATALOG
    assert client.calls == []


# -- live answers, cache, failures ------------------------------------------------------------


async def test_live_answer_is_cached_for_the_next_lookup() -> None:
    client = ScriptedClient(answer_ok)
    s = service(client)
    first = await s.lookup(ref(f"{APP}:1.0"), deadline=2)
    assert first.kind is SourceKind.REGISTRY and first.source == "registry (live)"
    assert first.digest == INDEX
    assert [(p.platform, p.compressed_bytes, p.last_modified) for p in first.platforms] == [
        ("linux/amd64", 4023, "2026-03-04"),
        ("linux/arm64", 3500, "2026-03-04"),
    ]
    second = await s.lookup(ref(f"{APP}:1.0"), deadline=2)
    assert second.kind is SourceKind.CACHE
    assert second.source == "registry (cached 2026-11-20)"
    assert second.platforms == first.platforms
    assert len(client.calls) == 1
    # known() prefers the cached registry answer over the catalog.
    assert s.known(ref(f"{APP}:1.0")).kind is SourceKind.CACHE


async def test_concurrent_lookups_share_one_registry_request() -> None:
    release = asyncio.Event()

    async def slow_ok(r: ImageRef, known: object) -> RegistryResult:
        await release.wait()
        return ok(r)

    client = ScriptedClient(slow_ok)
    s = service(client)
    tasks = [asyncio.ensure_future(s.lookup(ref(f"{APP}:1.0"), deadline=5)) for _ in range(5)]
    await asyncio.sleep(0.05)
    release.set()
    answers = await asyncio.gather(*tasks)
    assert len(client.calls) == 1
    assert {a.kind for a in answers} == {SourceKind.REGISTRY}


@pytest.mark.parametrize(
    ("failure", "note"),
    [
        (FailureKind.RATE_LIMITED, "rate-limited by registry; retrying after 60 s"),
        (FailureKind.NOT_FOUND, "not found in the registry"),
        (FailureKind.UNAUTHORIZED, "registry refused access (private image or login)"),
    ],
)
async def test_failed_live_lookup_falls_back_with_a_note(failure: FailureKind, note: str) -> None:
    async def fail(r: ImageRef, known: object) -> RegistryResult:
        return RegistryResult(ref=r, ok=False, failure=failure, note=note)

    s = service(ScriptedClient(fail))
    answer = await s.lookup(ref(f"{APP}:1.0"), deadline=2)
    assert answer.kind is SourceKind.CATALOG
    assert [p.compressed_bytes for p in answer.platforms] == [9000]
    assert answer.note is not None and answer.note.startswith(note)
    assert answer.missing_platforms == ("linux/arm64",)


async def test_deadline_returns_the_offline_answer_and_the_lookup_finishes_later() -> None:
    release = asyncio.Event()

    async def stalled(r: ImageRef, known: object) -> RegistryResult:
        await release.wait()
        return ok(r)

    client = ScriptedClient(stalled)
    s = service(client)
    started = time.monotonic()
    answer = await s.lookup(ref(f"{APP}:1.0"), deadline=0.2)
    assert time.monotonic() - started < 3  # the deadline is the feature
    assert answer.kind is SourceKind.CATALOG
    assert answer.note is not None and answer.note.startswith("registry timed out")

    # The registry request was not abandoned: once it answers, the cache has it.
    [task] = list(s._inflight.values())
    release.set()
    await task
    assert s.known(ref(f"{APP}:1.0")).kind is SourceKind.CACHE
    assert len(client.calls) == 1


async def test_stale_tag_is_revalidated_by_digest() -> None:
    clock = {"now": NOW}
    cache = DiskCache(clock=lambda: clock["now"])
    seen: list[bool] = []

    async def head_only(r: ImageRef, known: Callable[[str], bool] | None) -> RegistryResult:
        assert known is not None
        seen.append(known(INDEX))
        return RegistryResult(ref=r, ok=True, digest=INDEX, reused_digest=True)

    first = service(ScriptedClient(answer_ok), cache=cache)
    await first.lookup(ref(f"{APP}:1.0"), deadline=2)
    clock["now"] += 2 * 86400  # past the 24 h TTL of the tag

    client = ScriptedClient(head_only)
    s = service(client, cache=cache)
    stale = s.known(ref(f"{APP}:1.0"))
    assert stale.kind is SourceKind.CACHE and stale.source == "registry (cached 2026-11-20)"
    answer = await s.lookup(ref(f"{APP}:1.0"), deadline=2)
    assert seen == [True]
    assert answer.kind is SourceKind.REGISTRY
    assert answer.source == "registry (digest checked just now)"
    assert [p.compressed_bytes for p in answer.platforms] == [4023, 3500]
    tag = cache.tag(ref(f"{APP}:1.0"))
    assert tag is not None and tag.fresh


async def test_digest_reference_is_answered_from_the_cache() -> None:
    s = service(ScriptedClient(answer_ok))
    await s.lookup(ref(f"{APP}:1.0"), deadline=2)
    client = ScriptedClient(never_called)
    again = service(client)
    answer = await again.lookup(ref(f"{APP}@{INDEX}"), deadline=2)
    assert answer.kind is SourceKind.CACHE and answer.digest == INDEX


async def test_without_cache_nothing_is_written(_isolated_cache) -> None:  # type: ignore[no-untyped-def]
    s = SizeService(online=True, client=ScriptedClient(answer_ok), use_cache=False)
    answer = await s.lookup(ref(f"{APP}:1.0"), deadline=2)
    assert answer.kind is SourceKind.REGISTRY
    assert not _isolated_cache.exists()


async def test_registry_without_the_wanted_platform() -> None:
    async def amd64_only(r: ImageRef, known: object) -> RegistryResult:
        return RegistryResult(
            ref=r, ok=True, digest=INDEX, platforms=LIVE[:1], available_platforms=("linux/amd64",)
        )

    s = service(ScriptedClient(amd64_only))
    answer = await s.lookup(ref(f"{APP}:1.0"), deadline=2)
    assert answer.kind is SourceKind.REGISTRY
    assert answer.missing_platforms == ("linux/arm64",)
    assert answer.note == "no image for linux/arm64 (has linux/amd64)"


async def test_scratch_needs_no_lookup() -> None:
    client = ScriptedClient(never_called)
    answer = await service(client).lookup(ref("scratch"), deadline=1)
    assert answer.kind is SourceKind.SCRATCH


async def test_aclose_cancels_lookups_in_flight() -> None:
    async def forever(r: ImageRef, known: object) -> RegistryResult:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    s = service(ScriptedClient(forever))
    answer = await s.lookup(ref(f"{APP}:1.0"), deadline=0.05)
    assert answer.note is not None and "timed out" in answer.note
    [task] = list(s._inflight.values())
    await s.aclose()
    assert task.cancelled()
