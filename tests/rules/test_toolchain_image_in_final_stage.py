"""MSB201 toolchain-image-in-final-stage."""

from __future__ import annotations

from msb_lsp.images.catalog import format_size, load_catalog
from msb_lsp.images.reference import parse_image_ref
from msb_lsp.model import parse
from msb_lsp.rules.base import Severity
from tests.rules.helpers import findings, fixed

CODE = "MSB201"


def flagged(text: str, **options: object) -> list[str]:
    source = parse(text).source
    return [source.text_at(f.span) for f in findings(text, CODE, **options)]


def size(ref: str) -> str:
    parsed = parse_image_ref(ref)
    assert parsed is not None
    match = load_catalog().lookup(parsed)
    assert match is not None and match.exact
    figure = match.preferred()
    assert figure is not None
    return format_size(figure.compressed_bytes)


def saved(image: str, runtime: str) -> str:
    figures = []
    for ref in (image, runtime):
        parsed = parse_image_ref(ref)
        assert parsed is not None
        match = load_catalog().lookup(parsed)
        assert match is not None and match.exact
        figure = match.preferred()
        assert figure is not None
        figures.append(figure.compressed_bytes)
    assert figures[0] > figures[1]
    return format_size(figures[0] - figures[1])


NODE_APP = """\
FROM node:20 AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM node:20
WORKDIR /app
COPY --from=build /app/dist ./dist
CMD ["node", "dist/server.js"]
"""


def test_catches_a_full_node_image_with_catalog_sizes() -> None:
    (finding,) = findings(NODE_APP, CODE)
    assert finding.severity is Severity.WARNING
    assert flagged(NODE_APP) == ["node:20"]
    assert finding.span.start.line == 5
    assert finding.message == (
        f"final stage runs on 'node:20' ({size('node:20')}): the full node image includes "
        f"compilers and build tools; 'node:20-alpine' ({size('node:20-alpine')}), "
        f"'node:20-slim' ({size('node:20-slim')}) or 'gcr.io/distroless/nodejs20-debian12' "
        f"({size('gcr.io/distroless/nodejs20-debian12')}) would be smaller"
    )


def test_fix_swaps_to_the_slim_variant_and_is_unsafe() -> None:
    (finding,) = findings(NODE_APP, CODE)
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.title == (
        f"Use 'node:20-slim' ({size('node:20-slim')}, saves {saved('node:20', 'node:20-slim')}) "
        "instead of 'node:20'"
    )
    assert fixed(NODE_APP, CODE) == NODE_APP.replace(
        "FROM node:20\nWORKDIR", "FROM node:20-slim\nWORKDIR"
    )


def test_like_for_like_fixes_keep_release_and_spelling() -> None:
    cases = {
        "python:3.12-bookworm": "python:3.12-slim-bookworm",
        "node:20-bookworm": "node:20-bookworm-slim",
        "docker.io/library/node:lts": "docker.io/library/node:lts-slim",
        "ruby:3.3": "ruby:3.3-slim",
        "eclipse-temurin:21-jdk-jammy": "eclipse-temurin:21-jre-jammy",
        "mcr.microsoft.com/dotnet/sdk:8.0": "mcr.microsoft.com/dotnet/aspnet:8.0",
    }
    for image, runtime in cases.items():
        text = f'FROM {image}\nCMD ["app"]\n'
        assert fixed(text, CODE) == f'FROM {runtime}\nCMD ["app"]\n', image


def test_go_and_rust_images_have_no_fix_but_name_runtime_images() -> None:
    text = 'FROM golang:1.22\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    (finding,) = findings(text, CODE)
    assert finding.fix is None
    assert "'scratch' (0 B)" in finding.message
    assert "'gcr.io/distroless/static-debian12'" in finding.message
    text = 'FROM rust:1.80\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    (finding,) = findings(text, CODE)
    assert finding.fix is None
    assert "rust images contain the Rust toolchain" in finding.message


