"""Toolchain detection, ecosystems and runtime alternatives."""

from __future__ import annotations

import pytest

from msb_lsp.images.families import (
    ecosystem,
    is_toolchain_image,
    runtime_alternatives,
    sized_runtime_alternatives,
    toolchain_reason,
)
from msb_lsp.images.reference import ImageRef, parse_image_ref


def ref(text: str) -> ImageRef:
    parsed = parse_image_ref(text)
    assert parsed is not None
    return parsed


@pytest.mark.parametrize(
    "text",
    [
        "golang:1.22",
        "golang:1.22-alpine",
        "rust:1",
        "rust:slim",
        "gcc:14",
        "maven:3-eclipse-temurin-21",
        "gradle:8-jdk21",
        "openjdk:21",
        "eclipse-temurin:21-jdk",
        "eclipse-temurin:21",  # the default flavor is the JDK
        "amazoncorretto:21",
        "ibm-semeru-runtimes:open-21-jdk",
        "node",
        "node:20",
        "node:20-bookworm",
        "node:lts",
        "python:3.12",
        "python:3.12-bookworm",
        "mcr.microsoft.com/dotnet/sdk:8.0",
        "caddy:2-builder",
        "swift:6.0",
        "buildpack-deps:bookworm",
    ],
)
def test_toolchain_images(text: str) -> None:
    assert is_toolchain_image(ref(text))
    assert toolchain_reason(ref(text))


@pytest.mark.parametrize(
    "text",
    [
        "node:20-alpine",
        "node:20-slim",
        "node:20-bookworm-slim",
        "python:3.12-slim",
        "python:3.12-alpine",
        "eclipse-temurin:21-jre",
        "eclipse-temurin:21-jre-alpine",
        "ibm-semeru-runtimes:open-21-jre",
        "mcr.microsoft.com/dotnet/aspnet:8.0",
        "alpine:3.19",
        "debian:bookworm-slim",
        "scratch",
        "gcr.io/distroless/static-debian12",
        "nginx:alpine",
        "swift:slim",
    ],
)
def test_runtime_images(text: str) -> None:
    assert not is_toolchain_image(ref(text))
    assert toolchain_reason(ref(text)) is None
    assert runtime_alternatives(ref(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("node:20", "node"),
        ("gcr.io/distroless/nodejs20-debian12", "node"),
        ("golang:1.22", "go"),
        ("python:3.12-slim", "python"),
        ("gcr.io/distroless/python3-debian12", "python"),
        ("rust:1", "rust"),
        ("maven:3", "java"),
        ("eclipse-temurin:21-jre", "java"),
        ("gcr.io/distroless/java21-debian12", "java"),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "dotnet"),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", "dotnet"),
        ("alpine:3.19", None),
        ("nginx", None),
        ("bitnami/node", None),
    ],
)
def test_ecosystem(text: str, expected: str | None) -> None:
    assert ecosystem(ref(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("node:20", ["node:20-alpine", "node:20-slim", "gcr.io/distroless/nodejs20-debian12"]),
        ("node:lts", ["node:lts-alpine", "node:lts-slim"]),
        ("node", ["node:alpine", "node:slim"]),
        ("node:22-bookworm", ["node:22-alpine", "node:22-bookworm-slim"]),
        ("python:3.12", ["python:3.12-slim", "python:3.12-alpine"]),
        ("python:3.12-bookworm", ["python:3.12-slim-bookworm", "python:3.12-alpine"]),
        ("golang:1.22-alpine3.19", ["scratch", "gcr.io/distroless/static-debian12", "alpine:3.19"]),
        (
            "maven:3-eclipse-temurin-21",
            ["eclipse-temurin:21-jre", "eclipse-temurin:21-jre-alpine",
             "gcr.io/distroless/java21-debian12"],
        ),
        ("eclipse-temurin:17-jdk", ["eclipse-temurin:17-jre", "eclipse-temurin:17-jre-alpine"]),
        ("gradle:8-jdk17", ["eclipse-temurin:17-jre", "eclipse-temurin:17-jre-alpine"]),
        (
            "mcr.microsoft.com/dotnet/sdk:8.0",
            ["mcr.microsoft.com/dotnet/aspnet:8.0", "mcr.microsoft.com/dotnet/runtime:8.0",
             "mcr.microsoft.com/dotnet/runtime-deps:8.0"],
        ),
        ("rust:1-bookworm", ["debian:bookworm-slim", "gcr.io/distroless/cc-debian12"]),
        ("rust:1", ["debian:trixie-slim", "gcr.io/distroless/cc-debian13"]),
        ("rust:1-alpine", ["scratch", "alpine:3.23"]),
        ("cgr.dev/chainguard/python:latest-dev", ["cgr.dev/chainguard/python:latest"]),
    ],
)  # fmt: skip
def test_runtime_alternatives(text: str, expected: list[str]) -> None:
    assert runtime_alternatives(ref(text)) == expected


def test_golang_gets_scratch_distroless_and_the_newest_pinned_alpine() -> None:
    alternatives = runtime_alternatives(ref("golang:1.22"))
    assert alternatives[:2] == ["scratch", "gcr.io/distroless/static-debian12"]
    alpine = ref(alternatives[2])
    assert alpine.short_name == "alpine" and alpine.tag is not None
    assert alpine.tag[0].isdigit()  # a pinned version, not `latest`


def test_alternatives_carry_catalog_sizes() -> None:
    sized = {a.ref: a for a in sized_runtime_alternatives(ref("node:20"))}
    assert sized["node:20-alpine"].compressed_bytes == 47_955_597
    assert sized["node:20-alpine"].exact and not sized["node:20-alpine"].approximate
    distroless = sized["gcr.io/distroless/nodejs20-debian12"]
    assert distroless.approximate and distroless.compressed_bytes is not None
    scratch = sized_runtime_alternatives(ref("golang:1.22"))[0]
    assert (scratch.ref, scratch.compressed_bytes, scratch.exact) == ("scratch", 0, True)


def test_alternatives_without_a_catalog_figure_say_so() -> None:
    [_, cc] = sized_runtime_alternatives(ref("rust:1"))
    assert cc.ref == "gcr.io/distroless/cc-debian13"
    assert cc.compressed_bytes is None and cc.matched_ref is None
