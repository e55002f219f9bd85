"""The VS Code extension's package.json and Python bundle, checked without npm.

`contributes.configuration` is generated from msb_lsp/config/settings.py by
scripts/gen_vscode_settings.py: these tests fail when package.json is stale or disagrees with
the schema, and when python/requirements.txt (the bundle's pins) misses a runtime
dependency of msb-lsp or contradicts pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, requires
from types import ModuleType

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from msb_lsp.config.settings import SECTION, SETTINGS
from tests.support.paths import ROOT

VSCODE = ROOT / "editors" / "vscode"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_vscode_settings", ROOT / "scripts" / "gen_vscode_settings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def manifest() -> dict:
    return json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))


def test_package_json_is_not_stale() -> None:
    gen = generator()
    text = (VSCODE / "package.json").read_text(encoding="utf-8")
    assert gen.render(json.loads(text)) == text, (
        "editors/vscode/package.json is stale: run .venv/bin/python scripts/gen_vscode_settings.py"
    )


def test_check_mode_exits_nonzero_on_a_stale_file(tmp_path, monkeypatch) -> None:
    gen = generator()
    stale = manifest()
    del stale["contributes"]["configuration"]["properties"][f"{SECTION}.lint.select"]
    path = tmp_path / "package.json"
    path.write_text(json.dumps(stale, indent=2) + "\n", encoding="utf-8")
    monkeypatch.setattr(gen, "PACKAGE_JSON", path)
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == manifest()


def test_check_mode_runs_as_a_script() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_vscode_settings.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_server_setting_is_contributed_as_the_schema_says() -> None:
    props = manifest()["contributes"]["configuration"]["properties"]
    for spec in SETTINGS:
        prop = props[f"{SECTION}.{spec.key}"]
        assert prop["type"] == spec.type
        assert prop["default"] == spec.default
        assert prop["markdownDescription"] == spec.description
        assert prop.get("enum") == (list(spec.enum) if spec.enum else None)
        assert prop.get("minimum") == spec.minimum
        assert prop.get("maximum") == spec.maximum
        if spec.type == "object" and spec.items_enum:
            assert prop["additionalProperties"]["enum"] == list(spec.items_enum)
        if spec.type == "array":
            assert prop["items"]["type"] == "string"
    server_keys = {
        k for k in props if not k.startswith((f"{SECTION}.server.", f"{SECTION}.trace."))
    }
    assert server_keys == {f"{SECTION}.{s.key}" for s in SETTINGS}


def test_integer_bounds_reach_vscode() -> None:
    props = manifest()["contributes"]["configuration"]["properties"]
    timeout = props[f"{SECTION}.registry.timeoutMs"]
    assert (timeout["type"], timeout["minimum"], timeout["maximum"]) == ("integer", 100, 30000)
    severity = props[f"{SECTION}.lint.severity"]["additionalProperties"]["enum"]
    assert severity == ["error", "warning", "info", "hint", "off"]


def test_launcher_and_trace_settings() -> None:
    props = manifest()["contributes"]["configuration"]["properties"]
    assert props[f"{SECTION}.server.importStrategy"]["enum"] == ["useBundled", "fromEnvironment"]
    assert props[f"{SECTION}.server.importStrategy"]["default"] == "useBundled"
    for key in ("path", "interpreter"):
        prop = props[f"{SECTION}.server.{key}"]
        assert (prop["type"], prop["default"]) == ("string", "")
    assert props[f"{SECTION}.server.args"]["items"] == {"type": "string"}
    # vscode-languageclient reads `<client id>.trace.server`; the client id is msbLsp.
    assert props[f"{SECTION}.trace.server"]["enum"] == ["off", "messages", "verbose"]
    extension = (VSCODE / "src" / "extension.ts").read_text(encoding="utf-8")
    assert re.search(r'const CLIENT_ID = "msbLsp";', extension)
    untrusted = manifest()["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]
    assert set(untrusted) == {f"{SECTION}.server.{k}" for k in ("path", "interpreter", "args")}


def test_commands_languages_and_activation() -> None:
    m = manifest()
    assert {c["command"] for c in m["contributes"]["commands"]} == {
        "msbLsp.restart",
        "msbLsp.showOutput",
    }
    (dockerfile,) = [lang for lang in m["contributes"]["languages"] if lang["id"] == "dockerfile"]
    assert "Containerfile" in dockerfile["filenames"]
    assert {"Containerfile.*", "*.Dockerfile", "Dockerfile.*"} <= set(
        dockerfile["filenamePatterns"]
    )
    assert "onLanguage:dockerfile" in m["activationEvents"]
    assert m["main"] == "./dist/extension.js"
    assert m["engines"]["vscode"].startswith("^1.")
    assert m["devDependencies"]["@vscode/vsce"].lstrip("~^").startswith("3.9.")
    assert m["dependencies"]["vscode-languageclient"].lstrip("~^").startswith("9.")
    assert "--no-dependencies" in m["scripts"]["package"]
    for step in ("typecheck", "lint", "bundle-python", "contract.test.js", "package"):
        assert step in m["scripts"]["ci"], step


def test_build_outputs_are_ignored_and_lockfile_committed() -> None:
    ignored = (VSCODE / ".gitignore").read_text(encoding="utf-8").split()
    assert {"node_modules/", "dist/", "out/", "bundled/", "*.vsix"} <= set(ignored)
    assert (VSCODE / "package-lock.json").is_file()


def _pins() -> dict[str, str]:
    pins = {}
    for line in (VSCODE / "python" / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[canonicalize_name(name)] = version
    return pins


def _runtime_requirements(dist: str, python: str) -> list[Requirement]:
    env = default_environment() | {"python_version": python, "python_full_version": python + ".0"}
    try:
        raw = requires(dist) or []
    except PackageNotFoundError:  # pinned but not installed here (a <3.11 backport)
        return []
    out = []
    for text in raw:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate(env | {"extra": ""}):
            out.append(req)
    return out


def test_bundle_pins_cover_every_runtime_dependency() -> None:
    """Every requirement of msb-lsp and of its dependencies, on Python 3.10 through 3.13,
    is pinned, and every pin satisfies what requires it."""
    pins = _pins()
    for python in ("3.10", "3.11", "3.12", "3.13"):
        todo = ["msb-lsp"]
        seen: set[str] = set()
        while todo:
            dist = todo.pop()
            if canonicalize_name(dist) in seen:
                continue
            seen.add(canonicalize_name(dist))
            for req in _runtime_requirements(dist, python):
                name = canonicalize_name(req.name)
                assert name in pins, f"{req.name} (needed by {dist} on {python}) is not pinned"
                assert req.specifier.contains(pins[name], prereleases=True), (
                    f"{req.name}=={pins[name]} does not satisfy {dist}'s {req}"
                )
                todo.append(req.name)
    assert canonicalize_name("msb-lsp") not in pins  # the bundle installs the checkout itself
