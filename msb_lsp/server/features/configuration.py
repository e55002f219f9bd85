"""Settings, taken both ways: pushed (initializationOptions, didChangeConfiguration) and
pulled (workspace/configuration under the section `msbLsp`)."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types as lsp

from msb_lsp.config.settings import SECTION
from msb_lsp.server.app import MsbServer

log = logging.getLogger("msb_lsp.server")


def _unwrap(raw: Any) -> Any:
    """Accept `{"msbLsp": {...}}`, `{"settings": {...}}` or the settings object itself."""
    if isinstance(raw, dict):
        for key in (SECTION, "msb-lsp", "msb_lsp", "settings"):
            if isinstance(raw.get(key), dict):
                return _unwrap(raw[key])
    return raw


async def _pull(ls: MsbServer) -> None:
    if not ls.client_supports("workspace.configuration", False):
        return
    try:
        result = await ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=SECTION)])
        )
    except Exception as exc:  # a client that fails the request: keep what we have
        log.warning("workspace/configuration failed: %s", exc)
        return
    raw = result[0] if result else None
    if raw is not None:
        ls.apply_settings(_unwrap(raw))


def register(server: MsbServer) -> None:
    @server.feature(lsp.INITIALIZE)
    def initialize(ls: MsbServer, params: lsp.InitializeParams) -> None:
        if params.initialization_options:
            ls.apply_settings(_unwrap(params.initialization_options))

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: MsbServer, params: lsp.InitializedParams) -> None:
        # Load the rules now, after the initialize answer went out, so the first didOpen
        # does not pay for importing them.
        from msb_lsp.rules import all_rules

        all_rules()
        await _pull(ls)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: MsbServer, params: lsp.DidChangeConfigurationParams
    ) -> None:
        if ls.client_supports("workspace.configuration", False):
            await _pull(ls)
        elif params.settings is not None:
            ls.apply_settings(_unwrap(params.settings))
