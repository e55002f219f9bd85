"""The client's side of a document: its text, split into lines the LSP way, and positions in
the negotiated encoding.

Written for the fuzz suite independently of `msb_lsp.server` (a shared helper would make both
sides wrong together). LSP breaks lines on `\\r\\n`, `\\n` and `\\r` only; U+2028, U+0085 and
form feeds are ordinary characters. Columns count UTF-16 code units or UTF-8 bytes.

Edits follow the rules editors apply: a column past the end of its line means the end of the
line, and a line past the end of the document means the end of the document.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

_BREAK = re.compile(r"\r\n|\r|\n")

UTF16 = "utf-16"
UTF8 = "utf-8"


def char_units(ch: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(ch.encode("utf-8"))
    if encoding == UTF16:
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def units(text: str, encoding: str) -> int:
    return sum(char_units(ch, encoding) for ch in text)


@dataclass(frozen=True)
class Line:
    text: str  # without its line break
    start: int  # offset of its first character in the document
    boundaries: tuple[int, ...]  # the client column before each character, and at the end

    @property
    def width(self) -> int:
        return self.boundaries[-1]


def _is_boundary(boundaries: tuple[int, ...], column: int) -> bool:
    # Boundaries ascend: a binary search keeps checks linear on 200,000-character lines.
    i = bisect_left(boundaries, column)
    return i < len(boundaries) and boundaries[i] == column


class TextModel:
    """One version of a document as the client sees it."""

    def __init__(self, text: str, encoding: str) -> None:
        self.text = text
        self.encoding = encoding
        self.lines: list[Line] = []
        start = 0
        for match in [*_BREAK.finditer(text), None]:
            end = match.start() if match is not None else len(text)
            body = text[start:end]
            cols = [0]
            for ch in body:
                cols.append(cols[-1] + char_units(ch, encoding))
            self.lines.append(Line(body, start, tuple(cols)))
            if match is not None:
                start = match.end()

    # -- positions -----------------------------------------------------------------------

    def valid_position(self, line: Any, character: Any) -> str | None:
        """None when (line, character) is a position inside this text on a character boundary,
        else why not."""
        if not isinstance(line, int) or not isinstance(character, int):
            return f"not integers: {line!r}, {character!r}"
        if not 0 <= line < len(self.lines):
            return f"line {line} outside 0..{len(self.lines) - 1}"
        info = self.lines[line]
        if not 0 <= character <= info.width:
            return f"character {character} outside 0..{info.width} on line {line}"
        if not _is_boundary(info.boundaries, character):
            return f"character {character} splits a character on line {line} ({self.encoding})"
        return None

    def index(self, line: int, character: int) -> int:
        """The document offset of a valid position."""
        info = self.lines[line]
        return info.start + bisect_left(info.boundaries, character)

    def offset(self, line: int, character: int) -> int:
        """The document offset of an edit position, clamped as editors do."""
        if line >= len(self.lines):
            return len(self.text)
        info = self.lines[line]
        if character >= info.width:
            return info.start + len(info.text)
        # A column inside a character (not produced by the fuzz edits) rounds up.
        for i, col in enumerate(info.boundaries):
            if col >= character:
                return info.start + i
        return info.start + len(info.text)

    def position_of(self, offset: int) -> tuple[int, int]:
        """The position of a document offset that is not inside a line break."""
        for number, info in enumerate(self.lines):
            if info.start <= offset <= info.start + len(info.text):
                return number, info.boundaries[offset - info.start]
        raise ValueError(f"offset {offset} is inside a line break")

    @property
    def end(self) -> tuple[int, int]:
        return len(self.lines) - 1, self.lines[-1].width

    # -- edits ---------------------------------------------------------------------------

    def apply(self, changes: list[dict[str, Any]]) -> str:
        """The text after `didChange` content changes (applied in order, each on the result of
        the previous one)."""
        model = self
        for change in changes:
            rng = change.get("range")
            if rng is None:
                model = TextModel(change["text"], self.encoding)
                continue
            a = model.offset(rng["start"]["line"], rng["start"]["character"])
            b = model.offset(rng["end"]["line"], rng["end"]["character"])
            model = TextModel(model.text[:a] + change["text"] + model.text[b:], self.encoding)
        return model.text

    def apply_text_edits(self, edits: list[dict[str, Any]]) -> str:
        """The text after a set of TextEdits (all relative to this text; they must not
        overlap and their ranges must be valid)."""
        spans = []
        for order, edit in enumerate(edits):
            rng = edit["range"]
            a = self.index(rng["start"]["line"], rng["start"]["character"])
            b = self.index(rng["end"]["line"], rng["end"]["character"])
            spans.append((a, b, order, edit.get("newText", "")))
        out = self.text
        # From the end backwards; inserts at one position end up in the order of the array.
        for a, b, _, new in sorted(spans, reverse=True):
            out = out[:a] + new + out[b:]
        return out
