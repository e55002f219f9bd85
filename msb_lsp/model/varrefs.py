"""Finding variable references (`$V`, `${V}`, `${V:-x}` ...) in a piece of text.

Implements the forms BuildKit's shell lexer understands: `:-`, `-`, `:+`, `+`, `:?`, `?`,
and the pattern forms `#`, `##`, `%`, `%%`, `/`, `//`. Single-quoted text and escaped `$`
are skipped. Nested references in a modifier's word are found too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MODIFIER = re.compile(r":[-+?]|[-+?]|##|#|%%|%|//|/")


@dataclass(slots=True)
class RawVar:
    name: str
    start: int
    end: int
    name_start: int
    name_end: int
    braced: bool
    modifier: str | None = None
    mod_start: int = -1
    word: str | None = None
    word_start: int = -1
    word_end: int = -1


def find_vars(
    text: str, escape: str = "\\", start: int = 0, end: int | None = None, quotes: bool = True
) -> list[RawVar]:
    """Variable references in `text[start:end]`, with offsets into `text`."""
    end = len(text) if end is None else end
    if "$" not in text[start:end]:
        return []
    found: list[RawVar] = []
    i = start
    quote = ""
    while i < end:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            i += 1
            continue
        if ch == escape:
            i += 2
            continue
        if quotes and ch in "\"'":
            if quote == ch:
                quote = ""
            elif not quote:
                quote = ch
            i += 1
            continue
        if ch != "$" or i + 1 >= end:
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "{":
            var, i = _braced(text, i, end, escape)
            if var is not None:
                found.append(var)
                if var.word_start >= 0:
                    found.extend(
                        find_vars(text, escape, var.word_start, var.word_end, quotes=False)
                    )
            continue
        m = _NAME.match(text, i + 1, end)
        if m is None:
            i += 1
            continue
        found.append(RawVar(m.group(), i, m.end(), m.start(), m.end(), braced=False))
        i = m.end()
    return found


def _braced(text: str, i: int, end: int, escape: str) -> tuple[RawVar | None, int]:
    m = _NAME.match(text, i + 2, end)
    close = _matching_brace(text, i + 1, end, escape)
    if m is None:
        return None, (close + 1 if close >= 0 else i + 2)
    if close < 0:
        return None, m.end()
    var = RawVar(m.group(), i, close + 1, m.start(), m.end(), braced=True)
    if m.end() < close:
        mod = _MODIFIER.match(text, m.end(), close)
        if mod is not None:
            var.modifier = mod.group()
            var.mod_start = mod.start()
            var.word = text[mod.end() : close]
            var.word_start = mod.end()
            var.word_end = close
    return var, close + 1


def _matching_brace(text: str, open_at: int, end: int, escape: str) -> int:
    depth = 0
    i = open_at
    while i < end:
        ch = text[i]
        if ch == escape:
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1
