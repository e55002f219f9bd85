"""Settings through a real client: pulled, pushed, a bad value, and the project file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.support import diagnostics, open_document, pull_mode

TEXT = "FROM alpine:3.19\nRUNN echo\n"


async def _change_settings(client: LanguageClient, settings: dict) -> None:  # type: ignore[type-arg]
    client.set_configuration({"registry": {"enabled": False}, **settings}, section="msbLsp")
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"msbLsp": settings})
    )
    await asyncio.sleep(0.3)  # the server pulls the new values before it re-lints


async def test_settings_change_relints_open_documents(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    assert "MSB001" in [d.code for d in await diagnostics(client, uri)]
    await _change_settings(client, {"lint": {"ignore": ["unknown-instruction"]}})
    if pull_mode(client):
        items = await diagnostics(client, uri)
    else:
        for _ in range(100):
            items = client.diagnostics[uri]
            if "MSB001" not in [d.code for d in items]:
                break
            await asyncio.sleep(0.05)
    assert "MSB001" not in [d.code for d in items]


async def test_severity_override(client: LanguageClient) -> None:
    await _change_settings(client, {"lint": {"severity": {"MSB001": "hint"}}})
    uri = open_document(client, TEXT)
    found = [d for d in await diagnostics(client, uri) if d.code == "MSB001"]
    assert found and found[0].severity == lsp.DiagnosticSeverity.Hint


async def test_a_bad_setting_gets_one_message_and_the_default(client: LanguageClient) -> None:
    await _change_settings(client, {"lint": {"select": 5}})
    await _change_settings(client, {"lint": {"select": 5}})
    uri = open_document(client, TEXT)
    assert "MSB001" in [d.code for d in await diagnostics(client, uri)]
    shown = [m.message for m in client.messages if "lint.select" in m.message]
    assert len(shown) == 1
    assert "expected a list of strings" in shown[0]


async def test_project_file_wins(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / ".msb-lsp.toml").write_text('ignore = ["MSB001"]\n')
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(TEXT)
    uri = dockerfile.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=1, text=TEXT
            )
        )
    )
    assert "MSB001" not in [d.code for d in await diagnostics(client, uri)]


async def test_language_id_is_only_a_hint(client: LanguageClient) -> None:
    # Some clients send `plaintext` or `yaml` for Dockerfiles: the file name decides.
    uri = open_document(client, TEXT, name="build.Dockerfile", language_id="plaintext")
    assert "MSB001" in [d.code for d in await diagnostics(client, uri)]
