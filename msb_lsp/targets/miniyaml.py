"""A small, tolerant, position-exact YAML reader for the few keys compose and workflow files need.

It reads block mappings and sequences, plain, quoted and block (`|`, `>`) scalars, flow
collections (`{a: b}`, `[a, b]`, which also makes it a JSON reader), anchors, aliases and merge
keys (`<<: *defaults`). Every scalar keeps the span of its value as written (without quotes),
computed from offsets in the text, so lines break exactly where LSP breaks them.

It never raises: a line it cannot make sense of is skipped, so a file that is being typed (an
unterminated quote, a half-written key) still yields everything around the broken spot.
Not supported: complex keys (`? `), tags beyond skipping them, multi-document streams (the
documents are read as one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from msb_lsp.model.source import Source
from msb_lsp.model.span import Pos, Span


@dataclass(frozen=True, slots=True)
class Segment:
    """One line of a scalar's text as written: where it starts and what it says."""

    line: int
    col: int
    text: str


@dataclass(eq=False)
class YScalar:
    value: str  # decoded
    span: Span  # the value as written, quotes excluded; for an absent value, the blank after `:`
    style: str = "plain"  # plain, ', ", |, >, or "" for a key with no value
    segments: list[Segment] = field(default_factory=list)  # the raw text, line by line
    room: bool = True  # for a missing value: False when nothing separates it from the `:`

    @property
    def is_empty(self) -> bool:
        return self.style == ""

    @property
    def typeable(self) -> bool:
        """A written value, or a missing one with a blank after the `:` to type it in."""
        return not self.is_empty or self.room


@dataclass(eq=False)
class YSeq:
    items: list[YNode] = field(default_factory=list)
    start: Pos = field(default_factory=lambda: Pos(0, 0))


@dataclass(eq=False)
class YMap:
    items: list[tuple[YScalar, YNode]] = field(default_factory=list)
    merges: list[YMap] = field(default_factory=list)  # `<<: *anchor`, in order
    start: Pos = field(default_factory=lambda: Pos(0, 0))

    _index: dict[str, int] = field(default_factory=dict, repr=False)
    _indexed: int = -1  # how many items the index covers

    def own(self, key: str) -> tuple[YScalar, YNode] | None:
        """The entry written in this mapping (the last one wins, as in most YAML loaders)."""
        if self._indexed != len(self.items):
            self._index = {k.value: n for n, (k, _) in enumerate(self.items)}
            self._indexed = len(self.items)
        n = self._index.get(key)
        return self.items[n] if n is not None else None

    def item(self, key: str, _seen: frozenset[int] = frozenset()) -> tuple[YScalar, YNode] | None:
        """The entry for `key`: written here, else from the merged mappings (the first that
        has it)."""
        found = self.own(key)
        if found is not None:
            return found
        for merged in self.merges:
            if id(merged) in _seen:
                continue
            inner = merged.item(key, _seen | {id(self)})
            if inner is not None:
                return inner
        return None

    def get(self, key: str) -> YNode | None:
        entry = self.item(key)
        return entry[1] if entry is not None else None

    def entries(self) -> list[tuple[YScalar, YNode]]:
        """Every key, merged ones included, in order of first appearance."""
        seen: dict[str, tuple[YScalar, YNode]] = {}
        for k, _ in self.items:
            entry = self.item(k.value)
            if entry is not None and k.value not in seen:
                seen[k.value] = entry
        for merged in self.merges:
            for k, _ in merged.entries():
                if k.value not in seen:
                    entry = self.item(k.value)
                    if entry is not None:
                        seen[k.value] = entry
        return list(seen.values())


YNode = YScalar | YSeq | YMap


def scalar(node: YNode | None) -> YScalar | None:
    """The node if it is a scalar with a value (not a missing one)."""
    return node if isinstance(node, YScalar) and not node.is_empty else None


def parse_yaml(text: str) -> YNode | None:
    """The top node of the document, or None for an empty one."""
    if text.startswith("\ufeff"):  # read without the BOM, then move line 0 back by one column
        node = _Parser(text[1:]).parse()
        if node is not None:
            _shift_first_line(node, set())
        return node
    return _Parser(text).parse()


def _shift(pos: Pos) -> Pos:
    return Pos(0, pos.col + 1) if pos.line == 0 else pos


