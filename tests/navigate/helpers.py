"""Helpers for navigation tests: find spans by the text they cover, apply edits."""

from __future__ import annotations

from collections.abc import Iterable

from msb_lsp.model.source import Source
from msb_lsp.model.span import Pos, Span


def span_of(text: str, needle: str, nth: int = 0, line: int | None = None) -> Span:
    """The span of the `nth` occurrence of `needle` (on `line` if given); one line only."""
    lines = Source(text).lines
    count = 0
    for i, row in enumerate(lines):
        if line is not None and i != line:
            continue
        col = row.find(needle)
        while col >= 0:
            if count == nth:
                return Span.on_line(i, col, col + len(needle))
            count += 1
            col = row.find(needle, col + 1)
    raise AssertionError(f"{needle!r} #{nth} not found")


def pos_in(text: str, needle: str, nth: int = 0, line: int | None = None, offset: int = 1) -> Pos:
    """A position inside the `nth` occurrence of `needle`."""
    span = span_of(text, needle, nth, line)
    return Pos(span.start.line, span.start.col + offset)


def apply(text: str, changes: Iterable[tuple[Span, str]]) -> str:
    source = Source(text)
    ordered = sorted(changes, key=lambda c: source.offset(c[0].start), reverse=True)
    for span, new in ordered:
        text = text[: source.offset(span.start)] + new + text[source.offset(span.end) :]
    return text
