"""The rules: one module per rule, discovered automatically, registered by code.

`all_rules()` imports every module of this package once; a module declares its rule with
`@rule(...)` from `msb_lsp.rules.base`.
"""

from __future__ import annotations

import importlib
import pkgutil

from msb_lsp.rules.base import REGISTRY, Rule

_INFRASTRUCTURE = {"base", "context", "problems", "helpers"}
_loaded = False


def all_rules() -> list[Rule]:
    """Every registered rule, ordered by code."""
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules(__path__):
            if module.name not in _INFRASTRUCTURE:
                importlib.import_module(f"{__name__}.{module.name}")
        _loaded = True
    return sorted(REGISTRY.values(), key=lambda r: r.code)


def find_rule(key: str) -> Rule | None:
    """A rule by code (`MSB101`, any case), name (`copy-from-unknown-stage`) or BuildKit
    name (`StageNameCasing`)."""
    for r in all_rules():
        if key.upper() == r.code or key.lower() == r.name or key == r.buildkit:
            return r
    return None
