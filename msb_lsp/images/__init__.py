"""Base images: references, the offline size catalog, image families, the registry client,
its disk cache and the size service that combines them.

This layer never imports pygls or lsprotocol; front ends (LSP server, CLI) build on it.
The registry-related names (`SizeService`, `RegistryClient`, ...) are loaded on first use so
that importing the offline parts does not import httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msb_lsp.images.catalog import (
    Catalog,
    CatalogMatch,
    OnDiskEstimate,
    PlatformSize,
    Variant,
    estimate_on_disk,
    format_size,
    load_catalog,
)
from msb_lsp.images.families import (
    Alternative,
    ecosystem,
    is_toolchain_image,
    runtime_alternatives,
    sized_runtime_alternatives,
    toolchain_reason,
)
from msb_lsp.images.platforms import DEFAULT_PLATFORMS, normalize_platform
from msb_lsp.images.reference import ImageRef, has_variables, parse_image_ref

if TYPE_CHECKING:
    from msb_lsp.images.cache import DiskCache
    from msb_lsp.images.registry import FailureKind, RegistryClient, RegistrySettings
    from msb_lsp.images.sizes import SizeAnswer, SizeService, SourceKind

_LAZY = {
    "DiskCache": "msb_lsp.images.cache",
    "FailureKind": "msb_lsp.images.registry",
    "RegistryClient": "msb_lsp.images.registry",
    "RegistrySettings": "msb_lsp.images.registry",
    "SizeAnswer": "msb_lsp.images.sizes",
    "SizeService": "msb_lsp.images.sizes",
    "SourceKind": "msb_lsp.images.sizes",
}

__all__ = [
    "DEFAULT_PLATFORMS",
    "Alternative",
    "Catalog",
    "CatalogMatch",
    "DiskCache",
    "FailureKind",
    "ImageRef",
    "OnDiskEstimate",
    "PlatformSize",
    "RegistryClient",
    "RegistrySettings",
    "SizeAnswer",
    "SizeService",
    "SourceKind",
    "Variant",
    "ecosystem",
    "estimate_on_disk",
    "format_size",
    "has_variables",
    "is_toolchain_image",
    "load_catalog",
    "normalize_platform",
    "parse_image_ref",
    "runtime_alternatives",
    "sized_runtime_alternatives",
    "toolchain_reason",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'msb_lsp.images' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
