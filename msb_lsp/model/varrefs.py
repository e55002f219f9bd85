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
    word_start: int = -1
    word_end: int = -1
    text: str = ""  # the text scanned (offsets are into it)

    @property
    def word(self) -> str | None:
        """The modifier's word (`x` in `${V:-x}`), cut on demand: a copy per reference would
        cost O(n²) memory for references nested n deep."""
        return self.text[self.word_start : self.word_end] if self.word_start >= 0 else None


def find_vars(
    text: str,
    escape: str = "\\",
    start: int = 0,
    end: int | None = None,
    quotes: bool = True,
    nested: bool = True,
) -> list[RawVar]:
    """Variable references in `text[start:end]`, with offsets into `text`.

    Nested references (in a modifier's word) follow the reference that holds them; with
    `nested=False` only the outermost references are listed. The scan is iterative and
    matches braces once per outermost reference, so `${A:-${A:-...}}` thousands deep costs
    linear time and no recursion.
    """
    end = len(text) if end is None else end
    if text.find("$", start, end) < 0:
        return []
    found: list[RawVar] = []
    # `{` offset -> its `}`, for braces inside a matched `${...}` (its word is scanned next).
    closes: dict[int, int] | None = {} if nested else None
    # Ranges still to scan, innermost last: (next offset, end, honour quotes, open quote).
    frames: list[tuple[int, int, bool, str]] = [(start, end, quotes, "")]
    while frames:
        i, stop, use_quotes, quote = frames.pop()
        while i < stop:
            ch = text[i]
            if quote == "'":
                if ch == "'":
                    quote = ""
                i += 1
                continue
            if ch == escape:
                i += 2
                continue
            if use_quotes and ch in "\"'":
                if quote == ch:
                    quote = ""
                elif not quote:
                    quote = ch
                i += 1
                continue
            if ch != "$" or i + 1 >= stop:
                i += 1
                continue
            nxt = text[i + 1]
            if nxt == "{":
                var, i = _braced(text, i, stop, escape, closes)
                if var is not None:
                    found.append(var)
                    if nested and var.word_start >= 0:  # the word, then the rest of this range
                        frames.append((i, stop, use_quotes, quote))
                        frames.append((var.word_start, var.word_end, False, ""))
                        break
                continue
            m = _NAME.match(text, i + 1, stop)
            if m is None:
                i += 1
                continue
            found.append(RawVar(m.group(), i, m.end(), m.start(), m.end(), braced=False))
            i = m.end()
    return found


def _braced(
    text: str, i: int, end: int, escape: str, closes: dict[int, int] | None = None
) -> tuple[RawVar | None, int]:
    m = _NAME.match(text, i + 2, end)
    open_at = i + 1
    close = closes.get(open_at) if closes is not None else None
    if close is None:
        close = _matching_brace(text, open_at, end, escape, closes)
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
            var.text = text
            var.word_start = mod.end()
            var.word_end = close
    return var, close + 1


def _matching_brace(
    text: str, open_at: int, end: int, escape: str, closes: dict[int, int] | None = None
) -> int:
    """The `}` closing the `{` at `open_at`, or -1. When it is found, the braces nested in
    between are recorded in `closes` (they are scanned with the same escapes)."""
    if closes is None:
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
    opened: list[int] = []
    pairs: list[tuple[int, int]] = []
    i = open_at
    while i < end:
        ch = text[i]
        if ch == escape:
            i += 2
            continue
        if ch == "{":
            opened.append(i)
        elif ch == "}":
            inner = opened.pop()
            if not opened:
                if closes is not None:
                    closes.update(pairs)
                return i
            pairs.append((inner, i))
        i += 1
    return -1
