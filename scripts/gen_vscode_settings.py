"""Write `contributes.configuration` of editors/vscode/package.json from the settings schema.

The server's settings come from `msb_lsp/config/settings.py` (names, types, defaults,
descriptions, enums, bounds); the extension's own launcher settings (`msbLsp.server.*`,
`msbLsp.trace.server`) are declared here, because only the extension reads them. Everything
else in package.json is written by hand and left as it is.

Usage: python scripts/gen_vscode_settings.py [--check]   (--check: exit 1 if stale)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from msb_lsp.config.settings import SECTION, SETTINGS, SettingSpec

PACKAGE_JSON = Path(__file__).resolve().parents[1] / "editors" / "vscode" / "package.json"

# The extension's own settings: how it starts the server. editors/vscode/src/resolve.ts reads
# them with the same defaults (its unit tests compare them with package.json).
EXTENSION_SETTINGS: dict[str, dict[str, Any]] = {
    f"{SECTION}.server.importStrategy": {
        "type": "string",
        "default": "useBundled",
        "enum": ["useBundled", "fromEnvironment"],
        "enumDescriptions": [
            "Run the copy of msb-lsp shipped inside the extension with a Python interpreter "
            "(3.10+); falls back to `fromEnvironment` when the extension has no bundled copy.",
            "Run msb-lsp installed in the environment: `python -m msb_lsp` with the configured "
            "or the Python extension's interpreter, else `msb-lsp` on PATH.",
        ],
        "markdownDescription": "Which msb-lsp to run. `msbLsp.server.path` wins over both.",
        "order": 0,
    },
    f"{SECTION}.server.path": {
        "type": "string",
        "default": "",
        "markdownDescription": "An `msb-lsp` executable to run. When set it wins over "
        "everything else. `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` are "
        "expanded; a relative path is relative to the first workspace folder.",
        "scope": "machine-overridable",
        "order": 1,
    },
    f"{SECTION}.server.interpreter": {
        "type": "string",
        "default": "",
        "markdownDescription": "The Python interpreter that runs msb-lsp: the bundled copy, or "
        "`python -m msb_lsp` with `fromEnvironment`. Empty: the Python extension's interpreter "
        "when that extension is installed, else `python3` (`python` on Windows) for the bundled "
        "copy, or `msb-lsp` on PATH. Expanded like `msbLsp.server.path`.",
        "scope": "machine-overridable",
        "order": 2,
    },
    f"{SECTION}.server.args": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "markdownDescription": 'Extra arguments for the server, e.g. `["--log-level", '
        '"DEBUG"]` (its log goes to the msb-lsp output channel).',
        "scope": "machine-overridable",
        "order": 3,
    },
    f"{SECTION}.trace.server": {
        "type": "string",
        "default": "off",
        "enum": ["off", "messages", "verbose"],
        "markdownDescription": "Log the LSP messages between VS Code and msb-lsp in the "
        "msb-lsp output channel.",
        "order": 4,
    },
}


def server_setting(spec: SettingSpec) -> dict[str, Any]:
    """One `contributes.configuration` property for a server setting."""
    prop: dict[str, Any] = {"type": spec.type, "default": spec.default}
    if spec.type == "array":
        items: dict[str, Any] = {"type": "string"}
        if spec.items_enum is not None:
            items["enum"] = list(spec.items_enum)
        prop["items"] = items
    elif spec.type == "object":
        values: dict[str, Any] = {"type": "string"}
        if spec.items_enum is not None:
            values["enum"] = list(spec.items_enum)
        prop["additionalProperties"] = values
    if spec.enum is not None:
        prop["enum"] = list(spec.enum)
    if spec.minimum is not None:
        prop["minimum"] = spec.minimum
    if spec.maximum is not None:
        prop["maximum"] = spec.maximum
    prop["markdownDescription"] = spec.description
    return prop


def configuration() -> dict[str, Any]:
    """The whole `contributes.configuration` object."""
    properties: dict[str, Any] = dict(EXTENSION_SETTINGS)
    for spec in SETTINGS:
        properties[f"{SECTION}.{spec.key}"] = server_setting(spec)
    return {"title": "msb-lsp", "properties": properties}


def render(package: dict[str, Any]) -> str:
    """package.json with the generated configuration, formatted as npm writes it."""
    updated = dict(package)
    contributes = dict(updated.get("contributes", {}))
    contributes["configuration"] = configuration()
    updated["contributes"] = contributes
    return json.dumps(updated, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    current = PACKAGE_JSON.read_text(encoding="utf-8")
    expected = render(json.loads(current))
    if "--check" in argv:
        if current != expected:
            print(
                f"stale: {PACKAGE_JSON.relative_to(PACKAGE_JSON.parents[2])} "
                "(run python scripts/gen_vscode_settings.py)"
            )
            return 1
        return 0
    if current != expected:
        PACKAGE_JSON.write_text(expected, encoding="utf-8")
        print(f"wrote {PACKAGE_JSON.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
