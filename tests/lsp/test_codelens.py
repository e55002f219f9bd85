"""The stage-usage code lens above each FROM, and its command."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.support import column, open_document

LINES = [
    "# Ünïcode comment 🐳",
    "FROM golang:1.22 AS build",
    "RUN go build -o /out/app",
    "FROM build AS test",
    "RUN --mount=from=build,target=/b go test",
    "FROM alpine AS lint",
    "COPY --from=test /r /r",
    "FROM golang",
    "FROM alpine:3.19 AS runner",
    'LABEL x="🐳" ; COPY nothing',
    "COPY --from=build /out/app /app",
]
TEXT = "\r\n".join(LINES) + "\r\n"


SHOW_USERS = "msb-lsp.showStageUsers"
OUR_TITLES = ("used by ", "final stage", "not built by default", "never built", "not used")


async def lenses(client: LanguageClient, uri: str) -> list[lsp.CodeLens]:
    """The stage-usage lenses (other features add lenses of their own, some with the same
    command, so they are told apart by what they say)."""
    found = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    return [
        lens
        for lens in found or []
        if lens.command
        and lens.command.command == SHOW_USERS
        and lens.command.title.startswith(OUR_TITLES)
    ]


async def test_one_lens_per_stage(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    found = await lenses(client, uri)
    assert [
        (lens.range.start.line, lens.command.title if lens.command else None) for lens in found
    ] == [
        (1, "used by 'test' (FROM, RUN --mount), 'runner' (COPY --from)"),
        (
            3,
            "used by 'lint' (COPY --from) · not built by default: only with --target test or "
            "--target lint",
        ),
        (5, "not built by default: only with --target lint"),
        (7, "never built: nothing uses it and it has no name for --target"),
        (8, "final stage"),
    ]
    assert found[0].range == lsp.Range(lsp.Position(1, 0), lsp.Position(1, 4))
    caps = client.server_capabilities  # type: ignore[attr-defined]
    assert SHOW_USERS in caps.execute_command_provider.commands


async def test_lens_command_answers_the_references(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    found = await lenses(client, uri)
    command = found[0].command
    assert command is not None
    locations = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )
    assert [
        (loc["range"]["start"]["line"], loc["range"]["start"]["character"]) for loc in locations
    ] == [
        (3, 5),
        (4, 17),
        (10, column(client, LINES[10], 12)),
    ]
    # Stale or bad arguments give an empty answer, not an error.
    assert (
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=command.command, arguments=[uri, 99])
        )
        == []
    )


async def test_lenses_follow_edits_and_ignore_other_documents(client: LanguageClient) -> None:
    uri = open_document(client, "FROM alpine AS a\nFROM alpine\n")
    assert [lens.command.title for lens in await lenses(client, uri) if lens.command] == [
        "not built by default: only with --target a",
        "final stage",
    ]
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(2, 0), lsp.Position(2, 0)),
                    text="COPY --from=a /x /y\n",
                )
            ],
        )
    )
    assert [lens.command.title for lens in await lenses(client, uri) if lens.command] == [
        "used by stage 1 (COPY --from)",
        "final stage",
    ]
    shell = open_document(
        client, "docker build --target a .\n", name="build.sh", language_id="shellscript"
    )
    assert await lenses(client, shell) == []
    never = "file:///tmp/msb-lsp-tests/never-opened/Dockerfile"
    assert await lenses(client, never) == []
