"""Code actions for findings: quick fixes, "ignore this rule", and `source.fixAll.msb-lsp`.

The logic lives in `msb_lsp.refactor.quickfix` and `msb_lsp.refactor.suppress`; this module
translates to LSP and adapts to what the client supports:

- Quick fixes come from the diagnostic's `data` (`{"rule", "fixes", "version"}`), so
  answering does not lint again. A diagnostic whose `version` is not the document's is
  stale and gets no action; one without `data` is matched against the findings of the
  current version that overlap its range.
- Clients with `codeAction.resolveSupport` for `edit` (and `dataSupport`) get actions
  without `edit` and a `data` naming what to compute; `codeAction/resolve` fills the edit
  in, unless the document changed since (then the action comes back without an edit).
- Clients without `codeActionLiteralSupport` get Commands (`msb-lsp.applyCodeAction`) that
  compute the same edit and send it with `workspace/applyEdit`.
- Edits are `documentChanges` with the document's version when the client supports them,
  else `changes`.

Other features (the refactorings) reuse this machinery: give an action a `data` built with
`action_data(doc, kind, ...)`, register how to compute its edit with
`register_resolver(kind, fn)`, and build the action with `make_action(...)`, which returns a
CodeAction (lazy or with its edit) or a Command as the client needs. A resolver is called
with `(ls, doc, data)` only when `data["version"]` is the document's current version, and
returns a `WorkspaceEdit`, a sequence of engine `Edit`s (code points, converted here), or
None when there is nothing to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from lsprotocol import types as lsp

from msb_lsp.engine.lint import lint, options_for_path
from msb_lsp.filekinds import FileKind
from msb_lsp.model import parse
from msb_lsp.model.span import Pos
from msb_lsp.refactor.quickfix import (
    LintText,
    data_version,
    diff_edits,
    fix_all,
    fixable,
    fixes_from_data,
    preferred,
    with_eol,
)
from msb_lsp.refactor.suppress import FILE, HERE, ignore_fix, ignore_here, ignore_in_file
from msb_lsp.rules import find_rule
from msb_lsp.rules.base import Edit, Finding, Fix, Rule
from msb_lsp.server.app import MsbServer
from msb_lsp.server.documents import OpenDocument
from msb_lsp.server.features.diagnostics import SOURCE, findings

log = logging.getLogger("msb_lsp.server")

KIND_FIX_ALL = f"{lsp.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # source.fixAll.msb-lsp
APPLY_COMMAND = "msb-lsp.applyCodeAction"
FIX_ALL_TITLE = "Fix all auto-fixable msb-lsp problems"

# What a lazy action's `data["kind"]` asks `codeAction/resolve` to compute.
FIX = "msb-lsp.fix"
IGNORE = "msb-lsp.ignore"
FIX_ALL = "msb-lsp.fixAll"

Resolver = Callable[
    [MsbServer, OpenDocument, dict[str, Any]], "lsp.WorkspaceEdit | Sequence[Edit] | None"
]
RESOLVERS: dict[str, Resolver] = {}


def register_resolver(kind: str, fn: Resolver) -> None:
    """Let `codeAction/resolve` (and the apply command) compute the edit of actions whose
    `data["kind"]` is `kind`. `fn(ls, doc, data)` runs only for the current version."""
    RESOLVERS[kind] = fn


def action_data(doc: OpenDocument, kind: str, **payload: Any) -> dict[str, Any]:
    """The `data` of a lazy action: which document and version, and what to compute."""
    return {"uri": doc.uri, "version": doc.version, "kind": kind, **payload}


# -- client capabilities -----------------------------------------------------------------


def literal_support(ls: MsbServer) -> bool:
    return (
        ls.client_supports("text_document.code_action.code_action_literal_support", None)
        is not None
    )


def lazy_edits(ls: MsbServer) -> bool:
    """Whether the client resolves an action's edit later (and keeps our `data`)."""
    properties = ls.client_supports("text_document.code_action.resolve_support.properties", None)
    data = ls.client_supports("text_document.code_action.data_support", False)
    return bool(data) and "edit" in (properties or ())


def workspace_edit(ls: MsbServer, doc: OpenDocument, edits: Sequence[Edit]) -> lsp.WorkspaceEdit:
    """Engine edits of one document as a WorkspaceEdit in the client's encoding, versioned
    when the client takes `documentChanges`."""
    conv = doc.converter(ls.encoding)
    text_edits = [lsp.TextEdit(range=conv.range(e.span), new_text=e.text) for e in edits]
    if ls.client_supports("workspace.workspace_edit.document_changes", False):
        ident = lsp.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        return lsp.WorkspaceEdit(
            document_changes=[lsp.TextDocumentEdit(text_document=ident, edits=text_edits)]
        )
    return lsp.WorkspaceEdit(changes={doc.uri: text_edits})


