"""The offline size catalog shipped with the package (`data/catalog.json`).

Figures are compressed download sizes (the sum of a platform manifest's layer sizes), from
docker-library/repo-info for official images and from rounded third-party figures for
distroless, Chainguard and .NET images. `scripts/build_catalog.py` generates the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from msb_lsp.images.platforms import ANY_PLATFORM, normalize_platform, platform_matches
from msb_lsp.images.reference import ImageRef
from msb_lsp.images.tags import TagParts, runtime_rank, split_tag

__all__ = [
    "Catalog",
    "CatalogMatch",
    "OnDiskEstimate",
    "PlatformSize",
    "Variant",
    "estimate_on_disk",
    "format_size",
    "load_catalog",
]

# Compressed ≈ 0.30–0.45 × on-disk for language/runtime images, ≈ 0.5–0.7 for tiny ones
# (alpine, busybox): the rule of thumb in ../shared/image-sizes/README.md §3.
_RATIO_LARGE = (0.30, 0.45)
_RATIO_TINY = (0.50, 0.70)
_TINY_BELOW = 10_000_000
# Middle of the large-image range, for turning an on-disk-only figure into a compressed one.
_ON_DISK_TO_COMPRESSED = 0.375
_PREFERRED_PLATFORM = "linux/amd64"


@dataclass(frozen=True)
class PlatformSize:
    """Size of one platform's image.

    `compressed_bytes` is the download size. `size_kind` says how sure it is: "compressed"
    (measured as such), "unspecified" (a third-party figure that did not say which size it
    is) or "from-on-disk" (an on-disk figure scaled down by a typical ratio). `platform` is
    `any` when the figure is not tied to a platform.
    """

    platform: str
    compressed_bytes: int
    layers: int | None = None
    last_modified: str | None = None
    digest: str | None = None
    approximate: bool = False
    size_kind: str = "compressed"
    on_disk_bytes: int | None = None
    includes_app: bool = False


@dataclass(frozen=True)
class CatalogMatch:
    """Catalog figures for a reference.

    `exact` is False when the figures belong to another tag (`matched_tag`) chosen as the
    closest one of the same image and variant: an estimate, not the tag's own size.
    `approximate` is True for rounded third-party figures.
    """

    image: str
    matched_tag: str
    exact: bool
    platforms: tuple[PlatformSize, ...]
    index_digest: str | None = None
    approximate: bool = False
    as_of: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def matched_ref(self) -> str:
        """How the matched catalog entry is written, e.g. `node:20-alpine`."""
        return f"{self.image}:{self.matched_tag}" if self.matched_tag else self.image

    def for_platform(self, platform: str) -> PlatformSize | None:
        for size in self.platforms:
            if platform_matches(size.platform, platform):
                return size
        return None

    def preferred(self) -> PlatformSize | None:
        """linux/amd64 if known, else the first figure (what one-number summaries use)."""
        return self.for_platform(_PREFERRED_PLATFORM) or (
            self.platforms[0] if self.platforms else None
        )


@dataclass(frozen=True)
class Variant:
    """A lighter tag of the same image and what it saves on linux/amd64 (or `any`)."""

    tag: str
    ref: str
    compressed_bytes: int
    saved_bytes: int
    approximate: bool = False


@dataclass(frozen=True)
class OnDiskEstimate:
    """An ESTIMATE of the unpacked size (`docker images`) from the compressed size.

    No registry reports the on-disk size; this only scales the compressed one by a typical
    ratio range, so it is a range, never a figure to quote as measured.
    """

    low_bytes: int
    high_bytes: int
    ratio_low: float
    ratio_high: float

    def describe(self) -> str:
        return (
            f"≈ {format_size(self.low_bytes)}–{format_size(self.high_bytes)} on disk "
            f"(estimate: compressed is typically {self.ratio_low:.2f}–{self.ratio_high:.2f} "
            "× on-disk)"
        )


def estimate_on_disk(compressed_bytes: int) -> OnDiskEstimate:
    """Estimate the on-disk size range of an image from its compressed size (an estimate)."""
    low_ratio, high_ratio = _RATIO_TINY if compressed_bytes < _TINY_BELOW else _RATIO_LARGE
    return OnDiskEstimate(
        low_bytes=round(compressed_bytes / high_ratio),
        high_bytes=round(compressed_bytes / low_ratio),
        ratio_low=low_ratio,
        ratio_high=high_ratio,
    )


def format_size(n: int) -> str:
    """Human size in DECIMAL units (1 MB = 1,000,000 bytes), as registries and Docker Hub
    show them: `48.2 MB`, `1.25 GB`, `812 B`."""
    if n < 1000:
        return f"{n} B"
    units = (("kB", 1e3, 1), ("MB", 1e6, 1), ("GB", 1e9, 2), ("TB", 1e12, 2))
    for i, (name, scale, decimals) in enumerate(units):
        value = round(n / scale, decimals)
        if value < 1000 or i == len(units) - 1:
            return f"{value:.{decimals}f} {name}"
    raise AssertionError("unreachable")


def _version_rank(query: TagParts, cand: TagParts) -> tuple[Any, ...]:
    """Smaller is closer. Ties go to the newer candidate."""
    if query.version is None:
        if cand.version is None:
            return (0,)
        return (1, tuple(-v for v in cand.version))
    if cand.version is None:
        return (2,)
    common = 0
    for a, b in zip(query.version, cand.version, strict=False):
        if a != b:
            break
        common += 1
    if common < len(query.version) and common < len(cand.version):
        diff = abs(query.version[common] - cand.version[common])
        newer = -cand.version[common]
    else:
        diff, newer = 0, 0
    longer = len(cand.version) > len(query.version)
    return (0, -common, diff, newer, longer)


class Catalog:
    """Read access to the catalog data (use `load_catalog()` for the packaged one)."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != "msb-lsp-image-catalog":
            raise ValueError("not an msb-lsp image catalog")
        self._data = data
        self._images: dict[str, dict[str, Any]] = data["images"]
        self._sources: list[dict[str, Any]] = data["header"].get("sources", [])
        self._parts: dict[str, list[TagParts]] = {
            image: [split_tag(tag) for tag in tags] for image, tags in self._images.items()
        }

    @classmethod
    def from_path(cls, path: Path) -> Catalog:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @property
    def header(self) -> dict[str, Any]:
        return self._data["header"]

    @property
    def official_dates(self) -> tuple[str, str]:
        """Oldest and newest figure date of the official-image rows."""
        first, last = self.header["official"]["dates"]
        return (first, last)

    def images(self) -> list[str]:
        """Image names as written in FROM (`node`, `gcr.io/distroless/static`), sorted."""
        return sorted(self._images)

    def tags(self, image: str) -> list[str]:
        """Tags of `image`, newest version first; within a version the small runtime variants
        (alpine, slim, jre, distroless-like) come before the full and toolchain ones."""
        parts = self._parts.get(image)
        if not parts:
            return []

        def key(p: TagParts) -> tuple[Any, ...]:
            version = tuple(-v for v in p.version) if p.version is not None else ()
            flavor = 0 if "alpine" in p.flavor else 1 if "slim" in p.flavor else 2
            return (p.version is None, version, runtime_rank(p), flavor, len(p.tag), p.tag)

        return [p.tag for p in sorted(parts, key=key)]

    def source_text(self, index: int | None) -> str | None:
        """Short provenance of a figure, e.g. `docker-library/repo-info@4211a16`."""
        if index is None or not 0 <= index < len(self._sources):
            return None
        source = self._sources[index]
        if source.get("kind") == "repo-info":
            commit = source.get("commit")
            return f"{source['repo']}@{commit[:7]}" if commit else str(source["repo"])
        return source.get("url") or source.get("title")

    def _platform_sizes(self, entry: dict[str, Any]) -> tuple[PlatformSize, ...]:
        approximate = bool(entry.get("approximate"))
        sizes = []
        for platform, record in entry["platforms"].items():
            kind = record.get("kind", "compressed")
            size = record["bytes"]
            on_disk = record.get("on_disk")
            if kind == "on-disk":
                on_disk = size
                size = round(size * _ON_DISK_TO_COMPRESSED)
                kind = "from-on-disk"
            sizes.append(
                PlatformSize(
                    platform=platform,
                    compressed_bytes=size,
                    layers=record.get("layers"),
                    last_modified=record.get("date") or record.get("as_of"),
                    digest=record.get("digest"),
                    approximate=approximate,
                    size_kind=kind,
                    on_disk_bytes=on_disk,
                    includes_app=bool(record.get("includes_app")),
                )
            )
        # amd64 first, then the others in a stable order.
        sizes.sort(key=lambda s: (s.platform != _PREFERRED_PLATFORM, s.platform))
        return tuple(sizes)

    def _match(self, image: str, tag: str, *, exact: bool) -> CatalogMatch:
        entry = self._images[image][tag]
        platforms = self._platform_sizes(entry)
        approximate = bool(entry.get("approximate"))
        if approximate:
            as_of = next((p.last_modified for p in platforms if p.last_modified), None)
        else:
            dates = [p.last_modified for p in platforms if p.last_modified]
            as_of = max(dates) if dates else None
        srcs = []
        for record in entry["platforms"].values():
            text = self.source_text(record.get("src"))
            if text and text not in srcs:
                srcs.append(text)
        return CatalogMatch(
            image=image,
            matched_tag=tag,
            exact=exact,
            platforms=platforms,
            index_digest=entry.get("index"),
            approximate=approximate,
            as_of=as_of,
            sources=tuple(srcs),
        )

    def scratch(self) -> CatalogMatch:
        """`FROM scratch`: nothing is pulled, 0 B, exact."""
        record = self._data.get("scratch") or {}
        source = self.source_text(record.get("src"))
        return CatalogMatch(
            image="scratch",
            matched_tag="",
            exact=True,
            platforms=(PlatformSize(platform=ANY_PLATFORM, compressed_bytes=0, layers=0),),
            sources=(source,) if source else (),
        )

    def closest_tag(self, image: str, tag: str) -> str | None:
        """The catalog tag of `image` nearest to `tag` with the same variant, or None."""
        candidates = self._parts.get(image)
        if not candidates:
            return None
        query = split_tag(tag)
        same = [c for c in candidates if c.flavor == query.flavor]
        if not same:
            return None

        def key(c: TagParts) -> tuple[Any, ...]:
            codename_miss = c.codename != query.codename
            return (_version_rank(query, c), codename_miss, len(c.tag), c.tag)

        return min(same, key=key).tag

    def lookup(self, ref: ImageRef) -> CatalogMatch | None:
        """Figures for `ref`: exact when the tag (or digest) is in the catalog, else the
        closest tag of the same image and variant with `exact=False`; None when unknown."""
        if ref.is_scratch:
            return self.scratch()
        image = ref.short_name
        tags = self._images.get(image)
        if tags is None:
            return None
        if ref.digest is not None:
            found = self._find_digest(image, ref.digest)
            if found is not None:
                return found
            if ref.tag is None:
                return None
        tag = ref.effective_tag
        if tag in tags:
            # A digest we do not know pins some other build of the tag: only an estimate.
            return self._match(image, tag, exact=ref.digest is None)
        closest = self.closest_tag(image, tag)
        if closest is None:
            return None
        return self._match(image, closest, exact=False)

    def _find_digest(self, image: str, digest: str) -> CatalogMatch | None:
        for tag, entry in self._images[image].items():
            if entry.get("index") == digest:
                return self._match(image, tag, exact=True)
        for tag, entry in self._images[image].items():
            for platform, record in entry["platforms"].items():
                if record.get("digest") == digest:
                    match = self._match(image, tag, exact=True)
                    only = tuple(p for p in match.platforms if p.platform == platform)
                    return CatalogMatch(
                        image=match.image,
                        matched_tag=match.matched_tag,
                        exact=True,
                        platforms=only,
                        index_digest=None,
                        approximate=match.approximate,
                        as_of=only[0].last_modified if only else None,
                        sources=match.sources,
                    )
        return None

    def lighter_variants(self, ref: ImageRef) -> list[Variant]:
        """Smaller tags of the same image, same version where possible (else same major),
        with the bytes each saves on linux/amd64; smallest first."""
        match = self.lookup(ref)
        if match is None or match.image == "scratch":
            return []
        base = match.preferred()
        if base is None:
            return []
        query = split_tag(match.matched_tag)
        same_version: list[Variant] = []
        same_major: list[Variant] = []
        for parts in self._parts[match.image]:
            if parts.tag == match.matched_tag:
                continue
            other = self._match(match.image, parts.tag, exact=True)
            size = other.for_platform(base.platform)
            if size is None or size.compressed_bytes >= base.compressed_bytes:
                continue
            variant = Variant(
                tag=parts.tag,
                ref=other.matched_ref,
                compressed_bytes=size.compressed_bytes,
                saved_bytes=base.compressed_bytes - size.compressed_bytes,
                approximate=other.approximate,
            )
            if parts.version == query.version:
                same_version.append(variant)
            elif query.major is not None and parts.major == query.major:
                same_major.append(variant)
        chosen = same_version or same_major
        return sorted(chosen, key=lambda v: (v.compressed_bytes, v.tag))

    def platforms_known(self, image: str, tag: str) -> list[str]:
        entry = self._images.get(image, {}).get(tag)
        if entry is None:
            return []
        return [normalize_platform(p) or p for p in entry["platforms"]]


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The packaged catalog, parsed once per process."""
    data = resources.files("msb_lsp.images").joinpath("data").joinpath("catalog.json")
    return Catalog(json.loads(data.read_text(encoding="utf-8")))
