#!/usr/bin/env python3
"""Generate `msb_lsp/images/data/catalog.json` from the image-size tables in ../shared.

Reads every `official-images*.tsv` (exact figures taken from docker-library/repo-info's
generated pages) and `other-images*.tsv` (rounded third-party figures for distroless,
Chainguard, .NET and `scratch`) and writes the project's own compact JSON. The output is
deterministic (no timestamps) so a test can regenerate it and compare with the committed file.

Usage: python scripts/build_catalog.py [--source DIR] [--output FILE] [--check]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "image-sizes"
DEFAULT_OUTPUT = ROOT / "msb_lsp" / "images" / "data" / "catalog.json"

FORMAT = "msb-lsp-image-catalog"
VERSION = 1

OFFICIAL_COLUMNS = [
    "image",
    "tag",
    "os",
    "arch",
    "variant",
    "compressed_bytes",
    "layers",
    "last_modified",
    "platform_digest",
    "index_digest",
    "source_repo",
    "source_commit",
    "notes",
]
OTHER_COLUMNS = [
    "image",
    "tag",
    "arch",
    "size_bytes",
    "size_display",
    "size_kind",
    "approximate",
    "as_of",
    "source",
    "source_url",
    "notes",
]

_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_RE = re.compile(r"\b(20\d\d)\b")
_PAREN_RE = re.compile(r"^(?P<name>\S+)\s*\((?P<paren>[^)]*)\)\s*$")
# Rank of a figure's kind: a compressed figure beats an unlabelled one beats an on-disk one.
_KIND_RANK = {"compressed": 0, "unspecified": 1, "on-disk": 2}


class CatalogError(Exception):
    """The input tables are not what this script understands."""


@dataclass(frozen=True)
class OtherFigure:
    image: str
    tag: str
    platform: str
    size: int
    kind: str
    includes_app: bool
    as_of: str
    src: int

    @property
    def rank(self) -> tuple[int, bool, int]:
        # Among equals keep the smallest: app-including rows then come closest to the bare base.
        return (_KIND_RANK[self.kind], self.includes_app, self.size)


def _read_tsv(path: Path, columns: list[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != columns:
            raise CatalogError(f"{path.name}: unexpected header {header!r}")
        rows = []
        for number, row in enumerate(reader, start=2):
            if not row or all(not cell for cell in row):
                continue
            if len(row) != len(columns):
                raise CatalogError(f"{path.name}:{number}: {len(row)} columns, not {len(columns)}")
            rows.append(dict(zip(columns, row, strict=True)))
        return rows


def _natural_key(text: str) -> list[tuple[int, int | str]]:
    # Numbers sort numerically ("3.9" < "3.10"), and numbers before words.
    parts = re.findall(r"\d+|[^\d]+", text)
    return [(0, int(p)) if p.isdigit() else (1, p) for p in parts]


class _Sources:
    """Distinct provenance records; rows refer to them by index."""

    def __init__(self) -> None:
        self.items: list[dict[str, str | None]] = []
        self._index: dict[tuple[tuple[str, str | None], ...], int] = {}

    def add(self, **record: str | None) -> int:
        key = tuple(sorted(record.items()))
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(dict(record))
        return self._index[key]


def _official_platform(row: dict[str, str], where: str) -> str:
    os_name, arch, variant = row["os"], row["arch"], row["variant"]
    if not os_name or not arch:
        raise CatalogError(f"{where}: missing os/arch")
    # arm64 means arm64/v8 for every registry client; keep the short form as the key.
    if variant and not (arch == "arm64" and variant == "v8"):
        return f"{os_name}/{arch}/{variant}"
    return f"{os_name}/{arch}"


def _int(text: str, where: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CatalogError(f"{where}: not a number: {text!r}") from None
    if value < 0:
        raise CatalogError(f"{where}: negative size")
    return value


def _digest(text: str, where: str) -> str:
    if _DIGEST_RE.fullmatch(text) is None:
        raise CatalogError(f"{where}: bad digest {text!r}")
    return text


def build_official(
    files: Iterable[Path], sources: _Sources
) -> tuple[dict[str, dict[str, dict]], list[str], int]:
    images: dict[str, dict[str, dict]] = {}
    dates: list[str] = []
    count = 0
    for path in files:
        for number, row in enumerate(_read_tsv(path, OFFICIAL_COLUMNS), start=2):
            where = f"{path.name}:{number}"
            image, tag = row["image"], row["tag"]
            if not image or not tag:
                raise CatalogError(f"{where}: missing image or tag")
            platform = _official_platform(row, where)
            entry = images.setdefault(image, {}).setdefault(
                tag, {"index": _digest(row["index_digest"], where), "platforms": {}}
            )
            if entry["index"] != row["index_digest"]:
                raise CatalogError(f"{where}: {image}:{tag} has two index digests")
            if platform in entry["platforms"]:
                raise CatalogError(f"{where}: duplicate row for {image}:{tag} {platform}")
            date = row["last_modified"] or None
            if date is not None:
                if _DATE_RE.fullmatch(date) is None:
                    raise CatalogError(f"{where}: bad date {date!r}")
                dates.append(date)
            src = sources.add(
                kind="repo-info",
                repo=row["source_repo"],
                commit=row["source_commit"] or None,
            )
            entry["platforms"][platform] = {
                "bytes": _int(row["compressed_bytes"], where),
                "layers": _int(row["layers"], where),
                "date": date,
                "digest": _digest(row["platform_digest"], where),
                "src": src,
            }
            count += 1
    return images, dates, count


def _other_kind(size_kind: str, where: str) -> str:
    for prefix, kind in (
        ("compressed", "compressed"),
        ("on-disk", "on-disk"),
        ("unspecified", "unspecified"),
    ):
        if size_kind.startswith(prefix):
            return kind
    raise CatalogError(f"{where}: unknown size_kind {size_kind!r}")


def _other_platform(arch: str) -> str:
    # Only an explicit architecture counts; "unspecified (likely amd64)" stays unattributed.
    if arch.startswith("amd64"):
        return "linux/amd64"
    if arch.startswith("arm64"):
        return "linux/arm64"
    return "any"


def build_other(
    files: Iterable[Path], sources: _Sources
) -> tuple[dict[str, dict[str, dict]], dict | None, list[str], int]:
    figures: list[OtherFigure] = []
    scratch: dict | None = None
    years: list[str] = []
    count = 0
    for path in files:
        for number, row in enumerate(_read_tsv(path, OTHER_COLUMNS), start=2):
            where = f"{path.name}:{number}"
            if not row["size_bytes"]:
                continue  # a row that only says "no public figure found"
            size = _int(row["size_bytes"], where)
            src = sources.add(kind="page", title=row["source"], url=row["source_url"] or None)
            if row["image"] == "scratch":
                if size != 0:
                    raise CatalogError(f"{where}: scratch must be 0 bytes")
                scratch = {"bytes": 0, "layers": 0, "src": src}
                count += 1
                continue
            name, includes_app = row["image"], False
            match = _PAREN_RE.match(name)
            if match is not None:
                name = match["name"]
                paren = match["paren"]
                includes_app = "app" in paren or "binary" in paren
            if " " in name or "/" not in name:
                raise CatalogError(f"{where}: unexpected image name {row['image']!r}")
            if row["approximate"] != "yes":
                raise CatalogError(f"{where}: third-party rows are expected to be approximate")
            years.extend(_YEAR_RE.findall(row["as_of"]))
            figures.append(
                OtherFigure(
                    image=name,
                    tag=row["tag"] or "latest",
                    platform=_other_platform(row["arch"]),
                    size=size,
                    kind=_other_kind(row["size_kind"], where),
                    includes_app=includes_app,
                    as_of=row["as_of"],
                    src=src,
                )
            )
            count += 1

    grouped: dict[tuple[str, str, str], list[OtherFigure]] = {}
    for figure in figures:
        grouped.setdefault((figure.image, figure.tag, figure.platform), []).append(figure)
    images: dict[str, dict[str, dict]] = {}
    for (image, tag, platform), group in grouped.items():
        best = min(group, key=lambda f: f.rank)
        record: dict[str, object] = {"bytes": best.size, "kind": best.kind}
        on_disk = [
            f.size for f in group if f.kind == "on-disk" and f.includes_app == best.includes_app
        ]
        if best.kind != "on-disk" and on_disk:
            record["on_disk"] = min(on_disk)
        if best.includes_app:
            record["includes_app"] = True
        record["as_of"] = best.as_of
        record["src"] = best.src
        entry = images.setdefault(image, {}).setdefault(tag, {"approximate": True, "platforms": {}})
        entry["platforms"][platform] = record
    return images, scratch, years, count


def build(source: Path) -> dict:
    official_files = sorted(source.glob("official-images*.tsv"))
    other_files = sorted(source.glob("other-images*.tsv"))
    if not official_files:
        raise CatalogError(f"no official-images*.tsv in {source}")
    sources = _Sources()
    official, dates, official_rows = build_official(official_files, sources)
    other, scratch, years, other_rows = build_other(other_files, sources)
    overlap = set(official) & set(other)
    if overlap:
        raise CatalogError(f"images in both tables: {sorted(overlap)}")
    images = {**official, **other}
    header = {
        "generated_by": "scripts/build_catalog.py",
        "inputs": [p.name for p in [*official_files, *other_files]],
        "size": (
            "compressed download size in bytes: the sum of the layer sizes of the platform "
            "manifest, as registries and Docker Hub report it; not the unpacked on-disk size "
            "that `docker images` shows"
        ),
        "platform_keys": "os/arch[/variant], arm64 meaning arm64/v8; 'any' = not tied to one",
        "official": {
            "origin": (
                "docker-library/repo-info generated pages repos/<image>/remote/<tag>.md "
                "(Total Size, layer list, platform digest), or forks mirroring them unchanged"
            ),
            "dates": [min(dates), max(dates)],
            "rows": official_rows,
        },
        "other": {
            "origin": (
                "third-party public pages for gcr.io/distroless, cgr.dev/chainguard and "
                "mcr.microsoft.com/dotnet: rounded, approximate figures; 'kind' says whether a "
                "figure is compressed, on-disk or unlabelled, 'includes_app' that it was "
                "measured with a sample app inside"
            ),
            "years": [min(years), max(years)] if years else None,
            "rows": other_rows,
        },
        "sources": sources.items,
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "header": header,
        "scratch": scratch or {"bytes": 0, "layers": 0, "src": None},
        "images": images,
    }


def render(catalog: dict) -> str:
    """JSON with one line per tag: compact, yet a changed figure shows as a one-line diff."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    lines = ["{"]
    lines.append(f' "format": {dump(catalog["format"])},')
    lines.append(f' "version": {dump(catalog["version"])},')
    header = dict(catalog["header"])
    sources = header.pop("sources")
    pretty = json.dumps(header, ensure_ascii=False, indent=1, sort_keys=True)
    lines.append(' "header": ' + pretty[:-2].replace("\n", "\n ") + ",")
    lines.append('  "sources": [')
    lines.extend(
        f"   {dump(source)}" + ("," if k < len(sources) - 1 else "")
        for k, source in enumerate(sources)
    )
    lines.append("  ]")
    lines.append(" },")
    lines.append(f' "scratch": {dump(catalog["scratch"])},')
    lines.append(' "images": {')
    names = sorted(catalog["images"])
    for i, name in enumerate(names):
        tags = catalog["images"][name]
        lines.append(f"  {dump(name)}: {{")
        ordered = sorted(tags, key=_natural_key)
        for j, tag in enumerate(ordered):
            comma = "," if j < len(ordered) - 1 else ""
            lines.append(f"   {dump(tag)}: {dump(tags[tag])}{comma}")
        lines.append("  }" + ("," if i < len(names) - 1 else ""))
    lines.append(" }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of TSVs")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="catalog to write")
    parser.add_argument(
        "--check", action="store_true", help="only compare with --output; exit 1 if it differs"
    )
    args = parser.parse_args(argv)
    try:
        text = render(build(args.source))
    except (CatalogError, OSError) as error:
        print(f"build_catalog: {error}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"build_catalog: {args.output} is out of date", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
