"""`msb-lsp check --fix`: safe fixes applied in place, pass after pass, line endings kept,
the count on stderr, and the same result as the editor's fix-all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model import parse
from msb_lsp.refactor.quickfix import fix_all


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "msb_lsp", "check", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


SOURCE = (
    "FROM golang:1.22 AS build\n"
    "RUN go build -o /app .\n"
    "from alpine:3.19 AS runtime\n"
    "MAINTAINER Zoë <zoe@example.org>\n"
    "ENV MODE production\n"
    "RUN apk add curl\n"
    "COPY --from=0 /app /app\n"
    'CMD ["/app"]\n'
)
FIXED = (
    "FROM golang:1.22 AS build\n"
    "RUN go build -o /app .\n"
    "FROM alpine:3.19 AS runtime\n"
    'LABEL org.opencontainers.image.authors="Zoë <zoe@example.org>"\n'
    "ENV MODE=production\n"
    "RUN apk add --no-cache curl\n"
    "COPY --from=build /app /app\n"
    'CMD ["/app"]\n'
)


def test_fix_applies_safe_fixes_until_none_is_left(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_bytes(SOURCE.encode())
    result = run(str(df), "--fix", "--no-config")
    assert df.read_bytes().decode() == FIXED
    # `from` -> `FROM` and `AS` -> `as` land in one pass, `as` -> `AS` in the next: 7 in all.
    assert f"{df}: applied 7 fixes" in result.stderr.splitlines()
    assert "msb-lsp check: 7 fixes applied in 1 file" in result.stderr.splitlines()
    # What is left is reported: the unsafe fixes (USER, CGO_ENABLED=0) wait for the user.
    reported = sorted(line.split()[2] for line in result.stdout.splitlines())
    assert reported == ["MSB204", "MSB205"]
    assert result.returncode == 1


def test_fix_matches_the_engine_fix_all(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text(SOURCE, encoding="utf-8")
    run(str(df), "--fix", "--no-config")
    expected = fix_all(SOURCE, lambda t: lint(parse(t), LintConfig())).text
    assert df.read_text(encoding="utf-8") == expected


def test_fix_keeps_crlf_and_the_byte_order_mark(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_bytes(("\ufeff" + SOURCE.replace("\n", "\r\n")).encode())
    result = run(str(df), "--fix", "--no-config")
    assert result.returncode == 1, result.stderr
    data = df.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert data.decode() == "\ufeff" + FIXED.replace("\n", "\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_fix_leaves_a_missing_final_line_break_missing(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_bytes(b'FROM alpine:3.19\r\nRUN apk add curl\r\nCMD ["sh"]')
    run(str(df), "--fix", "--no-config")
    assert df.read_bytes() == b'FROM alpine:3.19\r\nRUN apk add --no-cache curl\r\nCMD ["sh"]'


def test_clean_file_is_left_alone_and_zero_is_reported(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_bytes(b"FROM alpine:3.19\nRUN true\n")
    before = df.stat().st_mtime_ns
    result = run(str(df), "--fix", "--no-config")
    assert result.returncode == 0
    assert df.stat().st_mtime_ns == before
    assert result.stderr.splitlines() == ["msb-lsp check: 0 fixes applied in 0 files"]


def test_fix_respects_the_rule_selection(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text(SOURCE, encoding="utf-8")
    result = run(str(df), "--fix", "--no-config", "--select", "MSB207,MSB309")
    assert df.read_text(encoding="utf-8") == SOURCE.replace(
        "ENV MODE production", "ENV MODE=production"
    ).replace("apk add curl", "apk add --no-cache curl")
    assert f"{df}: applied 2 fixes" in result.stderr.splitlines()
    assert result.returncode == 0


def test_fix_over_a_folder_counts_per_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = tmp_path / "a" / "Dockerfile"
    two = tmp_path / "b" / "Dockerfile"
    one.write_text("FROM alpine:3.19\nRUN apk add curl\n", encoding="utf-8")
    two.write_text("FROM alpine:3.19\nRUN true\n", encoding="utf-8")
    result = run(str(tmp_path), "--fix", "--no-config")
    lines = result.stderr.splitlines()
    assert f"{one}: applied 1 fix" in lines
    assert not any(line.startswith(str(two)) for line in lines)
    assert lines[-1] == "msb-lsp check: 1 fix applied in 1 file"
    assert one.read_text(encoding="utf-8") == "FROM alpine:3.19\nRUN apk add --no-cache curl\n"
    assert two.read_text(encoding="utf-8") == "FROM alpine:3.19\nRUN true\n"


def test_without_fix_nothing_is_written_or_counted(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text(SOURCE, encoding="utf-8")
    result = run(str(df), "--no-config")
    assert df.read_text(encoding="utf-8") == SOURCE
    assert "applied" not in result.stderr
