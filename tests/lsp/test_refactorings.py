"""Refactorings end to end: request the code actions, resolve them when they come without an
edit, apply the returned WorkspaceEdit the way the client would (its position encoding) and
check the text. Runs with the VS Code (UTF-16) and Neovim (UTF-8) profiles, and with a
client that takes snippets in workspace edits."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from msb_lsp.model import parse
from msb_lsp.model.span import Pos, Span
from msb_lsp.refactor.extract import extract_builder_stage
from msb_lsp.refactor.fixes import apply_edits
from msb_lsp.refactor.name_stage import name_stage
from tests.lsp.support import diagnostics, encoding, open_document

GOLDEN = Path(__file__).parent.parent / "refactor" / "golden"
EXTRACT = lsp.CodeActionKind.RefactorExtract
REWRITE = lsp.CodeActionKind.RefactorRewrite
_BREAK = re.compile(r"\r\n|\r|\n")


# -- applying a WorkspaceEdit as a client does ------------------------------------------------


def _offset(text: str, position: lsp.Position, enc: str) -> int:
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    found = _BREAK.search(text, start)
    line = text[start : found.start() if found else len(text)]
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


def snippet_to_text(snippet: str) -> str:
    """What an editor inserts for a snippet when the user keeps every default."""
    out = []
    i = 0
    while i < len(snippet):
        ch = snippet[i]
        if ch == "\\" and i + 1 < len(snippet) and snippet[i + 1] in "\\$}":
            out.append(snippet[i + 1])
            i += 2
            continue
        if snippet.startswith("${", i):
            m = re.match(r"\$\{\d+:([^}]*)\}", snippet[i:])
            assert m is not None, snippet[i : i + 20]
            out.append(m.group(1))
            i += m.end()
            continue
        assert ch != "$", f"unescaped $ in snippet at {i}: {snippet[i : i + 20]!r}"
        out.append(ch)
        i += 1
    return "".join(out)


def apply_workspace_edit(text: str, edit: lsp.WorkspaceEdit, uri: str, enc: str) -> str:
    found: list[tuple[lsp.Range, str]] = []
    for change in edit.document_changes or []:
        assert isinstance(change, lsp.TextDocumentEdit)
        assert change.text_document.uri == uri
        for e in change.edits:
            if isinstance(e, lsp.SnippetTextEdit):
                found.append((e.range, snippet_to_text(e.snippet.value)))
            else:
                found.append((e.range, e.new_text))
    for e in (edit.changes or {}).get(uri, []):
        found.append((e.range, e.new_text))
    assert found, "the action changes nothing"
    spans = sorted(
        ((_offset(text, r.start, enc), _offset(text, r.end, enc), t) for r, t in found),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


# -- requests -----------------------------------------------------------------------------


async def refactor_actions(
    client: LanguageClient,
    uri: str,
    rng: lsp.Range,
    only: list[str] | None = None,
    context: list[lsp.Diagnostic] | None = None,
) -> list[lsp.CodeAction]:
    found = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=lsp.CodeActionContext(diagnostics=context or [], only=only),
        )
    )
    out = []
    for item in found or []:
        if isinstance(item, lsp.CodeAction) and str(item.kind).startswith("refactor"):
            if item.edit is None:
                item = await client.code_action_resolve_async(item)
            out.append(item)
    return out


def at(line: int, character: int = 0) -> lsp.Range:
    return lsp.Range(lsp.Position(line, character), lsp.Position(line, character))


def titled(found: list[lsp.CodeAction], prefix: str) -> lsp.CodeAction:
    matches = [a for a in found if a.title.startswith(prefix)]
    assert len(matches) == 1, [a.title for a in found]
    return matches[0]


def apply(client: LanguageClient, text: str, uri: str, action: lsp.CodeAction) -> str:
    assert action.edit is not None
    return apply_workspace_edit(text, action.edit, uri, encoding(client))


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> tuple[str, str]:
    """Open a golden Dockerfile under its real file URI (the server reads package.json and
    friends next to it)."""
    text = path.read_text(encoding="utf-8") if text is None else text
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=1, text=text
            )
        )
    )
    return uri, text


# -- tests ------------------------------------------------------------------------------


async def test_capabilities_announce_the_refactoring_kinds(client: LanguageClient) -> None:
    caps = client.server_capabilities  # type: ignore[attr-defined]
    provider = caps.code_action_provider
    assert isinstance(provider, lsp.CodeActionOptions)
    assert EXTRACT in (provider.code_action_kinds or [])
    assert REWRITE in (provider.code_action_kinds or [])


async def test_extract_reads_the_project_and_matches_the_golden_file(
    client: LanguageClient,
) -> None:
    uri, text = open_file(client, GOLDEN / "node-npm" / "Dockerfile")
    found = await refactor_actions(client, uri, at(10, 4), only=[EXTRACT])
    action = titled(found, "Extract builder stage: final base node:20 to node:20-alpine, about ")
    assert action.title.endswith(" MB less")
    assert action.kind == EXTRACT
    assert action.is_preferred is None
    result = apply(client, text, uri, action)
    assert result == (GOLDEN / "node-npm" / "expected.Dockerfile").read_text(encoding="utf-8")


async def test_extract_after_non_ascii_text_and_crlf(client: LanguageClient) -> None:
    text = (
        "# Ünïcode 🐳 app\r\n"
        "FROM node:20\r\n"
        'LABEL description="café 🐳"\r\n'
        "WORKDIR /app\r\n"
        "COPY . .\r\n"
        "RUN npm ci && npm run build -- --banner=🐳é\r\n"
        'CMD ["node", "dist/main.js", "🐳"]\r\n'
    )
    uri = open_document(client, text)
    found = await refactor_actions(client, uri, at(5, 20), only=[EXTRACT])
    action = titled(found, "Extract builder stage")
    result = apply(client, text, uri, action)
    engine = extract_builder_stage(parse(text))
    assert engine is not None
    assert result == apply_edits(text, engine.edits)
    assert "RUN npm run build -- --banner=🐳é\r\n" in result
    assert "\n" not in result.replace("\r\n", "")


async def test_extract_is_offered_for_the_single_stage_findings(client: LanguageClient) -> None:
    uri, _ = open_file(client, GOLDEN / "go" / "Dockerfile")
    found = await diagnostics(client, uri)
    related = [d for d in found if d.code in ("MSB201", "MSB202")]
    assert {d.code for d in related} == {"MSB201", "MSB202"}
    for diagnostic in related:
        actions = await refactor_actions(
            client, uri, diagnostic.range, context=[diagnostic], only=[EXTRACT]
        )
        action = titled(actions, "Extract builder stage")
        assert list(action.diagnostics or []) == [diagnostic]
        assert action.is_preferred is None


async def test_second_request_after_applying_offers_nothing_to_extract(
    client: LanguageClient,
) -> None:
    uri, text = open_file(client, GOLDEN / "python" / "Dockerfile")
    action = titled(await refactor_actions(client, uri, at(0), only=[EXTRACT]), "Extract")
    result = apply(client, text, uri, action)
    change(client, uri, 2, result)
    lines = len(result.splitlines())
    for line in range(lines):
        assert await refactor_actions(client, uri, at(line), only=[EXTRACT]) == []


async def test_only_filters_the_kinds(client: LanguageClient) -> None:
    uri, _ = open_file(client, GOLDEN / "go" / "Dockerfile")
    assert await refactor_actions(client, uri, at(0), only=[lsp.CodeActionKind.QuickFix]) == []
    rewrites = await refactor_actions(client, uri, at(0), only=[REWRITE])
    assert [a.kind for a in rewrites] == [REWRITE]
    both = await refactor_actions(client, uri, at(0), only=[lsp.CodeActionKind.Refactor])
    assert sorted(str(a.kind) for a in both) == [EXTRACT, REWRITE]


async def test_development_and_production_targets(client: LanguageClient) -> None:
    uri, text = open_file(client, GOLDEN / "nextjs" / "Dockerfile")
    action = titled(
        await refactor_actions(client, uri, at(1), only=[REWRITE]),
        "Add development and production targets: base, development, builder and production",
    )
    result = apply(client, text, uri, action)
    df = parse(result)
    assert [s.name for s in df.stages] == ["base", "development", "builder", "production"]
    dev = df.source.text_at(df.stages[1].span)
    assert dev.endswith('CMD ["npm", "run", "dev"]')  # package.json has a dev script
    assert df.stages[3].base_text == "node:20-alpine"
    assert 'CMD ["node", "server.js"]' in df.source.text_at(df.stages[3].span)


async def test_selection_extract_and_shared_base(client: LanguageClient) -> None:
    text = (
        "FROM node:20-alpine AS web\n"
        "WORKDIR /app\n"
        "COPY package*.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npm run build\n"
        'CMD ["node", "dist/main.js"]\n'
    )
    uri = open_document(client, text)
    selection = lsp.Range(lsp.Position(4, 0), lsp.Position(6, 0))
    action = titled(
        await refactor_actions(client, uri, selection, only=[EXTRACT]),
        "Extract builder stage: move the selected instructions to stage 'builder'",
    )
    result = apply(client, text, uri, action)
    assert "COPY --from=builder /app/dist ./dist\n" in result
    change(client, uri, 2, result)
    # Both stages now start alike: a shared base is on offer.
    base = titled(
        await refactor_actions(client, uri, at(0), only=[EXTRACT]),
        "Introduce a shared base stage 'base' for stages builder, web",
    )
    shared = apply(client, result, uri, base)
    df = parse(shared)
    assert [s.name for s in df.stages] == ["base", "builder", "web"]
    assert [s.base_text for s in df.stages] == ["node:20-alpine", "base", "base"]


async def test_name_this_stage_on_a_from_value(client: LanguageClient) -> None:
    text = (
        "FROM golang:1.22\n"
        "RUN go build -o /out/app .\n"
        "FROM alpine:3.19\n"
        "COPY --chown=jürgen --from=0 /out/app /app\n"
        'CMD ["/app"]\n'
    )
    uri = open_document(client, text)
    found = await diagnostics(client, uri)
    index = [d for d in found if d.code == "MSB112"]
    line = text.splitlines()[3]
    col = line.index("--from=0") + len("--from=")
    units = len(line[:col].encode("utf-8")) if encoding(client) == "utf-8" else col
    actions = await refactor_actions(client, uri, at(3, units), context=index, only=[REWRITE])
    action = titled(actions, "Name stage 0 'builder'")
    assert list(action.diagnostics or []) == index
    result = apply(client, text, uri, action)
    engine = name_stage(parse(text), Span(Pos(3, col), Pos(3, col)))
    assert engine is not None
    assert result == apply_edits(text, engine.edits)
    assert "COPY --chown=jürgen --from=builder /out/app /app\n" in result


async def test_not_offered_for_other_documents(client: LanguageClient) -> None:
    uri = open_document(client, "services:\n  web:\n    build: .\n", name="compose.yaml")
    assert await refactor_actions(client, uri, at(0)) == []


# -- a client that takes snippets in workspace edits --------------------------------------


def _snippet_caps() -> lsp.ClientCapabilities:
    caps = client_capabilities("visual_studio_code")
    assert caps.workspace is not None and caps.workspace.workspace_edit is not None
    caps.workspace.workspace_edit.snippet_edit_support = True
    caps.workspace.workspace_edit.document_changes = True
    return caps


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "msb_lsp"], server_env={"MSB_LSP_OFFLINE": "1"}
    ),
)
async def snippet_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=_snippet_caps(),
            initialization_options={"registry": {"enabled": False}},
        )
    )
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _snippets(action: lsp.CodeAction) -> list[str]:
    assert action.edit is not None and action.edit.document_changes
    out: list[str] = []
    for change_ in action.edit.document_changes:
        assert isinstance(change_, lsp.TextDocumentEdit)
        for e in change_.edits:
            assert isinstance(e, lsp.SnippetTextEdit)
            out.append(e.snippet.value)
    return out


async def test_snippet_client_chooses_what_to_copy(snippet_client: LanguageClient) -> None:
    uri, text = open_file(snippet_client, GOLDEN / "generic" / "Dockerfile")
    action = titled(
        await refactor_actions(snippet_client, uri, at(0), only=[EXTRACT]),
        "Extract builder stage",
    )
    assert action.title == (
        "Extract builder stage: final base stays ubuntu:24.04 (choose what the runtime copies)"
    )
    snippets = _snippets(action)
    assert any("COPY --from=builder ${1:/src} ${2:.}" in s for s in snippets)
    result = apply(snippet_client, text, uri, action)
    assert result == (GOLDEN / "generic" / "expected.Dockerfile").read_text(encoding="utf-8")


async def test_snippet_client_gets_plain_edits_without_choices(
    snippet_client: LanguageClient,
) -> None:
    uri, text = open_file(snippet_client, GOLDEN / "go" / "Dockerfile")
    action = titled(
        await refactor_actions(snippet_client, uri, at(0), only=[EXTRACT]),
        "Extract builder stage",
    )
    assert action.edit is not None and action.edit.document_changes
    edits: list[Any] = [
        e
        for c in action.edit.document_changes
        if isinstance(c, lsp.TextDocumentEdit)
        for e in c.edits
    ]
    assert edits and all(type(e) is lsp.TextEdit for e in edits)
    assert apply(snippet_client, text, uri, action) == (
        GOLDEN / "go" / "expected.Dockerfile"
    ).read_text(encoding="utf-8")


async def test_snippet_client_gets_one_snippet_for_a_selection(
    snippet_client: LanguageClient,
) -> None:
    text = (
        "FROM debian:bookworm\n"
        "WORKDIR /opt/tool\n"
        "COPY . .\n"
        "RUN ./configure && make\n"
        "RUN rm -rf docs\n"
        'CMD ["./tool"]\n'
    )
    uri = open_document(snippet_client, text)
    selection = lsp.Range(lsp.Position(3, 0), lsp.Position(4, 0))
    action = titled(
        await refactor_actions(snippet_client, uri, selection, only=[EXTRACT]),
        "Extract builder stage: move the selected instructions",
    )
    assert action.title.endswith("(choose what to copy back)")
    assert action.edit is not None and action.edit.document_changes
    (doc_edit,) = action.edit.document_changes
    assert isinstance(doc_edit, lsp.TextDocumentEdit)
    kinds = [type(e).__name__ for e in doc_edit.edits]
    assert sorted(kinds) == ["SnippetTextEdit", "TextEdit"]
    result = apply(snippet_client, text, uri, action)
    assert "COPY --from=builder /opt/tool .\n" in result
    assert result.startswith("FROM debian:bookworm AS builder\n")
