"""Definition, references, document highlights and rename for stages and variables in
Dockerfiles. The engine (`msb_lsp.navigate`) decides what refers to what; this module only
translates positions and results.

Answers None for documents that are not Dockerfiles and for positions on nothing it knows, so
other features can answer those.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from msb_lsp.filekinds import FileKind
from msb_lsp.model.span import Pos
from msb_lsp.navigate.index import NavIndex, NavSymbol, Occurrence, SymbolKind
from msb_lsp.navigate.rename import RenameError, plan_rename, prepare_rename
from msb_lsp.navigate.targets import target_references
from msb_lsp.server.app import MsbServer, Refusal
from msb_lsp.server.convert import Converter
from msb_lsp.server.documents import OpenDocument

INDEX_KEY = "navigate:index"


class RenameRefused(Refusal):
    """An error response whose message the client shows (LSP `RequestFailed`)."""

    CODE = int(lsp.LSPErrorCodes.RequestFailed)
    MESSAGE = "rename refused"


def nav_index(doc: OpenDocument) -> NavIndex:
    """The navigation index of this document version, built once and cached."""
    index = doc.cache.get(INDEX_KEY)
    if index is None:
        index = doc.cache[INDEX_KEY] = NavIndex(doc.model)
    return index  # type: ignore[no-any-return]


def dockerfile(ls: MsbServer, uri: str) -> OpenDocument | None:
    doc = ls.document(uri)
    if doc is None or doc.kind != FileKind.DOCKERFILE or doc.too_large:
        return None
    return doc


def position(doc: OpenDocument, conv: Converter, pos: lsp.Position) -> Pos | None:
    """The engine position of a client position; None when it is outside the document."""
    return conv.pos_inside(pos)


def occurrence_at(
    ls: MsbServer, uri: str, pos: lsp.Position
) -> tuple[OpenDocument, Converter, Occurrence] | None:
    doc = dockerfile(ls, uri)
    if doc is None:
        return None
    conv = doc.converter(ls.encoding)
    at = position(doc, conv, pos)
    if at is None:
        return None
    occ = nav_index(doc).at(at)
    return (doc, conv, occ) if occ is not None else None


def _other_documents(ls: MsbServer, doc: OpenDocument) -> dict[str, str]:
    return {
        uri: other.text
        for uri, other in ls.documents.docs.items()
        if other is not doc and other.kind != FileKind.DOCKERFILE
    }


def _target_locations(ls: MsbServer, doc: OpenDocument, symbol: NavSymbol) -> list[lsp.Location]:
    """`--target <stage>` in other open files (compose, bake, scripts, workflows)."""
    stage = symbol.stage
    if stage is None or stage.name is None or doc.path is None:
        return []
    locations = []
    for uri, span in target_references(doc.path, stage.name, _other_documents(ls, doc)):
        other = ls.document(uri)
        if other is not None:
            locations.append(lsp.Location(uri, other.converter(ls.encoding).range(span)))
    return locations


def definition(ls: MsbServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    found = occurrence_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    doc, conv, occ = found
    return [lsp.Location(doc.uri, conv.range(occ.target))]


def references(ls: MsbServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    found = occurrence_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    doc, conv, occ = found
    include = params.context.include_declaration
    locations = [
        lsp.Location(doc.uri, conv.range(o.span))
        for o in sorted(occ.symbol.occurrences, key=lambda o: o.span.start)
        if include or not o.write
    ]
    if occ.symbol.kind == SymbolKind.STAGE:
        locations.extend(_target_locations(ls, doc, occ.symbol))
    return locations


def highlight(
    ls: MsbServer, params: lsp.DocumentHighlightParams
) -> list[lsp.DocumentHighlight] | None:
    found = occurrence_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    _, conv, occ = found
    return [
        lsp.DocumentHighlight(
            conv.range(o.span),
            lsp.DocumentHighlightKind.Write if o.write else lsp.DocumentHighlightKind.Read,
        )
        for o in sorted(occ.symbol.occurrences, key=lambda o: o.span.start)
    ]


def prepare(ls: MsbServer, params: lsp.PrepareRenameParams) -> lsp.PrepareRenamePlaceholder | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None:
        return None
    conv = doc.converter(ls.encoding)
    at = position(doc, conv, params.position)
    if at is None:
        return None
    try:
        found = prepare_rename(nav_index(doc), at)
    except RenameError as exc:
        raise RenameRefused(exc.message) from exc
    if found is None:
        return None
    span, name = found
    return lsp.PrepareRenamePlaceholder(range=conv.range(span), placeholder=name)


def rename(ls: MsbServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None:
        return None
    conv = doc.converter(ls.encoding)
    at = position(doc, conv, params.position)
    if at is None:
        return None
    try:
        plan = plan_rename(
            nav_index(doc),
            at,
            params.new_name,
            path=doc.path,
            documents=_other_documents(ls, doc),
        )
    except RenameError as exc:
        raise RenameRefused(exc.message) from exc
    if plan is None:
        return None
    changes: dict[str, list[lsp.TextEdit]] = {
        doc.uri: [lsp.TextEdit(conv.range(c.span), c.text) for c in plan.changes]
    }
    for uri, external in plan.external.items():
        other = ls.document(uri)
        if other is None:
            continue
        other_conv = other.converter(ls.encoding)
        changes.setdefault(uri, []).extend(
            lsp.TextEdit(other_conv.range(c.span), c.text) for c in external
        )
    return lsp.WorkspaceEdit(changes=changes)


def register(server: MsbServer) -> None:
    server.contribute(lsp.TEXT_DOCUMENT_DEFINITION, definition)
    server.contribute(lsp.TEXT_DOCUMENT_REFERENCES, references)
    server.contribute(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, highlight)
    server.contribute(lsp.TEXT_DOCUMENT_PREPARE_RENAME, prepare)
    server.contribute(lsp.TEXT_DOCUMENT_RENAME, rename)
