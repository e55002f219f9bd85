"""`msb-lsp size IMAGE...`: download size of base images per platform, where the figure comes
from, and lighter variants of the same image.

Offline by default (the packaged catalog, plus earlier registry answers in the disk cache);
`--online` asks the registries. Sizes are compressed download sizes in decimal units.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, TextIO

from msb_lsp.images.cache import DiskCache
from msb_lsp.images.catalog import Catalog, Variant, estimate_on_disk, format_size, load_catalog
from msb_lsp.images.families import is_toolchain_image, sized_runtime_alternatives
from msb_lsp.images.platforms import DEFAULT_PLATFORMS, normalize_platform
from msb_lsp.images.reference import ImageRef, has_variables, parse_image_ref
from msb_lsp.images.registry import LOOPBACK_HOSTS
from msb_lsp.images.sizes import SizeAnswer, SizeService

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="e.g. node:20 python:3.12-slim")
    parser.add_argument(
        "--online",
        action="store_true",
        help="ask the registries (default: offline catalog and earlier cached answers only)",
    )
    parser.add_argument(
        "--platform",
        action="append",
        metavar="OS/ARCH",
        help="platform to show; repeatable (default: linux/amd64 and linux/arm64)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--timeout",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="time allowed per image for a live lookup (default 3)",
    )
    parser.add_argument(
        "--plain-http",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="also allow plain HTTP to this registry (loopback hosts always are)",
    )
    parser.add_argument(
        "--use-credentials",
        action="store_true",
        help="send logins from docker's config.json (auths) to registries that ask",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def _fail(message: str) -> int:
    print(f"msb-lsp size: {message}", file=sys.stderr)
    return 2


def _parse(texts: list[str]) -> list[ImageRef] | str:
    refs = []
    for text in texts:
        ref = parse_image_ref(text)
        if ref is None:
            if has_variables(text):
                return f"{text!r} contains unexpanded build arguments; give a concrete image"
            return f"not a valid image reference: {text!r}"
        refs.append(ref)
    return refs


def _lighter(catalog: Catalog, answer: SizeAnswer) -> list[Variant]:
    """Catalog variants lighter than this answer's first figure, savings measured from it."""
    base = answer.preferred()
    if base is None:
        return []
    out = []
    for variant in catalog.lighter_variants(answer.ref):
        saved = base.compressed_bytes - variant.compressed_bytes
        if saved > 0:
            out.append(
                Variant(
                    tag=variant.tag,
                    ref=variant.ref,
                    compressed_bytes=variant.compressed_bytes,
                    saved_bytes=saved,
                    approximate=variant.approximate,
                )
            )
    return out


def _size_text(n: int, approximate: bool) -> str:
    return ("≈ " if approximate else "") + format_size(n)


def _to_json(catalog: Catalog, answer: SizeAnswer) -> dict[str, Any]:
    base = answer.preferred()
    alternatives = (
        sized_runtime_alternatives(answer.ref, catalog) if is_toolchain_image(answer.ref) else []
    )
    return {
        "image": answer.ref.text,
        "canonical": answer.ref.canonical,
        "source": answer.source,
        "source_kind": answer.kind.value,
        "exact": answer.exact,
        "approximate": answer.approximate,
        "matched": answer.matched_ref,
        "digest": answer.digest,
        "note": answer.note,
        "size_kind": "compressed download size (decimal units)",
        "platforms": [
            {
                "platform": p.platform,
                "compressed_bytes": p.compressed_bytes,
                "size": format_size(p.compressed_bytes),
                "layers": p.layers,
                "last_modified": p.last_modified,
                "digest": p.digest,
                "figure": p.size_kind,
                "includes_app": p.includes_app,
            }
            for p in answer.platforms
        ],
        "missing_platforms": list(answer.missing_platforms),
        "on_disk_estimate": (
            {
                "low_bytes": (est := estimate_on_disk(base.compressed_bytes)).low_bytes,
                "high_bytes": est.high_bytes,
                "note": "estimate from typical compression ratios, not a measurement",
            }
            if base is not None and base.compressed_bytes > 0
            else None
        ),
        "lighter_variants": [
            {
                "image": v.ref,
                "compressed_bytes": v.compressed_bytes,
                "saved_bytes": v.saved_bytes,
                "approximate": v.approximate,
            }
            for v in _lighter(catalog, answer)
        ],
        "runtime_alternatives": [
            {
                "image": a.ref,
                "compressed_bytes": a.compressed_bytes,
                "exact": a.exact,
                "approximate": a.approximate,
                "matched": a.matched_ref,
            }
            for a in alternatives
        ],
    }


