from __future__ import annotations

import json
from pathlib import Path

import pytest

from msb_lsp.images.cache import DiskCache
from msb_lsp.images.reference import parse_image_ref
from msb_lsp.images.registry import DOCKER_MANIFEST, OCI_INDEX, PlatformManifest
from tests.rules.helpers import findings

CODE = "MSB310"
# From the embedded catalog: alpine:3.20, its index and its two platform manifests.
AMD64 = "sha256:008827ed2172a676b08121e21cf9db0ce08a90ee6c8a12fc374af8a56c0e496d"
ARM64 = "sha256:ca485c6a7b51db176b2b922aae711edb0cc82953424663297f279babaa3c2fb7"
INDEX = "sha256:765942a4039992336de8dd5db680586e1a206607dd06170ff0a37267a9e01958"


@pytest.fixture(autouse=True)
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the developer's own image cache out of the results."""
    monkeypatch.setenv("MSB_LSP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_catalog_platform_digest_for_another_architecture() -> None:
    text = f"FROM --platform=linux/arm64 alpine@{AMD64}\n"
    (found,) = findings(text, CODE)
    assert found.message == (
        f'Base image alpine@{AMD64} was pulled with platform "linux/amd64", expected '
        '"linux/arm64" for current build'
    )
    assert str(found.span) == "1:29-1:107"
    assert str(found.related[0].span) == "1:17-1:28"
    assert found.rule.buildkit_url is None  # BuildKit has no page for this check


def test_platform_spelling_is_normalized() -> None:
    (found,) = findings(f"FROM --platform=aarch64 alpine@{AMD64}\n", CODE)
    assert found.message.endswith('expected "linux/arm64" for current build')


@pytest.mark.parametrize(
    "text",
    [
        f"FROM --platform=linux/amd64 alpine@{AMD64}\n",
        f"FROM --platform=linux/arm64/v8 alpine@{ARM64}\n",
        f"FROM --platform=linux/arm64 alpine@{INDEX}\n",  # an index: BuildKit picks arm64
        "FROM --platform=linux/arm64 alpine:3.20\n",  # a tag is multi-platform
        "FROM --platform=linux/s390x alpine:3.20\n",  # the catalog lists only some platforms
        f"FROM --platform=$BUILDPLATFORM alpine@{AMD64}\n",  # unknown offline
        f"FROM alpine@{AMD64}\n",  # no --platform: the builder's own platform
        "FROM alpine AS base\nFROM --platform=linux/arm64 base\n",  # a stage, not an image
    ],
)
def test_does_not_catch(text: str) -> None:
    assert findings(text, CODE) == []


def _cache_entry(cache_dir: Path, ref_text: str, media_type: str, platforms: list[str]) -> None:
    cache = DiskCache(cache_dir)
    ref = parse_image_ref(ref_text)
    assert ref is not None
    digest = "sha256:" + "ab" * 32
    cache.put_sizes(
        digest,
        [PlatformManifest(p, 1000, 1, "sha256:" + "cd" * 32) for p in platforms],
        platforms if media_type == OCI_INDEX else [],
        media_type,
    )
    cache.put_tag(ref, digest)


def test_cached_single_platform_tag(empty_cache: Path) -> None:
    _cache_entry(empty_cache, "registry.example/tool:1.0", DOCKER_MANIFEST, ["linux/amd64"])
    (found,) = findings("FROM --platform=linux/arm64 registry.example/tool:1.0\n", CODE)
    assert found.message == (
        'Base image registry.example/tool:1.0 was pulled with platform "linux/amd64", '
        'expected "linux/arm64" for current build'
    )


def test_cached_index_is_not_reported(empty_cache: Path) -> None:
    _cache_entry(empty_cache, "registry.example/tool:1.0", OCI_INDEX, ["linux/amd64"])
    assert findings("FROM --platform=linux/arm64 registry.example/tool:1.0\n", CODE) == []
    files = list(empty_cache.rglob("*.json"))
    assert files and all(json.loads(f.read_text()) for f in files)
