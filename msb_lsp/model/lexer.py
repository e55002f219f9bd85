"""Physical lines to logical instruction lines, as BuildKit's `parser.Parse` reads them.

A logical line joins an instruction's continuation lines (the escape character removed, the
next line appended with its leading whitespace kept), skips comment lines and blank lines
inside the continuation, and remembers where every character came from so that any offset
in the logical text maps back to an exact position in the file.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from msb_lsp.model.span import Pos, Span

DIRECTIVE_RE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
KNOWN_DIRECTIVES = ("syntax", "escape", "check")

# Go's unicode.IsSpace on the left of a line (BuildKit trims leading whitespace of the
# first line of an instruction only).
_LEADING_WS = re.compile(
    r"[ \t\v\f\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"
)


@lru_cache(maxsize=4)
def continuation_re(escape: str) -> re.Pattern[str]:
    """The escape character as the last non-blank character, not itself escaped."""
    e = re.escape(escape)
    return re.compile(rf"(?<!{e}){e}[ \t]*$")


def is_comment(line: str) -> bool:
    stripped = line.lstrip(" \t\v\f\r")
    return stripped.startswith("#")


def is_blank(line: str) -> bool:
    return not line.strip(" \t\v\f\r")


@dataclass(slots=True)
class LogicalLine:
    """One instruction's text with continuations joined, and the map back to the file."""

    text: str
    start_line: int
    end_line: int
    # Parallel lists: logical offset where a segment starts, and its file line/column.
    seg_offsets: list[int] = field(default_factory=list)
    seg_lines: list[int] = field(default_factory=list)
    seg_cols: list[int] = field(default_factory=list)
    empty_continuation_lines: list[int] = field(default_factory=list)
    continuation_lines: list[int] = field(default_factory=list)
    comment_lines: list[int] = field(default_factory=list)

    def pos_start(self, offset: int) -> Pos:
        """Position of the character at `offset` (a span start)."""
        offsets = self.seg_offsets
        i = bisect_right(offsets, offset) - 1 if len(offsets) > 1 else 0
        if i < 0:
            i = 0
        return _pos((self.seg_lines[i], self.seg_cols[i] + offset - offsets[i]))

    def pos_end(self, offset: int) -> Pos:
        """Position just after the character before `offset` (a span end)."""
        offsets = self.seg_offsets
        i = bisect_left(offsets, offset) - 1 if len(offsets) > 1 else 0
        if i < 0:
            i = 0
        return _pos((self.seg_lines[i], self.seg_cols[i] + offset - offsets[i]))

    def span(self, start: int, end: int) -> Span:
        offsets = self.seg_offsets
        if len(offsets) == 1:  # one physical line: no lookup needed
            line, col = self.seg_lines[0], self.seg_cols[0]
            return _span(
                (_pos((line, col + start)), _pos((line, col + (end if end > start else start))))
            )
        first = self.pos_start(start)
        if end <= start:
            return _span((first, first))
        return _span((first, self.pos_end(end)))


# Building the tuples directly skips NamedTuple's Python-level __new__ (this is hot).
def _pos(pair: tuple[int, int]) -> Pos:
    return tuple.__new__(Pos, pair)  # type: ignore[no-any-return]


def _span(pair: tuple[Pos, Pos]) -> Span:
    return tuple.__new__(Span, pair)  # type: ignore[no-any-return]


def read_logical_line(lines: list[str], index: int, escape: str, first_col: int = 0) -> LogicalLine:
    """Read the instruction that starts on `lines[index]` (not blank, not a comment).

    `first_col` skips a BOM on the first line of the file.
    """
    cont = continuation_re(escape)
    raw = lines[index]
    lead = _LEADING_WS.match(raw, first_col)
    col = lead.end() if lead else first_col
    segment = raw[col:]
    logical = LogicalLine(text="", start_line=index, end_line=index)
    parts: list[str] = []
    offset = 0

    def add(seg_text: str, line: int, seg_col: int) -> None:
        nonlocal offset
        logical.seg_offsets.append(offset)
        logical.seg_lines.append(line)
        logical.seg_cols.append(seg_col)
        parts.append(seg_text)
        offset += len(seg_text)

    m = cont.search(segment)
    if m is None:
        add(segment, index, col)
        logical.text = segment
        return logical
    add(segment[: m.start()], index, col)
    logical.continuation_lines.append(index)
    i = index + 1
    n = len(lines)
    while i < n:
        line = lines[i]
        logical.end_line = i
        if is_comment(line):
            logical.comment_lines.append(i)
            i += 1
            continue
        if is_blank(line):
            logical.empty_continuation_lines.append(i)
            i += 1
            continue
        m = cont.search(line)
        if m is None:
            add(line, i, 0)
            break
        add(line[: m.start()], i, 0)
        logical.continuation_lines.append(i)
        i += 1
    else:
        # Continuation at the end of the file: the instruction simply ends.
        logical.end_line = max(logical.end_line, index)
    logical.text = "".join(parts)
    return logical
