"""`target` attributes of bake files (HCL and JSON), with each block's Dockerfile.

Bake resolves a target block's `context` (default `.`) against the folder bake runs in, taken
here as the bake file's folder (a `cwd://` prefix means the same), and its `dockerfile`
(default `Dockerfile`) against the context; `dockerfile-inline` or a remote context leave no
file to read. `inherits = ["base", ...]` is followed: a block takes every attribute it does
not set from the blocks it inherits (the last one listed wins), so a `target` written once in
a base block is checked against the Dockerfile of every block that inherits it.

HCL is read with a small tokenizer of its own: blocks, attributes, strings with `${...}`
templates (which make a value dynamic), heredocs, and `#`, `//` and `/* */` comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from msb_lsp.model.source import Source
from msb_lsp.model.span import Span
from msb_lsp.targets.miniyaml import YMap, YScalar, YSeq, parse_yaml
from msb_lsp.targets.ref import TargetRef, is_remote, join

_TEMPLATE = re.compile(r"(?<![$%])[$%]\{")


def templated(raw: str) -> bool:
    """Does a string contain a `${...}` / `%{...}` template (not the escaped `$${`)?"""
    return _TEMPLATE.search(raw.replace("$${", "").replace("%%{", "")) is not None


@dataclass(frozen=True, slots=True)
class BakeValue:
    value: str
    span: Span
    dynamic: bool = False  # a template or any expression other than a plain string
    bare: bool = False  # no value written yet and no quotes around the slot


@dataclass(slots=True)
class BakeTarget:
    name: str
    attrs: dict[str, BakeValue] = field(default_factory=dict)
    inherits: list[str] = field(default_factory=list)


# -- the common part: from target blocks to references ------------------------------------------


def resolve_blocks(blocks: list[BakeTarget], base: Path | None) -> list[TargetRef]:
    by_name: dict[str, BakeTarget] = {}
    for block in blocks:  # blocks with the same name are merged, the later one winning
        known = by_name.get(block.name)
        if known is None:
            by_name[block.name] = BakeTarget(block.name, dict(block.attrs), list(block.inherits))
        else:
            known.attrs.update(block.attrs)
            known.inherits.extend(n for n in block.inherits if n not in known.inherits)

    memo: dict[tuple[str, str], tuple[BakeValue, str] | None] = {}

    def lookup(name: str, attr: str) -> tuple[BakeValue, str] | None:
        """The value a block gets for `attr` and the block that writes it: its own, else the
        first found depth-first through `inherits`, the last listed first (bake's order).
        Iterative, with every block visited once, so cycles and long chains are harmless."""
        key = (name, attr)
        if key in memo:
            return memo[key]
        found: tuple[BakeValue, str] | None = None
        stack = [name]
        visited: set[str] = set()
        while stack:
            current = stack.pop()
            if current in visited:
                continue
            visited.add(current)
            known = memo.get((current, attr), False)
            if known is not False:  # this block's answer was worked out before
                if known is not None:
                    found = known  # type: ignore[assignment]
                    break
                continue
            block = by_name.get(current)
            if block is None:
                continue
            if attr in block.attrs:
                found = (block.attrs[attr], current)
                break
            stack.extend(block.inherits)  # the last one listed is explored first
        memo[key] = found
        return found

    order = {name: n for n, name in enumerate(by_name)}
    found_targets = [(name, lookup(name, "target")) for name in by_name]
    # A block that writes its own target first, so that a value used by several blocks with
    # the same Dockerfile is reported once, as its owner's.
    found_targets.sort(key=lambda item: item[1] is None or item[1][1] != item[0])
    found_refs: list[tuple[int, TargetRef]] = []  # (the block's position, the reference)
    seen_refs: set[tuple[Span, Path | None]] = set()
    for name, found in found_targets:
        if found is None:
            continue
        target, owner = found
        context = lookup(name, "context")
        dockerfile = lookup(name, "dockerfile")
        inline = lookup(name, "dockerfile-inline")
        path, context_path, reason = _paths(
            context[0] if context else None, dockerfile[0] if dockerfile else None, inline, base
        )
        if (target.span, path) in seen_refs:
            continue
        seen_refs.add((target.span, path))
        origin = f'bake target "{name}"'
        if owner != name:
            origin += f' (inherited from "{owner}")'
        ref = TargetRef(
            value=target.value,
            span=target.span,
            dockerfile=path,
            context=context_path,
            context_span=context[0].span if context else None,
            file_span=dockerfile[0].span if dockerfile else None,
            origin=origin,
            dynamic=target.dynamic,
            unresolved=reason,
            quote='"' if target.bare else "",
        )
        found_refs.append((order[name], ref))
    found_refs.sort(key=lambda item: (item[1].span.start, item[1].span.end, item[0]))
    return [ref for _, ref in found_refs]


def _paths(
    context: BakeValue | None,
    dockerfile: BakeValue | None,
    inline: tuple[BakeValue, str] | None,
    base: Path | None,
) -> tuple[Path | None, Path | None, str | None]:
    if inline is not None:
        return None, None, "the Dockerfile is inline (dockerfile-inline)"
    text = context.value if context is not None else "."
    if context is not None and context.dynamic:
        return None, None, "the build context depends on a variable"
    text = text.removeprefix("cwd://")
    if is_remote(text):
        return None, None, "the build context is remote"
    context_path = join(base, text)
    if context_path is None:
        return None, None, "the bake file is not a saved file"
    if dockerfile is not None and dockerfile.dynamic:
        return None, context_path, "the Dockerfile path depends on a variable"
    name = dockerfile.value.removeprefix("cwd://") if dockerfile is not None else "Dockerfile"
    return join(context_path, name), context_path, None


# -- HCL ------------------------------------------------------------------------------------

IDENT, STRING, PUNCT, NEWLINE, OTHER = "ident", "string", "punct", "newline", "other"


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str  # identifiers and punctuation as written; strings decoded
    start: int
    end: int
    inner: tuple[int, int] = (0, 0)  # a string's content, quotes excluded
    dynamic: bool = False


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"[0-9][0-9.eE+-]*")
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _string_end(t: str, k: int) -> tuple[int, bool]:
    """From the opening quote at k: the offset after the string and whether it was closed."""
    k += 1
    n = len(t)
    while k < n:
        c = t[k]
        if c == "\\":
            k += 2
        elif c == '"':
            return k + 1, True
        elif c in "\r\n":
            return k, False  # strings end at the line: an unterminated one is being typed
        elif c in "$%" and t.startswith("{", k + 1):
            if t[k - 1 : k] == c:
                k += 2  # `$${`: an escaped template
            else:
                k = _template_end(t, k + 2)
        else:
            k += 1
    return n, False


def _template_end(t: str, k: int) -> int:
    depth = 1
    n = len(t)
    while k < n:
        c = t[k]
        if c == '"':
            k, _ = _string_end(t, k)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return k + 1
        elif c in "\r\n":
            return k
        k += 1
    return n


def _decode(raw: str) -> str:
    out: list[str] = []
    k = 0
    while k < len(raw):
        c = raw[k]
        if c == "\\" and k + 1 < len(raw):
            e = raw[k + 1]
            if e == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", raw[k + 2 : k + 6]):
                out.append(chr(int(raw[k + 2 : k + 6], 16)))
                k += 6
                continue
            out.append(_ESCAPES.get(e, e))
            k += 2
            continue
        if raw.startswith(("$${", "%%{"), k):
            out.append(raw[k + 1 : k + 3])
            k += 3
            continue
        out.append(c)
        k += 1
    return "".join(out)


def tokenize_hcl(t: str) -> list[_Tok]:
    toks: list[_Tok] = []
    n = len(t)
    k = 1 if t.startswith("\ufeff") else 0
    while k < n:
        c = t[k]
        if c in " \t\r":
            k += 1
        elif c == "\n":
            toks.append(_Tok(NEWLINE, "\n", k, k + 1))
            k += 1
        elif c == "#" or t.startswith("//", k):
            while k < n and t[k] != "\n":
                k += 1
        elif t.startswith("/*", k):
            end = t.find("*/", k + 2)
            k = end + 2 if end >= 0 else n
        elif c == '"':
            end, closed = _string_end(t, k)
            inner_end = end - 1 if closed else end
            raw = t[k + 1 : inner_end]
            toks.append(_Tok(STRING, _decode(raw), k, end, (k + 1, inner_end), templated(raw)))
            k = end
        elif m := _HEREDOC.match(t, k):
            delimiter = m.group(1)
            k = m.end()
            while k < n:
                end = t.find("\n", k)
                line = t[k : end if end >= 0 else n]
                k = end + 1 if end >= 0 else n
                if line.strip() == delimiter:
                    break
            toks.append(_Tok(OTHER, "<<heredoc", m.start(), k, dynamic=True))
            toks.append(_Tok(NEWLINE, "\n", k, k))  # the heredoc ends its attribute
        elif m := _IDENT.match(t, k):
            toks.append(_Tok(IDENT, m.group(), k, m.end()))
            k = m.end()
        elif m := _NUMBER.match(t, k):
            toks.append(_Tok(OTHER, m.group(), k, m.end()))
            k = m.end()
        elif t.startswith(("==", "!=", "<=", ">=", "&&", "||", "=>"), k):
            toks.append(_Tok(OTHER, t[k : k + 2], k, k + 2))
            k += 2
        else:
            toks.append(_Tok(PUNCT, c, k, k + 1))
            k += 1
    return toks


class _HclReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.src = Source(text)
        self.toks = tokenize_hcl(text)
        self.blocks: list[BakeTarget] = []

    def span(self, start: int, end: int) -> Span:
        return Span(self.src.pos_at(start), self.src.pos_at(end))

    def read(self) -> list[BakeTarget]:
        self.body(0, depth=0, block=None)
        return self.blocks

    def body(self, i: int, depth: int, block: BakeTarget | None) -> int:
        """Read a body from token i until its closing `}` (or the end); returns the index after."""
        toks = self.toks
        while i < len(toks):
            tok = toks[i]
            if tok.kind == NEWLINE or (tok.kind == PUNCT and tok.text == ","):
                i += 1
                continue
            if tok.kind == PUNCT and tok.text == "}":
                return i + 1
            if tok.kind != IDENT:
                i += 1
                continue
            j = i + 1
            if j < len(toks) and toks[j].kind == PUNCT and toks[j].text == "=":
                i = self.attribute(tok.text, j, block)
                continue
            labels: list[_Tok] = []
            while j < len(toks) and toks[j].kind in (STRING, IDENT):
                labels.append(toks[j])
                j += 1
            if j < len(toks) and toks[j].kind == PUNCT and toks[j].text == "{":
                inner: BakeTarget | None = None
                if depth == 0 and tok.text == "target" and len(labels) == 1:
                    inner = BakeTarget(labels[0].text)
                    self.blocks.append(inner)
                i = self.body(j + 1, depth + 1, inner)
                continue
            i = j if j > i else i + 1
        return i

    def attribute(self, name: str, eq: int, block: BakeTarget | None) -> int:
        """The expression after `name =` at token eq; returns the index after it."""
        toks = self.toks
        k = eq + 1
        depth = 0
        expr: list[_Tok] = []
        while k < len(toks):
            tok = toks[k]
            if tok.kind == NEWLINE and depth == 0:
                break
            if tok.kind == PUNCT and tok.text in "([{":
                depth += 1
            elif tok.kind == PUNCT and tok.text in ")]}":
                if depth == 0:
                    break  # the end of a one-line block: `target "a" { target = "x" }`
                depth -= 1
            elif tok.kind == PUNCT and tok.text == "," and depth == 0:
                break
            expr.append(tok)
            k += 1
        if block is not None:
            if name == "inherits":
                block.inherits = [t.text for t in expr if t.kind == STRING and not t.dynamic]
            elif name in ("target", "context", "dockerfile", "dockerfile-inline"):
                block.attrs[name] = self.value(expr, toks[eq])
        return k

    def value(self, expr: list[_Tok], eq: _Tok) -> BakeValue:
        if len(expr) == 1 and expr[0].kind == STRING:
            tok = expr[0]
            return BakeValue(tok.text, self.span(*tok.inner), dynamic=tok.dynamic)
        if not expr:  # nothing written yet: the blank after `=`
            start = eq.end
            end = start
            while end < len(self.text) and self.text[end] in " \t":
                end += 1
            if end > start:
                start += 1
            return BakeValue("", self.span(start, end), bare=True)
        first, last = expr[0], expr[-1]
        raw = self.text[first.start : last.end]
        return BakeValue(raw, self.span(first.start, last.end), dynamic=True)


def hcl_targets(text: str, path: Path | None) -> list[TargetRef]:
    return resolve_blocks(_HclReader(text).read(), path.parent if path else None)


# -- JSON -------------------------------------------------------------------------------------


def _json_value(node: object) -> BakeValue | None:
    if not isinstance(node, YScalar):
        return None
    if node.style == "":
        return BakeValue("", node.span, bare=True)
    if node.style != '"':
        return BakeValue(node.value, node.span, dynamic=True)  # null, a number: not a name
    return BakeValue(node.value, node.span, dynamic=templated(node.value))


def json_targets(text: str, path: Path | None) -> list[TargetRef]:
    root = parse_yaml(text)
    if not isinstance(root, YMap):
        return []
    targets = root.get("target")
    if not isinstance(targets, YMap):
        return []
    blocks: list[BakeTarget] = []
    for key, body in targets.entries():
        if not isinstance(body, YMap):
            continue
        block = BakeTarget(key.value)
        for attr in ("target", "context", "dockerfile", "dockerfile-inline"):
            value = _json_value(body.get(attr))
            if value is not None:
                block.attrs[attr] = value
        inherits = body.get("inherits")
        if isinstance(inherits, YSeq):
            block.inherits = [
                item.value for item in inherits.items if isinstance(item, YScalar) and item.value
            ]
        blocks.append(block)
    return resolve_blocks(blocks, path.parent if path else None)
