"""The settings schema: one source of truth for names, types, defaults and descriptions.

The server reads settings with it (pushed or pulled, under the section `msbLsp`), the docs
page docs/configuration.md and the VS Code extension's `contributes.configuration` are
generated from it, and an invalid value gets one clear message and its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SECTION = "msbLsp"
SEVERITY_VALUES = ("error", "warning", "info", "hint", "off")


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str  # dotted camelCase under the section, e.g. "registry.enabled"
    type: str  # JSON schema type: boolean, string, integer, number, array, object
    default: Any
    description: str
    enum: tuple[str, ...] | None = None
    items_enum: tuple[str, ...] | None = None  # allowed values of array items / object values
    minimum: float | None = None
    maximum: float | None = None


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "lint.select",
        "array",
        [],
        "Rules to run, by code (`MSB101`), name (`copy-from-unknown-stage`), BuildKit name "
        "(`StageNameCasing`) or category (`stages`, `final-image`, `buildkit`, `syntax`). "
        "Empty means every rule that is on by default.",
    ),
    SettingSpec(
        "lint.ignore",
        "array",
        [],
        "Rules never to report, written as in `lint.select`.",
    ),
    SettingSpec(
        "lint.severity",
        "object",
        {},
        "Severity per rule (code or name): `error`, `warning`, `info`, `hint`, or `off`.",
        items_enum=SEVERITY_VALUES,
    ),
    SettingSpec(
        "lint.dockerignore",
        "string",
        "",
        "The .dockerignore file that CopyIgnoredFile reads. Empty: `<Dockerfile>.dockerignore` "
        "beside the Dockerfile, else `.dockerignore` in the build context.",
    ),
    SettingSpec(
        "lint.buildContext",
        "string",
        "",
        "The build context folder, relative to the Dockerfile's folder. Empty: the Dockerfile's "
        "folder.",
    ),
    SettingSpec(
        "registry.enabled",
        "boolean",
        True,
        "Look up exact image sizes in registries (asynchronously, with a disk cache). When off, "
        "sizes come from the embedded catalog only.",
    ),
    SettingSpec(
        "registry.platforms",
        "array",
        ["linux/amd64", "linux/arm64"],
        "Platforms whose image sizes are shown.",
    ),
    SettingSpec(
        "registry.insecureRegistries",
        "array",
        [],
        "Registries (host or host:port) that may be reached over plain HTTP, besides loopback.",
    ),
    SettingSpec(
        "registry.useCredentials",
        "boolean",
        False,
        "Read registry credentials from the Docker config file (`~/.docker/config.json`).",
    ),
    SettingSpec(
        "registry.timeoutMs",
        "integer",
        2500,
        "Deadline of one registry lookup, in milliseconds.",
        minimum=100,
        maximum=30000,
    ),
    SettingSpec(
        "hover.waitForRegistryMs",
        "integer",
        300,
        "How long a hover may wait for a live registry answer before it answers from the cache "
        "or the catalog (the live figure then appears on the next hover).",
        minimum=0,
        maximum=5000,
    ),
    SettingSpec(
        "inlayHints.imageSize",
        "boolean",
        True,
        "Show the download size of each FROM image as an inlay hint.",
    ),
    SettingSpec(
        "codeLens.enabled",
        "boolean",
        True,
        "Show code lenses above FROM lines (who uses the stage, final image size).",
    ),
    SettingSpec(
        "diagnostics.debounceMs",
        "integer",
        120,
        "Quiet time to wait after an edit before diagnostics are recomputed, for documents whose "
        "analysis takes over 100 ms. Cheaper documents are analysed after every edit.",
        minimum=0,
        maximum=5000,
    ),
)

SPECS = {spec.key: spec for spec in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings:
    values: Mapping[str, Any] = field(default_factory=lambda: {s.key: s.default for s in SETTINGS})

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @staticmethod
    def defaults() -> Settings:
        return Settings()


def load_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from a client's JSON (nested or dotted keys), with one message per bad value.

    Unknown keys are ignored; a bad value keeps its default.
    """
    values = {spec.key: spec.default for spec in SETTINGS}
    errors: list[str] = []
    if raw is None:
        return Settings(values), errors
    if not isinstance(raw, Mapping):
        return Settings(values), [f"msb-lsp settings must be an object, not {type(raw).__name__}"]
    flat = _flatten(raw)
    for key, value in flat.items():
        spec = SPECS.get(key)
        if spec is None or value is None:
            continue
        problem = _validate(spec, value)
        if problem is not None:
            errors.append(f"setting {SECTION}.{key}: {problem}; using the default")
            continue
        values[key] = list(value) if isinstance(value, list) else value
    return Settings(values), errors


def _flatten(raw: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if dotted in SPECS:
            flat[dotted] = value
        elif isinstance(value, Mapping):
            flat.update(_flatten(value, f"{dotted}."))
    return flat


def _validate(spec: SettingSpec, value: Any) -> str | None:
    checks = {
        "boolean": lambda v: isinstance(v, bool),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "array": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
        "object": lambda v: isinstance(v, Mapping) and all(isinstance(x, str) for x in v.values()),
    }
    if not checks[spec.type](value):
        kind = "a list of strings" if spec.type == "array" else f"a {spec.type}"
        return f"expected {kind}, got {value!r}"
    if spec.enum is not None and value not in spec.enum:
        return f"expected one of {', '.join(spec.enum)}, got {value!r}"
    if spec.items_enum is not None and spec.type == "object":
        bad = [v for v in value.values() if v not in spec.items_enum]
        if bad:
            return f"values must be one of {', '.join(spec.items_enum)}, got {bad[0]!r}"
    if spec.minimum is not None and value < spec.minimum:
        return f"must be at least {spec.minimum:g}, got {value!r}"
    if spec.maximum is not None and value > spec.maximum:
        return f"must be at most {spec.maximum:g}, got {value!r}"
    return None
