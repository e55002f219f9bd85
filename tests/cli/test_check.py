"""`msb-lsp check`: output formats, exit codes and clear messages for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

EXAMPLE = ROOT / "examples" / "Dockerfile"


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "msb_lsp", "check", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_text_output_has_exact_positions(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text("FROM alpine:3.19\nRUNN echo\nCOPY --form=x a b\n")
    result = run(str(df), "--select", "syntax")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        f"{df}:2:1: error MSB001 unknown instruction: RUNN (did you mean RUN?) [unknown-instruction]"
        in lines
    )
    assert any(line.startswith(f"{df}:3:6: error MSB002 unknown flag: form") for line in lines)


def test_shipped_example_has_findings() -> None:
    result = run(str(EXAMPLE))
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip()
    for line in result.stdout.splitlines():
        _path, row, col, _rest = line.split(":", 3)
        assert int(row) >= 1 and int(col) >= 1


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text("FROM alpine:3.19\n")
    result = run(str(df), "--select", "syntax")
    assert result.returncode == 0 and result.stdout == ""


def test_missing_path_is_one_clear_line() -> None:
    result = run("/nonexistent/Dockerfile")
    assert result.returncode == 2
    assert result.stderr.strip() == "/nonexistent/Dockerfile: no such file or directory"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
        (b"FROM alpine\nRUN echo \xff\xfe\n", "not valid UTF-8 (byte 0xff at offset 21)"),
    ],
)
def test_bad_content_is_one_clear_line(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_bytes(content)
    result = run(str(bad))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_huge_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "Dockerfile"
    big.write_bytes(b"FROM alpine\n" + b"RUN echo x\n" * 500_000)
    result = run(str(big))
    assert result.returncode == 2
    assert "file too large" in result.stderr


def test_folders_are_searched_for_dockerfiles(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text("FROM alpine\nRUNN x\n")
    (tmp_path / "web.Dockerfile").write_text("FROM alpine\n")
    (tmp_path / "Containerfile.dev").write_text("FROM alpine\n")
    (tmp_path / "notes.txt").write_text("RUNN\n")
    result = run(str(tmp_path), "--format", "json", "--select", "syntax")
    data = json.loads(result.stdout)
    assert sorted(Path(entry["path"]).name for entry in data) == [
        "Containerfile.dev",
        "Dockerfile",
        "web.Dockerfile",
    ]
    finding = next(f for entry in data for f in entry["findings"])
    assert finding["code"] == "MSB001" and finding["line"] == 2 and finding["column"] == 1


def test_stdin(tmp_path: Path) -> None:
    result = run(
        "-", "--stdin-filename", "Dockerfile", "--select", "syntax", stdin=b"FROM alpine\nRUNN x\n"
    )
    assert result.returncode == 1
    assert result.stdout.startswith("Dockerfile:2:1: error MSB001")


def test_sarif_is_valid_for_code_scanning(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text("FROM alpine\nRUNN x\n")
    result = run(str(df), "--format", "sarif", "--select", "syntax", cwd=tmp_path)
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    run0 = log["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    assert rules[0]["id"] == "MSB001" and rules[0]["helpUri"].startswith("https://")
    res = run0["results"][0]
    assert res["ruleId"] == "MSB001" and res["ruleIndex"] == 0 and res["level"] == "error"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (2, 1, 5)
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"


def test_fail_level_and_exit_zero(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text("FROM alpine\nRUNN x\n")
    assert run(str(df), "--exit-zero").returncode == 0
    assert run(str(df), "--ignore", "MSB001", "--select", "syntax").returncode == 0


def test_unknown_selector_is_a_usage_error(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text("FROM alpine\n")
    result = run(str(df), "--select", "no-such-rule")
    assert result.returncode == 2
    assert "unknown rule or category: no-such-rule" in result.stderr


def test_project_file_configures_rules(tmp_path: Path) -> None:
    (tmp_path / ".msb-lsp.toml").write_text('ignore = ["unknown-instruction"]\n')
    df = tmp_path / "Dockerfile"
    df.write_text("FROM alpine\nRUNN x\n")
    assert run(str(df), "--select", "syntax").returncode == 0
    assert run(str(df), "--select", "syntax", "--no-config").returncode == 1


def test_bad_project_file_is_reported_and_defaults_apply(tmp_path: Path) -> None:
    (tmp_path / ".msb-lsp.toml").write_text("select = [\n")
    df = tmp_path / "Dockerfile"
    df.write_text("FROM alpine\nRUNN x\n")
    result = run(str(df), "--select", "syntax")
    assert result.returncode == 1
    assert "cannot read the msb-lsp configuration" in result.stderr