def _shift_first_line(node: YNode, seen: set[int]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, YScalar):
        node.span = Span(_shift(node.span.start), _shift(node.span.end))
        node.segments = [replace(s, col=s.col + 1) if s.line == 0 else s for s in node.segments]
    elif isinstance(node, YSeq):
        node.start = _shift(node.start)
        for item in node.items:
            _shift_first_line(item, seen)
    else:
        node.start = _shift(node.start)
        for key, value in node.items:
            _shift_first_line(key, seen)
            _shift_first_line(value, seen)
        for merged in node.merges:
            _shift_first_line(merged, seen)


_KEY_END = re.compile(r":(?=[ \t]|$)")
_COMMENT = re.compile(r"[ \t]#")


def _blank(line: str) -> bool:
    """A line with nothing to read: empty, a comment, a directive or a document marker."""
    stripped = line.strip()
    return not stripped or stripped.startswith(("#", "%", "--- ")) or stripped in ("---", "...")


def _is_dash(rest: str) -> bool:
    return rest.startswith("-") and (len(rest) == 1 or rest[1] in " \t")


_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX = {"x": 2, "u": 4, "U": 8}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.src = Source(text)
        self.lines = self.src.lines
        self.anchors: dict[str, YNode] = {}
        self.indents = [len(line) - len(line.lstrip(" ")) for line in self.lines]
        self.blanks = [_blank(line) for line in self.lines]

    # -- lines -----------------------------------------------------------------------------

    def indent(self, i: int) -> int:
        return self.indents[i]

    def blank(self, i: int) -> bool:
        return self.blanks[i]

    def next_content(self, i: int) -> int:
        blanks = self.blanks
        while i < len(blanks) and blanks[i]:
            i += 1
        return i

    def offset(self, line: int, col: int) -> int:
        return self.src.offset(Pos(line, col))

    def pos(self, offset: int) -> Pos:
        return self.src.pos_at(offset)

    # -- block structure -------------------------------------------------------------------

    def parse(self) -> YNode | None:
        i = self.next_content(0)
        if i >= len(self.lines):
            return None
        node, _ = self.block_at(i, self.indent(i), parent_indent=-1)
        return node

    def block_at(self, i: int, col: int, parent_indent: int) -> tuple[YNode, int]:
        """The node whose content starts at line i, column col; returns it and the next line."""
        rest = self.lines[i][col:]
        if _is_dash(rest):
            return self.sequence(i, col)
        if self.key_at(i, col) is not None:
            return self.mapping(i, col)
        return self.value_at(i, col, parent_indent)

    def skip_deeper(self, i: int, indent: int) -> int:
        """Skip lines that belong to nothing we read (deeper than `indent`)."""
        i = self.next_content(i)
        while i < len(self.lines) and self.indent(i) > indent:
            i = self.next_content(i + 1)
        return i

    def mapping(self, i: int, col: int) -> tuple[YMap, int]:
        node = YMap(start=Pos(i, col))
        while i < len(self.lines):
            key_info = self.key_at(i, col)
            if key_info is None:  # a line at this indentation that is not a key: skip it
                i = self.skip_deeper(i + 1, col)
            else:
                key, after = key_info
                value, i = self.value_at(i, after, parent_indent=col, in_mapping=True)
                if key.value == "<<" and key.style == "plain":
                    node.merges.extend(_merge_sources(value))
                else:
                    node.items.append((key, value))
                i = self.skip_deeper(i, col)
            if i >= len(self.lines) or self.indent(i) != col or _is_dash(self.lines[i][col:]):
                break
        return node, i

    def sequence(self, i: int, col: int) -> tuple[YSeq, int]:
        node = YSeq(start=Pos(i, col))
        while True:  # the first item may start mid-line (`- - a`), the others at `col`
            line = self.lines[i]
            c = col + 1
            while c < len(line) and line[c] in " \t":
                c += 1
            rest = line[c:]
            if not rest or rest.startswith("#"):
                j = self.next_content(i + 1)
                if j < len(self.lines) and self.indent(j) > col:
                    item, i = self.block_at(j, self.indent(j), parent_indent=col)
                else:
                    item, i = self.empty(i, col + 1), i + 1
            elif _is_dash(rest) or self.key_at(i, c) is not None:
                item, i = self.block_at(i, c, parent_indent=col)
            else:
                item, i = self.value_at(i, c, parent_indent=col)
            node.items.append(item)
            i = self.skip_deeper(i, col)
            if i >= len(self.lines) or self.indent(i) != col or not _is_dash(self.lines[i][col:]):
                return node, i

    def key_at(self, i: int, col: int) -> tuple[YScalar, int] | None:
        """A mapping key starting at (i, col): the key and the column after its colon."""
        line = self.lines[i]
        rest = line[col:]
        if not rest or rest[0] in "#[]{},|>*!%@`" or _is_dash(rest):
            return None
        if rest[0] == "&":  # an anchor on a mapping written inline (`- &a key: v`): not read
            return None
        if rest[0] in "\"'":
            start = self.offset(i, col)
            key, end = self.quoted(start)
            end_pos = self.pos(end)
            if end_pos.line != i:
                return None
            c = end_pos.col
            while c < len(line) and line[c] in " \t":
                c += 1
            if c < len(line) and line[c] == ":" and (c + 1 == len(line) or line[c + 1] in " \t"):
                return key, c + 1
            return None
        m = _KEY_END.search(line, col)
        if m is None:
            return None
        c = m.start()
        comment = _COMMENT.search(line, col, c)
        if comment is not None:
            return None
        text = line[col:c].rstrip()
        if not text:
            return None
        return YScalar(text, Span.on_line(i, col, col + len(text)), "plain"), c + 1

    def empty(self, i: int, col: int) -> YScalar:
        """A missing value after `key:` or `-`: its span is the blank that follows, if any."""
        line = self.lines[i]
        start = min(col, len(line))
        end = start
        while end < len(line) and line[end] in " \t":
            end += 1
        if end > start:
            start += 1  # the value would start after one separating blank
        return YScalar("", Span.on_line(i, start, end), "", room=end > col)

    def value_at(
        self, i: int, col: int, parent_indent: int, in_mapping: bool = False
    ) -> tuple[YNode, int]:
        """The value written from (i, col) on: after `key:`, after `- `, or a bare scalar."""
        line = self.lines[i]
        c = col
        while c < len(line) and line[c] in " \t":
            c += 1
        anchor = None
        while c < len(line) and line[c] in "&!" and (c == col or line[c - 1] in " \t"):
            end = c
            while end < len(line) and line[end] not in " \t":
                end += 1
            if line[c] == "&":
                anchor = line[c + 1 : end]
            c = end
            while c < len(line) and line[c] in " \t":
                c += 1
        node: YNode
        if c >= len(line) or (line[c] == "#" and (c == 0 or line[c - 1] in " \t")):
            j = self.next_content(i + 1)
            # A mapping's value may be a sequence written at the key's own indentation.
            same_level_seq = (
                in_mapping
                and j < len(self.lines)
                and self.indent(j) == parent_indent
                and _is_dash(self.lines[j][parent_indent:])
            )
            if j < len(self.lines) and (self.indent(j) > parent_indent or same_level_seq):
                node, nxt = self.block_at(j, self.indent(j), parent_indent)
            else:
                node, nxt = self.empty(i, col), i + 1
        else:
            ch = line[c]
            if ch == "*":
                end = c + 1
                while end < len(line) and line[end] not in " \t,]}":
                    end += 1
                target = self.anchors.get(line[c + 1 : end])
                node = target if target is not None else self.empty(i, len(line))
                nxt = i + 1
            elif ch in "|>":
                node, nxt = self.block_scalar(i, c, parent_indent)
            elif ch in "\"'":
                node, end_off = self.quoted(self.offset(i, c))
                nxt = self.pos(end_off).line + 1
            elif ch in "[{":
                node, end_off = self.flow(self.offset(i, c))
                nxt = self.pos(end_off).line + 1
            else:
                node, nxt = self.plain(i, c, parent_indent)
        if anchor:
            self.anchors[anchor] = node
        return node, nxt

    def plain(self, i: int, c: int, parent_indent: int) -> tuple[YScalar, int]:
        line = self.lines[i]
        end = _plain_end(line, c)
        first = line[c:end]
        segments = [Segment(i, c, first)]
        parts = [first]
        span_end = Pos(i, end)
        j = i + 1
        # A plain scalar goes on over more-indented lines (folded with spaces).
        while j < len(self.lines) and self.lines[j].strip() and not self.blank(j):
            if self.indent(j) <= parent_indent:
                break
            text = self.lines[j]
            start = self.indent(j)
            if self.key_at(j, start) is not None or _is_dash(text[start:]):
                break
            stop = _plain_end(text, start)
            segments.append(Segment(j, start, text[start:stop]))
            parts.append(text[start:stop])
            span_end = Pos(j, stop)
            j += 1
        return YScalar(" ".join(parts), Span(Pos(i, c), span_end), "plain", segments), j

    def block_scalar(self, i: int, c: int, parent_indent: int) -> tuple[YScalar, int]:
        line = self.lines[i]
        style = line[c]
        h = c + 1
        explicit = 0
        chomp = ""
        while h < len(line) and line[h] in "+-0123456789":
            if line[h].isdigit():
                explicit = int(line[h])
            else:
                chomp = line[h]
            h += 1
        content_indent = max(parent_indent, 0) + explicit if explicit else 0
        j = i + 1
        rows: list[int] = []
        while j < len(self.lines):
            text = self.lines[j]
            if not text.strip():
                rows.append(j)
                j += 1
                continue
            ind = self.indent(j)
            if content_indent == 0:
                if ind <= parent_indent:
                    break
                content_indent = ind
            if ind < content_indent:
                break
            rows.append(j)
            j += 1
        trailing = 0
        while rows and not self.lines[rows[-1]].strip():
            rows.pop()
            trailing += 1
        if not rows or content_indent == 0:
            return YScalar("", Span.on_line(i, len(line), len(line)), style), i + 1
        segments = [
            Segment(r, min(content_indent, len(self.lines[r])), self.lines[r][content_indent:])
            for r in rows
        ]
        texts = [s.text for s in segments]
        value = "\n".join(texts) if style == "|" else _fold(texts)
        if chomp != "-":
            value += "\n"
        if chomp == "+":
            value += "\n" * trailing
        last = segments[-1]
        first = segments[0]
        span = Span(Pos(first.line, first.col), Pos(last.line, last.col + len(last.text)))
        return YScalar(value, span, style, segments), j

    # -- character level: quoted scalars and flow collections ------------------------------

    def quoted(self, start: int) -> tuple[YScalar, int]:
        """A quoted scalar at offset `start`; returns it and the offset after the closing quote.

        An unterminated quote ends at the end of its line (a value being typed)."""
        text = self.text
        quote = text[start]
        k = start + 1
        out: list[str] = []
        n = len(text)
        while k < n:
            ch = text[k]
            if ch == quote:
                if quote == "'" and k + 1 < n and text[k + 1] == "'":
                    out.append("'")
                    k += 2
                    continue
                break
            if ch in "\r\n":
                # Line folding: the break and the indentation become a space (or line breaks).
                breaks = 0
                m = k
                while m < n and text[m] in " \t\r\n":
                    if text[m] == "\n" or (text[m] == "\r" and text[m + 1 : m + 2] != "\n"):
                        breaks += 1
                    m += 1
                if m >= n or _looks_like_block_line(text, k):
                    break  # an unterminated quote (a value being typed) ends at its line
                while out and out[-1] in " \t":
                    out.pop()
                out.append("\n" * (breaks - 1) if breaks > 1 else " ")
                k = m
                continue
            if quote == '"' and ch == "\\" and k + 1 < n:
                esc = text[k + 1]
                if esc in _HEX:
                    digits = text[k + 2 : k + 2 + _HEX[esc]]
                    try:
                        out.append(chr(int(digits, 16)))
                    except ValueError:
                        out.append(digits)
                    k += 2 + _HEX[esc]
                    continue
                if esc in "\r\n":  # an escaped line break joins the lines
                    m = k + 1
                    while m < n and text[m] in "\r\n":
                        m += 1
                    while m < n and text[m] in " \t":
                        m += 1
                    k = m
                    continue
                out.append(_ESCAPES.get(esc, esc))
                k += 2
                continue
            out.append(ch)
            k += 1
        end_inner = k
        closed = k < n and text[k] == quote
        span = Span(self.pos(start + 1), self.pos(end_inner))
        segments = self._segments(start + 1, end_inner)
        node = YScalar("".join(out), span, quote, segments)
        return node, (k + 1 if closed else k)

    def _segments(self, start: int, end: int) -> list[Segment]:
        a, b = self.pos(start), self.pos(end)
        if a.line == b.line:
            return [Segment(a.line, a.col, self.lines[a.line][a.col : b.col])]
        out = [Segment(a.line, a.col, self.lines[a.line][a.col :])]
        for line in range(a.line + 1, b.line):
            out.append(Segment(line, 0, self.lines[line]))
        out.append(Segment(b.line, 0, self.lines[b.line][: b.col]))
        return out

    def skip_flow_space(self, k: int) -> int:
        text = self.text
        while k < len(text):
            ch = text[k]
            if ch in " \t\r\n":
                k += 1
            elif ch == "#" and (k == 0 or text[k - 1] in " \t\r\n"):
                while k < len(text) and text[k] not in "\r\n":
                    k += 1
            else:
                break
        return k

    def flow(self, start: int, depth: int = 0) -> tuple[YNode, int]:
        """A flow mapping or sequence at offset `start`; returns it and the offset after it."""
        text = self.text
        closing = "}" if text[start] == "{" else "]"
        node: YMap | YSeq
        node = YMap(start=self.pos(start)) if closing == "}" else YSeq(start=self.pos(start))
        k = start + 1
        while True:
            k = self.skip_flow_space(k)
            if k >= len(text):
                return node, k
            if text[k] == closing:
                return node, k + 1
            if text[k] in "]}":  # a stray closer: the collection is broken, stop here
                return node, k + 1
            if text[k] == ",":
                k += 1
                continue
            before = k
            item, k = self.flow_value(k, depth)
            k = self.skip_flow_space(k)
            if k < len(text) and text[k] == ":":
                k = self.skip_flow_space(k + 1)
                if k < len(text) and text[k] not in ",}]":
                    value, k = self.flow_value(k, depth)
                else:
                    value = self.missing(k)
            elif isinstance(node, YMap):
                value = self.missing(k)
            else:
                node.items.append(item)
                if k == before:
                    return node, k + 1
                continue
            key = item if isinstance(item, YScalar) else self.missing(before)
            if isinstance(node, YSeq):
                node.items.append(YMap(items=[(key, value)], start=key.span.start))
            elif key.value == "<<" and key.style == "plain":
                node.merges.extend(_merge_sources(value))
            else:
                node.items.append((key, value))
            if k == before:
                return node, k + 1

    def missing(self, offset: int) -> YScalar:
        p = self.pos(offset)
        return YScalar("", Span(p, p), "")

    def flow_value(self, k: int, depth: int) -> tuple[YNode, int]:
        text = self.text
        anchor = None
        while k < len(text) and text[k] in "&!":
            end = k
            while end < len(text) and text[end] not in " \t\r\n,]}":
                end += 1
            if text[k] == "&":
                anchor = text[k + 1 : end]
            k = self.skip_flow_space(end)
        node: YNode
        if k >= len(text):
            node = self.missing(k)
        elif text[k] in "[{" and depth < 100:
            node, k = self.flow(k, depth + 1)
        elif text[k] in "\"'":
            node, k = self.quoted(k)
        elif text[k] == "*":
            end = k + 1
            while end < len(text) and text[end] not in " \t\r\n,]}":
                end += 1
            target = self.anchors.get(text[k + 1 : end])
            node = target if target is not None else self.missing(end)
            k = end
        else:
            end = k
            while end < len(text):
                ch = text[end]
                if ch in ",[]{}\r\n":
                    break
                if ch == ":" and (end + 1 >= len(text) or text[end + 1] in " \t\r\n,[]{}"):
                    break
                if ch == "#" and text[end - 1] in " \t":
                    break
                end += 1
            raw = text[k:end].rstrip(" \t")
            stop = k + len(raw)
            node = YScalar(raw, Span(self.pos(k), self.pos(stop)), "plain", self._segments(k, stop))
            k = end
        if anchor:
            self.anchors[anchor] = node
        return node, k