def _print_text(catalog: Catalog, answer: SizeAnswer, out: TextIO) -> None:
    ref = answer.ref
    print(ref.display(abbreviate_digest=True), file=out)
    width = max(
        [len(p.platform) for p in answer.platforms]
        + [len(m) for m in answer.missing_platforms]
        + [8]
    )
    for p in answer.platforms:
        fields = [
            f"  {p.platform:<{width}}",
            f"{_size_text(p.compressed_bytes, p.approximate or not answer.exact):>10}",
        ]
        if p.layers is not None:
            fields.append(f"{p.layers} layer" + ("" if p.layers == 1 else "s"))
        if p.last_modified:
            fields.append(p.last_modified)
        if p.size_kind == "from-on-disk":
            fields.append("(scaled from an on-disk figure)")
        elif p.size_kind == "unspecified":
            fields.append("(source did not say compressed or on-disk)")
        if p.includes_app:
            fields.append("(measured with a sample app inside)")
        print("  ".join(fields), file=out)
    for platform in answer.missing_platforms:
        print(f"  {platform:<{width}}  no figure", file=out)
    print(f"  source: {answer.source}", file=out)
    base = answer.preferred()
    if base is not None and base.compressed_bytes > 0:
        print(
            "  compressed download size; on disk "
            + estimate_on_disk(base.compressed_bytes)
            .describe()
            .removeprefix("≈ ")
            .replace(" on disk", "", 1),
            file=out,
        )
    if answer.note:
        print(f"  note: {answer.note}", file=out)
    lighter = _lighter(catalog, answer)
    if lighter:
        print("  lighter variants:", file=out)
        name_width = max(len(v.ref) for v in lighter)
        for v in lighter:
            size = _size_text(v.compressed_bytes, v.approximate)
            print(
                f"    {v.ref:<{name_width}}  {size:>10}  ({format_size(v.saved_bytes)} less)",
                file=out,
            )
    if is_toolchain_image(ref):
        alternatives = sized_runtime_alternatives(ref, catalog)
        if alternatives:
            print("  runtime images for a final stage:", file=out)
            name_width = max(len(a.ref) for a in alternatives)
            for a in alternatives:
                if a.compressed_bytes is None:
                    size = "size unknown"
                else:
                    size = _size_text(a.compressed_bytes, a.approximate or not a.exact)
                print(f"    {a.ref:<{name_width}}  {size:>10}", file=out)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    refs = _parse(list(args.images))
    if isinstance(refs, str):
        return _fail(refs)
    platforms = list(DEFAULT_PLATFORMS)
    if args.platform:
        platforms = []
        for text in args.platform:
            platform = normalize_platform(text)
            if platform is None or platform == "any":
                return _fail(f"not a platform: {text!r} (expected e.g. linux/arm64)")
            platforms.append(platform)
    if args.timeout <= 0:
        return _fail("--timeout must be positive")
    catalog = load_catalog()
    service = SizeService(
        online=args.online,
        platforms=platforms,
        plain_http=LOOPBACK_HOSTS | frozenset(args.plain_http),
        use_credentials=args.use_credentials,
        timeout=args.timeout,
        catalog=catalog,
        cache=None if args.no_cache else DiskCache(),
        use_cache=not args.no_cache,
    )

    async def ask_all() -> list[SizeAnswer]:
        try:
            # The deadline leaves the client's own timeout room to report its reason.
            return list(
                await asyncio.gather(*(service.lookup(r, args.timeout + 0.5) for r in refs))
            )
        finally:
            await service.aclose()

    answers = asyncio.run(ask_all()) if args.online else [service.known(r) for r in refs]
    if args.format == "json":
        json.dump([_to_json(catalog, a) for a in answers], out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for i, answer in enumerate(answers):
            if i:
                print(file=out)
            _print_text(catalog, answer, out)
    return 0
