"""`msb-lsp size` offline: output in text and JSON, exit codes."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from msb_lsp.cli import size as size_cmd


def run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    size_cmd.add_arguments(parser)
    out = io.StringIO()
    code = size_cmd.run(parser.parse_args(list(argv)), out)
    return code, out.getvalue()


def test_text_output_for_node_20() -> None:
    code, text = run("node:20")
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == "node:20"
    assert lines[1].split() == ["linux/amd64", "397.7", "MB", "8", "layers", "2025-01-14"]
    assert lines[2].split() == ["linux/arm64", "388.2", "MB", "8", "layers"]
    assert "  source: catalog (figures of 2025-01)" in lines
    assert any(line.startswith("  compressed download size; on disk") for line in lines)
    assert "  lighter variants:" in lines
    variant = next(line for line in lines if line.strip().startswith("node:20-alpine"))
    assert variant.split() == ["node:20-alpine", "48.0", "MB", "(349.8", "MB", "less)"]
    assert "  runtime images for a final stage:" in lines


def test_estimates_are_marked() -> None:
    code, text = run("python:3.12.4-slim-bookworm", "--platform", "linux/amd64")
    assert code == 0
    assert "≈ 45.4 MB" in text
    assert "source: estimate from python:3.12-slim-bookworm" in text


def test_json_output() -> None:
    code, text = run("golang:1.22", "scratch", "bitnami/redis", "--format", "json")
    assert code == 0
    golang, scratch, unknown = json.loads(text)
    assert golang["canonical"] == "docker.io/library/golang:1.22"
    assert golang["source_kind"] == "catalog" and golang["exact"]
    assert [p["compressed_bytes"] for p in golang["platforms"]] == [299_381_750, 289_754_733]
    assert golang["lighter_variants"][0]["image"] == "golang:1.22-alpine"
    assert golang["lighter_variants"][0]["saved_bytes"] == 299_381_750 - 73_268_522
    assert [a["image"] for a in golang["runtime_alternatives"]][:2] == [
        "scratch",
        "gcr.io/distroless/static-debian12",
    ]
    assert golang["on_disk_estimate"]["low_bytes"] < golang["on_disk_estimate"]["high_bytes"]
    assert scratch["source_kind"] == "scratch"
    assert [p["compressed_bytes"] for p in scratch["platforms"]] == [0]
    assert unknown["source_kind"] == "unknown" and unknown["platforms"] == []
    assert unknown["missing_platforms"] == ["linux/amd64", "linux/arm64"]


def test_platform_option_is_repeatable() -> None:
    code, text = run("node:22", "--platform", "linux/arm64", "--platform", "amd64", "--format",
                     "json")  # fmt: skip
    assert code == 0
    [item] = json.loads(text)
    assert [p["platform"] for p in item["platforms"]] == ["linux/arm64", "linux/amd64"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["Node:20"], "msb-lsp size: not a valid image reference: 'Node:20'\n"),
        (
            ["node:20", "node:${V}"],
            "msb-lsp size: 'node:${V}' contains unexpanded build arguments; "
            "give a concrete image\n",
        ),
        (["node", "--platform", "linux/"], "msb-lsp size: not a platform: 'linux/' "
                                            "(expected e.g. linux/arm64)\n"),
        (["node", "--timeout", "0"], "msb-lsp size: --timeout must be positive\n"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(*argv)
    assert code == 2
    assert text == ""
    assert capsys.readouterr().err == message


def test_offline_by_default_never_touches_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the offline command must not create a registry client request")

    monkeypatch.setattr("msb_lsp.images.registry.RegistryClient.fetch", no_network)
    code, text = run("node:20", "example.test/team/app:1")
    assert code == 0
    assert "live registry lookups are off" in text
