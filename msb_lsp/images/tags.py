"""The anatomy of an image tag: `20.11-alpine3.19` is version 20.11, flavor `alpine`.

Used to find the closest catalog tag for a tag the catalog lacks, and to build related tags
(`node:20` → `node:20-alpine`). Only a shape heuristic: it knows no image's tag list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RUNTIME_TOKENS", "TOOLCHAIN_TOKENS", "TagParts", "runtime_rank", "split_tag"]

# Debian/Ubuntu release names: they pick the base distro, not the size class of the image.
CODENAMES = frozenset(
    {
        "jessie",
        "stretch",
        "buster",
        "bullseye",
        "bookworm",
        "trixie",
        "forky",
        "sid",
        "xenial",
        "bionic",
        "focal",
        "jammy",
        "noble",
        "oracular",
        "plucky",
        "questing",
        "resolute",
    }
)
# Tokens that do not change what is in the image in any size-relevant way.
_NEUTRAL_TOKENS = frozenset({"nonroot"})
# Tokens of small runtime-only variants, and of variants carrying compilers or SDKs.
RUNTIME_TOKENS = frozenset({"alpine", "slim", "distroless", "chiseled", "jre", "static", "musl"})
TOOLCHAIN_TOKENS = frozenset({"jdk", "sdk", "builder", "devel", "dev"})

_VERSION_RE = re.compile(r"v?(\d+(?:\.\d+)*)(?:[_+][0-9A-Za-z.]+)?(?=-|$)")
_DISTRO_VERSION_RE = re.compile(r"(alpine|ubi|ltsc|oraclelinux|amazonlinux)(\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class TagParts:
    """`version` is None for channel tags (`latest`, `lts`, `alpine`); `flavor` is the
    variant without distro release names and versions, e.g. `("slim",)`."""

    tag: str
    version: tuple[int, ...] | None
    flavor: tuple[str, ...]
    codename: str | None
    distro_version: str | None

    @property
    def version_text(self) -> str | None:
        return ".".join(str(v) for v in self.version) if self.version is not None else None

    @property
    def major(self) -> int | None:
        return self.version[0] if self.version else None


def split_tag(tag: str) -> TagParts:
    """Split a tag into version, flavor and base-distro release."""
    version: tuple[int, ...] | None = None
    rest = tag
    match = _VERSION_RE.match(tag)
    if match is not None:
        version = tuple(int(p) for p in match.group(1).split("."))
        rest = tag[match.end() :]
    flavor: list[str] = []
    codename: str | None = None
    distro_version: str | None = None
    for token in rest.lower().split("-"):
        if not token or token == "latest" or token in _NEUTRAL_TOKENS:
            continue
        if token in CODENAMES:
            codename = token
            continue
        distro = _DISTRO_VERSION_RE.fullmatch(token)
        if distro is not None:
            flavor.append(distro.group(1))
            distro_version = distro.group(2)
            continue
        flavor.append(token)
    return TagParts(
        tag=tag,
        version=version,
        flavor=tuple(flavor),
        codename=codename,
        distro_version=distro_version,
    )


def runtime_rank(parts: TagParts) -> int:
    """0 for small runtime variants, 1 for other variants, 2 for full or toolchain ones."""
    tokens = set(parts.flavor)
    if any(t in tokens for t in TOOLCHAIN_TOKENS) or any(t.startswith("jdk") for t in tokens):
        return 2
    if tokens & RUNTIME_TOKENS or any(t.startswith("jre") for t in tokens):
        return 0
    if not tokens and parts.codename is None:
        return 2  # plain `20` or `latest`: the full image
    return 1
