"""The project file: `.msb-lsp.toml`, or `[tool.msb-lsp]` in `pyproject.toml`, found upward.

Keys (TOML): `select`, `ignore` (lists of rule codes, names or categories), `severity` (a table
of rule to `error|warning|info|hint|off`), `dockerignore` and `build-context` (paths relative
to the project file's folder).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from msb_lsp.config.settings import load_settings

PROJECT_FILE = ".msb-lsp.toml"
_KEYS = {
    "select": "lint.select",
    "ignore": "lint.ignore",
    "severity": "lint.severity",
    "dockerignore": "lint.dockerignore",
    "build-context": "lint.buildContext",
}


@dataclass(slots=True)
class ProjectConfig:
    path: Path | None = None  # the file the values came from
    values: dict[str, Any] = field(default_factory=dict)  # settings keys, e.g. "lint.select"
    errors: list[str] = field(default_factory=list)


_cache: dict[Path, tuple[float, ProjectConfig]] = {}


def find_project_config(start: Path) -> ProjectConfig:
    """The nearest project file at or above `start` (a file or folder); empty if none.

    Which file applies is remembered for `SEARCH_TTL_S` (the search stats every folder up
    to the root, on every analysis); the file itself is re-read as soon as it changes."""
    now = time.monotonic()
    found = _searches.get(start)
    if found is None or now - found[0] > SEARCH_TTL_S:
        found = _searches[start] = (now, _search(start))
    where = found[1]
    if where is None:
        return ProjectConfig()
    return _load(*where)


def _search(start: Path) -> tuple[Path, tuple[str, ...] | None] | None:
    folder = start if start.is_dir() else start.parent
    for candidate_dir in (folder, *folder.parents):
        own = candidate_dir / PROJECT_FILE
        if own.is_file():
            return own, None
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file():
            table = ("tool", "msb-lsp")
            config = _load(pyproject, table)
            if config.values or config.errors:
                return pyproject, table
    return None


SEARCH_TTL_S = 2.0
_searches: dict[Path, tuple[float, tuple[Path, tuple[str, ...] | None] | None]] = {}


def _load(path: Path, table: tuple[str, ...] | None) -> ProjectConfig:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return ProjectConfig()
    cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    config = _read(path, table)
    _cache[path] = (mtime, config)
    return config


def _read(path: Path, table: tuple[str, ...] | None) -> ProjectConfig:
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return ProjectConfig(path, {}, [f"{path}: cannot read the msb-lsp configuration: {exc}"])
    for key in table or ():
        data = data.get(key, {}) if isinstance(data, dict) else {}
    if not isinstance(data, dict):
        return ProjectConfig(path, {}, [f"{path}: [tool.msb-lsp] must be a table"])
    errors = [
        f"{path}: unknown key '{key}' (known: {', '.join(_KEYS)})"
        for key in data
        if key not in _KEYS
    ]
    raw = {_KEYS[k]: v for k, v in data.items() if k in _KEYS}
    settings, problems = load_settings(raw)
    errors += [f"{path}: {p}" for p in problems]
    values = {k: settings[k] for k, v in raw.items() if settings[k] == v}
    for key in ("lint.dockerignore", "lint.buildContext"):
        if values.get(key):
            values[key] = str((path.parent / values[key]).resolve())
    return ProjectConfig(path, values, errors)
