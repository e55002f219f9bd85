"""Quick fixes, "ignore this rule" and fix-all through a real client: actions for the
diagnostics the client sends, resolved when the client resolves, edits applied to the text
in the client's encoding; stale requests; clients without literals or resolve support."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.support import diagnostics, encoding, open_document

FIX_ALL = "source.fixAll.msb-lsp"
OURS = (lsp.CodeActionKind.QuickFix, FIX_ALL)
_BREAK = re.compile(r"\r\n|\r|\n")


# -- applying edits as a client does ------------------------------------------------------


def _offset(text: str, position: lsp.Position, enc: str) -> int:
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    m = _BREAK.search(text, start)
    line = text[start : m.start() if m else len(text)]
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return start + i
        if enc == lsp.PositionEncodingKind.Utf8:
            units += len(ch.encode("utf-8"))
        elif enc == lsp.PositionEncodingKind.Utf16:
            units += 2 if ord(ch) > 0xFFFF else 1
        else:
            units += 1
    return start + len(line)


def apply_text_edits(text: str, edits: list[lsp.TextEdit], enc: str) -> str:
    """Apply LSP TextEdits (ranges of the original text, in `enc` units)."""
    spans = [
        (_offset(text, e.range.start, enc), _offset(text, e.range.end, enc), i, e.new_text)
        for i, e in enumerate(edits)
    ]
    for start, end, _, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def edits_for(edit: lsp.WorkspaceEdit, uri: str) -> tuple[list[lsp.TextEdit], list[Any]]:
    """The TextEdits of `uri` in a WorkspaceEdit, and the versions its documentChanges name."""
    edits: list[lsp.TextEdit] = []
    versions: list[Any] = []
    for change in edit.document_changes or []:
        assert isinstance(change, lsp.TextDocumentEdit)
        if change.text_document.uri == uri:
            versions.append(change.text_document.version)
            edits.extend(e for e in change.edits if isinstance(e, lsp.TextEdit))
    edits.extend((edit.changes or {}).get(uri, []))
    return edits, versions


def apply_workspace_edit(
    client: LanguageClient, text: str, edit: lsp.WorkspaceEdit, uri: str
) -> str:
    edits, _ = edits_for(edit, uri)
    assert edits
    return apply_text_edits(text, edits, encoding(client))


# -- requests -----------------------------------------------------------------------------


async def actions(
    client: LanguageClient,
    uri: str,
    items: list[lsp.Diagnostic],
    only: list[str] | None = None,
    rng: lsp.Range | None = None,
) -> list[lsp.CodeAction | lsp.Command]:
    found = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=rng
            or (items[0].range if items else lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))),
            context=lsp.CodeActionContext(diagnostics=items, only=only),
        )
    )
    # Other features (refactorings) answer too; keep what this feature offers.
    return [a for a in found or [] if isinstance(a, lsp.Command) or (a.kind in OURS)]


async def resolved(client: LanguageClient, action: lsp.CodeAction) -> lsp.CodeAction:
    """The action with its edit: resolved when the client resolves, as sent otherwise."""
    caps = client.capabilities.text_document.code_action  # type: ignore[union-attr]
    if action.edit is None:
        assert caps.resolve_support is not None and "edit" in caps.resolve_support.properties
        assert action.data is not None
        action = await client.code_action_resolve_async(action)
    return action


async def apply_action(client: LanguageClient, text: str, uri: str, action: lsp.CodeAction) -> str:
    action = await resolved(client, action)
    assert action.edit is not None
    return apply_workspace_edit(client, text, action.edit, uri)


def by_code(items: list[lsp.Diagnostic], code: str) -> lsp.Diagnostic:
    (found,) = [d for d in items if d.code == code]
    return found


def titled(found: list[Any], title: str) -> lsp.CodeAction:
    (action,) = [a for a in found if a.title == title]
    assert isinstance(action, lsp.CodeAction)
    return action


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


# -- tests --------------------------------------------------------------------------------


APK = 'FROM alpine:3.19\nRUN echo "é🐳 ü" && apk add curl\nCMD ["sh"]\n'


async def test_capabilities_announce_kinds_and_resolve(client: LanguageClient) -> None:
    caps = client.server_capabilities  # type: ignore[attr-defined]
    options = caps.code_action_provider
    assert isinstance(options, lsp.CodeActionOptions)
    assert lsp.CodeActionKind.QuickFix in options.code_action_kinds
    assert FIX_ALL in options.code_action_kinds
    assert options.resolve_provider is True


async def test_quick_fix_after_non_ascii_text(client: LanguageClient) -> None:
    uri = open_document(client, APK)
    d = by_code(await diagnostics(client, uri), "MSB207")
    found = await actions(client, uri, [d])
    fix = titled(found, "Add '--no-cache'")
    assert fix.kind == lsp.CodeActionKind.QuickFix
    assert fix.is_preferred is True
    assert list(fix.diagnostics or []) == [d]
    assert fix.edit is None  # both profiles resolve edits lazily
    out = await apply_action(client, APK, uri, fix)
    assert out == APK.replace("apk add curl", "apk add --no-cache curl")


async def test_edits_are_versioned_document_changes_where_supported(client: LanguageClient) -> None:
    uri = open_document(client, APK)
    d = by_code(await diagnostics(client, uri), "MSB207")
    fix = await resolved(client, titled(await actions(client, uri, [d]), "Add '--no-cache'"))
    assert fix.edit is not None
    _, versions = edits_for(fix.edit, uri)
    we = client.capabilities.workspace.workspace_edit  # type: ignore[union-attr]
    if we is not None and we.document_changes:
        assert versions == [1] and fix.edit.changes is None
    else:
        assert versions == [] and fix.edit.changes is not None


async def test_did_you_mean_with_one_candidate_is_preferred(client: LanguageClient) -> None:
    text = "FROM golang:1.22 AS builder\nRUN go build -o /app .\nFROM scratch\nCOPY --from=buidler /app /app\n"
    uri = open_document(client, text)
    d = by_code(await diagnostics(client, uri), "MSB101")
    found = await actions(client, uri, [d], only=[lsp.CodeActionKind.QuickFix])
    assert [a.title for a in found] == [
        "Replace with 'builder'",
        "Ignore copy-from-misspelled-stage for this instruction",
        "Ignore copy-from-misspelled-stage in this file",
    ]
    assert [a.is_preferred for a in found] == [True, None, None]  # type: ignore[union-attr]
    out = await apply_action(client, text, uri, found[0])  # type: ignore[arg-type]
    assert out == text.replace("buidler", "builder")


async def test_unsafe_fix_is_offered_but_not_preferred(client: LanguageClient) -> None:
    text = 'FROM python:3.12\nCOPY app.py /app.py\nCMD ["python", "/app.py"]\n'
    uri = open_document(client, text)
    items = await diagnostics(client, uri)
    toolchain = by_code(items, "MSB201")
    found = await actions(client, uri, [toolchain])
    slim = found[0]
    assert isinstance(slim, lsp.CodeAction)
    assert slim.title.startswith("Use 'python:3.12-slim' (") and ", saves " in slim.title
    assert slim.is_preferred is None
    out = await apply_action(client, text, uri, slim)
    assert out == text.replace("python:3.12\n", "python:3.12-slim\n")
    user = titled(
        await actions(client, uri, [by_code(items, "MSB204")]),
        "Add 'USER nobody' before the process starts",
    )
    out = await apply_action(client, text, uri, user)
    assert out == 'FROM python:3.12\nCOPY app.py /app.py\nUSER nobody\nCMD ["python", "/app.py"]\n'


async def test_ignore_comment_keeps_indentation_and_crlf(client: LanguageClient) -> None:
    text = "FROM alpine:3.19\r\n  MAINTAINER Zoë 🐳\r\n  RUN apk add curl\r\n"
    uri = open_document(client, text)
    items = await diagnostics(client, uri)
    found = await actions(client, uri, [by_code(items, "MSB304")])
    here = titled(found, "Ignore MaintainerDeprecated for this instruction")
    assert here.is_preferred is None
    out = await apply_action(client, text, uri, here)
    assert out == (
        "FROM alpine:3.19\r\n  # check=skip=MaintainerDeprecated\r\n  MAINTAINER Zoë 🐳\r\n"
        "  RUN apk add curl\r\n"
    )
    change(client, uri, 2, out)
    assert "MSB304" not in [d.code for d in await diagnostics(client, uri, version=2)]
    found = await actions(client, uri, [by_code(await diagnostics(client, uri, 2), "MSB207")])
    whole = titled(found, "Ignore apk-add-without-no-cache in this file")
    out2 = await apply_action(client, out, uri, whole)
    assert out2 == "# msb-lsp: ignore-file=apk-add-without-no-cache\r\n" + out
    here = titled(found, "Ignore apk-add-without-no-cache for this instruction")
    out3 = await apply_action(client, out, uri, here)
    assert "\r\n  # msb-lsp: ignore=apk-add-without-no-cache\r\n  RUN apk add curl\r\n" in out3


async def test_ignore_in_file_merges_into_the_check_directive(client: LanguageClient) -> None:
    text = "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM alpine:3.19\nMAINTAINER me\n"
    uri = open_document(client, text)
    found = await actions(client, uri, [by_code(await diagnostics(client, uri), "MSB304")])
    out = await apply_action(
        client, text, uri, titled(found, "Ignore MaintainerDeprecated in this file")
    )
    assert out.splitlines()[1] == "# check=skip=JSONArgsRecommended,MaintainerDeprecated"
    assert out.count("check=") == 1


async def test_one_ignore_in_file_per_rule_for_several_diagnostics(client: LanguageClient) -> None:
    text = "FROM alpine:3.19\nMAINTAINER a\nMAINTAINER b\n"
    uri = open_document(client, text)
    items = [d for d in await diagnostics(client, uri) if d.code == "MSB304"]
    assert len(items) == 2
    rng = lsp.Range(lsp.Position(1, 0), lsp.Position(2, 12))
    found = await actions(client, uri, items, only=[lsp.CodeActionKind.QuickFix], rng=rng)
    titles = [a.title for a in found]
    assert titles.count("Ignore MaintainerDeprecated in this file") == 1
    assert titles.count("Ignore MaintainerDeprecated for this instruction") == 2
    assert titles.count("Use the org.opencontainers.image.authors label") == 2
    second = [a for a in found if a.title.endswith("for this instruction")][1]
    out = await apply_action(client, text, uri, second)  # type: ignore[arg-type]
    assert (
        out == "FROM alpine:3.19\nMAINTAINER a\n# check=skip=MaintainerDeprecated\nMAINTAINER b\n"
    )


async def test_resolve_with_malformed_data_changes_nothing(client: LanguageClient) -> None:
    uri = open_document(client, APK)
    await diagnostics(client, uri)
    for data in (
        {"kind": "msb-lsp.fix", "uri": uri, "version": 1, "fix": {"title": "x"}},
        {"kind": "msb-lsp.ignore", "uri": uri, "version": 1, "rule": "nope", "at": [0, 0]},
        {"kind": "msb-lsp.fix", "uri": "file:///not/open/Dockerfile", "version": 1},
        "not a dict",
    ):
        action = lsp.CodeAction(title="x", kind=lsp.CodeActionKind.QuickFix, data=data)
        assert (await client.code_action_resolve_async(action)).edit is None


FIXABLE = (
    "FROM golang:1.22 AS build\n"
    "RUN go build -o /app .\n"
    "FROM alpine:3.19 as runtime\n"
    "MAINTAINER Zoë\n"
    "ENV MODE production\n"
    'RUN echo "🐳" && apk add curl\n'
    "COPY --from=0 /app /app\n"
    'CMD ["/app"]\n'
)
FIXED = (
    "FROM golang:1.22 AS build\n"
    "RUN go build -o /app .\n"
    "FROM alpine:3.19 AS runtime\n"
    'LABEL org.opencontainers.image.authors="Zoë"\n'
    "ENV MODE=production\n"
    'RUN echo "🐳" && apk add --no-cache curl\n'
    "COPY --from=build /app /app\n"
    'CMD ["/app"]\n'
)


async def test_fix_all_on_request(client: LanguageClient) -> None:
    uri = open_document(client, FIXABLE)
    await diagnostics(client, uri)
    for only in ([lsp.CodeActionKind.SourceFixAll], [lsp.CodeActionKind.Source], [FIX_ALL]):
        found = await actions(client, uri, [], only=only)
        (fix_all,) = found
        assert isinstance(fix_all, lsp.CodeAction)
        assert fix_all.kind == FIX_ALL
        assert fix_all.title == "Fix all auto-fixable msb-lsp problems"
    out = await apply_action(client, FIXABLE, uri, fix_all)
    assert out == FIXED
    change(client, uri, 2, out)
    codes = sorted(str(d.code) for d in await diagnostics(client, uri, version=2))
    assert codes == ["MSB204", "MSB205"]  # unsafe fixes are left to the user
    assert await actions(client, uri, [], only=[FIX_ALL]) == []  # nothing left to fix


async def test_fix_all_beside_quick_fixes_when_everything_is_asked(client: LanguageClient) -> None:
    uri = open_document(client, FIXABLE)
    items = await diagnostics(client, uri)
    found = await actions(client, uri, [by_code(items, "MSB309")])
    assert [a.kind for a in found] == [lsp.CodeActionKind.QuickFix] * 3 + [FIX_ALL]  # type: ignore[union-attr]
    found = await actions(
        client, uri, [by_code(items, "MSB309")], only=[lsp.CodeActionKind.QuickFix]
    )
    assert FIX_ALL not in [a.kind for a in found]  # type: ignore[union-attr]
    assert (
        await actions(client, uri, [by_code(items, "MSB309")], only=[lsp.CodeActionKind.Refactor])
        == []
    )


async def test_diagnostic_without_data_falls_back_to_current_findings(
    client: LanguageClient,
) -> None:
    uri = open_document(client, APK)
    d = by_code(await diagnostics(client, uri), "MSB207")
    bare = lsp.Diagnostic(range=d.range, message=d.message, code=d.code, source=d.source)
    found = await actions(client, uri, [bare])
    assert [a.title for a in found][:1] == ["Add '--no-cache'"]
    out = await apply_action(client, APK, uri, found[0])  # type: ignore[arg-type]
    assert out == APK.replace("apk add curl", "apk add --no-cache curl")
    other = lsp.Diagnostic(range=d.range, message="x", code="X1", source="another-linter")
    assert await actions(client, uri, [other], only=[lsp.CodeActionKind.QuickFix]) == []


async def test_stale_requests_yield_nothing_harmful(client: LanguageClient) -> None:
    uri = open_document(client, APK)
    old = by_code(await diagnostics(client, uri), "MSB207")
    offered = await actions(client, uri, [old])
    fix_all = await actions(client, uri, [], only=[FIX_ALL])
    new_text = "# a new first line shifts everything\n" + APK
    change(client, uri, 2, new_text)
    await diagnostics(client, uri, version=2)
    # Diagnostics of version 1 sent with a request about version 2: no actions.
    assert await actions(client, uri, [old]) == []
    # Actions offered for version 1 and resolved after the change: no edit.
    for action in offered + fix_all:
        assert isinstance(action, lsp.CodeAction)
        if action.edit is None:
            late = await client.code_action_resolve_async(action)
            assert late.edit is None
    # Resolve data that is not ours comes back unchanged.
    foreign = lsp.CodeAction(title="x", data={"kind": "someone.else", "uri": uri, "version": 2})
    assert (await client.code_action_resolve_async(foreign)).edit is None
    current = by_code(await diagnostics(client, uri, version=2), "MSB207")
    out = await apply_action(
        client, new_text, uri, titled(await actions(client, uri, [current]), "Add '--no-cache'")
    )
    assert out == new_text.replace("apk add curl", "apk add --no-cache curl")


# -- clients without resolve support, or without code action literals ----------------------


def _caps(kind: str) -> lsp.ClientCapabilities:
    caps = client_capabilities("neovim")
    assert caps.text_document is not None and caps.text_document.code_action is not None
    code_action = caps.text_document.code_action
    if kind == "eager":  # literals, but edits must come with the action
        code_action.resolve_support = None
        assert caps.workspace is not None and caps.workspace.workspace_edit is not None
        caps.workspace.workspace_edit.document_changes = True
    else:  # "commands": no literals, no resolve
        code_action.code_action_literal_support = None
        code_action.resolve_support = None
        code_action.is_preferred_support = None
        code_action.data_support = None
    return caps


@pytest_lsp.fixture(
    params=["eager", "commands"],
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "msb_lsp"], server_env={"MSB_LSP_OFFLINE": "1"}
    ),
)
async def other_client(request, lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    applied: list[lsp.ApplyWorkspaceEditParams] = []
    lsp_client.applied = applied  # type: ignore[attr-defined]

    @lsp_client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        applied.append(params)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=_caps(request.param),
            initialization_options={"registry": {"enabled": False}},
        )
    )
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def _run(
    client: LanguageClient, item: lsp.CodeAction | lsp.Command
) -> lsp.WorkspaceEdit | None:
    """The edit an action makes: its own, or the one its command sends with applyEdit."""
    if isinstance(item, lsp.CodeAction):
        assert item.data is None  # nothing left to resolve
        return item.edit
    applied = client.applied  # type: ignore[attr-defined]
    before = len(applied)
    ok = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=item.command, arguments=item.arguments)
    )
    if not ok:
        assert len(applied) == before
        return None
    assert len(applied) == before + 1
    return applied[-1].edit


async def test_other_clients_get_edits_or_commands(other_client: LanguageClient) -> None:
    client = other_client
    uri = open_document(client, APK)
    d = by_code(await diagnostics(client, uri), "MSB207")
    found = await actions(client, uri, [d])
    kind = client.profile  # type: ignore[attr-defined]
    expected = lsp.CodeAction if kind == "eager" else lsp.Command
    assert found and all(isinstance(a, expected) for a in found)
    assert found[0].title == "Add '--no-cache'"
    edit = await _run(client, found[0])
    assert edit is not None
    assert apply_workspace_edit(client, APK, edit, uri) == APK.replace(
        "apk add curl", "apk add --no-cache curl"
    )
    _, versions = edits_for(edit, uri)
    assert versions == ([1] if kind == "eager" else [])  # neovim's profile takes `changes`
    ignore = [a for a in found if a.title == "Ignore apk-add-without-no-cache for this instruction"]
    edit = await _run(client, ignore[0])
    assert edit is not None
    out = apply_workspace_edit(client, APK, edit, uri)
    assert out == APK.replace("RUN echo", "# msb-lsp: ignore=apk-add-without-no-cache\nRUN echo")
    (fix_all,) = await actions(client, uri, [], only=[lsp.CodeActionKind.SourceFixAll])
    edit = await _run(client, fix_all)
    assert edit is not None
    assert apply_workspace_edit(client, APK, edit, uri) == APK.replace(
        "apk add curl", "apk add --no-cache curl"
    )


async def test_other_clients_stale_commands_change_nothing(other_client: LanguageClient) -> None:
    client = other_client
    uri = open_document(client, APK)
    d = by_code(await diagnostics(client, uri), "MSB207")
    found = await actions(client, uri, [d])
    change(client, uri, 2, "# moved\n" + APK)
    await diagnostics(client, uri, version=2)
    for item in found:
        if isinstance(item, lsp.Command):
            assert await _run(client, item) is None
    assert await actions(client, uri, [d]) == []
