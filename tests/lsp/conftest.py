"""End-to-end fixtures: a real msb-lsp process driven through pytest-lsp.

Every test that takes `client` runs once per client profile (VS Code and Neovim, which
negotiate UTF-16 and UTF-8 positions); spec warnings are errors (see pyproject.toml).
Helpers in tests/lsp/support.py open documents and wait for diagnostics.
"""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities


def record_diagnostic_versions(client: LanguageClient) -> None:
    """Keep the document version of each publishDiagnostics (pytest-lsp keeps only items)."""
    versions: dict[str, int | None] = {}
    client.diagnostic_versions = versions  # type: ignore[attr-defined]
    original = client.protocol.fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def publish(params: lsp.PublishDiagnosticsParams) -> None:
        versions[params.uri] = params.version
        original(params)

    client.protocol.fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish


PROFILES = ["visual_studio_code", "neovim"]
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "msb_lsp"],
    server_env={"MSB_LSP_OFFLINE": "1"},
)


@pytest_lsp.fixture(params=PROFILES, config=SERVER)
async def client(request, lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    record_diagnostic_versions(lsp_client)
    lsp_client.set_configuration({"registry": {"enabled": False}}, section="msbLsp")
    result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(request.param),
            initialization_options={"registry": {"enabled": False}},
        )
    )
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
