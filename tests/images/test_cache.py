"""The disk cache: round trips, TTL, merging, and staying quiet about broken folders."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from msb_lsp.images.cache import DiskCache, default_cache_dir
from msb_lsp.images.reference import ImageRef, parse_image_ref
from msb_lsp.images.registry import PlatformManifest, RegistryResult

INDEX = "sha256:" + "1" * 64
AMD64 = PlatformManifest("linux/amd64", 4023, 3, "sha256:" + "2" * 64, "2026-03-04")
ARM64 = PlatformManifest("linux/arm64", 3500, 2, "sha256:" + "3" * 64, None)


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def ref(text: str) -> ImageRef:
    parsed = parse_image_ref(text)
    assert parsed is not None
    return parsed


def ok_result(text: str, platforms: tuple[PlatformManifest, ...]) -> RegistryResult:
    return RegistryResult(
        ref=ref(text),
        ok=True,
        digest=INDEX,
        media_type="application/vnd.oci.image.index.v1+json",
        platforms=platforms,
        available_platforms=("linux/amd64", "linux/arm64"),
    )


def test_default_cache_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MSB_LSP_CACHE_DIR", str(tmp_path / "override"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "override"
    monkeypatch.delenv("MSB_LSP_CACHE_DIR")
    assert default_cache_dir() == tmp_path / "xdg" / "msb-lsp"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "msb-lsp"


def test_default_cache_uses_the_test_folder(_isolated_cache: Path) -> None:
    assert DiskCache().directory == _isolated_cache


def test_round_trip_and_ttl(tmp_path: Path) -> None:
    clock = Clock()
    cache = DiskCache(tmp_path / "c", tag_ttl=3600, clock=clock)
    assert cache.tag(ref("example.test/app:1")) is None
    cache.store(ok_result("example.test/app:1", (AMD64, ARM64)))

    tag = cache.tag(ref("example.test/app:1"))
    assert tag is not None and tag.digest == INDEX and tag.fresh
    sizes = cache.sizes(INDEX)
    assert sizes is not None
    assert sizes.platforms == (AMD64, ARM64)
    assert sizes.available == ("linux/amd64", "linux/arm64")
    assert sizes.covers(["linux/amd64", "linux/arm64"])
    assert sizes.covers(["linux/s390x"])  # known to be absent: nothing to ask

    # A different tag of the same repository is another entry.
    assert cache.tag(ref("example.test/app:2")) is None

    clock.now += 3599
    assert cache.tag(ref("example.test/app:1")).fresh  # type: ignore[union-attr]
    clock.now += 2
    stale = cache.tag(ref("example.test/app:1"))
    assert stale is not None and not stale.fresh and stale.digest == INDEX
    # Sizes by digest never expire.
    clock.now += 10 * 365 * 86400
    assert cache.sizes(INDEX) is not None


def test_digest_references_do_not_record_a_tag(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c")
    cache.store(ok_result(f"example.test/app@{INDEX}", (AMD64,)))
    assert cache.sizes(INDEX) is not None
    assert cache.tag(ref("example.test/app")) is None


def test_failed_results_are_not_stored(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c")
    cache.store(RegistryResult(ref=ref("example.test/app:1"), ok=False, note="nope"))
    assert not (tmp_path / "c").exists()


def test_platforms_are_merged(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c")
    cache.put_sizes(INDEX, [AMD64], ["linux/amd64", "linux/arm64"])
    sizes = cache.sizes(INDEX)
    assert sizes is not None and not sizes.covers(["linux/arm64"])
    cache.put_sizes(INDEX, [ARM64], ["linux/amd64", "linux/arm64"])
    sizes = cache.sizes(INDEX)
    assert sizes is not None
    assert {p.platform for p in sizes.platforms} == {"linux/amd64", "linux/arm64"}


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c")
    cache.store(ok_result("example.test/app:1", (AMD64, ARM64)))
    files = sorted(p.name for p in (tmp_path / "c").rglob("*") if p.is_file())
    assert len(files) == 2
    assert not any(name.startswith(".tmp-") for name in files)


def test_corrupt_files_are_ignored_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = DiskCache(tmp_path / "c")
    cache.store(ok_result("example.test/app:1", (AMD64,)))
    for path in (tmp_path / "c").rglob("*.json"):
        path.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="msb_lsp.images"):
        for _ in range(3):
            assert cache.tag(ref("example.test/app:1")) is None
            assert cache.sizes(INDEX) is None
    records = [r for r in caplog.records if r.name == "msb_lsp.images"]
    assert len(records) == 1
    assert "corrupt" in records[0].getMessage()
    # A later write replaces the broken file.
    cache.store(ok_result("example.test/app:1", (AMD64,)))
    assert cache.sizes(INDEX) is not None


def test_wrong_shapes_are_corrupt_too(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = DiskCache(tmp_path / "c")
    cache.store(ok_result("example.test/app:1", (AMD64,)))
    [sizes_file] = (tmp_path / "c").rglob("sha256-*.json")
    sizes_file.write_text(json.dumps({"digest": INDEX, "platforms": [{"platform": 1}]}))
    with caplog.at_level(logging.WARNING, logger="msb_lsp.images"):
        assert cache.sizes(INDEX) is None
    assert len(caplog.records) == 1


def test_unwritable_folder_is_ignored_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    cache = DiskCache(blocker / "cache")
    with caplog.at_level(logging.WARNING, logger="msb_lsp.images"):
        for _ in range(3):
            cache.store(ok_result("example.test/app:1", (AMD64,)))
        assert cache.tag(ref("example.test/app:1")) is None
        assert cache.sizes(INDEX) is None
    records = [r for r in caplog.records if r.name == "msb_lsp.images"]
    assert len(records) == 1
    assert "not writable" in records[0].getMessage()
    assert blocker.read_text(encoding="utf-8").startswith("a file")
