"""Refactorings as code actions (`refactor.extract`, `refactor.rewrite`).

The engine (`msb_lsp.refactor.extract`, `targets`, `shared_base`, `name_stage`) computes
each refactoring as plain edits; this module converts them to the client's encoding and
offers them next to the other code actions (`server.contribute`):

- Extract builder stage: anywhere in a single-stage Dockerfile, and on a selection of
  instructions in any stage (both are offered when they differ). When the request's
  context carries a finding the extraction resolves (`build-in-single-stage`,
  `toolchain-image-in-final-stage`), the action lists it in `diagnostics` (never
  `isPreferred`: it rewrites the whole file);
- Add development and production targets; Introduce a shared base stage; Name this stage
  (with the `copy-from-stage-index` finding it resolves).

Edits are computed eagerly: what does not depend on the position once per document version,
the rest once per version and range. Clients that
announce `workspace.workspaceEdit.snippetEditSupport` (with `documentChanges`) get
`SnippetTextEdit`s with tab stops where the user must choose what to copy; the others get
plain edits with a safe default that the title mentions. The build context folder (the
Dockerfile's folder, or `lint.buildContext`) is read for package.json, Cargo.toml, ...
when the document is a file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from lsprotocol import types as lsp

from msb_lsp.engine.lint import options_for_path
from msb_lsp.images.catalog import load_catalog
from msb_lsp.model.span import Span
from msb_lsp.refactor.ecosystems import DiskProject, Project
from msb_lsp.refactor.ecosystems.generic import extract_selection
from msb_lsp.refactor.extract import split_single_stage
from msb_lsp.refactor.name_stage import name_stage
from msb_lsp.refactor.shared_base import introduce_shared_base
from msb_lsp.refactor.style import Refactoring
from msb_lsp.refactor.targets import add_targets, offered_at
from msb_lsp.rules import find_rule
from msb_lsp.rules.base import Edit
from msb_lsp.server.app import MsbServer
from msb_lsp.server.documents import OpenDocument
from msb_lsp.server.features.diagnostics import SOURCE
from msb_lsp.server.features.navigation import dockerfile

log = logging.getLogger("msb_lsp.server")

KINDS = [lsp.CodeActionKind.RefactorExtract, lsp.CodeActionKind.RefactorRewrite]


def project_for(ls: MsbServer, doc: OpenDocument) -> Project:
    """The build context on disk, when the document is a file."""
    path = doc.path
    if path is None:
        return Project()
    settings, _ = ls.lint_config_for(doc)
    options = options_for_path(path, settings)
    return DiskProject(options.context_dir or path.parent)


def _per_version(doc: OpenDocument, key: str, compute: Callable[[], Refactoring | None]) -> Any:
    """`compute()` once per document version (the cache is dropped on every change)."""
    if key not in doc.cache:
        doc.cache[key] = compute()
    return doc.cache[key]


def refactorings(ls: MsbServer, doc: OpenDocument, span: Span) -> list[Refactoring]:
    """Every refactoring on offer at `span`. What does not depend on the position (the
    split of a single stage, the targets layout) is computed once per document version."""
    key = f"refactorings:{span}"
    cached = doc.cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    df = doc.model
    project = project_for(ls, doc)
    multi_line = span.start.line != span.end.line
    offers: list[Callable[[], Refactoring | None]] = [
        lambda: extract_selection(df, span, project, load_catalog()) if multi_line else None,
        lambda: _per_version(doc, "refactor:split", lambda: split_single_stage(df, project)),
        lambda: (
            _per_version(doc, "refactor:targets", lambda: add_targets(df, None, project))
            if offered_at(df, span)
            else None
        ),
        lambda: introduce_shared_base(df, span),
        lambda: name_stage(df, span),
    ]
    found: list[Refactoring] = []
    for offer in offers:
        try:
            result = offer()
        except Exception:  # one broken refactoring must not hide the others
            log.exception("refactoring failed on %s", doc.uri)
            continue
        if result is not None and all(r.edits != result.edits for r in found):
            found.append(result)
    doc.cache[key] = found
    return found


def _wanted(only: Sequence[str] | None, kind: str) -> bool:
    if not only:
        return True
    return any(kind == k or kind.startswith(f"{k}.") for k in only)


def _rule_of(diagnostic: lsp.Diagnostic) -> str | None:
    data = diagnostic.data
    if isinstance(data, dict) and isinstance(data.get("rule"), str):
        return str(data["rule"])
    if diagnostic.code is not None:
        rule = find_rule(str(diagnostic.code))
        return rule.name if rule is not None else None
    return None


def snippet_support(ls: MsbServer) -> bool:
    return bool(
        ls.client_supports("workspace.workspace_edit.snippet_edit_support", False)
        and ls.client_supports("workspace.workspace_edit.document_changes", False)
    )


def workspace_edit(
    ls: MsbServer,
    doc: OpenDocument,
    edits: Sequence[Edit],
    snippets: Sequence[Edit] | None = None,
) -> lsp.WorkspaceEdit:
    """The edits in the client's encoding; with `snippets` (the snippet twins of `edits`),
    the ones that carry tab stops are sent as SnippetTextEdits."""
    conv = doc.converter(ls.encoding)
    if snippets is not None:
        ident = lsp.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        mixed: list[lsp.TextEdit | lsp.AnnotatedTextEdit | lsp.SnippetTextEdit] = []
        for plain, snip in zip(edits, snippets, strict=True):
            if snip.text == plain.text and snip.span == plain.span:
                mixed.append(lsp.TextEdit(range=conv.range(plain.span), new_text=plain.text))
            else:
                mixed.append(
                    lsp.SnippetTextEdit(
                        range=conv.range(snip.span), snippet=lsp.StringValue(value=snip.text)
                    )
                )
        return lsp.WorkspaceEdit(
            document_changes=[lsp.TextDocumentEdit(text_document=ident, edits=mixed)]
        )
    text_edits = [lsp.TextEdit(range=conv.range(e.span), new_text=e.text) for e in edits]
    if ls.client_supports("workspace.workspace_edit.document_changes", False):
        ident = lsp.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        return lsp.WorkspaceEdit(
            document_changes=[lsp.TextDocumentEdit(text_document=ident, edits=text_edits)]
        )
    return lsp.WorkspaceEdit(changes={doc.uri: text_edits})


def code_actions(ls: MsbServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    doc = dockerfile(ls, params.text_document.uri)
    if doc is None:
        return None
    if ls.client_supports("text_document.code_action.code_action_literal_support", None) is None:
        return None  # refactorings need code action literals
    only = params.context.only
    if not any(_wanted(only, kind) for kind in KINDS):
        return None
    span = doc.converter(ls.encoding).span(params.range)
    snippets = snippet_support(ls)
    actions: list[lsp.CodeAction] = []
    for found in refactorings(ls, doc, span):
        if not _wanted(only, found.kind):
            continue
        related = [
            d
            for d in params.context.diagnostics
            if d.source == SOURCE and _rule_of(d) in found.rules
        ]
        twins = found.snippet_edits if snippets else None
        title = found.snippet_title if twins is not None and found.snippet_title else found.title
        actions.append(
            lsp.CodeAction(
                title=title,
                kind=found.kind,
                diagnostics=related or None,
                edit=workspace_edit(ls, doc, found.edits, twins),
            )
        )
    return actions or None


def register(server: MsbServer) -> None:
    server.contribute(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        code_actions,
        lsp.CodeActionOptions(code_action_kinds=list(KINDS)),
    )
