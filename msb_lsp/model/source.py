"""The source text split into lines the way LSP does it (\\r\\n, \\n or \\r).

BuildKit splits only on \\n and drops a trailing \\r; the two agree on every file except
one with a lone \\r inside a line, where we follow LSP so that positions match the editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate

from msb_lsp.model.span import Pos, Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
BOM = "\ufeff"


@dataclass(slots=True)
class Source:
    text: str
    lines: list[str] = field(init=False)
    line_starts: list[int] = field(init=False)
    line_endings: list[str] = field(init=False)

    def __post_init__(self) -> None:
        if "\r" not in self.text:
            # The common case, done with C-speed string operations.
            self.lines = self.text.split("\n")
            self.line_starts = list(accumulate((len(x) + 1 for x in self.lines[:-1]), initial=0))
            self.line_endings = ["\n"] * (len(self.lines) - 1) + [""]
            return
        lines: list[str] = []
        starts: list[int] = []
        endings: list[str] = []
        pos = 0
        for m in _LINE_BREAK.finditer(self.text):
            starts.append(pos)
            lines.append(self.text[pos : m.start()])
            endings.append(m.group())
            pos = m.end()
        starts.append(pos)
        lines.append(self.text[pos:])
        endings.append("")
        self.lines = lines
        self.line_starts = starts
        self.line_endings = endings

    @property
    def has_bom(self) -> bool:
        return self.text.startswith(BOM)

    @property
    def eol(self) -> str:
        """The file's dominant line ending, so that edits keep the file's own style."""
        crlf = sum(1 for e in self.line_endings if e == "\r\n")
        lf = sum(1 for e in self.line_endings if e == "\n")
        return "\r\n" if crlf > lf else "\n"

    def offset(self, pos: Pos) -> int:
        """Offset in `text` of a position; clamps positions past a line end or the file end."""
        if pos.line < 0:
            return 0
        if pos.line >= len(self.lines):
            return len(self.text)
        return self.line_starts[pos.line] + min(max(pos.col, 0), len(self.lines[pos.line]))

    def pos_at(self, offset: int) -> Pos:
        import bisect

        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        col = min(offset - self.line_starts[line], len(self.lines[line]))
        return Pos(line, col)

    def text_at(self, span: Span) -> str:
        return self.text[self.offset(span.start) : self.offset(span.end)]

    def end(self) -> Pos:
        return Pos(len(self.lines) - 1, len(self.lines[-1]))

    def clamp(self, pos: Pos) -> Pos:
        if pos.line < 0:
            return Pos(0, 0)
        if pos.line >= len(self.lines):
            return self.end()
        return Pos(pos.line, max(0, min(pos.col, len(self.lines[pos.line]))))
