"""Applying fixes to text: the engine side of quick fixes, fix-all and `check --fix`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from msb_lsp.model.source import Source
from msb_lsp.rules.base import Edit, Finding, Fix


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (in any order) to `text`."""
    source = Source(text)
    ordered = sorted(edits, key=lambda e: (source.offset(e.span.start), source.offset(e.span.end)))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        start, end = source.offset(edit.span.start), source.offset(edit.span.end)
        if start < pos:
            raise ValueError("overlapping edits")
        out.append(text[pos:start])
        out.append(edit.text)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def compatible_fixes(fixes: Iterable[Fix], text: str) -> list[Fix]:
    """The fixes that can be applied together: the first of any overlapping pair wins."""
    source = Source(text)
    taken: list[tuple[int, int]] = []
    chosen: list[Fix] = []
    for fix in fixes:
        ranges = [(source.offset(e.span.start), source.offset(e.span.end)) for e in fix.edits]
        if any((a < d and c < b) or (a == b == c == d) for a, b in ranges for c, d in taken):
            continue
        taken += ranges
        chosen.append(fix)
    return chosen


def safe_fixes(findings: Iterable[Finding]) -> list[Fix]:
    return [f.fix for f in findings if f.fix is not None and f.fix.safe]


def apply_safe_fixes(text: str, findings: Iterable[Finding]) -> str:
    """The text with every compatible safe fix applied once."""
    fixes = compatible_fixes(safe_fixes(findings), text)
    return apply_edits(text, [e for fix in fixes for e in fix.edits])
