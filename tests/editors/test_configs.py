"""Configs for editors that cannot run here (Helix, Sublime Text, Kate), the pre-commit hook
and the GitHub Actions example: parsed and checked, so a typo cannot ship."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import yaml

from msb_lsp.filekinds import FileKind, kind_of
from tests.editors.support import EDITORS, VENV_BIN
from tests.support.paths import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

NAMES = [
    "Dockerfile",
    "Dockerfile.prod",
    "build.Dockerfile",
    "api.dockerfile",
    "dockerfile",
    "Containerfile",
    "Containerfile.dev",
    "Dockerfile.dockerignore",
    "compose.yaml",
    "docker-bake.hcl",
    "Dockerfiles.md",
    "README.md",
    "mydockerfile",
    "dockerfile.prod",
]


def test_helix_languages_toml() -> None:
    config = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text(encoding="utf-8"))
    server = config["language-server"]["msb-lsp"]
    assert server["command"] == "msb-lsp"
    assert "args" not in server
    assert set(server["config"]) == {"msbLsp"}
    languages = {lang["name"]: lang for lang in config["language"]}
    assert set(languages) == {"dockerfile", "docker-compose", "docker-bake"}
    for lang in languages.values():
        assert lang["language-servers"][0] == "msb-lsp"
        for name in lang["language-servers"]:
            assert isinstance(name, str)
    bake = languages["docker-bake"]
    globs = [ft["glob"] for ft in bake["file-types"]]
    assert all(kind_of(f"/p/{g.replace('*', 'override')}") == FileKind.BAKE_HCL for g in globs)
    assert (bake["grammar"], bake["scope"]) == ("hcl", "source.hcl")


def test_sublime_lsp_client() -> None:
    config = json.loads((EDITORS / "sublime" / "LSP.sublime-settings").read_text(encoding="utf-8"))
    client = config["clients"]["msb-lsp"]
    assert client["command"] == ["msb-lsp"]
    assert client["enabled"] is True
    assert client["selector"] == "source.dockerfile"
    assert set(client["settings"]) == {"msbLsp"}


def test_kate_servers() -> None:
    path = EDITORS / "kate" / "lspclient-settings.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    server = config["servers"]["dockerfile"]
    assert server["command"] == ["msb-lsp"]
    assert re.search(server["highlightingModeRegex"], "Dockerfile")
    assert not re.search(server["highlightingModeRegex"], "YAML")
    assert ".git" in server["rootIndicationFileNames"]
    assert set(server["settings"]) == {"msbLsp"}


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "msb-lsp"
    assert hook["language"] == "python"
    assert shlex.split(hook["entry"]) == ["msb-lsp", "check"]
    files = re.compile(hook["files"])
    for name in NAMES:
        for path in (name, f"services/api/{name}"):
            expected = kind_of(path) == FileKind.DOCKERFILE
            assert bool(files.search(path)) == expected, path


def test_pre_commit_entry_lints_the_files_it_is_given(tmp_path) -> None:
    """The hook's entry with file names appended, as pre-commit runs it."""
    bad = tmp_path / "Containerfile"
    bad.write_text(
        "FROM alpine:3.20 AS builder\nRUN touch /a\nFROM alpine:3.20\nCOPY --from=buidler /a /a\n",
        encoding="utf-8",
    )
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    argv = [str(VENV_BIN / "msb-lsp"), *shlex.split(hook["entry"])[1:], "--no-config"]
    done = subprocess.run([*argv, str(bad)], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "MSB101" in done.stdout, done.stdout + done.stderr


def test_github_actions_example() -> None:
    workflow = yaml.safe_load((EDITORS / "github-actions" / "msb-lsp.yml").read_text())
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    (check,) = [r for r in runs if r.startswith("msb-lsp check")]
    argv = shlex.split(check.split(">")[0])
    assert argv[:4] == ["msb-lsp", "check", "--format", "sarif"]
    sarif_file = check.split(">")[1].strip()
    (upload,) = [
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    ]
    assert upload["with"]["sarif_file"] == sarif_file
    # The order matters: install, check, upload.
    names = [s.get("uses") or s["run"] for s in steps]
    assert names.index(check) < names.index(upload["uses"])


def test_github_actions_check_command_writes_sarif(tmp_path) -> None:
    """The workflow's check command, run here on a folder with a Dockerfile."""
    workflow = yaml.safe_load((EDITORS / "github-actions" / "msb-lsp.yml").read_text())
    (job,) = workflow["jobs"].values()
    (check,) = [s["run"] for s in job["steps"] if s.get("run", "").startswith("msb-lsp check")]
    argv = shlex.split(check.split(">")[0])
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUNN true\n", encoding="utf-8")
    done = subprocess.run(
        [str(VENV_BIN / "msb-lsp"), *argv[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    sarif = json.loads(done.stdout)
    assert sarif["version"] == "2.1.0"
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "MSB001" in rules
