"""Unknown stages (MSB401) and missing Dockerfiles (MSB402), with the lint configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from msb_lsp.engine.lint import LintConfig
from msb_lsp.filekinds import FileKind
from msb_lsp.rules.base import Edit, Severity
from msb_lsp.targets import DockerfileFiles, check_targets, targets_in
from tests.support.paths import ROOT
from tests.targets.support import DOCKERFILE, span_of, write

COMPOSE = (
    "services:\n"
    "  a:\n"
    "    build: {context: app, target: runtme}\n"
    "  b:\n"
    "    build: {context: app, target: BUILD}\n"
    "  c:\n"
    "    build: {context: gone, target: x}\n"
    "  d:\n"
    "    build: {context: gone, target: y}\n"
    "  e:\n"
    "    build: {context: app, target: '${T}'}\n"
    "  f:\n"
    "    build: {context: app, target: zzz}\n"
)


def problems(tmp_path: Path, config: LintConfig | None = None) -> list:  # type: ignore[type-arg]
    write(tmp_path / "app" / "Dockerfile", DOCKERFILE)
    refs = targets_in(FileKind.COMPOSE, COMPOSE, tmp_path / "compose.yaml")
    return check_targets(refs, DockerfileFiles(), config)


def test_unknown_stages_and_missing_dockerfiles(tmp_path: Path) -> None:
    found = problems(tmp_path)
    assert [(p.code, p.severity, p.span, p.message) for p in found] == [
        (
            "MSB401",
            Severity.ERROR,
            span_of(COMPOSE, "runtme"),
            'target stage "runtme" could not be found (did you mean runtime?)',
        ),
        (
            "MSB402",
            Severity.WARNING,
            span_of(COMPOSE, "gone"),
            f"Dockerfile not found: {tmp_path / 'gone' / 'Dockerfile'}",
        ),
        (
            "MSB402",
            Severity.WARNING,
            span_of(COMPOSE, "gone", 1),
            f"Dockerfile not found: {tmp_path / 'gone' / 'Dockerfile'}",
        ),
        (
            "MSB401",
            Severity.ERROR,
            span_of(COMPOSE, "zzz"),
            'target stage "zzz" could not be found',
        ),
    ]
    first = found[0]
    assert first.fix is not None
    assert first.fix.edits == (Edit(span_of(COMPOSE, "runtme"), "runtime"),)
    assert first.url is not None and first.url.endswith("/target-not-found.md")
    assert first.dockerfile is not None and first.dockerfile.path == tmp_path / "app" / "Dockerfile"
    assert found[3].fix is None


def test_the_lint_configuration_applies(tmp_path: Path) -> None:
    codes = lambda config: [p.code for p in problems(tmp_path, config)]  # noqa: E731
    assert codes(LintConfig(ignore=("MSB401",))) == ["MSB402", "MSB402"]
    assert codes(LintConfig(ignore=("dockerfile-not-found",))) == ["MSB401", "MSB401"]
    assert codes(LintConfig(ignore=("targets",))) == []
    assert codes(LintConfig(select=("MSB40",))) == ["MSB401", "MSB402", "MSB402", "MSB401"]
    assert codes(LintConfig(select=("MSB001",))) == []
    raised = problems(tmp_path, LintConfig(severity={"MSB402": "error", "MSB401": "warning"}))
    assert [p.severity for p in raised] == [
        Severity.WARNING,
        Severity.ERROR,
        Severity.ERROR,
        Severity.WARNING,
    ]
    assert codes(LintConfig(severity={"MSB402": "off"})) == ["MSB401", "MSB401"]


def test_unresolved_and_dynamic_targets_are_never_reported(tmp_path: Path) -> None:
    text = (
        "docker build --target nope https://example.com/repo.git\n"
        "docker build --target $T .\n"
        "docker build --target= .\n"
    )
    write(tmp_path / "Dockerfile", DOCKERFILE)
    refs = targets_in(FileKind.SHELL, text, tmp_path / "b.sh")
    assert len(refs) == 3
    assert check_targets(refs, DockerfileFiles()) == []


def test_the_targets_engine_imports_no_lsp_library() -> None:
    probe = (
        "import sys, msb_lsp.targets\n"
        "from msb_lsp.filekinds import FileKind\n"
        "msb_lsp.targets.targets_in(FileKind.COMPOSE, 'services: {}', None)\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    modules = set(result.stdout.split())
    assert "msb_lsp.targets.compose" in modules
    assert not {m for m in modules if m.split(".")[0] in {"pygls", "lsprotocol", "yaml"}}
