"""Completion in Dockerfiles: what is under the cursor (`context`) and what fits there
(`dockerfile`). Pure Python on the model; the LSP layer only translates the result.

    result = complete(df, Pos(3, 12))   # None where nothing applies
    result.insert, result.replace       # the word's span before the cursor, and all of it
    result.items                        # Candidate(label, kind, insert, snippet, ...)
"""

from __future__ import annotations

from msb_lsp.complete.context import Context, Where, context_at
from msb_lsp.complete.dockerfile import candidates
from msb_lsp.complete.items import Candidate, Completions, ItemKind
from msb_lsp.images.catalog import Catalog, load_catalog
from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.span import Pos, Span

__all__ = [
    "Candidate",
    "Completions",
    "Context",
    "ItemKind",
    "Where",
    "complete",
    "context_at",
]


def complete(
    df: Dockerfile, pos: Pos, *, trigger: str | None = None, catalog: Catalog | None = None
) -> Completions | None:
    """Candidates for the word at `pos` (code points); None where nothing applies.

    `trigger` is the character whose typing asked for completion, if any: a space or `-`
    typed where nothing fits gets nothing instead of noise.
    """
    ctx = context_at(df, pos, trigger)
    if ctx is None:
        return None
    items = candidates(df, ctx, catalog if catalog is not None else load_catalog())
    if not items:
        return None
    return Completions(Span(ctx.start, ctx.pos), Span(ctx.start, ctx.end), items)
