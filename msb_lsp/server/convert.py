"""The LSP boundary: engine spans (code points) to and from the client's position encoding.

Columns are converted per line, with the line split the LSP way (\\r\\n, \\n, \\r), never with
str.splitlines (which also breaks on U+2028 and friends and would shift every later line).
"""

from __future__ import annotations

from lsprotocol import types as lsp

from msb_lsp.model.source import Source
from msb_lsp.model.span import Pos, Span

UTF8 = lsp.PositionEncodingKind.Utf8
UTF16 = lsp.PositionEncodingKind.Utf16
UTF32 = lsp.PositionEncodingKind.Utf32


def units(text: str, encoding: str) -> int:
    """Length of `text` in the encoding's code units."""
    if text.isascii() or encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def col_from_client(line: str, character: int, encoding: str) -> int:
    """Code-point column of a client column; past the end of the line means its end."""
    if character <= 0:
        return 0
    if line.isascii() or encoding == UTF32:
        return min(character, len(line))
    count = 0
    for i, ch in enumerate(line):
        if count >= character:
            return i
        if encoding == UTF8:
            count += len(ch.encode("utf-8", "surrogatepass"))
        else:
            count += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


class Converter:
    """Position conversion for one document version."""

    def __init__(self, source: Source, encoding: str) -> None:
        self.source = source
        self.encoding = encoding

    def position(self, pos: Pos) -> lsp.Position:
        lines = self.source.lines
        if pos.line >= len(lines):
            last = len(lines) - 1
            return lsp.Position(last, units(lines[last], self.encoding))
        line = lines[pos.line]
        col = min(pos.col, len(line))
        return lsp.Position(pos.line, units(line[:col], self.encoding))

    def range(self, span: Span) -> lsp.Range:
        return lsp.Range(self.position(span.start), self.position(span.end))

    def pos(self, position: lsp.Position) -> Pos:
        """A client position as an engine position, clamped into the document."""
        lines = self.source.lines
        if position.line < 0:
            return Pos(0, 0)
        if position.line >= len(lines):
            return self.source.end()
        return Pos(
            position.line, col_from_client(lines[position.line], position.character, self.encoding)
        )

    def pos_inside(self, position: lsp.Position) -> Pos | None:
        """The engine position of a client position, or None when it lies outside the
        document (a line past the end, or a column past the end of its line)."""
        lines = self.source.lines
        if position.line < 0 or position.line >= len(lines) or position.character < 0:
            return None
        if position.character > units(lines[position.line], self.encoding):
            return None
        return self.pos(position)

    def span(self, rng: lsp.Range) -> Span:
        start, end = self.pos(rng.start), self.pos(rng.end)
        return Span(start, end) if start <= end else Span(end, start)

    def offset(self, position: lsp.Position) -> int:
        return self.source.offset(self.pos(position))
