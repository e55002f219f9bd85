"""Completion through a real client (VS Code and Neovim profiles, UTF-16 and UTF-8), on files
with CRLF line ends, the backtick escape, heredocs and non-ASCII text; plus a client without
snippets or Markdown, which must get neither (spec warnings fail the suite)."""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from msb_lsp.images.catalog import format_size, load_catalog
from msb_lsp.images.reference import parse_image_ref
from tests.lsp.support import column, encoding, open_document

LINES = [
    "# escape=`",
    "# Étape de build — compile 🐳",
    "ARG GO_VERSION=1.22",
    "FROM golang:${GO_VERSION} AS builder",
    'RUN echo "🐳 é" && `',
    "    go build -o /out/app",
    "FROM alpine:3.20",
    "COPY <<EOF /etc/motd",
    "COPY --from=builder /x /y",
    "EOF",
    "FROM builder AS tested",
    'LABEL note="é 🐳" stage=x',
    "COPY --chown=app --from=bu /out/app /app",
    "FROM node:20-alpine AS later",
    "FROM alpine:3.20",
]
TEXT = "\r\n".join(LINES) + "\r\n"
COPY_LINE = 12


def at(client: LanguageClient, line: int, col: int) -> lsp.Position:
    return lsp.Position(line, column(client, LINES[line], col))


async def complete(
    client: LanguageClient,
    uri: str,
    position: lsp.Position,
    trigger: str | None = None,
) -> list[lsp.CompletionItem]:
    context = (
        lsp.CompletionContext(
            trigger_kind=lsp.CompletionTriggerKind.TriggerCharacter, trigger_character=trigger
        )
        if trigger
        else lsp.CompletionContext(trigger_kind=lsp.CompletionTriggerKind.Invoked)
    )
    result = await client.text_document_completion_async(
        lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=position, context=context
        )
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, lsp.CompletionList) else result)


def ranges(item: lsp.CompletionItem) -> tuple[lsp.Range, lsp.Range]:
    """The insert and replace ranges of an item, whichever edit form the client got."""
    edit = item.text_edit
    assert edit is not None, f"{item.label} has no text edit"
    if isinstance(edit, lsp.InsertReplaceEdit):
        return edit.insert, edit.replace
    return edit.range, edit.range


def by_label(items: list[lsp.CompletionItem]) -> dict[str, lsp.CompletionItem]:
    return {i.label: i for i in items}


def in_order(items: list[lsp.CompletionItem]) -> list[str]:
    return [i.label for i in sorted(items, key=lambda i: (i.sort_text or i.label, i.label))]


def new_text(item: lsp.CompletionItem) -> str:
    assert item.text_edit is not None
    return item.text_edit.new_text


async def test_trigger_characters_are_announced(client: LanguageClient) -> None:
    caps = client.server_capabilities  # type: ignore[attr-defined]
    triggers = set(caps.completion_provider.trigger_characters)
    assert {"=", ":", "$", "-", " ", "{"} <= triggers


async def test_copy_from_offers_earlier_stages_with_ranges_per_encoding(
    client: LanguageClient,
) -> None:
    uri = open_document(client, TEXT)
    row = LINES[COPY_LINE]
    cursor = row.index("--from=bu") + len("--from=bu")
    items = await complete(client, uri, at(client, COPY_LINE, cursor))
    found = by_label(items)
    assert set(found) == {"builder", "1"}  # never `tested` (current) nor later stages
    insert, replace = ranges(found["builder"])
    start = column(client, row, row.index("--from=") + len("--from="))
    assert insert == lsp.Range(
        lsp.Position(COPY_LINE, start), lsp.Position(COPY_LINE, column(client, row, cursor))
    )
    assert replace.start == insert.start
    # Non-ASCII text earlier on the line: UTF-8 and UTF-16 columns really differ there.
    assert column(client, row, cursor) == cursor  # this line itself is ASCII
    assert found["builder"].kind == lsp.CompletionItemKind.Reference
    assert "golang" in (found["builder"].detail or "")
    assert found["1"].detail is not None and found["1"].detail.startswith("stage 1 · FROM alpine")