def test_catches_a_final_stage_built_from_a_toolchain_stage() -> None:
    text = (
        "FROM maven:3-eclipse-temurin-21 AS build\n"
        "RUN mvn -B package\n"
        "FROM build\n"
        'ENTRYPOINT ["java", "-jar", "/app.jar"]\n'
    )
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["build"]
    assert finding.message.startswith(
        "final stage is based on stage 'build', which runs on 'maven:3-eclipse-temurin-21'"
    )
    assert finding.fix is None  # the fix belongs to the base stage, which builds
    (related,) = finding.related
    assert parse(text).source.text_at(related.span) == "maven:3-eclipse-temurin-21"


def test_expands_global_args_and_marks_estimates() -> None:
    text = 'ARG NODE=node\nFROM ${NODE}\nCMD ["node", "main.js"]\n'
    (finding,) = findings(text, CODE)
    assert flagged(text) == ["${NODE}"]
    assert finding.message.startswith("final stage runs on 'node' (≈ ")  # latest: an estimate
    assert finding.fix is None  # no tag written: nothing to swap like for like


def test_catches_a_target_stage_named_elsewhere() -> None:
    text = (
        "FROM python:3.12 AS api\n"
        'CMD ["gunicorn", "app:app"]\n'
        "FROM python:3.12-slim\n"
        'CMD ["python", "worker.py"]\n'
    )
    assert flagged(text) == []
    assert flagged(text, targets=("api",)) == ["python:3.12"]
    assert findings(text, CODE, targets=("api",))[0].message.startswith(
        "target stage 'api' runs on 'python:3.12'"
    )


def test_does_not_catch_runtime_images_builders_or_base_images() -> None:
    quiet = [
        # Runtime images.
        'FROM node:20-alpine\nCMD ["node", "a.js"]\n',
        'FROM python:3.12-slim\nCMD ["python", "a.py"]\n',
        'FROM eclipse-temurin:21-jre\nCMD ["java", "-jar", "a.jar"]\n',
        'FROM scratch\nCOPY a /a\nENTRYPOINT ["/a"]\n',
        # A toolchain in a builder stage only.
        'FROM golang:1.22 AS b\nRUN go build -o /a\nFROM scratch\nCOPY --from=b /a /a\nCMD ["/a"]\n',
        # Images meant to be built upon: no command, or a shell/interpreter command.
        "FROM golang:1.22\nRUN go install example.com/tool@v1\n",
        'FROM python:3.12\nCMD ["python3"]\n',
        "FROM node:20\nONBUILD COPY . /app\n",
        # Development and test stages, also as the last stage.
        'FROM node:20 AS dev\nCMD ["npm", "run", "dev"]\n',
        'FROM golang:1.22 AS lint\nCMD ["golangci-lint", "run"]\n',
        'FROM golang:1.22 AS test\nFROM test AS ci-run\nCMD ["go", "test"]\n',
        # Unknown image: an ARG without a default.
        'ARG IMAGE\nFROM ${IMAGE}\nCMD ["a"]\n',
    ]
    for text in quiet:
        assert findings(text, CODE) == [], text
    # A development target named elsewhere is not a shipped image either.
    text = 'FROM golang:1.22 AS dev\nCMD ["go", "run", "."]\nFROM scratch\n'
    assert findings(text, CODE, targets=("dev",)) == []


def test_fix_title_says_what_the_slim_variant_saves() -> None:
    text = 'FROM python:3.12\nCMD ["python", "app.py"]\n'
    (finding,) = findings(text, CODE)
    assert finding.fix is not None
    expected = saved("python:3.12", "python:3.12-slim")
    assert f"saves {expected})" in finding.fix.title
    assert finding.fix.title.startswith(f"Use 'python:3.12-slim' ({size('python:3.12-slim')}, ")
    assert fixed(text, CODE) == 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'
