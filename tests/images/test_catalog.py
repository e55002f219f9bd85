"""The packaged catalog: exact figures (checked against ../shared when present), estimates for
unknown tags, tag order, lighter variants, size formatting."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from msb_lsp.images.catalog import (
    Catalog,
    CatalogMatch,
    estimate_on_disk,
    format_size,
    load_catalog,
)
from msb_lsp.images.reference import parse_image_ref


def lookup(text: str) -> CatalogMatch | None:
    ref = parse_image_ref(text)
    assert ref is not None
    return load_catalog().lookup(ref)


def tsv_rows(shared: Path, pattern: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((shared / "image-sizes").glob(pattern)):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows


@pytest.mark.parametrize(
    ("image", "tag"),
    [("node", "20"), ("node", "20-alpine"), ("golang", "1.22"), ("python", "3.12-slim")],
)
def test_official_figures_match_the_tsv(shared_dir: Path, image: str, tag: str) -> None:
    rows = [
        r
        for r in tsv_rows(shared_dir, "official-images*.tsv")
        if r["image"] == image and r["tag"] == tag
    ]
    assert rows, f"{image}:{tag} missing from the TSV"
    match = lookup(f"{image}:{tag}")
    assert match is not None and match.exact and not match.approximate
    assert match.index_digest == rows[0]["index_digest"]
    assert len(match.platforms) == len(rows)
    for row in rows:
        platform = f"{row['os']}/{row['arch']}"  # arm64/v8 is keyed linux/arm64
        size = match.for_platform(platform)
        assert size is not None, platform
        assert size.platform == platform
        assert size.compressed_bytes == int(row["compressed_bytes"])
        assert size.layers == int(row["layers"])
        assert size.digest == row["platform_digest"]
        assert size.last_modified == (row["last_modified"] or None)
        assert size.size_kind == "compressed"


def test_third_party_figure_matches_the_tsv(shared_dir: Path) -> None:
    rows = [
        r
        for r in tsv_rows(shared_dir, "other-images*.tsv")
        if r["image"] == "gcr.io/distroless/static"
    ]
    assert len(rows) == 1
    match = lookup("gcr.io/distroless/static")
    assert match is not None
    assert match.exact and match.approximate
    [size] = match.platforms
    assert size.platform == "any"
    assert size.compressed_bytes == int(rows[0]["size_bytes"])
    assert match.sources == (rows[0]["source_url"],)


def test_scratch_matches_the_tsv(shared_dir: Path) -> None:
    [row] = [r for r in tsv_rows(shared_dir, "other-images*.tsv") if r["image"] == "scratch"]
    match = lookup("scratch")
    assert match is not None and match.exact and not match.approximate
    assert [p.compressed_bytes for p in match.platforms] == [int(row["size_bytes"])] == [0]


def test_scratch_is_zero_and_exact() -> None:
    match = lookup("scratch")
    assert match is not None
    assert match.exact
    assert [(p.platform, p.compressed_bytes, p.layers) for p in match.platforms] == [("any", 0, 0)]


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("node:20.11-alpine3.19", "node:20-alpine"),
        ("node:20.11.1", "node:20"),
        ("node:20-bookworm", "node:20"),
        ("node:22-bookworm-slim", "node:22-bookworm-slim"),
        ("python:3.12.4-slim", "python:3.12-slim"),
        # The catalog also has the bookworm build of 3.12-slim: same variant, same distro.
        ("python:3.12.4-slim-bookworm", "python:3.12-slim-bookworm"),
        ("python:3.12-alpine3.20", "python:3.12-alpine"),
        ("golang:1.22.5-alpine3.20", "golang:1.22-alpine"),
        ("golang:1.21", "golang:1.22"),
        ("eclipse-temurin:21.0.2_13-jre-jammy", "eclipse-temurin:21-jre"),
        ("maven:3.9.6-eclipse-temurin-21", "maven:3-eclipse-temurin-21"),
        ("alpine:3.19.1", "alpine:3.19"),
        ("gcr.io/distroless/static-debian12:nonroot", "gcr.io/distroless/static-debian12:latest"),
    ],
)
def test_closest_tag_of_the_same_variant_is_an_estimate(text: str, matched: str) -> None:
    match = lookup(text)
    assert match is not None
    assert match.matched_ref == matched
    assert match.exact is (text == matched)


def test_unknown_major_uses_the_nearest_one() -> None:
    match = lookup("node:21")
    assert match is not None and not match.exact
    # 20 and 22 are equally near; the newer one wins the tie.
    assert match.matched_tag == "22"
    older = lookup("node:17")
    assert older is not None and older.matched_tag == "18"


def test_latest_without_a_catalog_row_uses_the_newest_version() -> None:
    match = lookup("node")
    assert match is not None and not match.exact
    assert match.matched_tag == "24"


def test_no_estimate_across_variants_or_images() -> None:
    assert lookup("node:20-windowsservercore") is None
    assert lookup("bitnami/redis:7") is None
    assert lookup("example.com/node:20") is None


def test_digest_lookup() -> None:
    node20 = lookup("node:20")
    assert node20 is not None and node20.index_digest is not None
    by_index = lookup(f"node@{node20.index_digest}")
    assert by_index is not None and by_index.exact and by_index.matched_tag == "20"
    amd64 = node20.for_platform("linux/amd64")
    assert amd64 is not None and amd64.digest is not None
    by_platform = lookup(f"node@{amd64.digest}")
    assert by_platform is not None and by_platform.exact
    assert [p.platform for p in by_platform.platforms] == ["linux/amd64"]
    unknown = "sha256:" + "0" * 64
    assert lookup(f"node@{unknown}") is None
    pinned = lookup(f"node:20@{unknown}")  # some other build of node:20
    assert pinned is not None and not pinned.exact and pinned.matched_tag == "20"


def test_tags_put_runtime_variants_first_within_a_version() -> None:
    tags = load_catalog().tags("node")
    assert tags[:3] == ["24-alpine", "24-slim", "24"]
    assert tags.index("22-alpine") < tags.index("22")
    assert tags[-3:] == ["lts-alpine", "lts-slim", "lts"]
    assert load_catalog().tags("no-such-image") == []


def test_images_include_official_and_third_party() -> None:
    images = load_catalog().images()
    assert {"node", "python", "golang", "gcr.io/distroless/static"} <= set(images)
    assert images == sorted(images)


def test_lighter_variants_of_node_20() -> None:
    catalog = load_catalog()
    ref = parse_image_ref("node:20")
    assert ref is not None
    variants = catalog.lighter_variants(ref)
    assert [v.ref for v in variants] == ["node:20-alpine", "node:20-slim"]
    node20 = catalog.lookup(ref)
    assert node20 is not None
    base = node20.for_platform("linux/amd64")
    assert base is not None
    for v in variants:
        assert v.saved_bytes == base.compressed_bytes - v.compressed_bytes > 0


def test_lighter_variants_stay_within_the_version() -> None:
    catalog = load_catalog()
    ref = parse_image_ref("python:3.12")
    assert ref is not None
    tags = {v.tag for v in catalog.lighter_variants(ref)}
    assert tags == {"3.12-alpine", "3.12-slim", "3.12-slim-bookworm"}
    ref = parse_image_ref("node:20-alpine")
    assert ref is not None
    assert catalog.lighter_variants(ref) == []  # nothing of node 20 is smaller


def test_on_disk_figure_becomes_a_labelled_estimate() -> None:
    match = lookup("mcr.microsoft.com/dotnet/sdk:8.0")
    assert match is not None and match.approximate
    [size] = match.platforms
    assert size.size_kind == "from-on-disk"
    assert size.on_disk_bytes is not None
    assert size.compressed_bytes < size.on_disk_bytes


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (4023, "4.0 kB"),
        (999_949, "999.9 kB"),
        (999_950, "1.0 MB"),
        (47_955_597, "48.0 MB"),
        (48_200_000, "48.2 MB"),
        (397_742_964, "397.7 MB"),
        (999_960_000, "1.00 GB"),
        (1_254_255_994, "1.25 GB"),
    ],
)
def test_format_size_uses_decimal_units(n: int, text: str) -> None:
    assert format_size(n) == text


def test_on_disk_estimate_is_a_range() -> None:
    large = estimate_on_disk(400_000_000)
    assert (large.low_bytes, large.high_bytes) == (888_888_889, 1_333_333_333)
    assert "estimate" in large.describe()
    tiny = estimate_on_disk(3_500_000)
    assert (tiny.ratio_low, tiny.ratio_high) == (0.5, 0.7)
    assert tiny.low_bytes == 5_000_000


def test_catalog_rejects_foreign_json() -> None:
    with pytest.raises(ValueError):
        Catalog({"format": "something-else"})
