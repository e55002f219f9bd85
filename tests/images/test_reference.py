"""Image references follow Docker's normalization and keep exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msb_lsp.images.reference import ImageRef, has_variables, parse_image_ref

DIGEST = "sha256:" + "a" * 64


def parse(text: str) -> ImageRef:
    ref = parse_image_ref(text)
    assert ref is not None, text
    return ref


# text → (registry, repository, tag as written, digest)
NORMALIZATION = [
    ("node", "docker.io", "library/node", None, None),
    ("node:20", "docker.io", "library/node", "20", None),
    ("library/node", "docker.io", "library/node", None, None),
    ("docker.io/node", "docker.io", "library/node", None, None),
    ("docker.io/library/node:20-alpine", "docker.io", "library/node", "20-alpine", None),
    ("index.docker.io/node", "docker.io", "library/node", None, None),
    ("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", None),
    ("localhost/x", "localhost", "x", None, None),
    ("localhost:5000/x", "localhost:5000", "x", None, None),
    ("localhost:5000/x:1.0", "localhost:5000", "x", "1.0", None),
    ("127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000", "a/b/c", "t", None),
    ("[::1]:5000/x", "[::1]:5000", "x", None, None),
    ("gcr.io/distroless/static", "gcr.io", "distroless/static", None, None),
    (
        "gcr.io/distroless/static-debian12:nonroot",
        "gcr.io",
        "distroless/static-debian12",
        "nonroot",
        None,
    ),
    ("mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com", "dotnet/sdk", "8.0", None),
    ("ghcr.io/owner/img", "ghcr.io", "owner/img", None, None),
    # Upper case in the first component makes it a registry host (docker does the same).
    ("Registry/img", "Registry", "img", None, None),
    (f"node@{DIGEST}", "docker.io", "library/node", None, DIGEST),
    (f"node:20@{DIGEST}", "docker.io", "library/node", "20", DIGEST),
    (f"localhost:5000/x:1@{DIGEST}", "localhost:5000", "x", "1", DIGEST),
    ("team/a__b.c-d", "docker.io", "team/a__b.c-d", None, None),
]


@pytest.mark.parametrize(("text", "registry", "repository", "tag", "digest"), NORMALIZATION)
def test_docker_normalization(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None
) -> None:
    ref = parse(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        registry,
        repository,
        tag,
        digest,
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "node 20",
        " node",
        "Node:20",  # upper-case repository
        "docker.io/Library/node",
        "node:",
        "node:-x",
        ":20",
        "node@sha256:abc",  # digest too short
        "node@sha256:" + "A" * 64,  # go-digest wants lower-case hex
        "node@md5:" + "a" * 32,  # unsupported algorithm
        "a" * 64,  # a bare 64-hex name would be taken for an image ID
        "node/",
        "/node",
        "node//x",
        "node:" + "t" * 129,
        "-node",
        "node_",
        "reg istry.io/x",
        "$BASE",
        "node:${VERSION}",
        "x/" + "a" * 260,
    ],
)
def test_invalid_references(text: str) -> None:
    assert parse_image_ref(text) is None


def test_offsets_of_every_part() -> None:
    text = f"localhost:5000/team/app:1.2@{DIGEST}"
    ref = parse(text)
    assert ref.registry_range == (0, 14)
    assert text[slice(*ref.registry_range)] == "localhost:5000"
    assert text[slice(*ref.name_range)] == "team/app"
    assert ref.tag_range is not None and text[slice(*ref.tag_range)] == "1.2"
    assert ref.digest_range is not None and text[slice(*ref.digest_range)] == DIGEST
    assert text[slice(*ref.full_name_range)] == "localhost:5000/team/app"


def test_offsets_without_registry_tag_or_digest() -> None:
    ref = parse("node")
    assert ref.registry_range is None
    assert ref.name_range == (0, 4)
    assert ref.tag_range is None and ref.digest_range is None
    ref = parse("docker.io/node:20")
    assert ref.registry_range == (0, 9)
    assert ref.name_range == (10, 14)
    assert ref.tag_range == (15, 17)


def test_offsets_count_code_points_not_bytes() -> None:
    # Tags are ASCII, but the caller's text is indexed in code points; nothing here may
    # depend on UTF-8 lengths.
    text = "node:20"
    ref = parse(text)
    assert ref.tag_range == (5, 7)


def test_helpers() -> None:
    assert parse("node").short_name == "node"
    assert parse("docker.io/library/node").short_name == "node"
    assert parse("bitnami/redis").short_name == "bitnami/redis"
    assert parse("gcr.io/distroless/static").short_name == "gcr.io/distroless/static"
    assert parse("node").effective_tag == "latest"
    assert parse("node:20").effective_tag == "20"
    assert parse("docker.io/node:20-alpine").display() == "node:20-alpine"
    assert parse(f"node@{DIGEST}").display() == "node@sha256:aaaaaaaaaaaa"
    assert parse(f"node@{DIGEST}").display(abbreviate_digest=False) == f"node@{DIGEST}"
    assert parse("node").canonical == "docker.io/library/node:latest"
    assert parse(f"node@{DIGEST}").canonical == f"docker.io/library/node@{DIGEST}"
    assert parse("node").is_official and not parse("bitnami/redis").is_official
    assert parse("node:20").with_tag("20-alpine").display() == "node:20-alpine"


def test_scratch_is_only_the_exact_word() -> None:
    assert parse("scratch").is_scratch
    assert not parse("scratch:latest").is_scratch
    assert not parse("library/scratch").is_scratch


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("node:${VERSION}", True),
        ("$BASE", True),
        ("${REGISTRY}/app", True),
        ("node:20", False),
        ("node:\\$x", False),  # escaped
        ("cost$", False),
    ],
)
def test_has_variables(text: str, expected: bool) -> None:
    assert has_variables(text) is expected


_component = st.from_regex(r"[a-z0-9]{1,8}(?:[_-][a-z0-9]{1,5}){0,2}", fullmatch=True)
_tag = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)


@given(
    registry=st.sampled_from(["", "gcr.io/", "localhost:5000/", "my-reg.example.com:443/"]),
    path=st.lists(_component, min_size=1, max_size=3),
    tag=st.one_of(st.none(), _tag),
    digest=st.one_of(st.none(), st.from_regex(r"[0-9a-f]{64}", fullmatch=True)),
)
def test_ranges_slice_back_to_parts(
    registry: str, path: list[str], tag: str | None, digest: str | None
) -> None:
    text = registry + "/".join(path)
    if tag is not None:
        text += f":{tag}"
    if digest is not None:
        text += f"@sha256:{digest}"
    ref = parse_image_ref(text)
    assert ref is not None
    assert text[slice(*ref.name_range)] == "/".join(path)
    if registry:
        assert ref.registry_range is not None
        assert text[slice(*ref.registry_range)] == registry.rstrip("/")
    if tag is not None:
        assert ref.tag_range is not None and text[slice(*ref.tag_range)] == tag
    if digest is not None:
        assert ref.digest_range is not None
        assert text[slice(*ref.digest_range)] == f"sha256:{digest}"
