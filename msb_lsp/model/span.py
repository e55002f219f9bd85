"""Positions and spans in the engine: 0-based lines, columns in Unicode code points.

The LSP layer converts these to the client's encoding (UTF-16 or UTF-8) at the boundary;
nothing in the engine knows about encodings.
"""

from __future__ import annotations

from typing import NamedTuple


# NamedTuples rather than frozen dataclasses: a parse creates tens of thousands of these,
# and tuple construction and comparison run at C speed.
class Pos(NamedTuple):
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.line + 1}:{self.col + 1}"


class Span(NamedTuple):
    """A half-open range [start, end) of the source text."""

    start: Pos
    end: Pos

    @staticmethod
    def of(line: int, col: int, end_line: int, end_col: int) -> Span:
        return Span(Pos(line, col), Pos(end_line, end_col))

    @staticmethod
    def on_line(line: int, col: int, end_col: int) -> Span:
        return Span(Pos(line, col), Pos(line, end_col))

    def contains(self, pos: Pos) -> bool:
        """True when `pos` is inside the span or touches its end (a cursor right after a word)."""
        return self.start <= pos <= self.end

    def contains_span(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    @property
    def is_empty(self) -> bool:
        return self.start == self.end

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"