async def test_current_and_later_stages_are_never_offered(client: LanguageClient) -> None:
    text = (
        "FROM alpine:3.20 AS one\n"
        "COPY --from= /a /b\n"
        "FROM alpine:3.20 AS two\n"
        "COPY --from= /a /b\n"
        "FROM alpine:3.20 AS three\n"
        "RUN --mount=from=,target=/x true\n"
    )
    uri = open_document(client, text)
    assert await complete(client, uri, lsp.Position(1, 12), "=") == []
    second = by_label(await complete(client, uri, lsp.Position(3, 12), "="))
    assert set(second) == {"one"}
    third = by_label(await complete(client, uri, lsp.Position(5, 17), "="))
    assert set(third) == {"one", "two"}


async def test_text_edit_ranges_after_non_ascii_text(client: LanguageClient) -> None:
    row = 'COPY --chown="é🐳" --from=b /a /b'
    uri = open_document(client, f"FROM alpine AS builder\nFROM alpine\n{row}\n")
    cursor = row.index("--from=b") + len("--from=b")
    items = await complete(client, uri, lsp.Position(2, column(client, row, cursor)))
    insert, replace = ranges(by_label(items)["builder"])
    start = row.index("--from=") + len("--from=")
    assert insert.start == lsp.Position(2, column(client, row, start))
    assert insert.end == lsp.Position(2, column(client, row, cursor))
    assert replace.end == lsp.Position(2, column(client, row, start + 1))
    # 🐳 is 2 UTF-16 units and 4 UTF-8 bytes: the profiles really differ here.
    assert column(client, row, start) in (start + 1, start + 4)


async def test_mount_keys_values_and_stages(client: LanguageClient) -> None:
    text = "FROM golang:1.22 AS deps\r\nFROM alpine\r\nRUN --mount= go build\r\n"
    uri = open_document(client, text)
    keys = await complete(client, uri, lsp.Position(2, 12), "=")
    assert in_order(keys)[0] == "type"
    assert new_text(by_label(keys)["type"]) == "type="
    text2 = (
        "FROM golang:1.22 AS deps\r\nFROM alpine\r\n"
        "RUN --mount=type=cache,target=/go/pkg/mod,\r\n"
        "RUN --mount=type=cache,sharing=\r\n"
        "RUN --mount=type=bind,from=\r\n"
    )
    uri2 = open_document(client, text2)
    cache_keys = by_label(await complete(client, uri2, lsp.Position(2, 42), ","))
    assert "target" not in cache_keys and {"id", "sharing", "uid"} <= set(cache_keys)
    assert "size" not in cache_keys  # tmpfs only
    sharing = by_label(await complete(client, uri2, lsp.Position(3, 31), "="))
    assert set(sharing) == {"shared", "private", "locked"}
    stages = by_label(await complete(client, uri2, lsp.Position(4, 27), "="))
    assert set(stages) == {"deps"}


async def test_from_images_stages_and_tags_with_sizes(client: LanguageClient) -> None:
    text = "FROM golang:1.22 AS builder\nFROM \nFROM node:20 AS \nFROM node:\n"
    uri = open_document(client, text)
    first = await complete(client, uri, lsp.Position(1, 5), " ")
    order = in_order(first)
    assert order[0] == "builder"
    assert {"node", "python", "alpine", "scratch", "--platform"} <= set(order)
    tags = await complete(client, uri, lsp.Position(3, 10), ":")
    catalog = load_catalog()
    assert sorted(i.label for i in tags) == sorted(catalog.tags("node"))
    alpine = by_label(tags)["20-alpine"]
    ref = parse_image_ref("node:20-alpine")
    assert ref is not None
    match = catalog.lookup(ref)
    assert match is not None and match.preferred() is not None
    size = format_size(match.preferred().compressed_bytes)  # type: ignore[union-attr]
    assert alpine.detail == f"node:20-alpine · {size}"
    insert, _ = ranges(alpine)
    assert insert == lsp.Range(lsp.Position(3, 10), lsp.Position(3, 10))
    # In the last stage, the small runtime variants sort before the full images.
    order = in_order(tags)
    assert order.index("20-alpine") < order.index("24")
    names = by_label(await complete(client, uri, lsp.Position(2, 16), " "))
    assert "builder" not in names and {"runner", "production", "test"} <= set(names)