def compute_edit(ls: MsbServer, data: Any) -> lsp.WorkspaceEdit | None:
    """The edit a lazy action's `data` asks for; None when the document is gone or changed
    since the action was offered, or when the kind is unknown."""
    if not isinstance(data, dict):
        return None
    resolver = RESOLVERS.get(str(data.get("kind")))
    uri = data.get("uri")
    doc = ls.document(uri) if isinstance(uri, str) else None
    if resolver is None or doc is None or doc.too_large:
        return None
    if data.get("version") != doc.version:
        return None  # stale: positions computed for another text
    try:
        result = resolver(ls, doc, data)
    except Exception:  # malformed data sent back by a client, or a broken resolver
        log.exception("computing the edit for %s failed", data.get("kind"))
        return None
    if result is None or isinstance(result, lsp.WorkspaceEdit):
        return result
    edits = list(result)
    return workspace_edit(ls, doc, edits) if edits else None


def make_action(
    ls: MsbServer,
    title: str,
    kind: str,
    data: dict[str, Any],
    diagnostics: list[lsp.Diagnostic] | None = None,
    is_preferred: bool = False,
) -> lsp.CodeAction | lsp.Command | None:
    """An action as the client takes it: lazy (resolved later), with its edit, or a
    Command for clients without code action literals. None when there is no edit."""
    if not literal_support(ls):
        return lsp.Command(title=title, command=APPLY_COMMAND, arguments=[{**data, "title": title}])
    preferred_ok = ls.client_supports("text_document.code_action.is_preferred_support", False)
    action = lsp.CodeAction(
        title=title,
        kind=kind,
        diagnostics=diagnostics or None,
        is_preferred=True if is_preferred and preferred_ok else None,
    )
    if lazy_edits(ls):
        action.data = data
        return action
    action.edit = compute_edit(ls, data)
    return action if action.edit is not None else None


# -- resolvers for our own actions -------------------------------------------------------


def _resolve_fix(ls: MsbServer, doc: OpenDocument, data: dict[str, Any]) -> Sequence[Edit]:
    fix = Fix.from_data(data["fix"])
    return with_eol(fix, doc.source.eol).edits


def _resolve_ignore(ls: MsbServer, doc: OpenDocument, data: dict[str, Any]) -> Sequence[Edit]:
    rule = find_rule(str(data.get("rule", "")))
    line, col = data["at"]
    if rule is None or doc.kind != FileKind.DOCKERFILE:
        return ()
    fix = ignore_fix(doc.model, rule, Pos(int(line), int(col)), str(data.get("scope")))
    return fix.edits if fix is not None else ()


def lint_text_for(ls: MsbServer, doc: OpenDocument) -> LintText:
    """Lint any text as this document (its settings, project file and path); the document's
    own text uses the findings cached for its version."""
    settings, config = ls.lint_config_for(doc)
    options = options_for_path(doc.path, settings)

    def run(text: str) -> list[Finding]:
        if text == doc.text:
            return findings(ls, doc)
        return lint(parse(text), config, options)

    return run


def _resolve_fix_all(ls: MsbServer, doc: OpenDocument, data: dict[str, Any]) -> Sequence[Edit]:
    if doc.kind != FileKind.DOCKERFILE:
        return ()
    # Clients without resolve support get the edit with every code action request: compute
    # it once per version and settings.
    key = f"fix-all:{ls.settings_generation}"
    cached = doc.cache.get(key)
    if cached is None:
        result = fix_all(doc.text, lint_text_for(ls, doc))
        cached = doc.cache[key] = diff_edits(doc.text, result.text)
    return cached  # type: ignore[no-any-return]


register_resolver(FIX, _resolve_fix)
register_resolver(IGNORE, _resolve_ignore)
register_resolver(FIX_ALL, _resolve_fix_all)


# -- textDocument/codeAction -------------------------------------------------------------


def _wanted(only: Sequence[str] | None, kind: str) -> bool:
    if not only:
        return True
    return any(kind == k or kind.startswith(f"{k}.") for k in only)


def _explicitly_wanted(only: Sequence[str] | None, kind: str) -> bool:
    return bool(only) and _wanted(only, kind)


def _fallback_fixes(
    ls: MsbServer, doc: OpenDocument, diagnostic: lsp.Diagnostic
) -> list[tuple[Finding, list[Fix]]]:
    """For a diagnostic without our `data`: the current findings it stands for (same code,
    overlapping range)."""
    if doc.kind != FileKind.DOCKERFILE:
        return []
    conv = doc.converter(ls.encoding)
    span = conv.span(diagnostic.range)
    out = []
    for finding in findings(ls, doc):
        if diagnostic.code is not None and str(diagnostic.code) != finding.code:
            continue
        f = finding.span
        overlaps = f.start <= span.end and span.start <= f.end
        if overlaps:
            out.append((finding, list(finding.fixes)))
    return out


