"""textDocument/completion for Dockerfiles: translates `msb_lsp.complete` results to LSP.

Other documents (compose, bake, scripts) are another feature's business: this contributor
answers None for them, so the merged answer is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as lsp

from msb_lsp.complete import Candidate, Completions, ItemKind, complete
from msb_lsp.filekinds import FileKind
from msb_lsp.server.app import MsbServer
from msb_lsp.server.convert import Converter, units

TRIGGER_CHARACTERS = ["=", ":", "$", "-", " ", "{", ","]

_KINDS = {
    ItemKind.KEYWORD: lsp.CompletionItemKind.Keyword,
    ItemKind.FLAG: lsp.CompletionItemKind.Property,
    ItemKind.PROPERTY: lsp.CompletionItemKind.Property,
    ItemKind.VALUE: lsp.CompletionItemKind.EnumMember,
    ItemKind.STAGE: lsp.CompletionItemKind.Reference,
    ItemKind.IMAGE: lsp.CompletionItemKind.Module,
    ItemKind.TAG: lsp.CompletionItemKind.Constant,
    ItemKind.VARIABLE: lsp.CompletionItemKind.Variable,
    ItemKind.DIRECTIVE: lsp.CompletionItemKind.Keyword,
    ItemKind.CHECK: lsp.CompletionItemKind.EnumMember,
    ItemKind.FOLDER: lsp.CompletionItemKind.Folder,
}
_ITEM = "text_document.completion.completion_item"


@dataclass(frozen=True, slots=True)
class _Client:
    """What the client's completion UI can show, read once per request."""

    snippets: bool
    markdown: bool
    plaintext_markup: bool
    insert_replace: bool
    label_details: bool
    deprecated_tag: bool
    deprecated_field: bool

    @staticmethod
    def of(ls: MsbServer) -> _Client:
        formats = list(ls.client_supports(f"{_ITEM}.documentation_format", []) or [])
        tags = ls.client_supports(f"{_ITEM}.tag_support.value_set", []) or []
        # The list is in the client's order of preference.
        preferred = next(
            (f for f in formats if f in (lsp.MarkupKind.Markdown, lsp.MarkupKind.PlainText)), None
        )
        return _Client(
            snippets=bool(ls.client_supports(f"{_ITEM}.snippet_support", False)),
            markdown=preferred == lsp.MarkupKind.Markdown,
            plaintext_markup=lsp.MarkupKind.PlainText in formats,
            insert_replace=bool(ls.client_supports(f"{_ITEM}.insert_replace_support", False)),
            label_details=bool(ls.client_supports(f"{_ITEM}.label_details_support", False)),
            deprecated_tag=lsp.CompletionItemTag.Deprecated in tags,
            deprecated_field=bool(ls.client_supports(f"{_ITEM}.deprecated_support", False)),
        )


def _empty() -> lsp.CompletionList:
    return lsp.CompletionList(is_incomplete=False, items=[])


def completion(ls: MsbServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    doc = ls.document(params.text_document.uri)
    if doc is None or doc.kind != FileKind.DOCKERFILE:
        return None
    if doc.too_large:
        return _empty()
    lines = doc.source.lines
    position = params.position
    encoding = ls.encoding
    if not 0 <= position.line < len(lines) or position.character < 0:
        return _empty()
    if position.character > units(lines[position.line], encoding):
        return _empty()
    conv = doc.converter(encoding)
    trigger = None
    context = params.context
    if context is not None and context.trigger_kind == lsp.CompletionTriggerKind.TriggerCharacter:
        trigger = context.trigger_character
    result = complete(doc.model, conv.pos(position), trigger=trigger)
    if result is None:
        return _empty()
    client = _Client.of(ls)
    return lsp.CompletionList(
        is_incomplete=False, items=[_item(c, result, conv, client) for c in result.items]
    )


def _item(
    c: Candidate, result: Completions, conv: Converter, client: _Client
) -> lsp.CompletionItem:
    snippet = client.snippets and c.snippet is not None
    new_text = c.snippet if snippet and c.snippet is not None else c.insert
    edit: lsp.TextEdit | lsp.InsertReplaceEdit
    if client.insert_replace:
        edit = lsp.InsertReplaceEdit(
            new_text=new_text,
            insert=conv.range(result.insert),
            replace=conv.range(result.replace),
        )
    else:
        edit = lsp.TextEdit(range=conv.range(result.replace), new_text=new_text)
    item = lsp.CompletionItem(
        label=c.label,
        kind=_KINDS[c.kind],
        detail=c.detail,
        documentation=_documentation(c.documentation, client),
        sort_text=c.sort,
        filter_text=c.label,
        text_edit=edit,
        insert_text_format=(
            lsp.InsertTextFormat.Snippet if snippet else lsp.InsertTextFormat.PlainText
        ),
    )
    if c.edits:
        item.additional_text_edits = [
            lsp.TextEdit(range=conv.range(e.span), new_text=e.text) for e in c.edits
        ]
    if c.description and client.label_details:
        item.label_details = lsp.CompletionItemLabelDetails(description=c.description)
    if c.deprecated:
        if client.deprecated_tag:
            item.tags = [lsp.CompletionItemTag.Deprecated]
        elif client.deprecated_field:
            item.deprecated = True
    return item


def _documentation(text: str | None, client: _Client) -> str | lsp.MarkupContent | None:
    if text is None:
        return None
    if client.markdown:
        return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)
    plain = text.replace("`", "")
    if client.plaintext_markup:
        return lsp.MarkupContent(kind=lsp.MarkupKind.PlainText, value=plain)
    return plain  # a bare string is plain text for every client


def register(server: MsbServer) -> None:
    server.contribute(
        lsp.TEXT_DOCUMENT_COMPLETION,
        completion,
        lsp.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS),
    )