async def test_keywords_as_snippets(client: LanguageClient) -> None:
    uri = open_document(client, "FROM alpine\n\n")
    items = by_label(await complete(client, uri, lsp.Position(1, 0)))
    assert items["FROM"].insert_text_format == lsp.InsertTextFormat.Snippet
    assert new_text(items["FROM"]) == "FROM ${1:image} AS ${2:name}"
    assert items["RUN"].kind == lsp.CompletionItemKind.Keyword
    assert isinstance(items["RUN"].documentation, lsp.MarkupContent)
    assert list(items["MAINTAINER"].tags or []) == [lsp.CompletionItemTag.Deprecated]
    # A space typed on an empty line asks for nothing.
    assert await complete(client, uri, lsp.Position(1, 0), " ") == []


async def test_flags_and_flag_values(client: LanguageClient) -> None:
    text = "FROM alpine AS a\nFROM --platform= alpine\nCOPY --\nRUN --network=\n"
    uri = open_document(client, text)
    platform = in_order(await complete(client, uri, lsp.Position(1, 16), "="))
    assert platform[:2] == ["$BUILDPLATFORM", "$TARGETPLATFORM"]
    assert "linux/arm64" in platform
    copy = by_label(await complete(client, uri, lsp.Position(2, 7), "-"))
    assert {"--from", "--chown", "--chmod", "--link", "--exclude", "--parents"} <= set(copy)
    assert new_text(copy["--from"]) == "--from="
    insert, _ = ranges(copy["--from"])
    assert insert == lsp.Range(lsp.Position(2, 5), lsp.Position(2, 7))
    network = by_label(await complete(client, uri, lsp.Position(3, 14), "="))
    assert set(network) == {"default", "none", "host"}


async def test_variables_in_scope(client: LanguageClient) -> None:
    lines = [
        "ARG BASE=alpine",
        "FROM ${BASE} AS app",
        "ENV APP_HOME=/srv/app",
        "WORKDIR $",
        "RUN echo ${}",
        "FROM $",
    ]
    uri = open_document(client, "\r\n".join(lines) + "\r\n")
    workdir = by_label(await complete(client, uri, lsp.Position(3, 9), "$"))
    assert "APP_HOME" in workdir and "BASE" not in workdir
    arch = workdir["TARGETARCH"]
    assert list(arch.additional_text_edits or []) == [
        lsp.TextEdit(
            range=lsp.Range(lsp.Position(1, 19), lsp.Position(1, 19)), new_text="\r\nARG TARGETARCH"
        )
    ]
    braced = by_label(await complete(client, uri, lsp.Position(4, 11), "{"))
    # The `}` is already typed: only the name is inserted.
    assert new_text(braced["APP_HOME"]) == "APP_HOME"
    insert, _ = ranges(braced["APP_HOME"])
    assert insert == lsp.Range(lsp.Position(4, 11), lsp.Position(4, 11))
    from_line = by_label(await complete(client, uri, lsp.Position(5, 6), "$"))
    assert {"BASE", "BUILDPLATFORM"} <= set(from_line) and "APP_HOME" not in from_line


