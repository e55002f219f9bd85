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
    VarRef,
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


def _var_span(v: VarRef) -> Span:
    """`$NAME`, `${NAME}`, or `${NAME` when a modifier follows (its word may hold more)."""
    if v.modifier_span is None:
        return v.span
    return Span(v.span.start, v.name_span.end)


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
        tokens.append(_variable(_var_span(v), v.name, resolved, v.name_span))
    for name, span in heredoc_variables(df, instr):
        tokens.append(_variable(span, name, resolved, span))


def _flatten(tokens: list[Token]) -> list[Token]:
    """Sort and remove overlaps: a token inside another (a variable in an image) splits the
    outer one; tokens that overlap without nesting keep the first."""
    tokens.sort(key=lambda t: (t.line, t.start, -t.end))
    out: list[Token] = []
    outer: Token | None = None
    for tok in tokens:
        if outer is not None and (tok.line != outer.line or tok.start >= outer.end):
            out.append(outer)
            outer = None
        if outer is None:
            if out and out[-1].line == tok.line and tok.start < out[-1].end:
                continue  # overlaps a token already emitted
            outer = tok
            continue
        if tok.end > outer.end:
            continue  # crosses the outer token's end: keep the outer one
        if tok.start > outer.start:
            out.append(Token(outer.line, outer.start, tok.start, outer.type, outer.modifiers))
        out.append(tok)
        if tok.end < outer.end:
            outer = Token(outer.line, tok.end, outer.end, outer.type, outer.modifiers)
        else:
            outer = None
    if outer is not None:
        out.append(outer)
    return out
