"""Real Emacs (Debian's emacs-nox with elpa-eglot, elpa-dockerfile-mode, elpa-yaml-mode)
through the shipped editors/emacs/msb-lsp.el, in batch mode.

`emacs --batch` without -Q: Debian's site-start activates the elpa packages. The probe
(tests/editors/eglot_probe.el) prints one JSON line; the tests below read it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.editors.support import (
    EDITORS,
    INTERNAL_TIMEOUT_MS,
    EditorRun,
    assert_extracted,
    clean_env,
    debian_program,
    make_project,
    node20_size,
    run_editor,
    skip_unless_extract_offered,
)

EMACS_DIR = EDITORS / "emacs"
PROBE = Path(__file__).with_name("eglot_probe.el")
_cache: dict[str, EditorRun] = {}


def emacs_run(tmp_path_factory: pytest.TempPathFactory) -> EditorRun:
    emacs = debian_program("emacs", "emacs-nox")
    if "eglot" in _cache:
        return _cache["eglot"]
    base = tmp_path_factory.mktemp("eglot")
    project = make_project(base)
    env = clean_env(
        base,
        MSB_PROBE_EMACS_DIR=str(EMACS_DIR),
        MSB_PROBE_PROJECT=str(project),
        MSB_PROBE_SIZE=node20_size(),
        MSB_PROBE_TIMEOUT_MS=str(INTERNAL_TIMEOUT_MS),
    )
    run = run_editor("emacs eglot", [emacs, "--batch", "-l", str(PROBE)], env, project)
    _cache["eglot"] = run
    return run


needs_debian = pytest.mark.needs_debian


@needs_debian
def test_run_passes_its_own_checks(tmp_path_factory) -> None:
    run = emacs_run(tmp_path_factory)
    assert run.returncode == 0, run.explain()
    assert run.result["failures"] == [], run.explain()


@needs_debian
def test_dockerfile_mode_starts_msb_lsp_in_the_project(tmp_path_factory) -> None:
    run = emacs_run(tmp_path_factory)
    assert run.result["mode"] == "dockerfile-mode"
    assert run.result["command"] == ["msb-lsp"]
    assert run.result["language_id"] == "dockerfile"
    assert Path(run.result["root"]).name == "project", run.explain()
    assert run.result["stopped"] is True, run.explain()


@needs_debian
def test_stage_typo_and_unknown_instruction_are_reported(tmp_path_factory) -> None:
    run = emacs_run(tmp_path_factory)
    found = {(d["code"], d["line"], d["col"]) for d in run.result["diagnostics"]}
    assert ("MSB101", 6, len("COPY --from=")) in found, run.explain()
    assert ("MSB001", 5, 0) in found, run.explain()


@needs_debian
def test_completion_after_copy_from_offers_earlier_stages(tmp_path_factory) -> None:
    labels = emacs_run(tmp_path_factory).result["completion"]
    assert "builder" in labels
    assert "web" not in labels and "final" not in labels, labels


@needs_debian
def test_hover_on_an_image_shows_its_size(tmp_path_factory) -> None:
    run = emacs_run(tmp_path_factory)
    hover = run.result.get("hover") or ""
    assert node20_size() in hover and "node:20" in hover, run.explain()


@needs_debian
def test_compose_files_only_get_msb_lsp(tmp_path_factory) -> None:
    run = emacs_run(tmp_path_factory)
    compose = run.result["compose"]
    assert compose == {"mode": "yaml-mode", "managed": True, "command": ["msb-lsp"]}, run.explain()
    # Other YAML files keep the YAML server eglot would have used.
    assert run.result["other_yaml_contact"] == ["yaml-language-server", "--stdio"]


def test_extract_builder_stage_applies_through_eglot(tmp_path_factory) -> None:
    # No needs_debian: a server without the action skips here without failing CI.
    run = emacs_run(tmp_path_factory)
    skip_unless_extract_offered(run)
    assert_extracted(run.result["extract"]["lines"])


@needs_debian
def test_msb_lsp_el_byte_compiles_cleanly(tmp_path) -> None:
    emacs = debian_program("emacs", "emacs-nox")
    copy = tmp_path / "msb-lsp.el"
    copy.write_text((EMACS_DIR / "msb-lsp.el").read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(
        [
            emacs,
            "--batch",
            "--eval",
            "(setq byte-compile-error-on-warn t)",
            "-f",
            "batch-byte-compile",
            str(copy),
        ],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
