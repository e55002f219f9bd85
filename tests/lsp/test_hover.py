"""Hover on images and stages through a real client (VS Code and Neovim profiles), with the
registry off: every figure shown must be the catalog's."""

from __future__ import annotations

import asyncio
import csv
import sys

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from msb_lsp.images import format_size, load_catalog, parse_image_ref
from tests.lsp.support import column, open_document
from tests.support.paths import SHARED

IMAGES = [
    "node:20",
    "node:20-alpine",
    "golang:1.22",
    "python:3.12-slim",
    "gcr.io/distroless/static",
    "scratch",
]


async def hover_at(
    client: LanguageClient, uri: str, text: str, line: int, col: int
) -> lsp.Hover | None:
    """Hover at a code-point column of `line`, sent in the client's encoding."""
    row = text.split("\n")[line]
    return await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line, column(client, row, col)),
        )
    )


def value(result: lsp.Hover | None) -> str:
    assert result is not None
    assert isinstance(result.contents, lsp.MarkupContent)
    return result.contents.value


def catalog_rows(image: str) -> list[tuple[str, str, int | None, str | None]]:
    """(platform, formatted size, layers, date) the catalog has for `image`, amd64 first."""
    ref = parse_image_ref(image)
    assert ref is not None
    match = load_catalog().lookup(ref)
    assert match is not None and match.exact
    return [
        (p.platform, format_size(p.compressed_bytes), p.layers, p.last_modified)
        for p in match.platforms
    ]


def amd64_bytes(image: str) -> int:
    ref = parse_image_ref(image)
    assert ref is not None
    match = load_catalog().lookup(ref)
    size = match.for_platform("linux/amd64") if match is not None else None
    assert size is not None
    return size.compressed_bytes


def shared_bytes(image: str, tag: str, arch: str) -> int | None:
    """The figure of ../shared/image-sizes/official-images.tsv, when that folder exists."""
    if SHARED is None:
        return None
    path = SHARED / "image-sizes" / "official-images.tsv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["image"] == image and row["tag"] == tag and row["arch"] == arch:
                return int(row["compressed_bytes"])
    return None


def stage_doc() -> str:
    lines = [f"FROM {image} AS s{i}" for i, image in enumerate(IMAGES)]
    return "\n".join(lines) + "\n"


async def test_image_hover_shows_the_catalog_sizes(client: LanguageClient) -> None:
    text = stage_doc()
    uri = open_document(client, text)
    for line, image in enumerate(IMAGES):
        result = await hover_at(client, uri, text, line, len("FROM ") + 2)
        shown = value(result)
        assert result is not None and isinstance(result.contents, lsp.MarkupContent)
        assert result.contents.kind == lsp.MarkupKind.Markdown
        row = text.split("\n")[line]
        start = len("FROM ")
        assert result.range == lsp.Range(
            lsp.Position(line, column(client, row, start)),
            lsp.Position(line, column(client, row, start + len(image))),
        )
        if image == "scratch":
            assert "0 B download" in shown
            assert "empty image" in shown
            continue
        for platform, size, layers, date in catalog_rows(image):
            label = "any platform" if platform == "any" else platform
            approx = "≈ " if image.startswith("gcr.io/") else ""
            layer_cell = str(layers) if layers is not None else "—"
            cells = f"| {label} | {approx}{size} | {layer_cell} | {date or '—'} |"
            assert cells in shown, (image, cells, shown)
        assert "**Source:** catalog" in shown
        assert "**On disk (estimate):**" in shown


async def test_shown_sizes_match_the_shared_figures(client: LanguageClient) -> None:
    """The same check against the research data in ../shared (skipped per image without it)."""
    text = stage_doc()
    uri = open_document(client, text)
    checked = 0
    for line, image in enumerate(IMAGES[:4]):
        name, tag = image.split(":")
        expected = shared_bytes(name, tag, "amd64")
        if expected is None:
            continue
        shown = value(await hover_at(client, uri, text, line, len("FROM ")))
        assert f"| linux/amd64 | {format_size(expected)} |" in shown
        checked += 1
    if SHARED is not None:
        assert checked == 4


async def test_lighter_variants_and_what_they_save(client: LanguageClient) -> None:
    text = "FROM node:20 AS build\n"
    uri = open_document(client, text)
    shown = value(await hover_at(client, uri, text, 0, 7))
    full, small = (amd64_bytes("node:20"), amd64_bytes("node:20-alpine"))
    saved = format_size(full - small)
    assert f"- `node:20-alpine` {format_size(small)}, {saved} less" in shown
    assert f"| linux/amd64 | {format_size(full)} |" in shown