_BLOCK_LINE = re.compile(r"[ \t]*(?:-(?:[ \t]|$)|[^\s\"'#\-{}\[\],][^:#\r\n]*:(?:[ \t]|$))")


def _looks_like_block_line(text: str, k: int) -> bool:
    """Is the line after the break at offset k a `key:` or `- ` line? Then a quote left open
    on the line before is unterminated (being typed), not a multi-line scalar."""
    line_start = text.find("\n", k)
    if line_start < 0:
        line_start = text.find("\r", k)
    if line_start < 0:
        return False
    line_end = len(text)
    for stop in ("\n", "\r"):
        found = text.find(stop, line_start + 1)
        if 0 <= found < line_end:
            line_end = found
    return _BLOCK_LINE.match(text, line_start + 1, line_end) is not None


def _plain_end(line: str, c: int) -> int:
    """Where a plain scalar starting at column c ends: before ` #` or trailing blanks."""
    end = len(line)
    k = c
    while k < len(line):
        if line[k] == "#" and k > c and line[k - 1] in " \t":
            end = k
            break
        k += 1
    while end > c and line[end - 1] in " \t":
        end -= 1
    return end


def _fold(lines: list[str]) -> str:
    """Folded block scalar: single breaks between non-indented lines become spaces."""
    out = ""
    for n, text in enumerate(lines):
        if n == 0:
            out = text
            continue
        prev = lines[n - 1]
        if text and prev and text[0] not in " \t" and prev[0] not in " \t":
            out += " " + text
        else:
            out += "\n" + text
    return out


def _merge_sources(value: YNode) -> list[YMap]:
    if isinstance(value, YMap):
        return [value]
    if isinstance(value, YSeq):
        return [item for item in value.items if isinstance(item, YMap)]
    return []
