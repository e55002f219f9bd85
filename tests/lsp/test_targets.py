"""Build targets outside Dockerfiles through a real client (VS Code and Neovim profiles, UTF-16
and UTF-8): compose, bake, script, Makefile and workflow files under a temporary folder with
real files, opened with file URIs; completion, diagnostics (did-you-mean), definition, hover,
the open Dockerfile winning over the disk, and a quick fix from the diagnostic."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.support import column, diagnostics, pull_mode

DOCKERFILE = (
    "# syntax=docker/dockerfile:1\n"
    "FROM golang:1.22 AS build\n"
    "RUN go build -o /out/app\n"
    "FROM alpine:3.20 AS Runtime\n"
    "COPY --from=build /out/app /app\n"
)
STAGES = ["build", "runtime"]

# CRLF line ends and non-ASCII text on the lines that carry targets.
COMPOSE_LINES = [
    "services:",
    "  web:",
    '    build: {args: {NOTE: "é 🐳"}, context: ./app, target: runtme}  # café',
    "  api:",
    "    build:",
    "      context: app",
    '      target: "buil" # é',
    "  worker:",
    "    build:",
    "      context: ./nowhere",
    "      target: build",
    "  blank:",
    "    build:",
    "      context: app",
    "      target: ",
]
COMPOSE = "\r\n".join(COMPOSE_LINES) + "\r\n"


def write_project(root: Path) -> Path:
    (root / "app").mkdir()
    (root / "app" / "Dockerfile").write_text(DOCKERFILE)
    return root / "app" / "Dockerfile"


def open_file(client: LanguageClient, path: Path, text: str, language_id: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, newline="")
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id=language_id, version=1, text=text
            )
        )
    )
    return uri


def at(client: LanguageClient, lines: list[str], line: int, col: int) -> lsp.Position:
    return lsp.Position(line, column(client, lines[line], col))


def rng(client: LanguageClient, lines: list[str], line: int, start: int, end: int) -> lsp.Range:
    return lsp.Range(at(client, lines, line, start), at(client, lines, line, end))


async def complete(
    client: LanguageClient, uri: str, position: lsp.Position
) -> list[lsp.CompletionItem]:
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, lsp.CompletionList) else result)


async def definition(
    client: LanguageClient, uri: str, position: lsp.Position
) -> list[lsp.Location]:
    result = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)
    )
    if result is None:
        return []
    return [
        r for r in (result if isinstance(result, list) else [result]) if isinstance(r, lsp.Location)
    ]


async def hover_text(client: LanguageClient, uri: str, position: lsp.Position) -> str | None:
    result = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)
    )
    if result is None:
        return None
    assert isinstance(result.contents, lsp.MarkupContent)
    return result.contents.value


async def test_compose_diagnostics_with_did_you_mean_and_missing_dockerfile(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_project(tmp_path)
    uri = open_file(client, tmp_path / "compose.yaml", COMPOSE, "dockercompose")
    items = await diagnostics(client, uri)
    by_line = {d.range.start.line: d for d in items}
    assert sorted(by_line) == [2, 6, 9]

    web = by_line[2]
    start = COMPOSE_LINES[2].index("runtme")
    assert web.range == rng(client, COMPOSE_LINES, 2, start, start + len("runtme"))
    assert web.message == 'target stage "runtme" could not be found (did you mean runtime?)'
    assert web.code == "MSB401"
    assert web.source == "msb-lsp"
    assert web.severity == lsp.DiagnosticSeverity.Error
    assert web.code_description is not None
    assert web.code_description.href.endswith("/target-not-found.md")
    assert web.related_information is not None
    related = web.related_information[0]
    assert related.location.uri == (tmp_path / "app" / "Dockerfile").as_uri()
    assert related.location.range.start == lsp.Position(3, 0)  # the final stage's FROM
    assert related.message == "named stages in Dockerfile: build, runtime"

    api = by_line[6]
    start = COMPOSE_LINES[6].index("buil")
    assert api.range == rng(client, COMPOSE_LINES, 6, start, start + 4)  # inside the quotes
    assert api.message.endswith("(did you mean build?)")

    worker = by_line[9]
    start = COMPOSE_LINES[9].index("./nowhere")
    assert worker.code == "MSB402"
    assert worker.severity == lsp.DiagnosticSeverity.Warning
    assert worker.range == rng(client, COMPOSE_LINES, 9, start, start + len("./nowhere"))
    assert worker.message == f"Dockerfile not found: {tmp_path / 'nowhere' / 'Dockerfile'}"


async def test_compose_completion_definition_and_hover(
    client: LanguageClient, tmp_path: Path
) -> None:
    dockerfile = write_project(tmp_path)
    uri = open_file(client, tmp_path / "docker-compose.yml", COMPOSE, "yaml")

    start = COMPOSE_LINES[2].index("runtme")
    items = await complete(client, uri, at(client, COMPOSE_LINES, 2, start + 3))
    assert [i.label for i in items] == STAGES
    edit = items[1].text_edit
    assert isinstance(edit, lsp.TextEdit)
    assert edit.range == rng(client, COMPOSE_LINES, 2, start, start + len("runtme"))
    assert edit.new_text == "runtime"
    assert items[1].detail == "stage 1 (final) · FROM alpine:3.20"

    # An empty `target: ` gets the names inserted at the cursor.
    line = COMPOSE_LINES[14]
    items = await complete(client, uri, at(client, COMPOSE_LINES, 14, len(line)))
    assert [i.label for i in items] == STAGES
    edit = items[0].text_edit
    assert isinstance(edit, lsp.TextEdit)
    assert edit.range == rng(client, COMPOSE_LINES, 14, len(line), len(line))

    # Elsewhere in the compose file: nothing from this feature.
    assert await complete(client, uri, at(client, COMPOSE_LINES, 5, 16)) == []

    # Definition and hover on a target that names a stage (`build` of the worker is missing,
    # so use the api service after fixing its value in the editor).
    fixed = COMPOSE.replace('target: "buil"', 'target: "Build"')
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    lines = fixed.split("\r\n")
    col = lines[6].index("Build") + 2
    locations = await definition(client, uri, at(client, lines, 6, col))
    assert locations == [
        lsp.Location(
            dockerfile.as_uri(),
            lsp.Range(lsp.Position(1, 20), lsp.Position(1, 25)),  # `build` in FROM ... AS build
        )
    ]
    text = await hover_text(client, uri, at(client, lines, 6, col))
    assert text is not None
    assert 'Target of service "api":' in text
    assert "app/Dockerfile" in text
    assert "line 2" in text
    assert "golang:1.22" in text
    assert "Used by:" in text and "runtime" in text


async def test_open_dockerfile_wins_over_the_disk_and_updates_diagnostics(
    client: LanguageClient, tmp_path: Path
) -> None:
    dockerfile = write_project(tmp_path)
    uri = open_file(client, tmp_path / "compose.yaml", COMPOSE, "dockercompose")
    first = await diagnostics(client, uri)
    assert any(d.message.startswith('target stage "runtme"') for d in first)

    # The Dockerfile is opened with a stage the disk does not have yet.
    edited = DOCKERFILE + "FROM runtime AS runtme\n"
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=dockerfile.as_uri(), language_id="dockerfile", version=1, text=edited
            )
        )
    )
    start = COMPOSE_LINES[2].index("runtme")
    items = await complete(client, uri, at(client, COMPOSE_LINES, 2, start))
    assert [i.label for i in items] == [*STAGES, "runtme"]

    async def current() -> list[lsp.Diagnostic]:
        if pull_mode(client):
            return await diagnostics(client, uri)
        return list(client.diagnostics.get(uri, []))

    for _ in range(200):  # pushed again after the Dockerfile opened (pulled: asked again)
        now = await current()
        if not any(d.message.startswith('target stage "runtme"') for d in now):
            break
        await asyncio.sleep(0.02)
    assert [d.code for d in now] == ["MSB401", "MSB402"]


async def test_bake_hcl_with_non_ascii_labels(client: LanguageClient, tmp_path: Path) -> None:
    dockerfile = write_project(tmp_path)
    lines = [
        "# Bake — café 🐳",
        'target "wéb-🐳" { context = "app", target = "runtim" }',
        'target "base" {',
        '  context = "app"',
        '  target = "Build"',
        "}",
        'target "child" {',
        '  inherits = ["base"]',
        '  dockerfile = "Other.Dockerfile"',
        "}",
        'target "typing" {',
        '  context = "app"',
        "  target = ",
        "}",
    ]
    text = "\n".join(lines) + "\n"
    uri = open_file(client, tmp_path / "docker-bake.hcl", text, "hcl")
    items = await diagnostics(client, uri)
    by_line = {d.range.start.line: d for d in items}
    start = lines[1].index("runtim")
    assert by_line[1].range == rng(client, lines, 1, start, start + len("runtim"))
    assert by_line[1].message == 'target stage "runtim" could not be found (did you mean runtime?)'
    # The child inherits `target` but builds another Dockerfile, which does not exist.
    start = lines[8].index("Other")
    assert by_line[8].code == "MSB402"
    assert by_line[8].message.endswith(str(tmp_path / "app" / "Other.Dockerfile"))
    assert sorted(by_line) == [1, 8]

    locations = await definition(client, uri, at(client, lines, 4, lines[4].index("Build")))
    assert [loc.uri for loc in locations] == [dockerfile.as_uri()]

    # A bare `target = ` gets quoted names.
    items = await complete(client, uri, at(client, lines, 12, len(lines[12])))
    assert [(i.label, i.text_edit.new_text) for i in items if i.text_edit] == [
        ("build", '"build"'),
        ("runtime", '"runtime"'),
    ]


async def test_script_makefile_and_workflow(client: LanguageClient, tmp_path: Path) -> None:
    write_project(tmp_path)
    script = [
        "#!/bin/sh",
        "# Construire l'image — é",
        "docker buildx build \\",
        "  --target=bulid -f app/Dockerfile app",
        'docker build --target "runtime" app  # ok',
        "docker build --target  -f app/Dockerfile app",
    ]
    uri = open_file(client, tmp_path / "build.sh", "\n".join(script) + "\n", "shellscript")
    items = await diagnostics(client, uri)
    assert [(d.range.start.line, d.message) for d in items] == [
        (3, 'target stage "bulid" could not be found (did you mean build?)')
    ]
    # `--target` before another option: a target still to be written, in the blank.
    found = await complete(client, uri, at(client, script, 5, script[5].index("-f") - 1))
    assert [i.label for i in found] == STAGES

    makefile = ["build:", "\t@docker build --target tset -f app/Dockerfile app"]
    uri = open_file(client, tmp_path / "Makefile", "\n".join(makefile) + "\n", "makefile")
    items = await diagnostics(client, uri)
    start = makefile[1].index("tset")
    assert [d.range for d in items] == [rng(client, makefile, 1, start, start + 4)]

    workflow = [
        "on: push",
        "jobs:",
        "  image:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: docker/build-push-action@v6",
        "        with:",
        "          context: app",
        "          target: runtim   # é",
        "      - run: |",
        "          docker build --target biuld app",
    ]
    path = tmp_path / ".github" / "workflows" / "image.yml"
    uri = open_file(client, path, "\n".join(workflow) + "\n", "yaml")
    items = await diagnostics(client, uri)
    assert [(d.range.start.line, d.message.split(" (")[1]) for d in items] == [
        (8, "did you mean runtime?)"),
        (10, "did you mean build?)"),
    ]
    text = await hover_text(client, uri, at(client, workflow, 8, workflow[8].index("runtim")))
    assert text is not None and "No stage" in text and "runtime" in text


async def test_quick_fix_from_the_target_diagnostic(client: LanguageClient, tmp_path: Path) -> None:
    write_project(tmp_path)
    uri = open_file(client, tmp_path / "compose.yaml", COMPOSE, "dockercompose")
    items = await diagnostics(client, uri)
    web = next(d for d in items if d.range.start.line == 2)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=web.range,
            context=lsp.CodeActionContext(diagnostics=[web]),
        )
    )
    assert actions
    titles = [a.title for a in actions]
    assert "Change the target to runtime" in titles
