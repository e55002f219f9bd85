"""Inlay hints with the download size after each FROM image, through a real client."""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from msb_lsp.images import format_size, load_catalog, parse_image_ref
from tests.lsp.support import column, open_document

TEXT = (
    "FROM golang:1.22 AS build\n"  # 0
    "RUN go build -o /out .\n"  # 1
    "FROM build AS test\n"  # 2: a stage, no hint
    "FROM node:20-alpine AS web\n"  # 3
    "ARG UNSET\n"  # 4
    "FROM ${UNSET}\n"  # 5: no default, no hint
    "FROM scratch\n"  # 6
    "COPY --from=build /out /app\n"  # 7
)
LINES = TEXT.split("\n")


def size(image: str) -> str:
    ref = parse_image_ref(image)
    assert ref is not None
    match = load_catalog().lookup(ref)
    assert match is not None
    return format_size(match.platforms[0].compressed_bytes)


async def hints(client: LanguageClient, uri: str, start: lsp.Position, end: lsp.Position):  # type: ignore[no-untyped-def]
    return await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start, end)
        )
    )


def end_of_image(client: LanguageClient, line: int, image: str) -> lsp.Position:
    row = LINES[line]
    return lsp.Position(line, column(client, row, row.index(image) + len(image)))


async def test_a_hint_after_every_from_image(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    found = await hints(client, uri, lsp.Position(0, 0), lsp.Position(len(LINES), 0))
    assert found is not None
    got = [(h.position, h.label) for h in found]
    assert got == [
        (end_of_image(client, 0, "golang:1.22"), size("golang:1.22")),
        (end_of_image(client, 3, "node:20-alpine"), size("node:20-alpine")),
        (end_of_image(client, 6, "scratch"), "0 B"),
    ]
    first = found[0]
    assert first.padding_left is True
    assert isinstance(first.tooltip, str)
    assert f"linux/amd64: {size('golang:1.22')}" in first.tooltip
    assert "catalog" in first.tooltip


async def test_only_hints_inside_the_requested_range(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    middle = await hints(client, uri, lsp.Position(2, 0), lsp.Position(5, 3))
    assert middle is not None
    assert [h.position.line for h in middle] == [3]
    # A range that stops one character before the end of the image leaves its hint out.
    web_end = end_of_image(client, 3, "node:20-alpine")
    short = await hints(client, uri, lsp.Position(3, 0), lsp.Position(3, web_end.character - 1))
    assert short is not None and list(short) == []
    exact = await hints(client, uri, web_end, web_end)
    assert exact is not None and [h.position for h in exact] == [web_end]
    none = await hints(client, uri, lsp.Position(7, 0), lsp.Position(8, 0))
    assert none is not None and list(none) == []


async def test_non_ascii_lines_use_the_client_encoding(client: LanguageClient) -> None:
    text = 'LABEL note="🐳 é"\nFROM python:3.12-slim AS 🐍app\n'
    uri = open_document(client, text)
    row = text.split("\n")[1]
    found = await hints(client, uri, lsp.Position(0, 0), lsp.Position(2, 0))
    assert found is not None and len(found) == 1
    image_end = row.index("python:3.12-slim") + len("python:3.12-slim")
    assert found[0].position == lsp.Position(1, column(client, row, image_end))
    assert found[0].label == size("python:3.12-slim")


async def test_setting_turns_the_hints_off(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    before = await hints(client, uri, lsp.Position(0, 0), lsp.Position(len(LINES), 0))
    assert before is not None and len(before) == 3
    client.set_configuration(
        {"registry": {"enabled": False}, "inlayHints": {"imageSize": False}}, section="msbLsp"
    )
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(
            settings={
                "msbLsp": {"registry": {"enabled": False}, "inlayHints": {"imageSize": False}}
            }
        )
    )
    for _ in range(200):
        found = await hints(client, uri, lsp.Position(0, 0), lsp.Position(len(LINES), 0))
        if not found:
            break
        await asyncio.sleep(0.02)
    assert not found
