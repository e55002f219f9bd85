"""The registry client, size service and `msb-lsp size --online` against Debian's real
`docker-registry` (distribution 2.8) on 127.0.0.1, plain and behind token auth."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from msb_lsp.cli import size as size_cmd
from msb_lsp.images.cache import DiskCache
from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.images.registry import FailureKind, RegistryClient, RegistrySettings
from msb_lsp.images.sizes import SizeService, SourceKind
from tests.images.conftest import SERVICE, LoopbackRegistry, TokenRegistry
from tests.images.support import DOCKER_LIST, OCI_INDEX, free_port

pytestmark = pytest.mark.needs_debian


def ref(text: str) -> ImageRef:
    parsed = parse_image_ref(text)
    assert parsed is not None
    return parsed


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


async def test_oci_index_sizes(loopback_registry: LoopbackRegistry) -> None:
    pushed = loopback_registry.oci
    async with RegistryClient() as client:
        result = await client.fetch(ref(f"{loopback_registry.host}/msb/oci:1.0"))
    assert result.ok, result.note
    assert result.media_type == OCI_INDEX
    assert result.digest == pushed.index_digest
    # The attestation entries (unknown/unknown) are not platforms.
    assert result.available_platforms == ("linux/amd64", "linux/arm64")
    got = {p.platform: p for p in result.platforms}
    assert set(got) == {"linux/amd64", "linux/arm64"}
    for platform in ("linux/amd64", "linux/arm64"):
        assert got[platform].compressed_bytes == pushed.total(platform)
        assert got[platform].layers == len(pushed.layer_sizes[platform])
        assert got[platform].digest == pushed.platform_digests[platform]
        assert got[platform].created == "2026-03-04"
    assert got["linux/amd64"].compressed_bytes == 1000 + 2345 + 678
    assert got["linux/arm64"].compressed_bytes == 1500 + 2000


async def test_docker_manifest_list_sizes(loopback_registry: LoopbackRegistry) -> None:
    pushed = loopback_registry.docker
    async with RegistryClient() as client:
        result = await client.fetch(ref(f"{loopback_registry.host}/msb/docker:2.0"))
    assert result.ok, result.note
    assert result.media_type == DOCKER_LIST
    assert result.digest == pushed.index_digest
    got = {p.platform: (p.compressed_bytes, p.layers, p.created) for p in result.platforms}
    # arm64/v8 in the list answers a question about linux/arm64.
    assert got == {
        "linux/amd64": (4000, 1, "2025-12-24"),
        "linux/arm64": (3010, 2, "2025-12-24"),
    }


async def test_only_the_requested_platforms_are_fetched(
    loopback_registry: LoopbackRegistry,
) -> None:
    async with RegistryClient() as client:
        result = await client.fetch(
            ref(f"{loopback_registry.host}/msb/oci:1.0"), platforms=["linux/arm64/v8"]
        )
    assert [(p.platform, p.compressed_bytes) for p in result.platforms] == [("linux/arm64", 3500)]
    assert result.available_platforms == ("linux/amd64", "linux/arm64")


async def test_digest_references(loopback_registry: LoopbackRegistry) -> None:
    pushed = loopback_registry.oci
    host = loopback_registry.host
    async with RegistryClient() as client:
        by_index = await client.fetch(ref(f"{host}/msb/oci@{pushed.index_digest}"))
        arm64 = pushed.platform_digests["linux/arm64"]
        by_manifest = await client.fetch(ref(f"{host}/msb/oci@{arm64}"))
    assert by_index.ok and by_index.digest == pushed.index_digest
    assert len(by_index.platforms) == 2
    # A lone image manifest: its platform comes from the image config.
    assert by_manifest.ok, by_manifest.note
    assert [(p.platform, p.compressed_bytes, p.digest) for p in by_manifest.platforms] == [
        ("linux/arm64", 3500, arm64)
    ]


async def test_missing_tag_and_missing_platform(loopback_registry: LoopbackRegistry) -> None:
    host = loopback_registry.host
    async with RegistryClient() as client:
        missing = await client.fetch(ref(f"{host}/msb/oci:9.9"))
        other = await client.fetch(ref(f"{host}/msb/oci:1.0"), platforms=["linux/s390x"])
    assert missing.failure is FailureKind.NOT_FOUND
    assert other.failure is FailureKind.NO_PLATFORM
    assert other.note == "no image for linux/s390x (has linux/amd64, linux/arm64)"


async def test_head_recognises_a_known_digest(loopback_registry: LoopbackRegistry) -> None:
    pushed = loopback_registry.oci
    async with RegistryClient() as client:
        result = await client.fetch(
            ref(f"{loopback_registry.host}/msb/oci:1.0"),
            known=lambda digest: digest == pushed.index_digest,
        )
        assert client.requests_sent == 1
    assert result.ok and result.reused_digest and result.digest == pushed.index_digest


async def test_anonymous_token_flow(token_registry: TokenRegistry) -> None:
    tokens = token_registry.tokens
    before = len(tokens.requests)
    clock = Clock()
    async with RegistryClient(clock=clock) as client:
        result = await client.fetch(ref(f"{token_registry.host}/msb/oci:1.0"))
        assert result.ok, result.note
        assert [p.compressed_bytes for p in result.platforms] == [4023, 3500]
        assert len(tokens.requests) == before + 1
        query = tokens.requests[-1]
        assert query["service"] == [SERVICE]
        assert query["scope"] == ["repository:msb/oci:pull"]
        assert tokens.authorization_headers[-1] is None  # anonymous

        # The token is reused for the next lookup of the same repository...
        again = await client.fetch(ref(f"{token_registry.host}/msb/oci:1.0"))
        assert again.ok
        assert len(tokens.requests) == before + 1

        # ...and fetched anew once it has expired (300 s, renewed 10 s early).
        clock.now += 291
        renewed = await client.fetch(ref(f"{token_registry.host}/msb/oci:1.0"))
        assert renewed.ok
        assert len(tokens.requests) == before + 2


async def test_token_registry_missing_repository(token_registry: TokenRegistry) -> None:
    # Even a repository the registry does not have needs a token first; then it is a 404.
    tokens = token_registry.tokens
    before = len(tokens.requests)
    async with RegistryClient() as client:
        result = await client.fetch(ref(f"{token_registry.host}/msb/absent:1"))
    assert result.failure is FailureKind.NOT_FOUND
    assert len(tokens.requests) == before + 1
    assert tokens.requests[-1]["scope"] == ["repository:msb/absent:pull"]


async def test_size_service_then_disk_cache_with_the_registry_stopped(
    fresh_registry: LoopbackRegistry, tmp_path: Path
) -> None:
    text = f"{fresh_registry.host}/msb/oci:1.0"
    cache_dir = tmp_path / "cache"
    first = SizeService(online=True, cache=DiskCache(cache_dir))
    try:
        live = await first.lookup(ref(text), deadline=5)
    finally:
        await first.aclose()
    assert live.kind is SourceKind.REGISTRY, live.note
    assert [p.compressed_bytes for p in live.platforms] == [4023, 3500]

    fresh_registry.process.stop()

    second = SizeService(online=True, cache=DiskCache(cache_dir))
    try:
        cached = await second.lookup(ref(text), deadline=5)
        assert second.client.requests_sent == 0
    finally:
        await second.aclose()
    assert cached.kind is SourceKind.CACHE
    assert cached.source.startswith("registry (cached ")
    assert [p.compressed_bytes for p in cached.platforms] == [4023, 3500]
    assert cached.digest == fresh_registry.oci.index_digest

    # With the registry gone and no cache, the failure is reported, not raised.
    third = SizeService(online=True, use_cache=False)
    try:
        gone = await third.lookup(ref(text), deadline=5)
    finally:
        await third.aclose()
    assert gone.kind is SourceKind.UNKNOWN
    assert gone.note is not None and gone.note.startswith("registry unreachable")


def cli_args(*images: str, online: bool = True, fmt: str = "text") -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    size_cmd.add_arguments(parser)
    argv = [*images, "--format", fmt]
    if online:
        argv.append("--online")
    return parser.parse_args(argv)


def test_cli_online_json(loopback_registry: LoopbackRegistry) -> None:
    out = io.StringIO()
    code = size_cmd.run(cli_args(f"{loopback_registry.host}/msb/docker:2.0", fmt="json"), out)
    assert code == 0
    [item] = json.loads(out.getvalue())
    assert item["source_kind"] == "registry"
    assert item["digest"] == loopback_registry.docker.index_digest
    assert [(p["platform"], p["compressed_bytes"], p["layers"]) for p in item["platforms"]] == [
        ("linux/amd64", 4000, 1),
        ("linux/arm64", 3010, 2),
    ]


def test_cli_online_text(loopback_registry: LoopbackRegistry) -> None:
    out = io.StringIO()
    assert size_cmd.run(cli_args(f"{loopback_registry.host}/msb/oci:1.0"), out) == 0
    text = out.getvalue()
    assert "linux/amd64" in text and "4.0 kB" in text and "3 layers" in text
    assert "source: registry (live)" in text
    # A second run finds the answer in the cache (MSB_LSP_CACHE_DIR is per test).
    out = io.StringIO()
    assert size_cmd.run(cli_args(f"{loopback_registry.host}/msb/oci:1.0"), out) == 0
    assert "source: registry (cached " in out.getvalue()


async def test_plain_http_is_only_for_allowed_hosts(loopback_registry: LoopbackRegistry) -> None:
    # With loopback removed from the plain-HTTP list the client insists on HTTPS, which the
    # plain registry cannot speak: the lookup fails instead of silently downgrading.
    settings = RegistrySettings(plain_http=frozenset(), timeout=3)
    async with RegistryClient(settings) as client:
        result = await client.fetch(ref(f"{loopback_registry.host}/msb/oci:1.0"))
    assert not result.ok
    assert result.failure in (FailureKind.NETWORK, FailureKind.TIMEOUT)


async def test_ping(loopback_registry: LoopbackRegistry, token_registry: TokenRegistry) -> None:
    async with RegistryClient() as client:
        open_registry = await client.ping(loopback_registry.host)
        protected = await client.ping(token_registry.host)
        gone = await client.ping(f"127.0.0.1:{free_port()}")
    assert (open_registry.reachable, open_registry.status, open_registry.auth) == (True, 200, None)
    assert (protected.reachable, protected.status, protected.auth) == (True, 401, "bearer")
    assert protected.realm == token_registry.tokens.realm
    assert not gone.reachable and gone.note.startswith("registry unreachable")
