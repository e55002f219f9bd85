"""Navigation in Dockerfiles: definitions, references, rename, outline, folding, links,
semantic token classes and stage usage. Pure Python: no pygls or lsprotocol here; the server's
feature modules translate these results to LSP."""

from msb_lsp.navigate.index import NavIndex, NavSymbol, Occurrence, OccurrenceKind, SymbolKind

__all__ = ["NavIndex", "NavSymbol", "Occurrence", "OccurrenceKind", "SymbolKind"]
