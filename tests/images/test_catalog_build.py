"""scripts/build_catalog.py: the committed catalog is exactly what the script makes from
../shared, and the script's rules hold on small tables of our own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from msb_lsp.images.catalog import Catalog
from msb_lsp.images.reference import parse_image_ref
from tests.support.paths import ROOT

SCRIPT = ROOT / "scripts" / "build_catalog.py"
COMMITTED = ROOT / "msb_lsp" / "images" / "data" / "catalog.json"

OFFICIAL_HEADER = (
    "image\ttag\tos\tarch\tvariant\tcompressed_bytes\tlayers\tlast_modified\t"
    "platform_digest\tindex_digest\tsource_repo\tsource_commit\tnotes"
)
OTHER_HEADER = (
    "image\ttag\tarch\tsize_bytes\tsize_display\tsize_kind\tapproximate\tas_of\tsource\t"
    "source_url\tnotes"
)


def digest(n: int) -> str:
    return "sha256:" + f"{n:x}".rjust(64, "0")


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_regenerated_catalog_equals_the_committed_one(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    result = run_script("--source", str(shared_dir / "image-sizes"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")


def test_committed_catalog_has_no_absolute_paths() -> None:
    text = COMMITTED.read_text(encoding="utf-8")
    assert str(ROOT) not in text
    assert "/work/" not in text and "/home/" not in text


def write_tables(folder: Path, official: list[str], other: list[str]) -> Path:
    folder.mkdir()
    (folder / "official-images.tsv").write_text(
        "\n".join([OFFICIAL_HEADER, *official]) + "\n", encoding="utf-8"
    )
    (folder / "other-images.tsv").write_text(
        "\n".join([OTHER_HEADER, *other]) + "\n", encoding="utf-8"
    )
    return folder


def official_row(tag: str, arch: str, variant: str, size: int, n: int) -> str:
    return "\t".join(
        [
            "demo", tag, "linux", arch, variant, str(size), "3", "2026-01-02",
            digest(n), digest(1000), "owner/repo-info", "c0ffee" * 6 + "abcd", "note",
        ]
    )  # fmt: skip


def other_row(image: str, tag: str, arch: str, size: int, kind: str) -> str:
    return "\t".join(
        [image, tag, arch, str(size), "x", kind, "yes", "2025-06", "a page", "https://e.test/p", ""]
    )


def test_build_from_small_tables(tmp_path: Path) -> None:
    source = write_tables(
        tmp_path / "in",
        [official_row("1.0", "amd64", "", 5000, 1), official_row("1.0", "arm64", "v8", 4000, 2)],
        [
            "scratch\t\tany\t0\t0 B\tn/a (empty base)\tno\t\tDocker\t\t",
            other_row("example.test/base", "", "unspecified", 9_000_000, "on-disk (docker images)"),
            other_row("example.test/base", "", "unspecified", 3_000_000, "compressed"),
            other_row("example.test/base (+ sample app)", "", "unspecified", 2_000_000,
                      "compressed"),
            other_row("example.test/tool", "2", "amd64", 7_000_000, "unspecified"),
        ],
    )  # fmt: skip
    out = tmp_path / "catalog.json"
    result = run_script("--source", str(source), "--output", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    demo = data["images"]["demo"]["1.0"]
    assert set(demo["platforms"]) == {"linux/amd64", "linux/arm64"}  # arm64/v8 → arm64
    assert demo["platforms"]["linux/arm64"]["bytes"] == 4000
    base = data["images"]["example.test/base"]["latest"]["platforms"]["any"]
    # A compressed figure of the bare image beats one measured with an app inside, and the
    # on-disk figure of the same kind of row is kept beside it.
    assert (base["bytes"], base["kind"], base["on_disk"]) == (3_000_000, "compressed", 9_000_000)
    assert "includes_app" not in base
    assert data["scratch"]["bytes"] == 0
    assert data["header"]["official"]["dates"] == ["2026-01-02", "2026-01-02"]

    catalog = Catalog(data)
    ref = parse_image_ref("example.test/tool:2")
    assert ref is not None
    match = catalog.lookup(ref)
    assert match is not None and match.approximate
    assert [(p.platform, p.size_kind) for p in match.platforms] == [("linux/amd64", "unspecified")]

    assert run_script("--source", str(source), "--output", str(out), "--check").returncode == 0
    out.write_text(out.read_text(encoding="utf-8").replace("5000", "5001"), encoding="utf-8")
    assert run_script("--source", str(source), "--output", str(out), "--check").returncode == 1


GOOD = official_row("1.0", "amd64", "", 1, 1)


@pytest.mark.parametrize(
    ("official", "message"),
    [
        (["x"], "columns"),
        (
            [official_row("1.0", "amd64", "", 1, 1), official_row("1.0", "amd64", "", 2, 2)],
            "duplicate",
        ),
        ([official_row("1.0", "amd64", "", 1, 1).replace(digest(1), "sha256:zz")], "digest"),
        (
            ["\t".join(["12x" if i == 5 else c for i, c in enumerate(GOOD.split("\t"))])],
            "not a number",
        ),
        (["\t".join(["-5" if i == 5 else c for i, c in enumerate(GOOD.split("\t"))])], "negative"),
    ],
)
def test_bad_tables_are_refused(tmp_path: Path, official: list[str], message: str) -> None:
    source = write_tables(tmp_path / "in", official, [])
    result = run_script("--source", str(source), "--output", str(tmp_path / "c.json"))
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "c.json").exists()


def test_wrong_header_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "official-images.tsv").write_text("image\ttag\n", encoding="utf-8")
    result = run_script("--source", str(source), "--output", str(tmp_path / "c.json"))
    assert result.returncode == 2
    assert "unexpected header" in result.stderr
