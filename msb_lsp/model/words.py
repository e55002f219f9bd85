"""Splitting instruction arguments into words the way BuildKit's line parsers do.

All functions work on offsets into the logical line, so callers can map every word back to
its exact span. Regular expressions do the scanning: this runs on every keystroke.
"""

from __future__ import annotations

import re
from functools import lru_cache

# BuildKit's reWhitespace: `[\t\v\f\r ]+`.
_WS_WORD = re.compile(r"[^\t\v\f\r ]+")
_FLAG_WORD = re.compile(
    r"""(?:[^\s"'\\]|\\.|\\\Z|"(?:[^"\\]|\\.|\\\Z)*(?:"|\Z)|'(?:[^'\\]|\\.|\\\Z)*(?:'|\Z))+""",
    re.DOTALL,
)
_SPACE = re.compile(r"\s*")


@lru_cache(maxsize=4)
def _shell_word_re(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(
        rf"""(?:[^\s"'{e}]|{e}.|{e}\Z|"(?:[^"{e}]|{e}.|{e}\Z)*(?:"|\Z)|'[^']*(?:'|\Z))+""",
        re.DOTALL,
    )


def whitespace_words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Words separated by spaces and tabs (FROM, EXPOSE, shell-form COPY/ADD/VOLUME)."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in _WS_WORD.finditer(text, start, end)]


def shell_words(
    text: str, escape: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """BuildKit's `parseWords`: whitespace-separated words where quotes and the escape
    character keep whitespace inside a word. Quotes stay in the word."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in _shell_word_re(escape).finditer(text, start, end)]


def flag_words(text: str, start: int = 0) -> tuple[list[tuple[int, int]], int]:
    """BuildKit's `extractBuilderFlags`: the leading `--` words, and where the rest starts.

    A bare `--` ends the flags and is not itself a flag.
    """
    pos = start
    n = len(text)
    words: list[tuple[int, int]] = []
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= n or not text.startswith("--", pos):
            return words, pos
        m = _FLAG_WORD.match(text, pos)
        assert m is not None  # starts with "--", so at least that matches
        if m.group() == "--":
            return words, m.end()
        words.append((m.start(), m.end()))
        pos = m.end()


def unquote_flag(text: str) -> str:
    """Unquote a flag word as `extractBuilderFlags` does: quotes dropped, `\\x` gives x."""
    if '"' not in text and "'" not in text and "\\" not in text:
        return text
    out: list[str] = []
    quote = ""
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\":
                if i + 1 < n:
                    i += 1
                    out.append(text[i])
            else:
                out.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                out.append(text[i])
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def unquote_shell(text: str, escape: str = "\\") -> str:
    """Remove shell quoting from a word (for values like stage names and ENV values).

    Double quotes honour the escape character, single quotes keep everything literal.
    """
    if '"' not in text and "'" not in text and escape not in text:
        return text
    out: list[str] = []
    quote = ""
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                out.append(ch)
        elif quote == '"':
            if ch == '"':
                quote = ""
            elif ch == escape and i + 1 < n and text[i + 1] in ('"', escape, "$"):
                i += 1
                out.append(text[i])
            else:
                out.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == escape:
            if i + 1 < n:
                i += 1
                out.append(text[i])
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def split_csv(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Fields of a CSV value (`--mount=type=cache,target=/x`), honouring double quotes."""
    fields: list[tuple[int, int]] = []
    i = start
    field_start = start
    quote = False
    while i < end:
        ch = text[i]
        if ch == '"':
            quote = not quote
        elif ch == "," and not quote:
            fields.append((field_start, i))
            field_start = i + 1
        i += 1
    fields.append((field_start, end))
    return [(a, b) for a, b in fields if b > a]
