"""OCI platform strings (`linux/amd64`, `linux/arm64`, `linux/arm/v7`) and how they match."""

from __future__ import annotations

import re

__all__ = [
    "ANY_PLATFORM",
    "DEFAULT_PLATFORMS",
    "normalize_platform",
    "platform_matches",
    "platform_of",
]

DEFAULT_PLATFORMS: tuple[str, ...] = ("linux/amd64", "linux/arm64")
# Key for a figure that is not tied to one platform (third-party figures, `scratch`).
ANY_PLATFORM = "any"

_PLATFORM_RE = re.compile(r"[a-z0-9_.-]+(?:/[a-z0-9_.-]+){0,2}")


def normalize_platform(text: str) -> str | None:
    """Canonical `os/arch[/variant]`, or None when `text` is not a platform.

    `arm64/v8` is written `arm64` (the same thing for every registry client), plain `arm`
    means `arm/v7`, and a bare architecture gets `linux/`. `any` stays `any`.
    """
    text = text.strip().lower()
    if text == ANY_PLATFORM:
        return ANY_PLATFORM
    if not _PLATFORM_RE.fullmatch(text):
        return None
    parts = text.split("/")
    if len(parts) == 1:
        parts = ["linux", parts[0]]
    os_name, arch = parts[0], parts[1]
    variant = parts[2] if len(parts) == 3 else None
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(arch, arch)
    if arch == "arm64" and variant == "v8":
        variant = None
    if arch == "arm" and variant is None:
        variant = "v7"
    return f"{os_name}/{arch}/{variant}" if variant else f"{os_name}/{arch}"


def platform_of(os_name: str, arch: str, variant: str | None = None) -> str:
    """Canonical platform string from an OCI `platform` object's fields."""
    text = f"{os_name}/{arch}/{variant}" if variant else f"{os_name}/{arch}"
    return normalize_platform(text) or text


def platform_matches(available: str, wanted: str) -> bool:
    """Whether a figure for `available` answers a question about `wanted` (`any` matches all)."""
    if available == ANY_PLATFORM:
        return True
    return normalize_platform(available) == normalize_platform(wanted)
