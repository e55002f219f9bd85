"""Disk cache of live registry answers.

Two kinds of entries, one small JSON file each, written atomically (temp file + rename):

* tag → digest (`tags/…json`), trusted for a TTL (24 h by default) because tags move;
* digest → per-platform sizes (`sizes/sha256-….json`), kept for good: a digest never changes.

A corrupt or unwritable cache is never an error: it is logged once (logger
`msb_lsp.images`) and then treated as empty / read-only. Nothing secret is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msb_lsp.images.platforms import normalize_platform
from msb_lsp.images.reference import ImageRef
from msb_lsp.images.registry import PlatformManifest, RegistryResult

__all__ = ["CachedSizes", "CachedTag", "DiskCache", "default_cache_dir"]

log = logging.getLogger("msb_lsp.images")

_LAYOUT = "v1"
_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
DEFAULT_TAG_TTL = 24 * 3600.0


def default_cache_dir() -> Path:
    """`$MSB_LSP_CACHE_DIR`, else `$XDG_CACHE_HOME/msb-lsp`, else the platform's user cache
    folder (`~/.cache/msb-lsp`, `%LOCALAPPDATA%\\msb-lsp\\cache`, `~/Library/Caches/msb-lsp`)."""
    override = os.environ.get("MSB_LSP_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "msb-lsp"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "msb-lsp" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "msb-lsp"
    return Path.home() / ".cache" / "msb-lsp"


@dataclass(frozen=True)
class CachedTag:
    digest: str
    fetched_at: float  # epoch seconds
    fresh: bool


@dataclass(frozen=True)
class CachedSizes:
    """Sizes recorded for a digest. `available` lists every platform the image has, so a
    platform absent from it is known to be missing (no need to ask again)."""

    digest: str
    platforms: tuple[PlatformManifest, ...]
    available: tuple[str, ...]
    fetched_at: float
    media_type: str | None = None

    def covers(self, platforms: Iterable[str]) -> bool:
        have = {p.platform for p in self.platforms}
        for platform in platforms:
            wanted = normalize_platform(platform) or platform
            if wanted not in have and (not self.available or wanted in self.available):
                return False
        return True


def _tag_key(ref: ImageRef) -> str:
    return f"{ref.registry}/{ref.repository}:{ref.effective_tag}"


class DiskCache:
    """The on-disk cache; cheap to create, safe to share between processes."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        tag_ttl: float = DEFAULT_TAG_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory if directory is not None else default_cache_dir()
        self.tag_ttl = tag_ttl
        self._clock = clock
        self._writable = True
        self._warned: set[str] = set()

    # -- problems are logged once per kind, then ignored -----------------------------------

    def _warn_once(self, kind: str, message: str, *args: object) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            log.warning(message, *args)

    def _root(self) -> Path:
        return self.directory / _LAYOUT

    def _tag_path(self, ref: ImageRef) -> Path:
        name = hashlib.sha256(_tag_key(ref).encode("utf-8")).hexdigest()[:40]
        return self._root() / "tags" / f"{name}.json"

    def _sizes_path(self, digest: str) -> Path:
        return self._root() / "sizes" / f"{digest.replace(':', '-')}.json"

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None  # no entry (or no cache folder): a plain miss
        except OSError as error:
            self._warn_once("read", "image-size cache unreadable (%s); ignoring it", error)
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self._warn_once("corrupt", "ignoring corrupt image-size cache file %s", path)
            return None
        return data

    def _write(self, path: Path, data: dict[str, Any]) -> None:
        if not self._writable:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, separators=(",", ":"), sort_keys=True)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as error:
            self._writable = False
            self._warn_once(
                "write",
                "image-size cache folder %s is not writable (%s); continuing without it",
                self.directory,
                error.strerror or error,
            )

    # -- tags ------------------------------------------------------------------------------

    def tag(self, ref: ImageRef) -> CachedTag | None:
        """The digest last seen for `ref`'s tag; `fresh` tells whether it is within the TTL."""
        data = self._read(self._tag_path(ref))
        if data is None:
            return None
        key, digest, fetched_at = data.get("ref"), data.get("digest"), data.get("fetched_at")
        if isinstance(key, str) and key != _tag_key(ref):
            return None  # another tag's file (hash prefix clash): simply a miss
        if (
            not isinstance(key, str)
            or not isinstance(digest, str)
            or not _DIGEST_RE.fullmatch(digest)
            or not isinstance(fetched_at, (int, float))
        ):
            self._warn_once("corrupt", "ignoring corrupt image-size cache entry for %s", key)
            return None
        age = self._clock() - fetched_at
        return CachedTag(digest=digest, fetched_at=float(fetched_at), fresh=0 <= age < self.tag_ttl)

    def put_tag(self, ref: ImageRef, digest: str) -> None:
        self._write(
            self._tag_path(ref),
            {"ref": _tag_key(ref), "digest": digest, "fetched_at": self._clock()},
        )

    # -- sizes by digest -------------------------------------------------------------------

    def sizes(self, digest: str) -> CachedSizes | None:
        if not _DIGEST_RE.fullmatch(digest):
            return None
        data = self._read(self._sizes_path(digest))
        if data is None:
            return None
        try:
            if data["digest"] != digest:
                raise ValueError("digest")
            platforms = tuple(
                PlatformManifest(
                    platform=str(p["platform"]),
                    compressed_bytes=int(p["bytes"]),
                    layers=int(p["layers"]),
                    digest=str(p["digest"]),
                    created=p.get("created"),
                )
                for p in data["platforms"]
            )
            available = tuple(str(p) for p in data.get("available", ()))
            fetched_at = float(data["fetched_at"])
            media_type = data.get("media_type")
        except (KeyError, TypeError, ValueError):
            self._warn_once("corrupt", "ignoring corrupt image-size cache file for %s", digest)
            return None
        return CachedSizes(
            digest=digest,
            platforms=platforms,
            available=available,
            fetched_at=fetched_at,
            media_type=media_type if isinstance(media_type, str) else None,
        )

    def put_sizes(
        self,
        digest: str,
        platforms: Iterable[PlatformManifest],
        available: Iterable[str],
        media_type: str | None = None,
    ) -> None:
        """Record sizes for `digest`, merged with platforms recorded before."""
        merged: dict[str, PlatformManifest] = {}
        previous = self.sizes(digest)
        if previous is not None:
            merged.update((p.platform, p) for p in previous.platforms)
        merged.update((p.platform, p) for p in platforms)
        avail = list(dict.fromkeys([*(previous.available if previous else ()), *available]))
        self._write(
            self._sizes_path(digest),
            {
                "digest": digest,
                "media_type": media_type,
                "available": avail,
                "fetched_at": self._clock(),
                "platforms": [
                    {
                        "platform": p.platform,
                        "bytes": p.compressed_bytes,
                        "layers": p.layers,
                        "digest": p.digest,
                        "created": p.created,
                    }
                    for p in merged.values()
                ],
            },
        )

    def store(self, result: RegistryResult) -> None:
        """Remember a successful registry answer (tag → digest, digest → sizes)."""
        if not result.ok or result.digest is None:
            return
        if result.platforms:
            self.put_sizes(
                result.digest, result.platforms, result.available_platforms, result.media_type
            )
        if result.ref.digest is None:
            self.put_tag(result.ref, result.digest)
