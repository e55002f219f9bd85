"""Helpers for target tests: where a value sits in a text, and a project folder on disk."""

from __future__ import annotations

from pathlib import Path

from msb_lsp.model.source import Source
from msb_lsp.model.span import Span


def span_of(text: str, needle: str, occurrence: int = 0) -> Span:
    """The span of the n-th `needle` in `text`, in code points, lines split the LSP way."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    src = Source(text)
    return Span(src.pos_at(index), src.pos_at(index + len(needle)))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, newline="")
    return path


DOCKERFILE = "FROM golang:1.22 AS build\nFROM alpine:3.20 AS Runtime\nCOPY --from=build /a /a\n"
