"""Document symbols (stages holding their instructions), folding ranges, links from images to
their registry pages, and semantic tokens, for Dockerfiles. The engine
(`msb_lsp.navigate`) computes them; this module translates to LSP."""

from __future__ import annotations

from lsprotocol import types as lsp

from msb_lsp.navigate.links import image_links
from msb_lsp.navigate.outline import FoldKind, NodeKind, OutlineNode, folding_ranges, outline
from msb_lsp.navigate.tokens import TOKEN_MODIFIERS, TOKEN_TYPES, Token, semantic_tokens
from msb_lsp.server.app import MsbServer
from msb_lsp.server.convert import Converter, units
from msb_lsp.server.documents import OpenDocument
from msb_lsp.server.features.navigation import dockerfile, nav_index

LEGEND = lsp.SemanticTokensLegend(
    token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS)
)
_TYPE_INDEX = {name: i for i, name in enumerate(TOKEN_TYPES)}
_MODIFIER_BIT = {name: 1 << i for i, name in enumerate(TOKEN_MODIFIERS)}
_SYMBOL_KINDS = {
    NodeKind.STAGE: lsp.SymbolKind.Class,
    NodeKind.INSTRUCTION: lsp.SymbolKind.Function,
    NodeKind.VARIABLE: lsp.SymbolKind.Variable,
    NodeKind.LABEL: lsp.SymbolKind.Property,
}


def _symbol(node: OutlineNode, conv: Converter) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(
        name=node.name or "?",
        kind=_SYMBOL_KINDS[node.kind],
        range=conv.range(node.span),
        selection_range=conv.range(node.selection),
        detail=node.detail or None,
        children=[_symbol(child, conv) for child in node.children] or None,
    )


def _flat(
    nodes: list[OutlineNode], conv: Converter, uri: str, container: str | None = None
) -> list[lsp.SymbolInformation]:
    """For clients without hierarchical symbols: one list, each with its container's name."""
    out: list[lsp.SymbolInformation] = []
    for node in nodes:
        out.append(
            lsp.SymbolInformation(
                name=node.name or "?",
                kind=_SYMBOL_KINDS[node.kind],
                location=lsp.Location(uri, conv.range(node.span)),
                container_name=container,
            )
        )
        out.extend(_flat(node.children, conv, uri, node.name))
    return out


def document_symbols(
    ls: MsbServer, params: lsp.DocumentSymbolParams
) -> list[lsp.DocumentSymbol] | list[lsp.SymbolInformation] | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None:
        return None
    hierarchical = bool(
        ls.client_supports("text_document.document_symbol.hierarchical_document_symbol_support")
    )
    key = f"navigate:symbols:{ls.encoding}:{hierarchical}"
    cached = doc.cache.get(key)
    if cached is None:  # built once per version: a 3000-line file has thousands of symbols
        conv = doc.converter(ls.encoding)
        nodes = outline(doc.model)
        if hierarchical:
            cached = [_symbol(node, conv) for node in nodes]
        else:
            cached = _flat(nodes, conv, doc.uri)
        doc.cache[key] = cached
    return list(cached)


def folding(ls: MsbServer, params: lsp.FoldingRangeParams) -> list[lsp.FoldingRange] | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None:
        return None
    folds = folding_ranges(doc.model)
    limit = ls.client_supports("text_document.folding_range.range_limit", None)
    if isinstance(limit, int) and limit >= 0:
        folds = sorted(folds, key=lambda f: f.start_line - f.end_line)[:limit]  # largest first
        folds.sort(key=lambda f: f.start_line)
    return [
        lsp.FoldingRange(
            start_line=f.start_line,
            end_line=f.end_line,
            kind=lsp.FoldingRangeKind.Comment
            if f.kind == FoldKind.COMMENT
            else lsp.FoldingRangeKind.Region,
        )
        for f in folds
    ]


def links(ls: MsbServer, params: lsp.DocumentLinkParams) -> list[lsp.DocumentLink] | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None:
        return None
    conv = doc.converter(ls.encoding)
    tooltips = ls.client_supports("text_document.document_link.tooltip_support", False)
    return [
        lsp.DocumentLink(
            range=conv.range(link.span),
            target=link.url,
            tooltip=f"{link.image.short_name} on {link.url.split('/')[2]}" if tooltips else None,
        )
        for link in image_links(doc.model)
    ]


def tokens_of(doc: OpenDocument) -> list[Token]:
    key = "navigate:tokens"
    cached = doc.cache.get(key)
    if cached is None:
        cached = doc.cache[key] = semantic_tokens(doc.model, nav_index(doc))
    return cached  # type: ignore[no-any-return]


def encode(
    tokens: list[Token], conv: Converter, first: int = 0, last: int | None = None
) -> list[int]:
    """LSP's relative encoding, columns in the client's units; only lines first..last."""
    data: list[int] = []
    prev_line = prev_start = 0
    lines = conv.source.lines
    line_text = ""
    line_no = -1
    ascii_line = True
    # On a non-ASCII line, tokens come in order: count units from the previous token on, so
    # a long line costs one pass, not one pass per token.
    cursor = cursor_units = 0
    for tok in tokens:
        if tok.line < first or (last is not None and tok.line > last):
            continue
        if tok.line != line_no:
            line_no = tok.line
            line_text = lines[tok.line]
            ascii_line = line_text.isascii()
            cursor = cursor_units = 0
        if ascii_line:
            start, end = tok.start, tok.end
        else:
            if tok.start < cursor:
                cursor = cursor_units = 0
            cursor_units += units(line_text[cursor : tok.start], conv.encoding)
            cursor = tok.start
            start = cursor_units
            end = start + units(line_text[tok.start : tok.end], conv.encoding)
        modifiers = 0
        for m in tok.modifiers:
            modifiers |= _MODIFIER_BIT[m]
        delta_line = tok.line - prev_line
        delta_start = start - prev_start if delta_line == 0 else start
        data += [delta_line, delta_start, end - start, _TYPE_INDEX[tok.type], modifiers]
        prev_line, prev_start = tok.line, start
    return data


def register(server: MsbServer) -> None:
    server.contribute(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL, document_symbols)
    server.contribute(lsp.TEXT_DOCUMENT_FOLDING_RANGE, folding)
    server.contribute(lsp.TEXT_DOCUMENT_DOCUMENT_LINK, links)

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    def tokens_full(ls: MsbServer, params: lsp.SemanticTokensParams) -> lsp.SemanticTokens:
        doc = dockerfile(ls, params.text_document.uri)
        if doc is None:
            return lsp.SemanticTokens(data=[])
        return lsp.SemanticTokens(data=encode(tokens_of(doc), doc.converter(ls.encoding)))

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
    def tokens_range(ls: MsbServer, params: lsp.SemanticTokensRangeParams) -> lsp.SemanticTokens:
        doc = dockerfile(ls, params.text_document.uri)
        if doc is None:
            return lsp.SemanticTokens(data=[])
        conv = doc.converter(ls.encoding)
        data = encode(tokens_of(doc), conv, params.range.start.line, params.range.end.line)
        return lsp.SemanticTokens(data=data)