def _actions_for(
    ls: MsbServer, doc: OpenDocument, diagnostic: lsp.Diagnostic, seen: set[Any]
) -> list[lsp.CodeAction | lsp.Command]:
    """The quick fixes for one diagnostic; `seen` collects the "ignore" edits already
    offered for other diagnostics of the request (one "in this file" per rule)."""
    parsed = fixes_from_data(diagnostic.data)
    version = data_version(diagnostic.data)
    entries: list[tuple[str | None, Pos, list[Fix]]] = []
    if parsed is not None and version is not None:
        if version != doc.version:
            return []  # computed for another text: its ranges and edits do not apply
        rule_name, fixes = parsed
        start = doc.converter(ls.encoding).pos(diagnostic.range.start)
        entries.append((rule_name, start, fixes))
    else:
        for finding, fixes in _fallback_fixes(ls, doc, diagnostic):
            entries.append((finding.rule.name, finding.span.start, fixes))
    actions: list[lsp.CodeAction | lsp.Command] = []
    eol = doc.source.eol
    for rule_name, start, fixes in entries:
        best = preferred(fixes)
        for fix in fixes:
            data = action_data(doc, FIX, fix=with_eol(fix, eol).to_data())
            action = make_action(
                ls, fix.title, lsp.CodeActionKind.QuickFix, data, [diagnostic], fix is best
            )
            if action is not None:
                actions.append(action)
        rule = find_rule(rule_name) if rule_name else None
        if rule is None or doc.kind != FileKind.DOCKERFILE:
            continue
        for scope, fix in _ignore_fixes(doc, rule, start):
            if fix.edits in seen:
                continue
            seen.add(fix.edits)
            data = action_data(doc, IGNORE, rule=rule.name, at=[start.line, start.col], scope=scope)
            action = make_action(ls, fix.title, lsp.CodeActionKind.QuickFix, data, [diagnostic])
            if action is not None:
                actions.append(action)
    return actions


def _ignore_fixes(doc: OpenDocument, rule: Rule, start: Pos) -> list[tuple[str, Fix]]:
    """The "ignore" fixes on offer, each with the scope its resolve data names."""
    here = ignore_here(doc.model, rule, start)
    whole = ignore_in_file(doc.model, rule)
    return [(scope, fix) for scope, fix in ((HERE, here), (FILE, whole)) if fix is not None]


def code_actions(
    ls: MsbServer, params: lsp.CodeActionParams
) -> list[lsp.CodeAction | lsp.Command] | None:
    doc = ls.document(params.text_document.uri)
    if doc is None or doc.too_large:
        return None
    only = params.context.only
    actions: list[lsp.CodeAction | lsp.Command] = []
    ours = [d for d in params.context.diagnostics if d.source == SOURCE]
    if _wanted(only, lsp.CodeActionKind.QuickFix):
        seen: set[Any] = set()
        for diagnostic in ours:
            actions.extend(_actions_for(ls, doc, diagnostic, seen))
    if doc.kind == FileKind.DOCKERFILE and _wanted(only, KIND_FIX_ALL):
        if _explicitly_wanted(only, KIND_FIX_ALL):
            offer = fixable(findings(ls, doc))
        else:  # asked for everything: offer it where the diagnostics show a safe fix
            offer = any(_has_safe_fix(doc, d) for d in ours)
        if offer:
            action = make_action(ls, FIX_ALL_TITLE, KIND_FIX_ALL, action_data(doc, FIX_ALL))
            if action is not None:
                actions.append(action)
    return actions or None


def _has_safe_fix(doc: OpenDocument, diagnostic: lsp.Diagnostic) -> bool:
    parsed = fixes_from_data(diagnostic.data)
    if parsed is None or data_version(diagnostic.data) != doc.version:
        return False
    fixes = parsed[1]
    return bool(fixes) and fixes[0].safe  # fix-all applies a finding's first fix


# -- registration ------------------------------------------------------------------------


def register(server: MsbServer) -> None:
    server.contribute(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        code_actions,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, KIND_FIX_ALL],
            resolve_provider=True,
        ),
    )

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    def resolve(ls: MsbServer, action: lsp.CodeAction) -> lsp.CodeAction:
        """Fill in the edit of a lazy action; a stale or unknown one comes back as it was."""
        if action.edit is None:
            try:
                action.edit = compute_edit(ls, action.data)
            except Exception:
                log.exception("resolving code action %r failed", action.title)
        return action

    @server.command(APPLY_COMMAND)
    async def apply(ls: MsbServer, data: Any) -> bool:
        """For clients without code action literals: compute the edit and apply it."""
        edit = compute_edit(ls, data)
        if edit is None:
            return False
        label = data.get("title") if isinstance(data, dict) else None
        result = await ls.workspace_apply_edit_async(
            lsp.ApplyWorkspaceEditParams(edit=edit, label=label if isinstance(label, str) else None)
        )
        return bool(result.applied)