async def test_arg_defaults_are_expanded(client: LanguageClient) -> None:
    text = "ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-alpine AS web\n"
    uri = open_document(client, text)
    shown = value(await hover_at(client, uri, text, 1, len("FROM node:${")))
    platform, size, layers, date = catalog_rows("node:20-alpine")[0]
    assert f"| {platform} | {size} | {layers} | {date} |" in shown
    assert "`node:${NODE_VERSION}-alpine` is `node:20-alpine`" in shown


async def test_build_arg_without_default(client: LanguageClient) -> None:
    text = "ARG BASE\nFROM ${BASE}\n"
    uri = open_document(client, text)
    shown = value(await hover_at(client, uri, text, 1, 6))
    assert "chosen at build time" in shown
    assert "`BASE`" in shown


async def test_unknown_tag_is_an_estimate_from_the_closest_tag(client: LanguageClient) -> None:
    text = "FROM node:20.99.1-alpine\n"
    uri = open_document(client, text)
    shown = value(await hover_at(client, uri, text, 0, 6))
    ref = parse_image_ref("node:20.99.1-alpine")
    assert ref is not None
    match = load_catalog().lookup(ref)
    assert match is not None and not match.exact
    assert "**Estimate:**" in shown
    assert f"closest known tag `{match.matched_ref}`" in shown
    size = match.platforms[0]
    assert f"| {size.platform} | ≈ {format_size(size.compressed_bytes)} |" in shown


async def test_copy_and_mount_from_an_image(client: LanguageClient) -> None:
    text = (
        "FROM golang:1.22 AS build\n"
        "RUN --mount=type=bind,from=python:3.12-slim,target=/py true\n"
        "FROM scratch\n"
        "COPY --from=gcr.io/distroless/static /etc/passwd /etc/passwd\n"
        "COPY --from=build /out /app\n"
    )
    uri = open_document(client, text)
    mount = value(await hover_at(client, uri, text, 1, text.split("\n")[1].index("python") + 3))
    platform, size, layers, date = catalog_rows("python:3.12-slim")[0]
    assert f"| {platform} | {size} | {layers} | {date} |" in mount
    copy = value(await hover_at(client, uri, text, 3, len("COPY --from=gcr")))
    assert "**`gcr.io/distroless/static`**" in copy
    # A stage reference is not an image: it gets the stage summary.
    stage = value(await hover_at(client, uri, text, 4, len("COPY --from=b")))
    assert stage.startswith("**Stage `build`**")


async def test_stage_name_hover(client: LanguageClient) -> None:
    text = (
        "FROM golang:1.22 AS build\n"
        "RUN go build -o /out ./...\n"
        "FROM build AS test\n"
        "RUN go test ./...\n"
        "FROM gcr.io/distroless/static AS runtime\n"
        "COPY --from=build /out /app\n"
    )
    uri = open_document(client, text)
    golang = catalog_rows("golang:1.22")[0][1]
    on_name = await hover_at(client, uri, text, 0, len("FROM golang:1.22 AS b"))
    shown = value(on_name)
    assert on_name is not None
    assert on_name.range.start == lsp.Position(0, len("FROM golang:1.22 AS "))
    assert shown.startswith("**Stage `build`** (index 0; 3 stages)")
    assert f"**Base image:** `golang:1.22` — {golang} download (linux/amd64)" in shown
    assert "- `test` (FROM)" in shown
    assert "- `runtime` (COPY --from)" in shown
    # On a FROM that names the stage: the stage built on it shows the chain.
    on_from = value(await hover_at(client, uri, text, 4, 5))
    assert "**`gcr.io/distroless/static`**" in on_from
    test_stage = value(await hover_at(client, uri, text, 2, len("FROM build AS te")))
    assert f"**Base:** stage `build`, built on `golang:1.22` — {golang}" in test_stage
    assert "Not built by default: only with `--target test`." in test_stage
    runtime = value(await hover_at(client, uri, text, 4, len("FROM gcr.io/distroless/static AS r")))
    assert "- stage `build` (COPY --from)" in runtime
    assert "Final stage" in runtime


async def test_platforms_follow_the_setting(client: LanguageClient) -> None:
    text = "FROM golang:1.22\n"
    uri = open_document(client, text)
    assert "| linux/amd64 |" in value(await hover_at(client, uri, text, 0, 6))
    settings = {"registry": {"enabled": False, "platforms": ["linux/arm64"]}}
    client.set_configuration(settings, section="msbLsp")
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"msbLsp": settings})
    )
    for _ in range(200):
        shown = value(await hover_at(client, uri, text, 0, 6))
        if "| linux/amd64 |" not in shown:
            break
        await asyncio.sleep(0.02)
    arm = [row for row in catalog_rows("golang:1.22") if row[0] == "linux/arm64"]
    [(platform, size, layers, date)] = arm
    assert f"| {platform} | {size} | {layers} | {date} |" in shown
    assert "| linux/amd64 |" not in shown