async def test_directives_and_check_names(client: LanguageClient) -> None:
    text = "# syntax=docker/dockerfile:1\n# \n# check=skip=StageNameCasing,\nFROM alpine\n"
    uri = open_document(client, text)
    names = by_label(await complete(client, uri, lsp.Position(1, 2), " "))
    assert set(names) == {"escape", "check"}
    checks = by_label(await complete(client, uri, lsp.Position(2, 29), ","))
    assert "StageNameCasing" not in checks
    assert {"FromAsCasing", "UndefinedVar", "all"} <= set(checks)


async def test_backtick_escape_and_heredoc_bodies(client: LanguageClient) -> None:
    uri = open_document(client, TEXT)
    # Inside the COPY heredoc body a `COPY --from=` line is text, not an instruction.
    assert await complete(client, uri, at(client, 8, len("COPY --from=")), "=") == []
    # The backtick continues the RUN line: the next line is still RUN's command.
    assert await complete(client, uri, at(client, 5, 4), " ") == []
    keywords = by_label(await complete(client, uri, at(client, COPY_LINE, 2)))
    assert new_text(keywords["COPY"]) == "COPY"  # arguments follow: only the keyword


async def test_other_documents_and_bad_positions(client: LanguageClient) -> None:
    unknown = "file:///tmp/msb-lsp-tests/never-opened/Dockerfile"
    assert await complete(client, unknown, lsp.Position(0, 0)) == []
    other = open_document(client, "FROM alpine\n", name="notes.txt", language_id="plaintext")
    assert await complete(client, other, lsp.Position(0, 5), " ") == []
    uri = open_document(client, "FROM alpine AS a\nFROM b\nCOPY --from= x y\n")
    assert await complete(client, uri, lsp.Position(40, 0)) == []
    assert await complete(client, uri, lsp.Position(2, 400)) == []
    assert set(by_label(await complete(client, uri, lsp.Position(2, 12), "="))) == {"a"}


async def test_encoding_is_what_the_tests_assume(client: LanguageClient) -> None:
    expected = (
        lsp.PositionEncodingKind.Utf8
        if client.profile == "neovim"  # type: ignore[attr-defined]
        else lsp.PositionEncodingKind.Utf16
    )
    assert encoding(client) == expected


# -- a client without snippets, Markdown or insert/replace, but with label details --------------


def _plain_capabilities() -> lsp.ClientCapabilities:
    caps = client_capabilities("neovim")
    assert caps.text_document is not None and caps.text_document.completion is not None
    item = caps.text_document.completion.completion_item
    assert item is not None
    item.snippet_support = False
    item.documentation_format = [lsp.MarkupKind.PlainText]
    item.insert_replace_support = False
    item.label_details_support = True
    item.tag_support = None
    item.deprecated_support = True
    return caps


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "msb_lsp"], server_env={"MSB_LSP_OFFLINE": "1"}
    )
)
async def plain_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=_plain_capabilities(),
            initialization_options={"registry": {"enabled": False}},
        )
    )
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_plain_client_gets_plain_text(plain_client: LanguageClient) -> None:
    uri = open_document(plain_client, "FROM golang:1.22 AS builder\n\nFROM node:\n")
    keywords = by_label(await complete(plain_client, uri, lsp.Position(1, 0)))
    assert keywords["FROM"].insert_text_format == lsp.InsertTextFormat.PlainText
    assert new_text(keywords["FROM"]) == "FROM "
    assert keywords["FROM"].documentation is not None
    documentation = keywords["FROM"].documentation
    assert isinstance(documentation, lsp.MarkupContent)
    assert documentation.kind == lsp.MarkupKind.PlainText
    assert "`" not in keywords["COPY"].documentation.value  # type: ignore[union-attr]
    assert keywords["MAINTAINER"].deprecated is True
    assert isinstance(keywords["FROM"].text_edit, lsp.TextEdit)
    tags = by_label(await complete(plain_client, uri, lsp.Position(2, 10), ":"))
    details = tags["20-alpine"].label_details
    assert details is not None and details.description is not None
    assert details.description.endswith("MB")
