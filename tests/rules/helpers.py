"""Helpers for rule tests: lint a snippet with one rule, apply a finding's fix."""

from __future__ import annotations

from typing import Any

from msb_lsp.engine.lint import LintConfig, lint
from msb_lsp.model.parser import parse
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.rules.base import Finding
from msb_lsp.rules.context import LintOptions


def findings(text: str, code: str, **options: Any) -> list[Finding]:
    """The findings of the rule `code` alone; `options` become `LintOptions` fields."""
    return lint(parse(text), LintConfig(select=(code,)), LintOptions(**options))


def fixed(text: str, code: str) -> str:
    """`text` after applying the fix of the rule's first finding (which must have one)."""
    found = findings(text, code)
    assert found, f"{code} found nothing to fix"
    fix = found[0].fix
    assert fix is not None, f"{code}'s first finding has no fix"
    return apply_edits(text, fix.edits)