async def test_nothing_to_say_elsewhere(client: LanguageClient) -> None:
    text = "FROM node:20\nRUN npm ci\n"
    uri = open_document(client, text)
    assert await hover_at(client, uri, text, 1, 5) is None
    assert await hover_at(client, uri, text, 0, 1) is None  # the keyword is not an image


async def test_variable_hover_shows_its_value_there(client: LanguageClient) -> None:
    text = (
        "ARG NODE_VERSION=20\n"
        "FROM node:${NODE_VERSION}-alpine AS app\n"
        "ARG APP_USER=node\n"
        "ENV APP_HOME=/srv/app \\\n"
        "    DATA=${APP_HOME}/data\n"
        "WORKDIR ${APP_HOME}\n"
        "CMD echo $APP_USER $MISSING\n"
    )
    uri = open_document(client, text)
    use = await hover_at(client, uri, text, 5, len("WORKDIR ${APP"))
    assert use is not None
    assert use.range.start == lsp.Position(5, len("WORKDIR ${"))
    assert use.range.end == lsp.Position(5, len("WORKDIR ${APP_HOME"))
    assert value(use).startswith("**`APP_HOME`** = `/srv/app`")
    assert "Set by ENV on line 4 (stage app)." in value(use)
    # An ENV pair sees the values from before the ENV: DATA's APP_HOME is not set yet.
    data = value(await hover_at(client, uri, text, 4, len("    DA")))
    assert data.startswith("**`DATA`** = `${APP_HOME}/data`")
    assert "Known only at build time: `APP_HOME`" in data
    key = value(await hover_at(client, uri, text, 2, len("ARG APP_")))
    assert key.startswith("**`APP_USER`** = `node`")
    assert "the container does not see it" in key
    # In FROM the image hover answers (with the ARG expanded); the global ARG's own key:
    assert value(await hover_at(client, uri, text, 1, len("FROM node:${NODE_V"))).startswith(
        "**`node:20-alpine`**"
    )
    glob = value(await hover_at(client, uri, text, 0, len("ARG NODE_V")))
    assert glob.startswith("**`NODE_VERSION`** = `20`")
    # Build arguments are not in the running container; unknown names expand to nothing.
    runtime = value(await hover_at(client, uri, text, 6, len("CMD echo $APP_U")))
    assert "the running container does not see it" in runtime
    missing = value(await hover_at(client, uri, text, 6, len("CMD echo $APP_USER $MI")))
    assert "is not defined here" in missing


# -- a client that only renders plain text ---------------------------------------------------

PLAIN = ClientServerConfig(
    server_command=[sys.executable, "-m", "msb_lsp"], server_env={"MSB_LSP_OFFLINE": "1"}
)


@pytest_lsp.fixture(config=PLAIN)
async def plain_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    capabilities = client_capabilities("neovim")
    assert capabilities.text_document is not None
    capabilities.text_document.hover = lsp.HoverClientCapabilities(
        content_format=[lsp.MarkupKind.PlainText]
    )
    result = await lsp_client.initialize_session(lsp.InitializeParams(capabilities=capabilities))
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_plain_text_for_clients_without_markdown(plain_client: LanguageClient) -> None:
    text = "FROM node:20 AS app\nCOPY --from=app /a /b\n"
    uri = open_document(plain_client, text)
    result = await hover_at(plain_client, uri, text, 0, 6)
    assert result is not None and isinstance(result.contents, lsp.MarkupContent)
    assert result.contents.kind == lsp.MarkupKind.PlainText
    shown = result.contents.value
    platform, size, layers, date = catalog_rows("node:20")[0]
    assert shown.startswith("node:20 — compressed download size")
    line = next(row for row in shown.splitlines() if row.startswith(platform))
    assert line.split() == [platform, *size.split(), str(layers), str(date)]
    assert "**" not in shown and "`" not in shown and "|" not in shown
    stage = await hover_at(plain_client, uri, text, 1, len("COPY --from=a"))
    assert stage is not None and isinstance(stage.contents, lsp.MarkupContent)
    assert stage.contents.kind == lsp.MarkupKind.PlainText
    assert stage.contents.value.startswith("Stage app (index 0; 1 stage)")
