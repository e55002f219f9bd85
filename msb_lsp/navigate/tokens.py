"""Semantic token classes: what each piece of a Dockerfile is, for editors to colour.

Stage names (where defined and where referenced) are told apart from images, which a
TextMate grammar cannot do; flags, mount options, variables (declared or used), keywords,
directives, heredoc delimiters and comments are classified too. Tokens never overlap and never
span lines: a variable inside an image splits the image token around it.
"""

from __future__ import annotations

from dataclasses import dataclass

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.nodes import (
    FromInstruction,
    Instruction,
    KeyValueInstruction,
    OnbuildInstruction,
)
from msb_lsp.model.span import Span
from msb_lsp.model.stages import RefStatus
from msb_lsp.model.variables import BUILTIN_ARGS
from msb_lsp.navigate.index import NavIndex, SymbolKind, binds, heredoc_variables, inner_span

# The legend: the index of a type or modifier here is its number on the wire.
TOKEN_TYPES = (
    "keyword",  # instruction keywords, `AS`
    "class",  # stage names
    "type",  # images
    "parameter",  # flags: --from, --mount
    "property",  # --mount options, LABEL keys
    "variable",  # ARG/ENV keys, $VAR
    "macro",  # parser directive names
    "string",  # directive values, heredoc delimiters
    "comment",
)
TOKEN_MODIFIERS = (
    "declaration",  # where a stage or variable is defined
    "defaultLibrary",  # BuildKit's automatic ARGs, `scratch`
)


@dataclass(frozen=True, slots=True)
class Token:
    line: int
    start: int  # code points
    end: int
    type: str
    modifiers: tuple[str, ...] = ()


def _token(span: Span, kind: str, *modifiers: str) -> Token | None:
    if span.start.line != span.end.line or span.end.col <= span.start.col:
        return None
    return Token(span.start.line, span.start.col, span.end.col, kind, modifiers)


def semantic_tokens(df: Dockerfile, index: NavIndex) -> list[Token]:
    """Every token, sorted by position, without overlaps."""
    tokens: list[Token | None] = []
    source = df.source
    directive_lines = set()
    for d in df.directives:
        directive_lines.add(d.span.start.line)
        tokens.append(_token(d.name_span, "macro"))
        tokens.append(_token(d.value_span, "string"))
    for comment in df.comments:
        if comment.span.start.line not in directive_lines:
            tokens.append(_token(comment.span, "comment"))

    # Stages where defined and referenced, and ARG/ENV keys, as the index resolved them.
    resolved: set[tuple[int, int]] = set()
    for symbol in index.symbols:
        for occ in symbol.occurrences:
            resolved.add((occ.span.start.line, occ.span.start.col))
            if symbol.kind == SymbolKind.STAGE:
                tokens.append(_token(occ.span, "class", *(("declaration",) if occ.write else ())))
            elif occ.write:
                tokens.append(_token(occ.span, "variable", "declaration"))

    for ref in df.refs:
        if binds(ref):
            continue
        if ref.status in (RefStatus.IMAGE, RefStatus.CASE_MISMATCH, RefStatus.FORWARD):
            mods = ("defaultLibrary",) if ref.text == "scratch" else ()
            tokens.append(_token(inner_span(source, ref.span), "type", *mods))

    for instr in df.walk():
        _instruction_tokens(df, instr, tokens, resolved)
    return _flatten([t for t in tokens if t is not None])


def _variable(
    span: Span, name: str, resolved: set[tuple[int, int]], name_span: Span
) -> Token | None:
    builtin = name in BUILTIN_ARGS and (name_span.start.line, name_span.start.col) not in resolved
    return _token(span, "variable", *(("defaultLibrary",) if builtin else ()))


def _instruction_tokens(
    df: Dockerfile, instr: Instruction, tokens: list[Token | None], resolved: set[tuple[int, int]]
) -> None:
    tokens.append(_token(instr.keyword_span, "keyword"))
    for flag in instr.flags:
        tokens.append(_token(flag.name_span, "parameter"))
        for opt in flag.options:
            tokens.append(_token(opt.key_span, "property"))
    if isinstance(instr, FromInstruction) and instr.as_keyword is not None:
        tokens.append(_token(instr.as_keyword.span, "keyword"))
    if isinstance(instr, KeyValueInstruction) and instr.kind == "LABEL":
        for pair in instr.pairs:
            tokens.append(_token(pair.key.span, "property"))
    elif isinstance(instr, KeyValueInstruction):
        for pair in instr.pairs:  # keys the index does not know (ONBUILD triggers)
            key = pair.key.span
            if (key.start.line, key.start.col) not in resolved:
                tokens.append(_token(key, "variable", "declaration"))
    for doc in instr.heredocs:
        tokens.append(_token(doc.marker_span, "string"))
        if doc.terminator_span is not None:
            tokens.append(_token(doc.terminator_span, "string"))
    if isinstance(instr, OnbuildInstruction):
        return  # its trigger is walked on its own
    for v in instr.variables:
        tokens.append(_variable(v.span, v.name, resolved, v.name_span))
    for name, span in heredoc_variables(df, instr):
        tokens.append(_variable(span, name, resolved, span))


@dataclass(slots=True)
class _Open:
    token: Token
    cur: int  # where the part not yet emitted starts


def _flatten(tokens: list[Token]) -> list[Token]:
    """Sort and remove overlaps: a token inside another (a variable in an image, a variable
    in another's default) splits the outer one; a token crossing another's end is dropped."""
    tokens.sort(key=lambda t: (t.line, t.start, -t.end))
    out: list[Token] = []
    stack: list[_Open] = []

    def emit(tok: Token, start: int, end: int) -> None:
        if start < end:
            out.append(Token(tok.line, start, end, tok.type, tok.modifiers))

    def close() -> None:
        done = stack.pop()
        emit(done.token, done.cur, done.token.end)
        if stack:
            stack[-1].cur = done.token.end

    for tok in tokens:
        while stack and (stack[-1].token.line != tok.line or stack[-1].token.end <= tok.start):
            close()
        if stack:
            top = stack[-1]
            if tok.end > top.token.end or tok.start < top.cur:
                continue  # crosses the enclosing token, or overlaps a part already emitted
            emit(top.token, top.cur, tok.start)
            top.cur = tok.start
        stack.append(_Open(tok, tok.start))
    while stack:
        close()
    return out
