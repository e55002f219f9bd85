"""Helpers for completion tests: a Dockerfile with the cursor marked by `‸`."""

from __future__ import annotations

from msb_lsp.complete import Completions, Context, complete, context_at
from msb_lsp.model import Dockerfile, Pos, parse

CURSOR = "‸"


def at(text: str) -> tuple[Dockerfile, Pos]:
    """Parse `text` without its cursor mark; the mark's position in code points."""
    assert text.count(CURSOR) == 1, "mark the cursor exactly once"
    offset = text.index(CURSOR)
    before = text[:offset]
    line = before.count("\n")
    # LSP lines also end at a lone \r; the tests only use \n and \r\n.
    col = len(before) - (before.rfind("\n") + 1)
    if before.endswith("\r"):
        raise AssertionError("do not put the cursor between \\r and \\n")
    return parse(text.replace(CURSOR, "")), Pos(line, col)


def ctx(text: str, trigger: str | None = None) -> Context | None:
    df, pos = at(text)
    return context_at(df, pos, trigger)


def result(text: str, trigger: str | None = None) -> Completions | None:
    df, pos = at(text)
    return complete(df, pos, trigger=trigger)


def labels(text: str, trigger: str | None = None) -> list[str]:
    """Labels in the order a client shows them (by sort text, then label)."""
    found = result(text, trigger)
    if found is None:
        return []
    ordered = sorted(found.items, key=lambda c: (c.sort or c.label, c.label))
    return [c.label for c in ordered]
