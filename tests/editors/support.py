"""Shared pieces of the real-editor tests: the project they open, a clean environment, the
JSON line an editor run prints, and the facts the answers must show."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from msb_lsp.images import format_size, load_catalog, parse_image_ref
from tests.support.paths import ROOT
from tests.support.programs import require_program

EDITORS = ROOT / "editors"
VENV_BIN = Path(sys.executable).parent
# The whole editor run has this deadline inside the editor; the process gets more on top so
# a hung editor is killed and reported instead of blocking CI.
INTERNAL_TIMEOUT_MS = 30_000
PROCESS_TIMEOUT_S = 90

# Line 7 (0-based 6) has the stage typo, line 6 (0-based 5) an unknown instruction, line 5
# (0-based 4) the image whose size the hover shows.
DOCKERFILE = """\
FROM golang:1.22 AS builder
WORKDIR /src
RUN go build -o /out/app .

FROM node:20 AS web
RUNN echo hi
COPY --from=buidler /out/app /app

FROM alpine:3.20 AS final
COPY --from=web /app /app
"""

COMPOSE = """\
services:
  web:
    build:
      context: .
      target: web
"""

# A single-stage build: the "Extract builder stage" refactoring's case (line 3 is the RUN).
SINGLE_STAGE = """\
FROM node:20
WORKDIR /app
COPY . .
RUN npm ci && npm run build
CMD ["node", "dist/main.js"]
"""


def node20_size() -> str:
    """The linux/amd64 download size of node:20 as msb-lsp formats it (catalog figure)."""
    ref = parse_image_ref("node:20")
    assert ref is not None
    match = load_catalog().lookup(ref)
    assert match is not None
    size = match.for_platform("linux/amd64")
    assert size is not None
    return format_size(size.compressed_bytes)


def make_project(base: Path) -> Path:
    project = base / "project"
    (project / ".git").mkdir(parents=True)
    (project / "svc").mkdir()
    (project / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (project / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    (project / "svc" / "Dockerfile").write_text(SINGLE_STAGE, encoding="utf-8")
    return project


def clean_env(base: Path, **extra: str) -> dict[str, str]:
    """No user configuration: a temporary HOME and XDG folders; `msb-lsp` from this venv
    first on PATH; the registry off (figures from the catalog)."""
    home = base / "home"
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PATH": os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", os.defpath)]),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "MSB_LSP_OFFLINE": "1",
        "MSB_LSP_CACHE_DIR": str(base / "msb-lsp-cache"),
    }
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    env.update(extra)
    return env


@dataclass
class EditorRun:
    name: str
    result: dict[str, Any]
    returncode: int
    stderr: str

    def explain(self) -> str:
        return (
            f"{self.name} exited {self.returncode}; failures: {self.result.get('failures')}\n"
            f"result: {json.dumps(self.result, indent=1)[:4000]}\nstderr: {self.stderr[-3000:]}"
        )


def run_editor(name: str, argv: list[str], env: dict[str, str], cwd: Path) -> EditorRun:
    """Run an editor probe and parse the JSON line it prints (the last line that is one)."""
    try:
        done = subprocess.run(
            argv,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PROCESS_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{name} hung for {PROCESS_TIMEOUT_S} s; stderr: {exc.stderr!r}")
    result: dict[str, Any] | None = None
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except json.JSONDecodeError:
                continue
    if result is None:
        pytest.fail(
            f"{name} printed no JSON result (exit {done.returncode})\nstdout: "
            f"{done.stdout[-3000:]}\nstderr: {done.stderr[-3000:]}"
        )
    return EditorRun(name, result, done.returncode, done.stderr)


def debian_program(name: str, package: str) -> str:
    """`name` from the system (Debian) PATH, never this virtualenv's bin (which has the
    PyPI Neovim); skips with the package to install when missing."""
    venv = os.path.realpath(VENV_BIN)
    path = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if os.path.realpath(p) != venv
    )
    saved = os.environ.get("PATH")
    os.environ["PATH"] = path
    try:
        return require_program(name, package)
    finally:
        if saved is not None:
            os.environ["PATH"] = saved


def readme_block(readme: Path, marker: str) -> str:
    """The fenced code block right after `<!-- msb-lsp-test: marker -->` in a README."""
    text = readme.read_text(encoding="utf-8")
    found = re.search(
        rf"<!-- msb-lsp-test: {re.escape(marker)} -->\n```\w*\n(.*?)\n```", text, re.DOTALL
    )
    assert found, f"{readme} has no block marked {marker}"
    return found.group(1) + "\n"


def skip_unless_extract_offered(run: EditorRun) -> None:
    extract = run.result.get("extract") or {}
    if not extract.get("offered"):
        titles = extract.get("titles")
        pytest.skip(
            "the server offers no 'Extract builder stage' code action yet (no such action in "
            f"msb_lsp/server/features/); actions offered on the RUN line: {titles}"
        )


def assert_extracted(lines: list[str]) -> None:
    """After "Extract builder stage": a builder stage, a final stage, and a COPY from it."""
    text = "\n".join(lines)
    froms = [line for line in lines if line.upper().startswith("FROM ")]
    assert len(froms) >= 2, text
    assert re.search(r"(?i)^FROM \S+ AS builder$", text, re.MULTILINE), text
    assert re.search(r"(?i)^COPY --from=builder ", text, re.MULTILINE), text
