"""The final image's base size lens, through a real client."""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from msb_lsp.images import format_size, load_catalog, parse_image_ref
from msb_lsp.server.features.codelens import SHOW_USERS
from tests.lsp.support import open_document


def amd64(image: str) -> int:
    ref = parse_image_ref(image)
    assert ref is not None
    match = load_catalog().lookup(ref)
    size = match.for_platform("linux/amd64") if match is not None else None
    assert size is not None
    return size.compressed_bytes


async def size_lenses(client: LanguageClient, uri: str) -> list[lsp.CodeLens]:
    lenses = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None
    return [
        lens
        for lens in lenses
        if lens.command is not None and lens.command.title.startswith("final image base:")
    ]


async def test_final_stage_base_and_a_slimmer_one(client: LanguageClient) -> None:
    text = (
        "FROM golang:1.22 AS build\n"
        "RUN go build -o /out .\n"
        "FROM node:20\n"
        "COPY --from=build /out /app\n"
    )
    uri = open_document(client, text)
    [lens] = await size_lenses(client, uri)
    full, alpine = amd64("node:20"), amd64("node:20-alpine")
    assert lens.command is not None
    assert lens.command.title == (
        f"final image base: node:20 {format_size(full)} — "
        f"node:20-alpine would save {format_size(full - alpine)}"
    )
    assert lens.range == lsp.Range(lsp.Position(2, 0), lsp.Position(2, 4))
    # The command is the stage-usage lens's: it only answers locations.
    assert lens.command.command == SHOW_USERS
    answer = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=lens.command.command, arguments=lens.command.arguments)
    )
    assert answer == []


async def test_final_stage_built_on_another_stage(client: LanguageClient) -> None:
    text = "FROM python:3.12-slim AS base\nFROM base AS app\nRUN true\n"
    uri = open_document(client, text)
    [lens] = await size_lenses(client, uri)
    slim, alpine = amd64("python:3.12-slim"), amd64("python:3.12-alpine")
    assert lens.command is not None
    assert lens.command.title == (
        f"final image base: python:3.12-slim {format_size(slim)} (through stage base) — "
        f"python:3.12-alpine would save {format_size(slim - alpine)}"
    )
    assert lens.range.start.line == 1


async def test_scratch_and_unknown_bases(client: LanguageClient) -> None:
    uri = open_document(client, "FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b /x /x\n")
    [lens] = await size_lenses(client, uri)
    assert lens.command is not None
    assert lens.command.title == "final image base: scratch 0 B (empty image)"
    uri = open_document(client, "ARG BASE\nFROM ${BASE}\n")
    assert await size_lenses(client, uri) == []


async def test_setting_turns_the_lens_off(client: LanguageClient) -> None:
    uri = open_document(client, "FROM node:20\n")
    assert len(await size_lenses(client, uri)) == 1
    settings = {"registry": {"enabled": False}, "codeLens": {"enabled": False}}
    client.set_configuration(settings, section="msbLsp")
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"msbLsp": settings})
    )
    for _ in range(200):
        found = await size_lenses(client, uri)
        if not found:
            break
        await asyncio.sleep(0.02)
    assert found == []
